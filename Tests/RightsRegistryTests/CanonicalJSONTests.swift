import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    @Test(
        "canonicalises the reference inputs byte for byte",
        arguments: ["arrays", "french", "structures", "unicode", "values", "weird"])
    func cyberphoneCases(name: String) throws {
        let input = try Vectors.data("jcs/cyberphone-testdata/input/\(name).json")
        let expected = try Vectors.data("jcs/cyberphone-testdata/output/\(name).json")
        #expect(CanonicalJSON.bytes(try JSONParser.parse(Array(input))) == Array(expected))
    }

    @Test(
        "a plain run ends where a byte-by-byte scan ends it — at a control character, a backslash or (in JSON) a quote — from every offset"
    )
    func plainRuns() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = Variations(state: seed)
        // The bytes at the edges of the word test's comparisons, among plain bytes of any value
        // (runs long enough to span words).
        let edges: [UInt8] = [
            0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0x9F, 0xA0, 0xA2, 0xDC, 0xFF,
        ]
        func special(_ byte: UInt8, _ quotes: Bool) -> Bool { byte < 0x20 || byte == 0x5C || (quotes && byte == 0x22) }
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in
                if Int.random(in: 0..<6, using: &random) == 0 { return edges.randomElement(using: &random)! }
                var byte = UInt8.random(in: 0...255, using: &random)
                while special(byte, true) { byte = UInt8.random(in: 0...255, using: &random) }
                return byte
            }
            bytes.withUnsafeBufferPointer { buffer in
                for start in 0...bytes.count {
                    for quotes in [false, true] {
                        let expected = (start..<bytes.count).first { special(bytes[$0], quotes) } ?? bytes.count
                        #expect(
                            PlainRun.end(in: buffer, from: start, quotes: quotes) == expected,
                            "seed \(seed): \(bytes) from \(start), quotes \(quotes)")
                    }
                }
            }
        }
    }

    @Test("serialises the Appendix B numbers as ES6 does")
    func appendixBNumbers() throws {
        let samples = try Vectors.json("jcs/rfc8785_appendix_b_numbers.json")["samples"]!.array
        var checked = 0
        for sample in samples {
            let bits = UInt64(sample["ieee754_hex"]!.string, radix: 16)!
            let value = Double(bitPattern: bits)
            guard case .string(let expected) = sample["json"]! else {
                #expect(!value.isFinite, "a null sample must be a non-finite value")
                continue
            }
            #expect(CanonicalJSON.format(value) == expected, "\(sample["ieee754_hex"]!.string)")
            checked += 1
        }
        #expect(checked > 20)
    }

    @Test("serialises the first 10,000 ES6 number-file lines")
    func es6NumberFile() throws {
        let text = String(decoding: try Vectors.data("jcs/es6numbers_first10000.txt"), as: UTF8.self)
        var lines = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ",", maxSplits: 1)
            let value = Double(bitPattern: UInt64(parts[0], radix: 16)!)
            #expect(CanonicalJSON.format(value) == String(parts[1]), "\(parts[0])")
            lines += 1
        }
        #expect(lines == 10_000)
    }

    @Test("sorts names by UTF-16 code units and reproduces the RFC's examples")
    func rfcExamples() throws {
        let examples = try Vectors.json("jcs/rfc8785_examples.json")
        let primitives = examples["section_3_2_2_and_3_2_3_primitive_serialization_and_sorting"]!
        let canonical = CanonicalJSON.bytes(try JSONParser.parse(primitives["input_json"]!.string))
        #expect(String(decoding: canonical, as: UTF8.self) == primitives["canonical"]!.string)
        #expect(canonical == hexBytes(examples["section_3_2_4_utf8_bytes_hex"]!.string))

        let sorting = examples["section_3_2_3_sorting_test"]!
        let sorted = CanonicalJSON.string(try JSONParser.parse(sorting["input_json"]!.string))
        let positions = try sorting["expected_value_order"]!.array.map { value in
            try #require(sorted.range(of: "\"\(value.string)\"")).lowerBound
        }
        #expect(positions == positions.sorted(), "values must appear in UTF-16 name order")
    }

    @Test("member names compare as their UTF-16 code units do, whatever their length and script")
    func nameOrder() {
        // Characters from each range where UTF-8 and UTF-16 orders meet or part: ASCII, two- and
        // three-byte ones, U+E000–U+FFFF (after the surrogates in UTF-16), beyond U+FFFF.
        let pieces = ["", "a", "b", "ab", "é", "中", "村", "\u{E000}", "\u{FFFD}", "😀", "𠀀", "\u{7F}", "\u{80}"]
        var generator = SystemRandomNumberGenerator()
        var names = pieces
        for _ in 0..<400 {
            names.append((0..<Int.random(in: 1...4, using: &generator)).map { _ in pieces.randomElement()! }.joined())
        }
        for a in names {
            for b in names.prefix(60) {
                let utf16 = a.utf16.lexicographicallyPrecedes(b.utf16)
                #expect(CanonicalJSON.precedes(a, b) == utf16, "\(Array(a.unicodeScalars)) \(Array(b.unicodeScalars))")
            }
        }
    }

    @Test("the parser refuses duplicate names, lone surrogates and trailing data")
    func strictParser() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a":1,"a":2}"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"["\ud800"]"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a":1} x"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[01]") }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[1e999]") }
    }

    @Test("strings: escapes read between runs of text; a control character refused before or after an escape")
    func stringEscapes() throws {
        let text = #"第1条 甲方\n第2条 \"乙方\"\\\u00e9\t😀 end"#
        #expect(try JSONParser.parse("[\"\(text)\"]") == .array([.string("第1条 甲方\n第2条 \"乙方\"\\é\t😀 end")]))
        #expect(try JSONParser.parse(#"["\n"]"#) == .array([.string("\n")]))
        #expect(try JSONParser.parse(#"["a\nb\"c"]"#) == .array([.string("a\nb\"c")]))
        for control in [0x00, 0x01, 0x0A, 0x1F] as [UInt8] {
            for before in ["", #"a\n"#, #"\\"#] {
                let document = Array("[\"\(before)x".utf8) + [control] + Array("y\"]".utf8)
                let error = #expect(throws: JSONParseError.self, "\(control) after \(before)") {
                    try JSONParser.parse(document)
                }
                #expect(error?.reason == "control character in string")
                #expect(error?.offset == 2 + before.utf8.count + 1)
            }
        }
    }

    @Test("objects inside objects and arrays keep their own members; a name twice is found at any depth")
    func nestedMembers() throws {
        // The parser holds the members of every open object on one stack until each ends.
        let text = #"{"a":{"b":1,"c":[{"b":2},{"b":3,"d":{}}]},"b":4,"e":[{"a":5}]}"#
        let value = try JSONParser.parse(text)
        #expect(value.objectValue?.keys.sorted() == ["a", "b", "e"])
        #expect(value["a"]?.objectValue?.keys.sorted() == ["b", "c"])
        #expect(value["a"]?["b"] == .number(1))
        let elements = try #require(value["a"]?["c"]?.arrayValue)
        #expect(elements == [.object(["b": .number(2)]), .object(["b": .number(3), "d": .object([:])])])
        #expect(value["b"] == .number(4))
        #expect(value["e"] == .array([.object(["a": .number(5)])]))
        #expect(CanonicalJSON.string(value) == #"{"a":{"b":1,"c":[{"b":2},{"b":3,"d":{}}]},"b":4,"e":[{"a":5}]}"#)

        let inner = #"{"a":{"b":1,"c":2,"b":3},"d":4}"#
        let innerError = #expect(throws: JSONParseError.self) { try JSONParser.parse(inner) }
        #expect(innerError?.offset == 18)
        #expect(innerError?.reason == #"duplicate member name "b""#)
        let outer = #"{"a":{"b":1},"c":[{"a":2}],"a":3}"#
        let outerError = #expect(throws: JSONParseError.self) { try JSONParser.parse(outer) }
        #expect(outerError?.offset == 27)
    }

    @Test("Codable values round-trip through JSONValue with field paths on errors")
    func codableBridge() throws {
        let parcel = Parcel(
            code: try ParcelCode("3304241012010000001"), location: "东风村",
            bounds: Bounds(east: "沟", south: "路", west: "张", north: "李"),
            area: try SquareMetres("900.5"), landUse: .cropping, basicFarmland: true)
        let value = try JSONValueEncoder().encode(parcel)
        #expect(value["area_m2"] == "900.50")
        #expect(try JSONValueDecoder().decode(Parcel.self, from: value) == parcel)

        var broken = value.objectValue!
        broken["area_m2"] = "9.999"
        let error = #expect(throws: JSONDecodingError.self) {
            try JSONValueDecoder().decode(Parcel.self, from: .object(broken))
        }
        #expect(error?.path == "area_m2")
        #expect(error?.reason.contains("two decimals") == true)
    }

    @Test("a decoding error names its field's whole path, inside objects and arrays at any depth")
    func decodingErrorPaths() async throws {
        let t = try await TestRegistry()
        let right = try #require(try await t.reads.right(t.contract(0, 1)))
        let document = try JSONValueEncoder().encode(right)
        #expect(try JSONValueDecoder().decode(Right.self, from: document) == right)
        /// `document` with the member at `path` (names and array indexes) set to `value`, or
        /// removed when `value` is nil.
        func changing(_ document: JSONValue, _ path: ArraySlice<String>, to value: JSONValue?) -> JSONValue {
            guard let step = path.first else { return value ?? .null }
            switch document {
            case .object(var members):
                if path.count == 1, value == nil {
                    members[step] = nil
                } else {
                    members[step] = changing(members[step] ?? .null, path.dropFirst(), to: value)
                }
                return .object(members)
            case .array(var elements):
                let index = Int(step)!
                elements[index] = changing(elements[index], path.dropFirst(), to: value)
                return .array(elements)
            case .null, .bool, .number, .string: return document
            }
        }
        let parcels = ["detail", "contract_land", "parcels"]
        let cases: [(path: [String], value: JSONValue?, named: String, reason: String)] = [
            (parcels + ["1", "area_m2"], "9.999", "detail.contract_land.parcels[1].area_m2", "two decimals"),
            (parcels + ["0", "bounds", "east"], .number(7), "detail.contract_land.parcels[0].bounds.east", "string"),
            (parcels + ["1", "code"], nil, "detail.contract_land.parcels[1].code", "missing"),
            (["term", "end"], "2026-02-30", "term.end", "real date"),
            (["history", "0"], "first", "history[0]", "integer"),
            (["holder"], "village:1", "holder", "holder"),
            (["detail"], .array([]), "detail", "object"),
        ]
        for broken in cases {
            let error = #expect(throws: JSONDecodingError.self, "\(broken.named)") {
                try JSONValueDecoder().decode(
                    Right.self, from: changing(document, broken.path[...], to: broken.value))
            }
            #expect(error?.path == broken.named)
            #expect(error?.reason.contains(broken.reason) == true, "\(error?.reason ?? "")")
        }
    }

    // MARK: The streaming encoder (issue 16) against the tree encoder

    @Test(
        "streaming and tree encoders write the same bytes for 3,000 random values: names repeated, out of order, beyond U+FFFF; nested containers; big and odd numbers"
    )
    func streamingMatchesTree() throws {
        var random = Xorshift(seed: 20_261_126)
        var streamed = 0
        for round in 0..<3_000 {
            let shape = Shape.random(&random, depth: 0)
            let tree = try JSONValueEncoder().treeBytes(shape)
            let bytes = try JSONValueEncoder().canonicalBytes(shape)
            #expect(
                bytes == tree,
                "round \(round): \(String(decoding: bytes, as: UTF8.self)) ≠ \(String(decoding: tree, as: UTF8.self))")
            // And both are the reference writer's canonical form of the same document.
            #expect(bytes == CanonicalJSON.bytes(try JSONValueEncoder().encode(shape)))
            if StreamingEncoder.bytes(of: shape) != nil { streamed += 1 }
        }
        #expect(streamed == 3_000, "every random value streams (only unsupported uses fall back)")
    }

    @Test(
        "uses the streaming encoder cannot follow fall back to the tree: containers written out of nesting order, super-encoders, two container kinds; non-finite numbers fail with their path"
    )
    func streamingFallsBack() throws {
        for use in Unusual.allCases {
            #expect(StreamingEncoder.bytes(of: use) == nil, "\(use) streamed")
            #expect(try JSONValueEncoder().canonicalBytes(use) == (try JSONValueEncoder().treeBytes(use)), "\(use)")
        }
        struct Reading: Encodable { let metres: Double }
        let error = #expect(throws: JSONEncodingError.self) {
            try JSONValueEncoder().canonicalBytes([Reading(metres: .nan)])
        }
        #expect(error?.path == "[0].metres")
        struct Empty: Encodable { func encode(to encoder: any Encoder) throws {} }
        #expect(try JSONValueEncoder().canonicalBytes(["a": Empty()]) == Array(#"{"a":{}}"#.utf8))
    }
}

/// A deterministic generator for the encoder comparisons.
struct Xorshift: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

/// A JSON-shaped value that goes through Codable's containers the ways synthesized conformances
/// do: keyed (names in any order, repeated), unkeyed, nested keyed and unkeyed, single values.
indirect enum Shape: Encodable {
    case text(String)
    case integer(Int)
    case unsigned(UInt64)
    case real(Double)
    case flag(Bool)
    case nothing
    case object([(String, Shape)])
    case array([Shape])
    /// An object whose members that are objects or arrays go in through nested containers.
    case nesting([(String, Shape)])

    struct Name: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    static let names = [
        "", "a", "b", "aa", "id", "é", "€", "😀", "\u{E000}", "\u{FFFF}", "z\n", "\"", "\\", "地块", "right_id", "B",
    ]

    static func random(_ random: inout Xorshift, depth: Int) -> Shape {
        let pick = Int.random(in: 0..<(depth > 3 ? 6 : 9), using: &random)
        switch pick {
        case 0: return .text(names.randomElement(using: &random)! + String(Int.random(in: 0..<3, using: &random)))
        case 1:
            let magnitude = [1, 1 << 20, 1 << 53, 1 << 62].randomElement(using: &random)!
            return .integer(Int.random(in: -magnitude...magnitude, using: &random))
        case 2: return .unsigned([0, 1 << 53, (1 << 53) + 1, UInt64.max].randomElement(using: &random)!)
        case 3:
            return .real(
                [0.1, -0.0, 1e21, .leastNonzeroMagnitude, 123.456, -1e-7, 1e15].randomElement(using: &random)!)
        case 4: return .flag(Bool.random(using: &random))
        case 5: return .nothing
        case 6, 8:
            let members = (0..<Int.random(in: 0..<6, using: &random)).map { _ in
                (names.randomElement(using: &random)!, Shape.random(&random, depth: depth + 1))
            }
            return pick == 6 ? .object(members) : .nesting(members)
        default:
            return .array(
                (0..<Int.random(in: 0..<5, using: &random)).map { _ in Shape.random(&random, depth: depth + 1) })
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .text(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .integer(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .unsigned(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .real(let number):
            var single = encoder.singleValueContainer()
            try single.encode(number)
        case .flag(let flag):
            var single = encoder.singleValueContainer()
            try single.encode(flag)
        case .nothing:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .object(let members):
            var keyed = encoder.container(keyedBy: Name.self)
            for (name, value) in members { try keyed.encode(value, forKey: Name(name)) }
        case .array(let elements):
            var unkeyed = encoder.unkeyedContainer()
            for element in elements { try unkeyed.encode(element) }
        case .nesting(let members):
            var keyed = encoder.container(keyedBy: Name.self)
            for (name, value) in members {
                switch value {
                case .object(let inner), .nesting(let inner):
                    var nested = keyed.nestedContainer(keyedBy: Name.self, forKey: Name(name))
                    for (innerName, innerValue) in inner { try nested.encode(innerValue, forKey: Name(innerName)) }
                case .array(let elements):
                    var nested = keyed.nestedUnkeyedContainer(forKey: Name(name))
                    for element in elements { try nested.encode(element) }
                default:
                    try keyed.encode(value, forKey: Name(name))
                }
            }
        }
    }
}

/// Uses of Codable's containers that only the tree encoder follows.
enum Unusual: CaseIterable, Encodable {
    case parentAfterChild, superEncoder, twoKinds, singleAfterKeyed

    func encode(to encoder: any Encoder) throws {
        var keyed = encoder.container(keyedBy: Shape.Name.self)
        switch self {
        case .parentAfterChild:
            var child = keyed.nestedContainer(keyedBy: Shape.Name.self, forKey: Shape.Name("b"))
            try keyed.encode(1, forKey: Shape.Name("a"))
            try child.encode(2, forKey: Shape.Name("c"))
        case .superEncoder:
            var parent = keyed.superEncoder().container(keyedBy: Shape.Name.self)
            try parent.encode("x", forKey: Shape.Name("y"))
        case .twoKinds:
            try keyed.encode(1, forKey: Shape.Name("a"))
            var unkeyed = encoder.unkeyedContainer()
            try unkeyed.encode(2)
        case .singleAfterKeyed:
            try keyed.encode(1, forKey: Shape.Name("a"))
            var single = encoder.singleValueContainer()
            try single.encode(2)
        }
    }
}
