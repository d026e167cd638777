import Foundation
import PropertyBased
import Testing

@testable import RightsRegistry

/// The tape (what the import and the field reader read) and the tree (what documents are
/// decoded from) come from one cursor through two builders: for every text they must agree —
/// the same value, or the same refusal at the same byte.
@Suite("JSON tape")
struct JSONTapeTests {
    /// A JSON text made from `seed`: nested values, escapes, non-ASCII text, numbers of every
    /// form, whitespace; then up to three bytes changed, inserted or removed, so that most texts
    /// are near-misses of valid JSON rather than noise.
    static func text(_ seed: UInt64) -> [UInt8] {
        var random = SplitMix(seed)
        var out: [UInt8] = []
        func space() { if random.next(4) == 0 { out.append([0x20, 0x0A, 0x09, 0x0D][random.next(4)]) } }
        func string() {
            let pieces = [
                "a", "b", "名", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", "\\/", "😀", "ab", "key", "\\u0041",
            ]
            out.append(0x22)
            for _ in 0..<random.next(4) { out.append(contentsOf: pieces[random.next(pieces.count)].utf8) }
            out.append(0x22)
        }
        func value(_ depth: Int) {
            space()
            switch random.next(depth > 3 ? 5 : 7) {
            case 0: out.append(contentsOf: ["null", "true", "false"][random.next(3)].utf8)
            case 1, 2:
                let numbers = [
                    "0", "-0", "7", "-12", "3.25", "1e3", "2E-2", "123456789012345678", "-0.5e+1", "9007199254740993",
                ]
                out.append(contentsOf: numbers[random.next(numbers.count)].utf8)
            case 3, 4: string()
            case 5:
                out.append(UInt8(ascii: "["))
                for position in 0..<random.next(4) {
                    if position > 0 { out.append(UInt8(ascii: ",")) }
                    value(depth + 1)
                }
                space()
                out.append(UInt8(ascii: "]"))
            default:
                out.append(UInt8(ascii: "{"))
                // Up to 24 members from a few names: names come twice, in small objects and in
                // ones past the size where the tape hashes its names.
                let names = random.next(3) == 0 ? 24 : 5
                for position in 0..<random.next(names) {
                    if position > 0 { out.append(UInt8(ascii: ",")) }
                    space()
                    out.append(contentsOf: "\"k\(random.next(names == 24 ? 40 : 6))\"".utf8)
                    space()
                    out.append(UInt8(ascii: ":"))
                    value(depth + 1)
                }
                space()
                out.append(UInt8(ascii: "}"))
            }
            space()
        }
        value(0)
        for _ in 0..<random.next(4) where !out.isEmpty {
            let at = random.next(out.count)
            let bytes: [UInt8] = [
                0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x30, 0x2D, 0x2E, 0x65, 0xC3, 0xFF, 0x01,
            ]
            switch random.next(3) {
            case 0: out[at] = bytes[random.next(bytes.count)]
            case 1: out.insert(bytes[random.next(bytes.count)], at: at)
            default: out.remove(at: at)
            }
        }
        return out
    }

    /// What a parse gave: the value, or the refusal.
    enum Outcome: Equatable {
        case value(JSONValue)
        case refused(JSONParseError)
    }

    static func tree(_ bytes: [UInt8]) -> Outcome {
        do { return .value(try JSONParser.parse(bytes)) } catch { return .refused(error) }
    }

    static func tape(_ bytes: [UInt8]) -> Outcome {
        do {
            let tape = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in try JSONTape.parse(buffer) }
            return .value(tape.value(0))
        } catch {
            return .refused(error)
        }
    }

    @Test("every text, valid or not, is the same value or the same refusal as a tape and as a tree")
    func tapeAgreesWithTree() async {
        let tally = Tally()
        await propertyCheck(count: 3_000, input: Gen.int(in: 0...Int.max)) { seed in
            let text = Self.text(UInt64(seed))
            let tree = Self.tree(text)
            #expect(Self.tape(text) == tree, "\(String(decoding: text, as: UTF8.self))")
            if case .value(let value) = tree {
                tally.add(\.accepted)
                // A tree made into a tape reads back as the same tree.
                #expect(JSONTape(value).value(0) == value)
            } else {
                tally.add(\.invalid)
            }
        }
        // Both kinds of text were generated in number: the agreement was tested on each.
        #expect(tally.counts.accepted > 500)
        #expect(tally.counts.invalid > 500)
    }

    @Test("a name twice is refused at its second place, among few names and among many, at any depth")
    func duplicateNames() {
        func refusal(_ text: String) -> JSONParseError? {
            if case .refused(let error) = Self.tape(Array(text.utf8)) { return error }
            return nil
        }
        let few = #"{"a":1,"b":{"c":2,"c":3}}"#
        #expect(refusal(few) == JSONParseError(offset: 18, reason: #"duplicate member name "c""#))
        // 20 names: past the pairwise comparison; the second "k3" is the one reported.
        let names = (0..<20).map { #""k\#($0)":\#($0)"# } + [#""k3":0"#]
        let many = "{" + names.joined(separator: ",") + "}"
        let offset = many.utf8.count - #""k3":0}"#.utf8.count
        #expect(refusal(many) == JSONParseError(offset: offset, reason: #"duplicate member name "k3""#))
        #expect(refusal(many.replacingOccurrences(of: #","k3":0}"#, with: "}")) == nil)
        // Names equal only once their escapes are decoded are the same name.
        #expect(refusal(#"{"é":1,"\u00e9":2}"#)?.reason == #"duplicate member name "é""#)
    }

    @Test("text that is not UTF-8 is refused where its string starts, as a value and as a name; UTF-8 is kept")
    func invalidUTF8() {
        // A lone continuation byte, a sequence cut short, an overlong NUL, a surrogate, past U+10FFFF.
        let invalid: [[UInt8]] = [[0x80], [0xE6, 0xB5], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]]
        for bytes in invalid {
            let value = Array(#"{"a":"x"#.utf8) + bytes + Array(#""}"#.utf8)
            let name = Array(#"{"a":1,""#.utf8) + bytes + Array(#"":2}"#.utf8)
            for text in [value, name] {
                let refusal = JSONParseError(offset: text == value ? 6 : 8, reason: "string is not valid UTF-8")
                #expect(Self.tree(text) == .refused(refusal), "\(bytes)")
                #expect(Self.tape(text) == .refused(refusal), "\(bytes)")
            }
        }
        let chinese = Array(#"{"名":"浙江省😀"}"#.utf8)
        #expect(Self.tree(chinese) == .value(["名": "浙江省😀"]))
        #expect(Self.tape(chinese) == .value(["名": "浙江省😀"]))
    }

    @Test("a text longer than the tape's offsets reach is refused before a byte of it is read")
    func tooLong() {
        // Address space only: the bytes are never touched, so none of it becomes memory.
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: JSONTape.maximumLength + 1)
        defer { bytes.deallocate() }
        #expect(throws: JSONParseError(offset: JSONTape.maximumLength, reason: "longer than 2147483647 bytes")) {
            try JSONTape.parse(UnsafeBufferPointer(bytes))
        }
    }

    @Test("a field of the wrong kind is named by its JSON kind, read from a text or from a tree")
    func kindNames() throws {
        let text = #"{"b":true,"n":1.5,"a":[],"o":{}}"#
        let tree = try JSONParser.parse(text)
        var fromTree = FieldReader(tree)
        var fromText = try Array(text.utf8).withUnsafeBufferPointer { buffer in try FieldReader(json: buffer) }
        for name in ["b", "n", "a", "o"] {
            _ = fromTree.string(name)
            _ = fromText.string(name)
        }
        _ = fromText.bool("missing", required: false)
        let expected = ["boolean", "number", "array", "object"].map { "expected a string, found \($0)" }
        #expect(fromTree.allProblems.map(\.reason) == expected)
        #expect(fromText.allProblems.map(\.reason) == expected)
        #expect(JSONValue.null.typeName == "null" && tree["b"]?.typeName == "boolean")
        #expect(FieldReader(.null).allProblems.map(\.reason) == ["expected an object, found null"])
    }

    @Test("a field reader reads a text and the tree parsed from it alike: values, kinds, problems")
    func readerOverTextAndTree() throws {
        let text = #"{"code":"A1","n":3,"f":1.5,"flag":true,"none":null,"list":["x","y"],"inner":{"k":"v"},"extra":[]}"#
        func read(_ reader: inout FieldReader) -> [String] {
            var seen: [String] = []
            seen.append(reader.string("code") ?? "-")
            seen.append(reader.integer("n").map(String.init) ?? "-")
            seen.append(reader.integer("f").map(String.init) ?? "-")
            seen.append(reader.bool("flag").map(String.init) ?? "-")
            seen.append(reader.string("none", required: false) ?? "-")
            seen.append((reader.strings("list") { text throws(InvalidValue) in text } ?? []).joined())
            var inner = reader.object("inner")
            seen.append(inner?.string("k") ?? "-")
            seen.append(String(reader.isString("code")) + String(reader.has("k", in: "inner")))
            reader.rejectUnknownFields()
            return seen + reader.allProblems.map(\.description)
        }
        var fromText = try Array(text.utf8).withUnsafeBufferPointer { buffer in
            FieldReader(try JSONTape.parse(buffer), node: 0, path: "", problems: FieldReader.Problems())
        }
        var fromTree = FieldReader(try JSONParser.parse(text))
        let seen = read(&fromText)
        #expect(seen == read(&fromTree))
        #expect(seen.prefix(8) == ["A1", "3", "-", "true", "-", "xy", "v", "truetrue"])
        #expect(seen.dropFirst(8).contains { $0.contains("f") && $0.contains("fraction") })
        #expect(seen.dropFirst(8).contains { $0.contains("extra") && $0.contains("unknown field") })
    }
}

extension JSONTape {
    /// The node's value as a tree: what the tape says, in the form the tree parser gives.
    func value(_ node: Int) -> JSONValue {
        switch nodes[node].kind {
        case .null: .null
        case .bool: .bool(nodes[node].number != 0)
        case .number: .number(nodes[node].number)
        case .string: .string(string(node))
        case .array: .array(elements(node).map(value))
        case .object:
            .object(Dictionary(uniqueKeysWithValues: members(node).map { (string($0.name), value($0.value)) }))
        }
    }
}

/// A small seeded generator (SplitMix64), so a failing seed can be replayed.
struct SplitMix {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed }

    /// A number in 0..<bound.
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
