/// Canonical bytes written straight from `Encodable` values, for `JSONValueEncoder.canonicalBytes`
/// (issue 16: encoding entries and documents was the largest item in every profile, most of it
/// the per-value objects of the tree encoder).
///
/// Values go into one byte buffer as their `encode(to:)` hands them over. An object's members are
/// written in the order they come, each remembered by where it starts; when the object ends, its
/// members are put in RFC 8785 order (names by UTF-16 code units; a name given twice keeps its
/// last value, as in the tree encoder). Containers must be used one inside the other, as
/// synthesized `Codable` uses them: writing to a container after it was ended, two kinds of
/// container for one value, or a super-encoder make the result `nil`, and the caller encodes
/// with the tree encoder instead — as it does on any error, whose message names the path.
final class StreamingEncoder: Encoder {
    struct Unsupported: Error {}

    /// A container handed out: its frame's depth and serial.
    struct Handle {
        let depth: Int
        let serial: Int
        static let invalid = Handle(depth: -1, serial: -1)
    }

    /// The bytes and the open containers. A value type behind one stored property, so each step
    /// costs the class one exclusivity check, not one per field touched.
    private var writer = Writer()
    /// The container opened by the value being encoded now, if it asked for one (a value whose
    /// `encode(to:)` asks twice — a type that encodes another into its own container — shares it).
    private var slot: Handle?
    /// Whether the value being encoded now was written through a single-value container.
    private var wroteSingle = false
    /// Set when a use outside what this encoder supports was seen: the bytes are not to be used.
    var failed = false

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The canonical bytes of `value`, or nil where the tree encoder must do it.
    static func bytes(of value: some Encodable) -> [UInt8]? {
        let encoder = StreamingEncoder()
        do {
            try encoder.write(value)
        } catch {
            return nil
        }
        return encoder.failed ? nil : encoder.writer.output
    }

    // MARK: Values

    /// Writes `value` here: primitives directly, others through their `encode(to:)`.
    func write<T: Encodable>(_ value: T) throws {
        if try writer.primitive(value) { return }
        let (outerSlot, outerWrote) = (slot, wroteSingle)
        let depth = writer.depth
        (slot, wroteSingle) = (nil, false)
        try value.encode(to: self)
        if let opened = slot {
            // The value's containers end with it.
            guard opened.depth == depth, writer.isOpen(opened) else { throw Unsupported() }
            writer.end(to: depth)
        } else if !wroteSingle {
            writer.emptyObject()  // nothing encoded: an empty object, as the tree encoder gives
        }
        (slot, wroteSingle) = (outerSlot, outerWrote)
    }

    /// The container of the value being encoded now, opened on first use.
    private func container(object: Bool) -> Handle {
        if let slot {
            guard writer.isOpen(slot, object: object) else {
                failed = true
                return .invalid
            }
            return slot
        }
        guard !wroteSingle else {
            failed = true
            return .invalid
        }
        let opened = writer.open(object: object)
        slot = opened
        return opened
    }

    fileprivate func begin(_ handle: Handle, name: String?) throws {
        guard writer.begin(handle, name: name) else { throw Unsupported() }
    }

    /// A container opened as the next member or element of `handle`'s.
    fileprivate func nested(in handle: Handle, name: String?, object: Bool) -> Handle {
        guard writer.begin(handle, name: name) else {
            failed = true
            return .invalid
        }
        return writer.open(object: object)
    }

    fileprivate func count(in handle: Handle) -> Int { writer.count(in: handle) }

    fileprivate func single<T: Encodable>(_ value: T) throws {
        guard slot == nil, !wroteSingle else { throw Unsupported() }
        try write(value)
        wroteSingle = true
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(StreamingKeyed<Key>(encoder: self, handle: container(object: true)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        StreamingUnkeyed(encoder: self, handle: container(object: false))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { StreamingSingle(encoder: self) }
}

/// The output buffer and the containers open in it, innermost last.
private struct Writer {
    /// An open container.
    struct Frame {
        let isObject: Bool
        /// Tells this container from an earlier one at the same depth, already ended.
        let serial: Int
        /// Where its first member or element starts (after the bracket).
        let start: Int
        /// Members: name and where it starts (its separating comma, if any, then `"name":value`);
        /// a member ends where the next starts.
        var members: [(name: String, start: Int)] = []
        var count = 0
    }

    var output: [UInt8] = []
    private var frames: [Frame] = []
    private var serial = 0

    init() { output.reserveCapacity(512) }

    var depth: Int { frames.count }

    /// JSON primitives, recognised by metatype as in the tree encoder; numbers as it writes
    /// them (through a Double: integers keep their digits up to 2⁵³).
    mutating func primitive<T: Encodable>(_ value: T) throws -> Bool {
        if T.self == String.self {
            CanonicalJSON.writeString(unsafeBitCast(value, to: String.self), into: &output)
        } else if T.self == Int.self {
            CanonicalJSON.writeInteger(unsafeBitCast(value, to: Int.self), into: &output)
        } else if T.self == UInt64.self {
            CanonicalJSON.writeInteger(unsafeBitCast(value, to: UInt64.self), into: &output)
        } else if T.self == Int64.self {
            CanonicalJSON.writeInteger(unsafeBitCast(value, to: Int64.self), into: &output)
        } else if T.self == Int32.self {
            CanonicalJSON.writeInteger(unsafeBitCast(value, to: Int32.self), into: &output)
        } else if T.self == UInt32.self {
            CanonicalJSON.writeInteger(unsafeBitCast(value, to: UInt32.self), into: &output)
        } else if T.self == Bool.self {
            output.append(contentsOf: (unsafeBitCast(value, to: Bool.self) ? "true" : "false").utf8)
        } else if T.self == Double.self {
            let number = unsafeBitCast(value, to: Double.self)
            // Not a JSON number: the tree encoder refuses it, naming the path.
            guard number.isFinite else { throw StreamingEncoder.Unsupported() }
            output.append(contentsOf: CanonicalJSON.format(number).utf8)
        } else if T.self == JSONValue.self {
            CanonicalJSON.write(value as! JSONValue, into: &output)
        } else {
            return false
        }
        return true
    }

    mutating func emptyObject() { output.append(contentsOf: "{}".utf8) }

    func isOpen(_ handle: StreamingEncoder.Handle) -> Bool {
        handle.depth >= 0 && handle.depth < frames.count && frames[handle.depth].serial == handle.serial
    }

    func isOpen(_ handle: StreamingEncoder.Handle, object: Bool) -> Bool {
        isOpen(handle) && frames[handle.depth].isObject == object
    }

    func count(in handle: StreamingEncoder.Handle) -> Int { isOpen(handle) ? frames[handle.depth].count : 0 }

    mutating func open(object: Bool) -> StreamingEncoder.Handle {
        output.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        serial += 1
        frames.append(Frame(isObject: object, serial: serial, start: output.count))
        return StreamingEncoder.Handle(depth: frames.count - 1, serial: serial)
    }

    /// Makes `handle`'s container the innermost again (ending those opened inside it) and starts
    /// its next member or element; false if that container has already ended.
    mutating func begin(_ handle: StreamingEncoder.Handle, name: String?) -> Bool {
        guard isOpen(handle) else { return false }
        end(to: handle.depth + 1)
        let start = output.count
        if frames[handle.depth].count > 0 { output.append(UInt8(ascii: ",")) }
        frames[handle.depth].count += 1
        if let name {
            CanonicalJSON.writeString(name, into: &output)
            output.append(UInt8(ascii: ":"))
            frames[handle.depth].members.append((name, start))
        }
        return true
    }

    /// Ends every container deeper than `depth`.
    mutating func end(to depth: Int) {
        while frames.count > depth {
            let frame = frames.removeLast()
            if frame.isObject {
                order(frame)
                output.append(UInt8(ascii: "}"))
            } else {
                output.append(UInt8(ascii: "]"))
            }
        }
    }

    /// Puts the members of an object, written as they came, in RFC 8785 order.
    private mutating func order(_ frame: Frame) {
        let members = frame.members
        let contentEnd = output.count
        var inOrder = true
        for index in members.indices.dropFirst()
        where !CanonicalJSON.precedes(members[index - 1].name, members[index].name) {
            inOrder = false
            break
        }
        if inOrder { return }
        // Equal names keep their order, so the last of a run is the one kept.
        let ranked = members.indices.sorted { i, j in
            members[i].name == members[j].name ? i < j : CanonicalJSON.precedes(members[i].name, members[j].name)
        }
        var rewritten: [UInt8] = []
        rewritten.reserveCapacity(contentEnd - frame.start)
        for (position, index) in ranked.enumerated() {
            if position + 1 < ranked.count, members[ranked[position + 1]].name == members[index].name { continue }
            if !rewritten.isEmpty { rewritten.append(UInt8(ascii: ",")) }
            var start = members[index].start
            if output[start] == UInt8(ascii: ",") { start += 1 }
            let end = index + 1 < members.count ? members[index + 1].start : contentEnd
            rewritten.append(contentsOf: output[start..<end])
        }
        output.replaceSubrange(frame.start..<contentEnd, with: rewritten)
    }
}

private struct StreamingKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: StreamingEncoder
    let handle: StreamingEncoder.Handle
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {
        try encoder.begin(handle, name: key.stringValue)
        try encoder.write(JSONValue.null)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encoder.begin(handle, name: key.stringValue)
        try encoder.write(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(
            StreamingKeyed<NestedKey>(
                encoder: encoder, handle: encoder.nested(in: handle, name: key.stringValue, object: true)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        StreamingUnkeyed(encoder: encoder, handle: encoder.nested(in: handle, name: key.stringValue, object: false))
    }

    mutating func superEncoder() -> any Encoder { unsupported() }
    mutating func superEncoder(forKey key: Key) -> any Encoder { unsupported() }

    private func unsupported() -> any Encoder {
        encoder.failed = true
        return encoder
    }
}

private struct StreamingUnkeyed: UnkeyedEncodingContainer {
    let encoder: StreamingEncoder
    let handle: StreamingEncoder.Handle
    var codingPath: [any CodingKey] { [] }
    var count: Int { encoder.count(in: handle) }

    mutating func encodeNil() throws {
        try encoder.begin(handle, name: nil)
        try encoder.write(JSONValue.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encoder.begin(handle, name: nil)
        try encoder.write(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(
            StreamingKeyed<NestedKey>(encoder: encoder, handle: encoder.nested(in: handle, name: nil, object: true)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        StreamingUnkeyed(encoder: encoder, handle: encoder.nested(in: handle, name: nil, object: false))
    }

    mutating func superEncoder() -> any Encoder {
        encoder.failed = true
        return encoder
    }
}

private struct StreamingSingle: SingleValueEncodingContainer {
    let encoder: StreamingEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { try encoder.single(JSONValue.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.single(value) }
}
