/// Decodes `Decodable` values from `JSONValue`. Errors carry the path of the offending field
/// ("parcels[2].area_m2"), including errors thrown by a type's own validation.
public struct JSONValueDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(JSONDecodingError) -> T {
        do {
            return try T(from: TreeDecoder(value: value, codingPath: []))
        } catch let error as JSONDecodingError {
            throw error
        } catch {
            throw JSONDecodingError(path: "(root)", reason: String(describing: error))
        }
    }

    public func decode<T: Decodable>(_ type: T.Type, fromJSON bytes: some Collection<UInt8>) throws -> T {
        try decode(type, from: try JSONParser.parse(bytes))
    }
}

/// A field that could not be decoded, and why.
public struct JSONDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

private struct TreeDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func fail(_ reason: String, at path: [any CodingKey]? = nil) -> JSONDecodingError {
        JSONDecodingError(path: pathString(path ?? codingPath), reason: reason)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw fail("expected an object, found \(value.typeName)") }
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, members: members))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw fail("expected an array, found \(value.typeName)") }
        return UnkeyedContainer(decoder: self, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(decoder: self) }

    /// Decodes a child, attaching the child's path to any error its own initialiser throws.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, path: [any CodingKey]) throws -> T {
        let child = TreeDecoder(value: value, codingPath: path)
        if let primitive = try child.primitive(type) { return primitive }
        do {
            return try T(from: child)
        } catch let error as JSONDecodingError {
            throw error
        } catch {
            throw JSONDecodingError(path: pathString(path), reason: String(describing: error))
        }
    }

    func primitive<T>(_ type: T.Type) throws -> T? {
        switch type {
        case is String.Type:
            guard case .string(let text) = value else { throw fail("expected a string, found \(value.typeName)") }
            return (text as! T)
        case is Bool.Type:
            guard case .bool(let flag) = value else { throw fail("expected a boolean, found \(value.typeName)") }
            return (flag as! T)
        case is Double.Type:
            guard case .number(let number) = value else { throw fail("expected a number, found \(value.typeName)") }
            return (number as! T)
        case is Int.Type: return (Int(try integer()) as! T)
        case is Int64.Type: return (try integer() as! T)
        case is Int32.Type:
            guard let narrow = Int32(exactly: try integer()) else { throw fail("integer out of range") }
            return (narrow as! T)
        case is UInt64.Type:
            guard let unsigned = UInt64(exactly: try integer()) else { throw fail("expected a non-negative integer") }
            return (unsigned as! T)
        case is UInt32.Type:
            guard let unsigned = UInt32(exactly: try integer()) else { throw fail("expected a non-negative integer") }
            return (unsigned as! T)
        case is JSONValue.Type: return (value as! T)
        default: return nil
        }
    }

    func integer() throws -> Int64 {
        guard case .number = value else { throw fail("expected an integer, found \(value.typeName)") }
        guard let integer = value.integerValue else { throw fail("expected an integer") }
        return integer
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: TreeDecoder
    let members: [String: JSONValue]
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw decoder.fail("missing", at: codingPath + [key])
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { members[key.stringValue].map { $0 == .null } ?? true }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try TreeDecoder.decode(type, from: try member(key), path: codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = members[key.stringValue], value != .null else { return nil }
        return try TreeDecoder.decode(type, from: value, path: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try TreeDecoder(value: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TreeDecoder(value: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

private struct ElementKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = String(index)
    }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: TreeDecoder
    let elements: [JSONValue]
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(decoder: TreeDecoder, elements: [JSONValue]) {
        self.decoder = decoder
        self.elements = elements
    }

    mutating func next() throws -> (JSONValue, [any CodingKey]) {
        let path = codingPath + [ElementKey(currentIndex)]
        guard !isAtEnd else { throw decoder.fail("missing element", at: path) }
        defer { currentIndex += 1 }
        return (elements[currentIndex], path)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next()
        return try TreeDecoder.decode(type, from: value, path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (value, path) = try next()
        return try TreeDecoder(value: value, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try TreeDecoder(value: value, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next()
        return TreeDecoder(value: value, codingPath: path)
    }
}

private struct SingleContainer: SingleValueDecodingContainer {
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let primitive = try decoder.primitive(type) { return primitive }
        return try T(from: decoder)
    }
}
