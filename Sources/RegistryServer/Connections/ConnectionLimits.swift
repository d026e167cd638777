#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many connections the server holds and for how long an idle one is kept.
///
/// Every connection is a file descriptor. Past the process's open-file limit `accept` fails and
/// the server stops answering — health checks included — while it still runs. So the server
/// raises its soft limit to the hard one at start, accepts at most `maxConnections` (leaving
/// descriptors for the database, the WAL and the key files), and closes a connection that sends
/// nothing — or dribbles a request head that never completes (slowloris) — for `idleTimeout`.
public struct ConnectionLimits: Sendable, Equatable {
    public var maxConnections: Int
    public var idleTimeout: Duration

    /// Descriptors kept back from connections for the store and everything else the process opens.
    static let reserve = 128

    public init(maxConnections: Int, idleTimeout: Duration = .seconds(30)) {
        self.maxConnections = max(1, maxConnections)
        self.idleTimeout = idleTimeout
    }

    /// The limits this process can keep: `requested` connections (10,000 if not given), no more
    /// than its open-file limit allows beyond the reserve.
    public static func forThisProcess(idleTimeout: Duration = .seconds(30), requested: Int? = nil)
        -> ConnectionLimits
    {
        ConnectionLimits(
            maxConnections: min(requested ?? 10_000, max(16, FileLimit.current - reserve)), idleTimeout: idleTimeout)
    }
}

/// The process's open-file limit (RLIMIT_NOFILE).
public enum FileLimit {
    /// The soft limit now.
    public static var current: Int {
        var limit = rlimit()
        guard getrlimit(resourceNoFile, &limit) == 0 else { return 1024 }
        return Int(clamping: min(limit.rlim_cur, rlim_t(Int32.max)))
    }

    /// Raises the soft limit to the hard limit (as far as the system allows) and returns the
    /// soft limit in force after.
    @discardableResult
    public static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(resourceNoFile, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return current }
        var raised = limit
        raised.rlim_cur = limit.rlim_max
        #if canImport(Darwin)
            // macOS refuses a soft limit above OPEN_MAX whatever the hard limit says.
            raised.rlim_cur = min(raised.rlim_cur, rlim_t(OPEN_MAX))
        #endif
        _ = setrlimit(resourceNoFile, &raised)
        return current
    }

    #if canImport(Glibc)
        static let resourceNoFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        static let resourceNoFile = RLIMIT_NOFILE
    #endif
}
