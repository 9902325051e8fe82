#ifndef CSPAWN_H
#define CSPAWN_H

#include <spawn.h>

/// The GNU extensions the test support's child processes need, which Swift's Glibc module
/// does not expose: a pipe whose ends close on exec, and spawn actions that close every
/// other descriptor and change directory in the child.
int cspawn_pipe_cloexec(int ends[2]);
int cspawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);
int cspawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

#endif
