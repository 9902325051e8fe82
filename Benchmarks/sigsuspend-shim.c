// Loaded (LD_PRELOAD) into the broker only when it runs under valgrind, by
// Benchmarks/count-flow.sh. libdispatch's signal thread calls sigsuspend with a mask it keeps
// in read-only memory (`static const sigset_t`), and valgrind's rt_sigsuspend wrapper writes
// to the mask it is given, so valgrind dies of a SIGSEGV of its own as the broker starts. This
// passes a writable copy instead; the system call is the same.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
