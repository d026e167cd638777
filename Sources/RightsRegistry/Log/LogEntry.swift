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
    /// The canonical bytes that are hashed and stored.
    public let bytes: [UInt8]
    /// Where the payload lies within `bytes`.
    private let payloadRange: Range<Int>

    /// An entry around a payload already in canonical form: the entry's bytes are the payload's
    /// bytes with the other five fields around them (`actor, index, kind` sort before `payload`,
    /// `time, version` after), so the payload is encoded once.
    public init(index: UInt64, kind: String, version: Int, time: String, actor: String, payloadBytes: [UInt8]) {
        self.index = index
        self.kind = kind
        self.version = version
        self.time = time
        self.actor = actor
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payloadBytes.count + 128)
        bytes.append(contentsOf: #"{"actor":"#.utf8)
        CanonicalJSON.writeString(actor, into: &bytes)
        bytes.append(contentsOf: #","index":"#.utf8)
        bytes.append(contentsOf: String(index).utf8)
        bytes.append(contentsOf: #","kind":"#.utf8)
        CanonicalJSON.writeString(kind, into: &bytes)
        bytes.append(contentsOf: #","payload":"#.utf8)
        let start = bytes.count
        bytes.append(contentsOf: payloadBytes)
        payloadRange = start..<bytes.count
        bytes.append(contentsOf: #","time":"#.utf8)
        CanonicalJSON.writeString(time, into: &bytes)
        bytes.append(contentsOf: #","version":"#.utf8)
        bytes.append(contentsOf: String(version).utf8)
        bytes.append(UInt8(ascii: "}"))
        self.bytes = bytes
    }

    public init(index: UInt64, kind: String, version: Int, time: String, actor: String, payload: JSONValue) {
        self.init(
            index: index, kind: kind, version: version, time: time, actor: actor,
            payloadBytes: CanonicalJSON.bytes(payload))
    }

    /// The payload's canonical bytes, as they lie within `bytes`.
    public var payloadBytes: ArraySlice<UInt8> { bytes[payloadRange] }

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

    /// The payload, parsed from the entry's bytes.
    public var payload: JSONValue {
        try! JSONParser.parse(bytes[payloadRange])
    }

    public static func == (lhs: LogEntry, rhs: LogEntry) -> Bool { lhs.bytes == rhs.bytes }

    public var leafHash: TreeHash { .leaf(bytes) }

    /// The local date of the entry (its time is written in the registry's zone).
    public var day: Day { Self.day(of: time) }

    /// The local date of an entry's time, as the registry's clock wrote it.
    static func day(of time: String) -> Day { Day(String(time.prefix(10)))! }
}
