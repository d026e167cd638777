/// A JSON value as a flat list of nodes over one buffer of text, for reading field by field
/// (`FieldReader`): parsing an import line into it makes two allocations, where the tree
/// (`JSONValue`) made one for every object, array and long string, hashed every member name
/// into a dictionary and freed it all again — two fifths of parsing a line (issue 16).
///
/// Nodes are in document order. An object's node is followed by its members, each a name node
/// and then its value's nodes; an array's by its elements. A container's node says how many
/// members or elements it has and where the nodes after it begin, so a reader steps over a
/// value without reading it.
final class JSONTape: Sendable {
    struct Node {
        var kind: JSONKind
        /// A string's text is `text[start..<end]`; a container's members or elements are
        /// `start` in number, and `end` is the index of the node after its last.
        var start: Int32
        var end: Int32
        /// A number's value; a boolean's as 0 or 1.
        var number: Double
    }

    let nodes: [Node]
    /// The text of every string and name, escapes decoded, UTF-8.
    let text: [UInt8]

    private init(nodes: [Node], text: [UInt8]) {
        self.nodes = nodes
        self.text = text
    }

    /// The longest text a tape holds: its nodes address the text with 32-bit offsets.
    static let maximumLength = Int(Int32.max)

    /// Parses a JSON text, with the same checks as `JSONParser` (which builds the tree).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONTape {
        guard bytes.count <= maximumLength else {
            throw JSONParseError(offset: maximumLength, reason: "longer than \(maximumLength) bytes")
        }
        var builder = TapeBuilder(capacity: bytes.count)
        try JSONParser.read(bytes, into: &builder)
        return JSONTape(nodes: builder.nodes, text: builder.text)
    }

    /// The tape of a value already parsed (a body read as a tree).
    convenience init(_ value: JSONValue) {
        var builder = TapeBuilder(capacity: 256)
        builder.append(value)
        self.init(nodes: builder.nodes, text: builder.text)
    }

    /// The index of the node after the value at `node`.
    func after(_ node: Int) -> Int { Self.after(node, in: nodes) }

    /// The index of the node after the value at `node` of `nodes` (a tape's, or one being built).
    static func after(_ node: Int, in nodes: [Node]) -> Int {
        switch nodes[node].kind {
        case .array, .object: Int(nodes[node].end)
        case .null, .bool, .number, .string: node + 1
        }
    }

    /// The value nodes of an object's members, by position: (name node, value node).
    func members(_ object: Int) -> [(name: Int, value: Int)] {
        var members: [(name: Int, value: Int)] = []
        members.reserveCapacity(Int(nodes[object].start))
        var node = object + 1
        for _ in 0..<nodes[object].start {
            members.append((node, node + 1))
            node = after(node + 1)
        }
        return members
    }

    /// The value of the object's member named `name`, if it has one.
    func member(_ name: String, of object: Int) -> Int? {
        var name = name
        return name.withUTF8 { wanted in
            var node = object + 1
            for _ in 0..<nodes[object].start {
                if textEquals(node, wanted) { return node + 1 }
                node = after(node + 1)
            }
            return nil
        }
    }

    /// The element nodes of an array.
    func elements(_ array: Int) -> [Int] {
        var elements: [Int] = []
        elements.reserveCapacity(Int(nodes[array].start))
        var node = array + 1
        for _ in 0..<nodes[array].start {
            elements.append(node)
            node = after(node)
        }
        return elements
    }

    /// Members or elements of the container at `node`.
    func count(_ node: Int) -> Int { Int(nodes[node].start) }

    func string(_ node: Int) -> String { withUTF8(node) { String(decoding: $0, as: UTF8.self) } }

    /// Calls `body` with the UTF-8 of the string (or name) at `node`.
    func withUTF8<T>(_ node: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let range = Int(nodes[node].start)..<Int(nodes[node].end)
        return text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    private func textEquals(_ node: Int, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        let (start, end) = (Int(nodes[node].start), Int(nodes[node].end))
        guard end - start == wanted.count else { return false }
        // Compared in place: through a slice of `text`, each name compared retained and released
        // the text, and compared byte by byte (issue 16).
        return text.withUnsafeBufferPointer { text in
            UnsafeBufferPointer(rebasing: text[start..<end]).elementsEqual(wanted)
        }
    }

    /// A short name of the node's JSON type, for error messages.
    func typeName(_ node: Int) -> String { nodes[node].kind.rawValue }
}

/// Builds a tape as the cursor reads: nodes appended as values begin, a container's count and
/// end filled in when it ends.
private struct TapeBuilder: JSONBuilder {
    var nodes: [JSONTape.Node] = []
    var text: [UInt8] = []
    /// Names of the members of the objects being read, innermost last: where each is in `text`,
    /// and in the JSON text (for the error when a name comes twice).
    private var names: [(start: Int32, end: Int32, offset: Int)] = []

    /// Room for a text of `capacity` bytes: a node for every eight bytes or so, and its strings.
    init(capacity: Int) {
        nodes.reserveCapacity(capacity / 8 + 4)
        text.reserveCapacity(capacity)
    }

    mutating func null() { nodes.append(.init(kind: .null, start: 0, end: 0, number: 0)) }
    mutating func bool(_ flag: Bool) { nodes.append(.init(kind: .bool, start: 0, end: 0, number: flag ? 1 : 0)) }
    mutating func number(_ value: Double) { nodes.append(.init(kind: .number, start: 0, end: 0, number: value)) }

    mutating func string(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) {
        let (start, end) = try keep(utf8, at: offset)
        nodes.append(.init(kind: .string, start: start, end: end, number: 0))
    }

    /// Appends checked text; its range in `text`.
    private mutating func keep(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError)
        -> (Int32, Int32)
    {
        try JSONParser.requireUTF8(utf8, at: offset)
        let start = Int32(text.count)
        text.append(contentsOf: utf8)
        return (start, Int32(text.count))
    }

    /// The object's node; its `start` holds where its names begin on `names` until it ends.
    mutating func beginObject() -> Int {
        nodes.append(.init(kind: .object, start: Int32(names.count), end: 0, number: 0))
        return nodes.count - 1
    }

    mutating func name(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) {
        let (start, end) = try keep(utf8, at: offset + 1)
        nodes.append(.init(kind: .string, start: start, end: end, number: 0))
        names.append((start, end, offset))
    }

    mutating func member(_ name: Void, _ value: Void) {}

    mutating func endObject(_ begin: Int) throws(JSONParseError) {
        let first = Int(nodes[begin].start)
        try requireDistinct(names[first...])
        nodes[begin].start = Int32(names.count - first)
        nodes[begin].end = Int32(nodes.count)
        names.removeLast(names.count - first)
    }

    /// RFC 8785 (I-JSON) has no member named twice. A dozen names are compared pairwise; more
    /// are hashed, so a body of many members is not a quadratic amount of work.
    private func requireDistinct(_ names: ArraySlice<(start: Int32, end: Int32, offset: Int)>) throws(JSONParseError) {
        func bytes(_ name: (start: Int32, end: Int32, offset: Int)) -> ArraySlice<UInt8> {
            text[Int(name.start)..<Int(name.end)]
        }
        if names.count <= 16 {
            for later in names.indices {
                for earlier in names.startIndex..<later where bytes(names[earlier]) == bytes(names[later]) {
                    throw duplicate(names[later])
                }
            }
            return
        }
        var seen = Set<ArraySlice<UInt8>>(minimumCapacity: names.count)
        for name in names where !seen.insert(bytes(name)).inserted { throw duplicate(name) }
    }

    private func duplicate(_ name: (start: Int32, end: Int32, offset: Int)) -> JSONParseError {
        let text = String(decoding: text[Int(name.start)..<Int(name.end)], as: UTF8.self)
        return JSONParseError(offset: name.offset, reason: "duplicate member name \"\(text)\"")
    }

    mutating func beginArray() -> Int {
        nodes.append(.init(kind: .array, start: 0, end: 0, number: 0))
        return nodes.count - 1
    }

    mutating func element(_ value: Void, to elements: inout Int) {}

    mutating func endArray(_ begin: Int) {
        var count: Int32 = 0
        var node = begin + 1
        while node < nodes.count {
            count += 1
            node = JSONTape.after(node, in: nodes)
        }
        nodes[begin].start = count
        nodes[begin].end = Int32(nodes.count)
    }

    /// Appends a value already parsed.
    mutating func append(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let string):
            let start = Int32(text.count)
            text.append(contentsOf: string.utf8)
            nodes.append(.init(kind: .string, start: start, end: Int32(text.count), number: 0))
        case .array(let elements):
            let begin = beginArray()
            for element in elements { append(element) }
            endArray(begin)
        case .object(let members):
            let begin = nodes.count
            nodes.append(.init(kind: .object, start: Int32(members.count), end: 0, number: 0))
            for (name, member) in members {
                append(.string(name))
                append(member)
            }
            nodes[begin].end = Int32(nodes.count)
        }
    }
}
