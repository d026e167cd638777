/// What an accepted act did, as it is written to the log. Applying an event to the entities it
/// names is how the current state (the projections) is built — live, on rebuild and on audit —
/// so `apply` must depend on nothing but the event, the entry and those entities.
public protocol RegistryEvent: Codable, Sendable {
    /// The entry's `kind` ("registration", "transfer" …).
    static var kind: String { get }
    /// Version of the payload's shape; bump it when the shape changes, keep reading old ones.
    static var version: Int { get }
    /// Every entity `apply` reads or writes.
    func touches(_ entry: EntryContext) -> [EntityKey]
    func apply(to state: inout ProjectionState, entry: EntryContext) throws
}

/// What an event may know about its own entry.
public struct EntryContext: Sendable {
    public let index: UInt64
    public let day: Day
    public let actor: String

    public init(index: UInt64, day: Day, actor: String) {
        self.index = index
        self.day = day
        self.actor = actor
    }
}

/// Turns stored payloads back into events, by kind. The registry's events are in
/// `EventCatalog.registry`; the exchange adds its own.
public struct EventCatalog: Sendable {
    private var decoders: [String: @Sendable (JSONValue) throws -> any RegistryEvent] = [:]

    public init(_ types: [any RegistryEvent.Type] = []) {
        for type in types { register(type) }
    }

    public mutating func register(_ type: any RegistryEvent.Type) {
        decoders[type.kind] = { payload in try JSONValueDecoder().decode(type, from: payload) }
    }

    public func merging(_ other: EventCatalog) -> EventCatalog {
        var merged = self
        merged.decoders.merge(other.decoders) { _, new in new }
        return merged
    }

    /// The entry kinds this catalogue reads.
    public var kinds: [String] { Array(decoders.keys) }

    public func event(of entry: LogEntry) throws -> any RegistryEvent {
        guard let decode = decoders[entry.kind] else {
            throw RegistryError(code: "integrity.entry", message: "entry \(entry.index) has unknown kind \(entry.kind)")
        }
        return try decode(entry.payload)
    }
}
