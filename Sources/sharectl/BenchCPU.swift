import ArgumentParser
import Foundation

/// The processes whose CPU time `bench` and `bench-stream` count, read from /proc before and
/// after the measured window: the broker's nodes and, with a PostgreSQL store, the database
/// server with every process it started.
struct BenchCPUOptions: ParsableArguments {
    @Option(name: .customLong("broker-pid"), help: "A broker node's process id, to measure its CPU time from /proc; repeat it for each node of a cluster.")
    var brokerPids: [Int32] = []

    @Option(help: ArgumentHelp(
        "The database server's process id (PostgreSQL's postmaster), to count its CPU time with the broker's.",
        discussion: "Counted: the process itself, every process it started that is running (PostgreSQL's backends, WAL writer, checkpointer and the others) and every one that ended and was waited for (the kernel adds their time to the parent's)."))
    var databasePid: Int32?

    func read() -> CPUReading {
        var reading = CPUReading(nodes: brokerPids.count)
        reading.generator = ProcessCPU.seconds(getpid()) ?? 0
        reading.machine = ProcessCPU.machine()
        for pid in brokerPids {
            reading.broker += ProcessCPU.seconds(pid) ?? 0
            reading.brokerThreads.merge(ProcessCPU.byThreadName(pid), uniquingKeysWith: +)
        }
        if let databasePid {
            let tree = ProcessCPU.tree(databasePid)
            reading.database = tree.values.reduce(0, +)
            reading.databaseProcesses = tree
        }
        return reading
    }
}

/// CPU seconds the measured processes had used at one moment.
struct CPUReading {
    /// The broker processes measured.
    var nodes = 0
    var broker: Double = 0
    /// The broker's threads summed by name over its nodes (`ProcessCPU.byThreadName`).
    var brokerThreads: [String: Double] = [:]
    /// The database server's processes in all; nil when none is measured.
    var database: Double?
    /// The same by kind of process (`ProcessCPU.tree`).
    var databaseProcesses: [String: Double] = [:]
    /// This process's: the load generator's, which shares the machine with what it measures.
    var generator: Double = 0
    /// The whole machine's busy and total CPU time (every core; `ProcessCPU.machine`).
    var machine: (busy: Double, total: Double)?

    /// What the processes used between `before` and this reading, for `messages` messages:
    /// CPU seconds and messages per CPU-second (the broker's, then with the database's), then
    /// the CPU per message by broker thread and by database process. `unit` names what was
    /// counted ("message", "message published"); with `rate` false, no per-second figures.
    func lines(since before: CPUReading, messages: Int, unit: String, rate: Bool) -> [String] {
        let brokerSeconds = broker - before.broker
        var lines: [String] = []
        if nodes > 0 {
            lines.append("broker CPU          \(String(format: "%.2f", brokerSeconds)) s\(nodes > 1 ? ", \(nodes) nodes" : "")")
            if rate, brokerSeconds > 0 {
                lines.append("messages/broker-CPU-s \(String(format: "%.0f", Double(messages) / brokerSeconds))")
            }
        }
        if let database, let databaseBefore = before.database {
            let databaseSeconds = database - databaseBefore
            lines.append("database CPU        \(String(format: "%.2f", databaseSeconds)) s")
            if rate, brokerSeconds + databaseSeconds > 0 {
                lines.append("messages/CPU-s, broker and database \(String(format: "%.0f", Double(messages) / (brokerSeconds + databaseSeconds)))")
            }
        }
        if nodes > 0 {
            lines.append("broker CPU by thread \(ProcessCPU.perMessage(before: before.brokerThreads, after: brokerThreads, messages: messages)) per \(unit)")
        }
        if database != nil {
            lines.append("database CPU by process \(ProcessCPU.perMessage(before: before.databaseProcesses, after: databaseProcesses, messages: messages)) per \(unit)")
        }
        let generatorSeconds = generator - before.generator
        lines.append("load generator CPU  \(String(format: "%.2f", generatorSeconds)) s (this sharectl, on the same machine)")
        if nodes > 0, generatorSeconds > 0 {
            // Both slow down together when other work takes the machine's caches and cores, so
            // their ratio moves far less from run to run than either's CPU time.
            lines.append("broker CPU per load-generator CPU \(String(format: "%.3f", brokerSeconds / generatorSeconds))")
        }
        if let machine, let machineBefore = before.machine, machine.total > machineBefore.total {
            let busy = (machine.busy - machineBefore.busy) / (machine.total - machineBefore.total) * 100
            lines.append("machine busy        \(String(format: "%.0f", busy)) % of \(ProcessInfo.processInfo.activeProcessorCount) cores (every process)")
        }
        return lines
    }
}

/// A process's user + system CPU time from /proc/PID/stat: in all, by thread, or with the
/// processes it started.
enum ProcessCPU {
    static func seconds(_ pid: Int32) -> Double? {
        stat("/proc/\(pid)/stat").map { $0.user + $0.system }
    }

    /// CPU seconds of the process's threads now running, summed by thread name, with the
    /// numbering of a pool taken off (`NIO-SGLTN-1-#0` and `-#1` are `NIO-SGLTN-1`, the
    /// event loops); Swift's task pool threads, named by libdispatch's queues (`…-qos…`), are
    /// `task-pool`.
    static func byThreadName(_ pid: Int32) -> [String: Double] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var totals: [String: Double] = [:]
        for task in tasks {
            guard let thread = stat("/proc/\(pid)/task/\(task)/stat") else { continue }
            let name = thread.name.contains("qos") ? "task-pool" : thread.name.split(separator: "-#").first.map(String.init) ?? thread.name
            totals[name, default: 0] += thread.user + thread.system
        }
        return totals
    }

    /// CPU seconds of a process and all it started, by kind: the process itself (`server`),
    /// its running descendants by their process title (PostgreSQL names each process
    /// `postgres: walwriter`, `postgres: checkpointer`, …; a title with a client address in
    /// parentheses is one of the `backends`), and the descendants that ended and were waited
    /// for (`ended`, the kernel's children's times of the processes still running).
    static func tree(_ root: Int32) -> [String: Double] {
        let processes = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            Int32(entry).flatMap { pid in stat("/proc/\(pid)/stat").map { (pid, $0) } }
        }
        let children = Dictionary(grouping: processes, by: \.1.parent)
        var totals: [String: Double] = [:]
        var pending = processes.filter { $0.0 == root }
        while let (pid, process) = pending.popLast() {
            let kind = pid == root ? "server" : title(pid)
            totals[kind, default: 0] += process.user + process.system
            totals["ended", default: 0] += process.endedChildren
            pending += children[pid] ?? []
        }
        return totals
    }

    /// The machine's CPU time since it started, over every core, from the first line of
    /// /proc/stat: busy (user, nice, system, interrupts, stolen) and in all (busy, idle and
    /// waiting for I/O), in clock ticks.
    static func machine() -> (busy: Double, total: Double)? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
        guard ticks.count == 8 else { return nil }
        let idle = ticks[3] + ticks[4]
        let busy = ticks.reduce(0, +) - idle
        return (busy, busy + idle)
    }

    /// Each group's share of the CPU used between two readings, per message, busiest
    /// first: "sqlite-writer 71 µs, …".
    static func perMessage(before: [String: Double], after: [String: Double], messages: Int) -> String {
        after.map { ($0.key, $0.value - (before[$0.key] ?? 0)) }
            .filter { $0.1 > 0 }
            .sorted { $0.1 > $1.1 }
            .map { "\($0.0) \(String(format: "%.0f", $0.1 / Double(max(1, messages)) * 1e6)) µs" }
            .joined(separator: ", ")
    }

    /// A PostgreSQL process's kind from its title: `backends` for a client's, otherwise the
    /// title's first two words after `postgres:` (`walwriter`, `background writer`,
    /// `autovacuum worker`).
    private static func title(_ pid: Int32) -> String {
        let words = ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "\0" })
        guard words.first == "postgres:" else { return words.first.map(String.init) ?? "unknown" }
        if words.contains(where: { $0.contains("(") }) { return "backends" }
        return words.dropFirst().prefix(2).joined(separator: " ")
    }

    private struct Stat {
        var name: String
        var parent: Int32
        var user: Double
        var system: Double
        /// User and system time of the children that ended and were waited for.
        var endedChildren: Double
    }

    private static func stat(_ path: String) -> Stat? {
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8),
              let start = stat.firstIndex(of: "("), let end = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        // After the command name: state is field 3, the parent field 4, utime 14, stime 15,
        // cutime 16 and cstime 17.
        guard fields.count > 14, let parent = Int32(fields[1]), let user = Double(fields[11]), let system = Double(fields[12]),
              let childrenUser = Double(fields[13]), let childrenSystem = Double(fields[14]) else { return nil }
        let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
        return Stat(name: String(stat[stat.index(after: start)..<end]), parent: parent,
                    user: user / tick, system: system / tick, endedChildren: (childrenUser + childrenSystem) / tick)
    }
}
