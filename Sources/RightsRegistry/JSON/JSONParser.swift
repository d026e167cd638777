/// Why a JSON text was rejected, with the byte offset where parsing stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict RFC 8259 parser that also enforces the I-JSON rules RFC 8785 relies on: no duplicate
/// member names, no lone surrogates, valid UTF-8 only.
///
/// Written here because the import streams millions of lines and Foundation's `JSONDecoder` decodes
/// about 37,000 contract-land lines a second on this hardware (measured); this parser is several
/// times faster and reports the byte offset of the problem.
public enum JSONParser {
    static let maximumDepth = 256

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { bytes in Result { () throws(JSONParseError) in try parse(bytes) } }
        return try result.get()
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parse(buffer) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(JSONParseError) in try parse(buffer) }
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var builder = TreeBuilder()
        return try read(buffer, into: &builder)
    }

    /// Reads the one JSON value `buffer` holds, handing what it finds to `builder`.
    static func read<Builder: JSONBuilder>(_ buffer: UnsafeBufferPointer<UInt8>, into builder: inout Builder)
        throws(JSONParseError) -> Builder.Value
    {
        var cursor = Cursor(bytes: buffer)
        cursor.skipWhitespace()
        let value = try cursor.value(depth: 0, into: &builder)
        cursor.skipWhitespace()
        guard cursor.isAtEnd else { throw cursor.error("unexpected data after the JSON value") }
        return value
    }

    /// Checks that `bytes` are UTF-8, as a string of the text must be.
    static func requireUTF8(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) {
        if bytes.allSatisfy({ $0 < 0x80 }) { return }
        guard (try? UTF8Span(validating: bytes.span)) != nil else {
            throw JSONParseError(offset: offset, reason: "string is not valid UTF-8")
        }
    }
}

/// What a parse makes of the text as the cursor reads it: a tree (`JSONValue`) or a tape
/// (`JSONTape`). One cursor checks the syntax for both; a builder is told what was read, in
/// order, and checks what it keeps (the UTF-8 of strings, names given twice).
protocol JSONBuilder {
    associatedtype Value
    /// What a member's name is kept as until its value has been read.
    associatedtype Name
    /// An array being read.
    associatedtype Elements
    mutating func null() -> Value
    mutating func bool(_ flag: Bool) -> Value
    mutating func number(_ value: Double) -> Value
    /// A string's text with its escapes decoded; not yet checked to be UTF-8. `offset` is where
    /// the string starts in the text.
    mutating func string(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) -> Value
    /// An object begins; what it returns is given back to `endObject`.
    mutating func beginObject() -> Int
    /// A member's name, before its value; `offset` is where its opening quote is (a name given
    /// twice is reported there; text that is not UTF-8 at the offset after, as for a string).
    mutating func name(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) -> Name
    mutating func member(_ name: Name, _ value: Value)
    mutating func endObject(_ begin: Int) throws(JSONParseError) -> Value
    mutating func beginArray() -> Elements
    mutating func element(_ value: Value, to elements: inout Elements)
    mutating func endArray(_ elements: Elements) -> Value
}

/// Builds the tree: members wait on a stack until their object ends, then go into a dictionary
/// made at their count — one allocation, where inserting as they came grew it (and hashed every
/// name again) three or four times (issue 16).
struct TreeBuilder: JSONBuilder {
    /// Members of the objects being read, innermost last: name, value, the name's offset.
    private var members: [(String, JSONValue, Int)] = []

    func null() -> JSONValue { .null }
    func bool(_ flag: Bool) -> JSONValue { .bool(flag) }
    func number(_ value: Double) -> JSONValue { .number(value) }

    func string(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) -> JSONValue {
        .string(try Self.text(utf8, at: offset))
    }

    /// The string of `bytes`, which must be valid UTF-8. Checked first, then copied with
    /// `String(decoding:)`: `String(validating:)` looked up its generic metadata on every call,
    /// a tenth of parsing a document of Chinese text (issue 16).
    static func text(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) -> String {
        try JSONParser.requireUTF8(bytes, at: offset)
        return String(decoding: bytes, as: UTF8.self)
    }

    func beginObject() -> Int { members.count }

    func name(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) -> (String, Int) {
        (try Self.text(utf8, at: offset + 1), offset)
    }

    mutating func member(_ name: (String, Int), _ value: JSONValue) { members.append((name.0, value, name.1)) }

    mutating func endObject(_ begin: Int) throws(JSONParseError) -> JSONValue {
        var object = [String: JSONValue](minimumCapacity: members.count - begin)
        for (name, member, offset) in members[begin...] where object.updateValue(member, forKey: name) != nil {
            throw JSONParseError(offset: offset, reason: "duplicate member name \"\(name)\"")
        }
        members.removeLast(members.count - begin)
        return .object(object)
    }

    func beginArray() -> [JSONValue] { [] }
    func element(_ value: JSONValue, to elements: inout [JSONValue]) { elements.append(value) }
    func endArray(_ elements: [JSONValue]) -> JSONValue { .array(elements) }
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// A string with escapes, decoded: one buffer for every such string of the text.
    var decoded: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }

    func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value<Builder: JSONBuilder>(depth: Int, into builder: inout Builder) throws(JSONParseError)
        -> Builder.Value
    {
        guard depth < JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth, into: &builder)
        case UInt8(ascii: "["): return try array(depth: depth, into: &builder)
        case UInt8(ascii: "\""):
            let start = index + 1
            return try string { text throws(JSONParseError) in try builder.string(text, at: start) }
        case UInt8(ascii: "t"):
            try literal("true")
            return builder.bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return builder.bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return builder.null()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return builder.number(try number())
        default: throw error("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("invalid literal")
        }
        index += count
    }

    mutating func object<Builder: JSONBuilder>(depth: Int, into builder: inout Builder) throws(JSONParseError)
        -> Builder.Value
    {
        index += 1
        let begin = builder.beginObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return try builder.endObject(begin)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let nameOffset = index
            let name = try string { name throws(JSONParseError) in try builder.name(name, at: nameOffset) }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            builder.member(name, try value(depth: depth + 1, into: &builder))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
            index += 1
            return try builder.endObject(begin)
        }
    }

    mutating func array<Builder: JSONBuilder>(depth: Int, into builder: inout Builder) throws(JSONParseError)
        -> Builder.Value
    {
        index += 1
        var elements = builder.beginArray()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return builder.endArray(elements)
        }
        while true {
            skipWhitespace()
            builder.element(try value(depth: depth + 1, into: &builder), to: &elements)
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
            index += 1
            return builder.endArray(elements)
        }
    }

    /// Reads the string at the cursor (its opening quote) and hands `use` its text, escapes
    /// decoded.
    mutating func string<T>(_ use: (UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> T) throws(JSONParseError)
        -> T
    {
        index += 1
        let start = index
        // Fast path: no escapes, so the bytes between the quotes are the string.
        index = PlainRun.end(in: bytes, from: index, quotes: true)
        guard index < bytes.count else { throw error("unterminated string") }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            return try use(slice)
        case UInt8(ascii: "\\"): break
        default: throw error("control character in string")
        }
        // The buffer is taken out while the string is decoded into it, and handed back after.
        var buffer: [UInt8] = []
        swap(&buffer, &decoded)
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            // The run up to the next quote, escape or control character, copied whole (a
            // contract's text has a line break per clause; byte by byte it was most of its parse).
            let end = PlainRun.end(in: bytes, from: index, quotes: true)
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
            index = end
            guard index < bytes.count else { break }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                let result = buffer.withUnsafeBufferPointer { text in
                    Result { () throws(JSONParseError) in try use(text) }
                }
                decoded = buffer
                return try result.get()
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &buffer)
            default:
                throw error("control character in string")
            }
        }
        throw error("unterminated string")
    }

    mutating func escape(into buffer: inout [UInt8]) throws(JSONParseError) {
        guard index < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): buffer.append(0x22)
        case UInt8(ascii: "\\"): buffer.append(0x5C)
        case UInt8(ascii: "/"): buffer.append(0x2F)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try hex4())
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw error("lone high surrogate") }
                index += 2
                let low = UInt32(try hex4())
                guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("lone low surrogate")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid unicode escape") }
            buffer.append(contentsOf: UTF8.encode(unicode)!)
        default:
            throw error("invalid escape")
        }
    }

    mutating func hex4() throws(JSONParseError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw error("truncated unicode escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in unicode escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    mutating func number() throws(JSONParseError) -> Double {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
        var integer: UInt64 = 0
        var digits = 0
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error("leading zero in number") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                if digits < 18 { integer = integer * 10 + UInt64(bytes[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("digit expected after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("digit expected in exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        // Integers below 2^53 convert exactly; everything else goes through the correctly rounded
        // standard-library conversion.
        if isInteger, digits <= 15 {
            let value = Double(integer)
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(offset: start, reason: "number out of range")
        }
        return value
    }

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
