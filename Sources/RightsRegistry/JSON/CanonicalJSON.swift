/// RFC 8785 JSON Canonicalization Scheme (JCS): the byte form every log entry is hashed in.
///
/// - object members sorted by their names' UTF-16 code units (§3.2.3);
/// - strings with only `"`, `\` and control characters escaped, as ES6 `JSON.stringify` does (§3.2.2.2);
/// - numbers in ES6 `Number.prototype.toString` form (§3.2.2.3);
/// - no whitespace.
public enum CanonicalJSON {
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output)
        return output
    }

    /// An object of `members` and of members already written as canonical JSON (`canonical`),
    /// all in RFC 8785 order: what `bytes` writes for the object of them all, without writing
    /// the latter again. A name in both is written once, with its canonical bytes.
    public static func bytes(_ members: [String: JSONValue], canonical: [String: [UInt8]]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256 + canonical.values.reduce(0) { $0 + $1.count })
        output.append(UInt8(ascii: "{"))
        for (position, name) in Set(members.keys).union(canonical.keys).sorted(by: precedes).enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            writeString(name, into: &output)
            output.append(UInt8(ascii: ":"))
            if let bytes = canonical[name] {
                output.append(contentsOf: bytes)
            } else if let value = members[name] {
                write(value, into: &output)
            }
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    public static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: format(number).utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            // Sorted with their values: sorting the names alone, each value was looked up again
            // by its name, hashing every name once more (issue 16: a search's answer is written
            // twice, signed and sent).
            for (position, member) in members.sorted(by: { precedes($0.key, $1.key) }).enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Whether member name `a` comes before `b` in RFC 8785 order (UTF-16 code units), in one
    /// pass over the UTF-8 bytes. UTF-8 byte order is code point order, and so UTF-16 order,
    /// except where a character beyond U+FFFF (lead byte F0–F4; a surrogate pair in UTF-16, D8xx)
    /// meets one in U+E000–U+FFFF (lead byte EE–EF): there UTF-16 puts the former first.
    static func precedes(_ a: String, _ b: String) -> Bool {
        // Over both names' bytes where they lie (stepping a string's UTF-8 view costs more than
        // the comparison: ~1.3 % of a collateral search's CPU went to sorting members).
        let ordered = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in precedes(left, right) }
        }
        return (ordered ?? nil) ?? precedes(Array(a.utf8), Array(b.utf8))
    }

    private static func precedes(_ left: some Collection<UInt8>, _ right: some Collection<UInt8>) -> Bool {
        for (x, y) in zip(left, right) where x != y {
            if x >= 0xF0, y == 0xEE || y == 0xEF { return true }
            if y >= 0xF0, x == 0xEE || x == 0xEF { return false }
            return x < y
        }
        return left.count < right.count
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped, everything
    /// else as its UTF-8. The runs between escapes are copied whole: a contract's text has a line
    /// break per clause, and copying it byte by byte was most of writing a deal (issue 16).
    static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var run = 0
            while true {
                let end = PlainRun.end(in: bytes, from: run, quotes: true)
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<end]))
                guard end < bytes.count else { break }
                writeEscape(bytes[end], into: &output)
                run = end + 1
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// The escape of a quote, a backslash or a control character (RFC 8785 §3.2.2.2: the short
    /// forms where JSON has them, else `\u00XX` in lower case).
    private static func writeEscape(_ byte: UInt8, into output: inout [UInt8]) {
        output.append(0x5C)
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        default:
            let hex: StaticString = "0123456789abcdef"
            hex.withUTF8Buffer { digits in
                output.append(contentsOf: [
                    UInt8(ascii: "u"), 0x30, 0x30, digits[Int(byte >> 4)], digits[Int(byte & 0xF)],
                ])
            }
        }
    }

    /// An integer as RFC 8785 writes it: as the Double it becomes, so its digits are kept up to
    /// 2⁵³ and beyond that are those of the nearest Double.
    static func writeInteger(_ value: some BinaryInteger, into output: inout [UInt8]) {
        if let exact = Int64(exactly: value), exact.magnitude <= 1 << 53 {
            output.append(contentsOf: String(exact).utf8)
        } else {
            output.append(contentsOf: format(Double(value)).utf8)
        }
    }

    /// ES6 Number.prototype.toString (ECMA-262 §7.1.12.1) from the shortest round-trip digits,
    /// which Swift's `description` already produces. Non-finite values are not JSON; the encoder
    /// refuses them before they get here.
    public static func format(_ value: Double) -> String {
        precondition(value.isFinite, "JSON has no representation for \(value)")
        if value == 0 { return "0" }
        if value < 0 { return "-" + format(-value) }
        if value < 1e15, value == value.rounded(.towardZero) { return String(UInt64(value)) }

        // Split Swift's description ("1.2345e+21", "0.001", "5e-324", "123.5") into the digit
        // string s and the exponent n of ECMA-262: value = 0.s × 10^n.
        let description = value.description
        var mantissa = Substring(description)
        var exponent = 0
        if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = description[..<e]
            exponent = Int(description[description.index(after: e)...])!
        }
        var digits = ""
        var pointPosition = mantissa.count
        if let dot = mantissa.firstIndex(of: ".") {
            pointPosition = mantissa.distance(from: mantissa.startIndex, to: dot)
            digits = String(mantissa[..<dot]) + String(mantissa[mantissa.index(after: dot)...])
        } else {
            digits = String(mantissa)
        }
        var n = pointPosition + exponent
        while digits.first == "0" {
            digits.removeFirst()
            n -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let k = digits.count

        if k <= n, n <= 21 { return digits + String(repeating: "0", count: n - k) }
        if 0 < n, n <= 21 {
            let split = digits.index(digits.startIndex, offsetBy: n)
            return digits[..<split] + "." + digits[split...]
        }
        if -6 < n, n <= 0 { return "0." + String(repeating: "0", count: -n) + digits }
        let sign = n - 1 >= 0 ? "+" : "-"
        let first = digits.prefix(1)
        let rest = digits.dropFirst()
        return (rest.isEmpty ? String(first) : first + "." + rest) + "e" + sign + String(abs(n - 1))
    }
}
