/// Decodes `Decodable` values from `JSONValue`. Errors carry the path of the offending field
/// ("parcels[2].area_m2"), including errors thrown by a type's own validation. The path is only
/// assembled when there is an error to report.
public struct JSONValueDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(JSONDecodingError) -> T {
        do {
            return try TreeDecoder.decode(type, from: value, parent: nil, key: nil)
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

/// Where a value sits: its parent and key, to name the path in an error.
private final class PathNode {
    let parent: PathNode?
    let key: any CodingKey

    init(parent: PathNode?, key: any CodingKey) {
        self.parent = parent
        self.key = key
    }

    static func path(_ node: PathNode?) -> [any CodingKey] {
        var path: [any CodingKey] = []
        var current = node
        while let node = current {
            path.insert(node.key, at: 0)
            current = node.parent
        }
        return path
    }
}

/// Decodes one value. Its place is its parent's node and its own key, joined into a node of
/// its own only when it opens a container: most values are primitives or single values (a
/// day, an ID, an amount), and a node each was an allocation for every member of every
/// document read (issue 16).
private struct TreeDecoder: Decoder {
    let value: JSONValue
    let parent: PathNode?
    let key: (any CodingKey)?
    var codingPath: [any CodingKey] { PathNode.path(parent) + (key.map { [$0] } ?? []) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// This value's place, as a node its children can point to.
    var node: PathNode? {
        guard let key else { return parent }
        return PathNode(parent: parent, key: key)
    }

    func fail(_ reason: String) -> JSONDecodingError {
        JSONDecodingError(path: pathString(codingPath), reason: reason)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw fail("expected an object, found \(value.typeName)") }
        return KeyedDecodingContainer(KeyedContainer<Key>(node: node, members: members))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw fail("expected an array, found \(value.typeName)") }
        return UnkeyedContainer(node: node, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleContainer(decoder: self) }

    /// Decodes a child, attaching the child's path to any error its own initialiser throws.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, parent: PathNode?, key: (any CodingKey)?)
        throws -> T
    {
        let decoder = TreeDecoder(value: value, parent: parent, key: key)
        if let primitive = try decoder.primitive(type) { return primitive }
        do {
            return try T(from: decoder)
        } catch let error as JSONDecodingError {
            throw error
        } catch {
            throw decoder.fail(String(describing: error))
        }
    }

    /// JSON primitives, recognised by metatype.
    func primitive<T>(_ type: T.Type) throws -> T? {
        if T.self == String.self {
            guard case .string(let text) = value else { throw fail("expected a string, found \(value.typeName)") }
            return unsafeBitCast(text, to: T.self)
        }
        if T.self == Bool.self {
            guard case .bool(let flag) = value else { throw fail("expected a boolean, found \(value.typeName)") }
            return unsafeBitCast(flag, to: T.self)
        }
        if T.self == Int.self { return unsafeBitCast(Int(try integer()), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try integer(), to: T.self) }
        if T.self == UInt64.self {
            guard let unsigned = UInt64(exactly: try integer()) else { throw fail("expected a non-negative integer") }
            return unsafeBitCast(unsigned, to: T.self)
        }
        if T.self == Int32.self {
            guard let narrow = Int32(exactly: try integer()) else { throw fail("integer out of range") }
            return unsafeBitCast(narrow, to: T.self)
        }
        if T.self == UInt32.self {
            guard let unsigned = UInt32(exactly: try integer()) else { throw fail("expected a non-negative integer") }
            return unsafeBitCast(unsigned, to: T.self)
        }
        if T.self == Double.self {
            guard case .number(let number) = value else { throw fail("expected a number, found \(value.typeName)") }
            return unsafeBitCast(number, to: T.self)
        }
        if T.self == JSONValue.self { return (value as! T) }
        return nil
    }

    func integer() throws -> Int64 {
        guard case .number = value else { throw fail("expected an integer, found \(value.typeName)") }
        guard let integer = value.integerValue else { throw fail("expected an integer") }
        return integer
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// The object's place.
    let node: PathNode?
    let members: [String: JSONValue]
    var codingPath: [any CodingKey] { PathNode.path(node) }
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw JSONDecodingError(path: pathString(codingPath + [key]), reason: "missing")
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { members[key.stringValue].map { $0 == .null } ?? true }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try TreeDecoder.decode(type, from: try member(key), parent: node, key: key)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = members[key.stringValue], value != .null else { return nil }
        return try TreeDecoder.decode(type, from: value, parent: node, key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(try member(key), key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(try member(key), key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { TreeDecoder(value: .object(members), parent: node, key: nil) }
    func superDecoder(forKey key: Key) throws -> any Decoder { child(members[key.stringValue] ?? .null, key) }

    private func child(_ value: JSONValue, _ key: Key) -> TreeDecoder {
        TreeDecoder(value: value, parent: node, key: key)
    }
}

/// An array element's place; its text only made when a path is written.
private struct ElementKey: CodingKey {
    let index: Int
    var intValue: Int? { index }
    var stringValue: String { String(index) }
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    /// The array's place.
    let node: PathNode?
    let elements: [JSONValue]
    var currentIndex = 0
    var codingPath: [any CodingKey] { PathNode.path(node) }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(node: PathNode?, elements: [JSONValue]) {
        self.node = node
        self.elements = elements
    }

    mutating func next() throws -> (JSONValue, ElementKey) {
        let key = ElementKey(currentIndex)
        guard !isAtEnd else { throw JSONDecodingError(path: pathString(codingPath + [key]), reason: "missing element") }
        defer { currentIndex += 1 }
        return (elements[currentIndex], key)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, key) = try next()
        return try TreeDecoder.decode(type, from: value, parent: node, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (value, key) = try next()
        return try TreeDecoder(value: value, parent: node, key: key).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, key) = try next()
        return try TreeDecoder(value: value, parent: node, key: key).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, key) = try next()
        return TreeDecoder(value: value, parent: node, key: key)
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
