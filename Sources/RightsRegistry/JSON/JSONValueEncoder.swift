/// Encodes `Encodable` values as RFC 8785 canonical JSON bytes — every log entry's payload and
/// every projection document goes through here — or as a `JSONValue`. Optional properties that
/// are `nil` are omitted (as `encodeIfPresent` does).
///
/// Built for throughput: values are collected as plain enums in arrays (no per-value objects or
/// coding-path arrays; the path is only assembled for an error message) and written out once
/// with the members of each object sorted.
public struct JSONValueEncoder: Sendable {
    public init() {}

    /// The canonical bytes of `value`: written by hand for the few types that dominate an import
    /// (`CanonicalOutputWritable`); else as it is encoded where its `Codable` conformance allows
    /// (synthesized ones do); else — and for an error's path — through the tree.
    public func canonicalBytes(_ value: some Encodable) throws -> [UInt8] {
        if let writable = value as? any CanonicalOutputWritable {
            var output = CanonicalOutput()
            try writable.write(to: &output)
            return output.bytes
        }
        if let bytes = StreamingEncoder.bytes(of: value) { return bytes }
        return try treeBytes(value)
    }

    /// The canonical bytes of `value` as its `Codable` conformance writes them without the tree,
    /// or nil where only the tree can (what `canonicalBytes` takes for a type without its own
    /// writer; tests hold hand-written ones to it).
    package func streamedBytes(_ value: some Encodable) -> [UInt8]? { StreamingEncoder.bytes(of: value) }

    /// The canonical bytes of `value` through the tree: the general way.
    package func treeBytes(_ value: some Encodable) throws -> [UInt8] {
        let node = try ValueEncoder.node(for: value, parent: nil, key: nil)
        var output: [UInt8] = []
        output.reserveCapacity(512)
        node.write(into: &output)
        return output
    }

    public func encode(_ value: some Encodable) throws -> JSONValue {
        try ValueEncoder.node(for: value, parent: nil, key: nil).jsonValue
    }
}

public struct JSONEncodingError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot encode \(path): \(reason)" }
}

/// A value under construction. Containers are classes because Codable hands out nested
/// containers that are filled after they are created.
private enum Node {
    case value(JSONValue)
    case object(ObjectBox)
    case array(ArrayBox)

    func write(into output: inout [UInt8]) {
        switch self {
        case .value(let value):
            CanonicalJSON.write(value, into: &output)
        case .object(let box):
            output.append(UInt8(ascii: "{"))
            for (position, member) in box.sortedMembers().enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                CanonicalJSON.writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                member.value.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let box):
            output.append(UInt8(ascii: "["))
            for (position, element) in box.elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                element.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        }
    }

    var jsonValue: JSONValue {
        switch self {
        case .value(let value): value
        case .object(let box):
            .object(Dictionary(box.members.map { ($0.key, $0.value.jsonValue) }, uniquingKeysWith: { _, last in last }))
        case .array(let box): .array(box.elements.map(\.jsonValue))
        }
    }
}

private final class ObjectBox {
    var members: [(key: String, value: Node)] = []

    /// Members by name in RFC 8785 order; a name encoded twice keeps its last value.
    func sortedMembers() -> [(key: String, value: Node)] {
        let sorted = members.enumerated().sorted { a, b in
            if a.element.key == b.element.key { return a.offset < b.offset }
            return CanonicalJSON.precedes(a.element.key, b.element.key)
        }
        var unique: [(key: String, value: Node)] = []
        unique.reserveCapacity(sorted.count)
        for (_, member) in sorted {
            if unique.last?.key == member.key { unique[unique.count - 1] = member } else { unique.append(member) }
        }
        return unique
    }
}

private final class ArrayBox {
    var elements: [Node] = []
}

/// The `Encoder` for one composite value. It knows its parent and key only to name the path
/// in an error.
private final class ValueEncoder: Encoder {
    let parent: ValueEncoder?
    let key: (any CodingKey)?
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var result: Node?

    init(parent: ValueEncoder?, key: (any CodingKey)?) {
        self.parent = parent
        self.key = key
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var current: ValueEncoder? = self
        while let encoder = current, let key = encoder.key {
            path.insert(key, at: 0)
            current = encoder.parent
        }
        return path
    }

    /// Encodes `value` as a node: primitives directly, everything else through its `encode(to:)`.
    static func node<T: Encodable>(for value: T, parent: ValueEncoder?, key: (any CodingKey)?) throws -> Node {
        if let primitive = try primitive(value, parent: parent, key: key) { return .value(primitive) }
        let encoder = ValueEncoder(parent: parent, key: key)
        try value.encode(to: encoder)
        return encoder.result ?? .object(ObjectBox())
    }

    /// JSON primitives, recognised by metatype (a pointer comparison) rather than by dynamic
    /// casts, which dominated encoding time in profiles.
    static func primitive<T: Encodable>(_ value: T, parent: ValueEncoder?, key: (any CodingKey)?) throws -> JSONValue? {
        if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
        if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == Int.self { return .number(Double(unsafeBitCast(value, to: Int.self))) }
        if T.self == Int64.self { return .number(Double(unsafeBitCast(value, to: Int64.self))) }
        if T.self == UInt64.self { return .number(Double(unsafeBitCast(value, to: UInt64.self))) }
        if T.self == Int32.self { return .number(Double(unsafeBitCast(value, to: Int32.self))) }
        if T.self == UInt32.self { return .number(Double(unsafeBitCast(value, to: UInt32.self))) }
        if T.self == Double.self {
            let number = unsafeBitCast(value, to: Double.self)
            guard number.isFinite else {
                let path = (parent?.codingPath ?? []) + (key.map { [$0] } ?? [])
                throw JSONEncodingError(path: pathString(path), reason: "\(number) is not a JSON number")
            }
            return .number(number)
        }
        if T.self == JSONValue.self { return (value as! JSONValue) }
        return nil
    }

    func objectBox() -> ObjectBox {
        if case .object(let box) = result { return box }
        let box = ObjectBox()
        result = .object(box)
        return box
    }

    func arrayBox() -> ArrayBox {
        if case .array(let box) = result { return box }
        let box = ArrayBox()
        result = .array(box)
        return box
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(encoder: self, box: objectBox()))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(encoder: self, box: arrayBox())
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }
}

func pathString(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : "." + key.stringValue
        }
    }
    return text.isEmpty ? "(root)" : text
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ValueEncoder
    let box: ObjectBox
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil(forKey key: Key) throws { box.members.append((key.stringValue, .value(.null))) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.members.append((key.stringValue, try ValueEncoder.node(for: value, parent: encoder, key: key)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = ObjectBox()
        box.members.append((key.stringValue, .object(nested)))
        return KeyedEncodingContainer(
            KeyedContainer<NestedKey>(encoder: ValueEncoder(parent: encoder, key: key), box: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        box.members.append((key.stringValue, .array(nested)))
        return UnkeyedContainer(encoder: ValueEncoder(parent: encoder, key: key), box: nested)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let nested = ValueEncoder(parent: encoder, key: key)
        let box = nested.objectBox()
        self.box.members.append((key.stringValue, .object(box)))
        return nested
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = String(index)
    }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: ValueEncoder
    let box: ArrayBox
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { box.elements.count }

    mutating func encodeNil() throws { box.elements.append(.value(.null)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        box.elements.append(try ValueEncoder.node(for: value, parent: encoder, key: IndexKey(count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = ObjectBox()
        let key = IndexKey(count)
        box.elements.append(.object(nested))
        return KeyedEncodingContainer(
            KeyedContainer<NestedKey>(encoder: ValueEncoder(parent: encoder, key: key), box: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        let key = IndexKey(count)
        box.elements.append(.array(nested))
        return UnkeyedContainer(encoder: ValueEncoder(parent: encoder, key: key), box: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let nested = ValueEncoder(parent: encoder, key: IndexKey(count))
        box.elements.append(.object(nested.objectBox()))
        return nested
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.result = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let primitive = try ValueEncoder.primitive(value, parent: encoder.parent, key: encoder.key) {
            encoder.result = .value(primitive)
        } else {
            try value.encode(to: encoder)
        }
    }
}
