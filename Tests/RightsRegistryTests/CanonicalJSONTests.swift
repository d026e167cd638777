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

    @Test("the parser refuses duplicate names, lone surrogates and trailing data")
    func strictParser() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a":1,"a":2}"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"["\ud800"]"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a":1} x"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[01]") }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[1e999]") }
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
}
