import Foundation

/// CPU time, for saying where a settlement's time goes: this process's, the local PostgreSQL
/// cluster's (its `postgres` processes, read from /proc) and the whole machine's busy and idle
/// time, each in seconds.
struct CPUTime {
    var process = 0.0
    var database = 0.0
    var machineBusy = 0.0
    var machineIdle = 0.0

    static let tick = Double(sysconf(Int32(_SC_CLK_TCK)))

    static func now() -> CPUTime {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        var time = CPUTime(process: seconds(usage.ru_utime) + seconds(usage.ru_stime))
        // /proc/PID/stat: the command is field 2, in parentheses; user and system ticks are fields 14 and 15.
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
        for pid in pids {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                stat.contains("(postgres)"), let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the command: field 3 is fields[0], so 14 and 15 are fields[11] and fields[12].
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            time.database += (user + system) / tick
        }
        if let line = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8))?.split(separator: "\n").first {
            let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            if ticks.count >= 5 {
                // user nice system idle iowait irq softirq …
                time.machineIdle = (ticks[3] + ticks[4]) / tick
                time.machineBusy = (ticks.reduce(0, +) - ticks[3] - ticks[4]) / tick
            }
        }
        return time
    }

    static func - (after: CPUTime, before: CPUTime) -> CPUTime {
        CPUTime(
            process: after.process - before.process, database: after.database - before.database,
            machineBusy: after.machineBusy - before.machineBusy, machineIdle: after.machineIdle - before.machineIdle)
    }
}
