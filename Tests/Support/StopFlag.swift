import Synchronization

/// Set once by a test, read by the tasks it started (a writer running alongside, clients).
public final class StopFlag: Sendable {
    private let value = Mutex(false)

    public init() {}

    public func set() { value.withLock { $0 = true } }
    public var isSet: Bool { value.withLock { $0 } }
}
