/// What `work` returns, or nil if it has not returned within `limit`. The work is left running:
/// a test of something that must not wait for ever fails on the old code instead of hanging.
public func outcome<T: Sendable>(within limit: Duration, _ work: @escaping @Sendable () async -> T) async -> T? {
    let (stream, continuation) = AsyncStream<T>.makeStream()
    Task { continuation.yield(await work()) }
    return await withTaskGroup(of: T?.self) { group in
        group.addTask {
            for await value in stream { return value }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        return await group.next() ?? nil
    }
}
