/// One entry of the register's log: `{index, kind, version, time, actor, payload}` in RFC 8785
/// canonical JSON. Its leaf hash is SHA-256(0x00 ‖ those bytes).
public struct LogEntry: Sendable, Equatable {
    public let index: UInt64
    public let kind: String
    public let version: Int
    /// RFC 3339 in the registry's zone.
    public let time: String
    /// Who performed the act ("clerk:王芳", "import:county.jsonl").
    public let actor: String
    public let payload: JSONValue
    /// The canonical bytes that are hashed and stored.
    public let bytes: [UInt8]

    public init(index: UInt64, kind: String, version: Int, time: String, actor: String, payload: JSONValue) {
        self.index = index
        self.kind = kind
        self.version = version
        self.time = time
        self.actor = actor
        self.payload = payload
        bytes = CanonicalJSON.bytes([
            "index": .number(Double(index)), "kind": .string(kind), "version": .number(Double(version)),
            "time": .string(time), "actor": .string(actor), "payload": payload,
        ])
    }

    /// Reads stored bytes back; refuses anything that is not a well-formed canonical entry, so a
    /// tampered row cannot pass as an entry.
    public init(bytes: [UInt8]) throws(RegistryError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw RegistryError(code: "integrity.entry", message: "entry is not JSON: \(error)")
        }
        guard let index = value["index"]?.integerValue, index >= 0, let kind = value["kind"]?.stringValue,
            let version = value["version"]?.integerValue, let time = value["time"]?.stringValue,
            let actor = value["actor"]?.stringValue, let payload = value["payload"], value.objectValue?.count == 6
        else { throw RegistryError(code: "integrity.entry", message: "entry does not have the six entry fields") }
        self.init(
            index: UInt64(index), kind: kind, version: Int(version), time: time, actor: actor, payload: payload)
        guard self.bytes == bytes else {
            throw RegistryError(code: "integrity.entry", message: "entry \(index) is not in canonical form")
        }
    }

    public var leafHash: TreeHash { .leaf(bytes) }

    /// The local date of the entry (its time is written in the registry's zone).
    public var day: Day { Day(String(time.prefix(10)))! }
}
