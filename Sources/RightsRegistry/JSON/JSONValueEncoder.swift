/// Encodes `Encodable` values to `JSONValue`, so that any Codable type can be written in canonical
/// form. Optional properties that are `nil` are omitted (as `encodeIfPresent` does).
public struct JSONValueEncoder: Sendable {
    public init() {}

    public func encode(_ value: some Encodable) throws -> JSONValue {
        let encoder = TreeEncoder(codingPath: [])
        try value.encode(to: encoder)
        return try encoder.root.resolve()
    }

    /// The RFC 8785 bytes of `value`.
    public func canonicalBytes(_ value: some Encodable) throws -> [UInt8] {
        CanonicalJSON.bytes(try encode(value))
    }
}

public struct JSONEncodingError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot encode \(path): \(reason)" }
}

/// A node under construction: containers are reference types because Codable hands out nested
/// containers that are filled after they are created.
private final class Slot {
    enum Content {
        case empty
        case value(JSONValue)
        case object(ObjectBox)
        case array(ArrayBox)
    }
    var content: Content = .empty

    func resolve() throws -> JSONValue {
        switch content {
        case .empty: return .object([:])
        case .value(let value): return value
        case .object(let box): return .object(try box.members.mapValues { try $0.resolve() })
        case .array(let box): return .array(try box.elements.map { try $0.resolve() })
        }
    }
}

private final class ObjectBox {
    var members: [String: Slot] = [:]
}

private final class ArrayBox {
    var elements: [Slot] = []
}

private final class TreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any] = [:]
    let root: Slot

    init(codingPath: [any CodingKey], root: Slot = Slot()) {
        self.codingPath = codingPath
        self.root = root
    }

    func objectBox() -> ObjectBox {
        if case .object(let box) = root.content { return box }
        let box = ObjectBox()
        root.content = .object(box)
        return box
    }

    func arrayBox() -> ArrayBox {
        if case .array(let box) = root.content { return box }
        let box = ArrayBox()
        root.content = .array(box)
        return box
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(encoder: self, box: objectBox()))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(encoder: self, box: arrayBox())
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(encoder: self)
    }

    static func primitive(_ value: some Encodable, path: [any CodingKey]) throws -> JSONValue? {
        switch value {
        case let value as String: return .string(value)
        case let value as Bool: return .bool(value)
        case let value as Int: return .number(Double(value))
        case let value as Int64: return .number(Double(value))
        case let value as Int32: return .number(Double(value))
        case let value as UInt64: return .number(Double(value))
        case let value as UInt32: return .number(Double(value))
        case let value as UInt: return .number(Double(value))
        case let value as Double:
            guard value.isFinite else {
                throw JSONEncodingError(path: pathString(path), reason: "\(value) is not a JSON number")
            }
            return .number(value)
        case let value as JSONValue: return value
        default: return nil
        }
    }

    func encodeNested(_ value: some Encodable, key: (any CodingKey)?) throws -> Slot {
        let path = key.map { codingPath + [$0] } ?? codingPath
        if let primitive = try Self.primitive(value, path: path) {
            let slot = Slot()
            slot.content = .value(primitive)
            return slot
        }
        let nested = TreeEncoder(codingPath: path)
        try value.encode(to: nested)
        return nested.root
    }
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
    let encoder: TreeEncoder
    let box: ObjectBox
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil(forKey key: Key) throws {
        let slot = Slot()
        slot.content = .value(.null)
        box.members[key.stringValue] = slot
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.members[key.stringValue] = try encoder.encodeNested(value, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = TreeEncoder(codingPath: codingPath + [key])
        box.members[key.stringValue] = nested.root
        return nested.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = TreeEncoder(codingPath: codingPath + [key])
        box.members[key.stringValue] = nested.root
        return nested.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let nested = TreeEncoder(codingPath: codingPath + [key])
        box.members[key.stringValue] = nested.root
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
    let encoder: TreeEncoder
    let box: ArrayBox
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { box.elements.count }

    mutating func encodeNil() throws {
        let slot = Slot()
        slot.content = .value(.null)
        box.elements.append(slot)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        box.elements.append(try encoder.encodeNested(value, key: IndexKey(count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = TreeEncoder(codingPath: codingPath + [IndexKey(count)])
        box.elements.append(nested.root)
        return nested.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = TreeEncoder(codingPath: codingPath + [IndexKey(count)])
        box.elements.append(nested.root)
        return nested.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let nested = TreeEncoder(codingPath: codingPath + [IndexKey(count)])
        box.elements.append(nested.root)
        return nested
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.root.content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if let primitive = try TreeEncoder.primitive(value, path: codingPath) {
            encoder.root.content = .value(primitive)
        } else {
            try value.encode(to: encoder)
        }
    }
}
