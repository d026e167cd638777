import RegistryTestSupport
import Testing

@testable import RightsRegistry

@Suite("Identifiers")
struct IdentifierTests {
    @Test("GB 11643: every valid citizen ID number of the vector file is accepted")
    func citizenIDsValid() throws {
        let file = try Vectors.json("cn_ids/gb11643_citizen_id.json")
        let valid = file["valid"]!.array
        #expect(valid.count >= 13)
        for case let id in valid.map({ $0["id"]!.string }) {
            #expect(throws: Never.self, "\(id)") { try CitizenID(id) }
        }
    }

    @Test("GB 11643: checksum, format and date failures are refused; lowercase x is accepted")
    func citizenIDsInvalid() throws {
        let file = try Vectors.json("cn_ids/gb11643_citizen_id.json")
        for case let invalid in file["invalid"]!.array {
            let id = invalid["id"]!.string
            let kind = invalid["kind"]!.string
            if id == "11010519491231002x" {
                // Policy: the issue asks for lowercase x to be accepted and normalised.
                #expect(try CitizenID(id).rawValue == "11010519491231002X")
                continue
            }
            // Legacy 15-digit numbers carry no check digit: refused by policy too.
            #expect(throws: InvalidValue.self, "\(id) (\(kind))") { try CitizenID(id) }
        }
    }

    @Test("GB 11643: the reason names the expected check character, and masking keeps 6 + 4")
    func citizenIDDetails() throws {
        let error = #expect(throws: InvalidValue.self) { try CitizenID("110105194912310021") }
        #expect(error?.reason.contains("expected X") == true)
        let id = try CitizenID("11010519491231002X")
        #expect(id.masked == "110105********002X")
        #expect(id.birthDate == Day("1949-12-31"))
    }

    @Test(
        "masking: every valid ID number inside any string is masked; other digit runs and strings are left as they are")
    func masking() throws {
        let id = "11010519491231002X"
        #expect(Masking.mask("户主 \(id)，电话") == "户主 110105********002X，电话")
        #expect(
            Masking.mask(JSONValue.array(["a", .string(id), ["k": .string(id + "/" + id)]]))
                == .array([
                    "a", "110105********002X", ["k": "110105********002X/110105********002X"],
                ]))
        for unchanged in [
            "", "抵押贷款贷前审查", "110105194912310021",  // wrong check character
            "1" + id,  // inside a longer run of digits
            "11010519491231002",  // 17 digits
            "330424100200JC00017F00010017",
        ] {
            #expect(Masking.mask(unchanged) == unchanged)
            #expect(!Masking.changes(.object(["a": .array([.string(unchanged), 7])])))
        }
        #expect(Masking.changes(.object(["a": .array([.number(1), .string("户主 \(id)")])])))
    }

    @Test(
        "text fields: at most N characters (Unicode scalars) and no C0, DEL or C1 control character — 5,000 random strings against the definition"
    )
    func inputText() {
        /// The definition, on Unicode scalars.
        func expected(_ text: String, _ maximum: Int) -> String? {
            if text.unicodeScalars.count > maximum { return "at most \(maximum) characters" }
            if text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
                return "must not contain control characters"
            }
            return nil
        }
        let palette: [Unicode.Scalar] = [
            "a", " ", "\t", "\n", "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{A0}", "\u{C2}", "é",
            "地",
            "\u{301}", "\u{FFFF}", "😀", "\u{10FFFF}",
        ]
        var random = Xorshift(seed: 16)
        for _ in 0..<5_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &random) { text.append(palette.randomElement(using: &random)!) }
            let string = String(text)
            let maximum = Int.random(in: 0...12, using: &random)
            #expect(
                InputText.problem(string, maximumLength: maximum) == expected(string, maximum),
                "\(string.debugDescription) max \(maximum)")
            // A field reader checks the same on the bytes of the body it parsed.
            var reader = FieldReader(["t": .string(string)])
            let read = reader.string("t", required: false, maximumLength: maximum)
            #expect(reader.allProblems.map(\.reason) == [expected(string, maximum)].compactMap { $0 })
            #expect(read == (expected(string, maximum) == nil ? string : nil))
        }
        #expect(InputText.problem("张三", maximumLength: 2) == nil)
        #expect(InputText.problem("\u{85}", maximumLength: 5) == "must not contain control characters")
    }

    @Test("GB 32100: valid credit codes accepted, invalid refused")
    func creditCodes() throws {
        let file = try Vectors.json("cn_ids/gb32100_uscc.json")
        for code in file["valid"]!.array.map({ $0["code"]!.string }) {
            #expect(throws: Never.self, "\(code)") { try CreditCode(code) }
        }
        for invalid in file["invalid"]!.array {
            let code = invalid["code"]!.string
            if code.lowercased() == code, (try? CreditCode(code.uppercased())) != nil {
                // Policy: lowercase input is normalised to upper case.
                #expect(throws: Never.self) { try CreditCode(code) }
                continue
            }
            #expect(throws: InvalidValue.self, "\(code) (\(invalid["kind"]!.string))") { try CreditCode(code) }
        }
        #expect(try CreditCode("91350100M000100Y43").isCollectiveEconomicOrganisation == false)
    }

    @Test("region codes are 6, 9 or 12 digits of a real province")
    func regionCodes() throws {
        #expect(try RegionCode("330424").county == "330424")
        #expect(try RegionCode("330424101").contains(RegionCode("330424101201")))
        #expect(try !RegionCode("330424102").contains(RegionCode("330424101201")))
        for bad in ["33042", "3304241012", "990424", "33042410120A"] {
            #expect(throws: InvalidValue.self, "\(bad)") { try RegionCode(bad) }
        }
    }

    @Test("发包方, 承包方, 地块 and contract codes nest inside each other")
    func contractLandCodes() throws {
        let collective = try CollectiveCode("33042410120100")
        #expect(collective.region.rawValue == "330424101201")
        let household = try HouseholdCode("330424101201000001")
        #expect(household.collective == collective)
        #expect(try ParcelCode("3304241012010000001").collective == collective)
        let contract = try ContractCode("330424101201000001J")
        #expect(contract.household == household)
        #expect(ContractCode(household: household) == contract)

        #expect(throws: InvalidValue.self) { try HouseholdCode("330424101201008001") }  // individuals' range
        #expect(throws: InvalidValue.self) { try HouseholdCode("330424101201000000") }
        #expect(throws: InvalidValue.self) { try ParcelCode("3304241012010000000") }
        #expect(throws: InvalidValue.self) { try ContractCode("330424101201000001Q") }
        #expect(throws: InvalidValue.self) { try CollectiveCode("3304241012010") }
    }

    @Test("不动产单元代码 has letters at 13, 14 and 20 and no check digit")
    func unitCodes() throws {
        let house = try UnitCode("320684413219GB00029F00010002")
        #expect(house.ownershipType == "G")
        #expect(house.hasBuilding)
        let homestead = try UnitCode("330424101201JC00001F00010001")
        #expect(homestead.parcelType == "C")
        #expect(try UnitCode("330424101201JD00001W00000000").hasBuilding == false)
        for bad in [
            "3306841012010000001000000000",  // all digits: the common wrong validator
            "330424101201XC00001F00010001",  // ownership type
            "330424101201JC00001W00010001",  // W with a structure number
            "330424101201JC00001F0001000",  // 27 characters
        ] {
            #expect(throws: InvalidValue.self, "\(bad)") { try UnitCode(bad) }
        }
    }

    @Test("days: real dates only, exact arithmetic, working days skip weekends and holidays")
    func daysAndCalendar() throws {
        #expect(Day("1949-02-30") == nil)
        #expect(Day("2024-02-29") != nil)
        #expect(Day("2023-02-29") == nil)
        let day = try #require(Day("2026-11-20"))  // a Friday
        #expect(day.weekday == 4)
        #expect(Day(ordinal: day.ordinal) == day)
        #expect(day.adding(days: 42).description == "2027-01-01")
        #expect(try #require(Day("2024-02-29")).adding(years: 1).description == "2025-02-28")
        let calendar = WorkingDayCalendar(holidays: [Day("2026-11-23")!], workingWeekendDays: [Day("2026-11-29")!])
        // Sat 21, Sun 22 off; Mon 23 holiday; Tue 24 = 1st … Fri 27 = 4th; Sun 29 worked = 5th.
        #expect(calendar.adding(workingDays: 5, to: day).description == "2026-11-29")
        #expect(try Term(start: Day("2028-01-01")!, end: Day("2057-12-31")!).years == 30)
    }

    @Test("days print as zero-padded YYYY-MM-DD across years 1…9999 and read back as themselves")
    func daysPrint() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = Variations(state: seed)
        let years =
            [1, 9, 10, 99, 100, 999, 1000, 1900, 2026, 9999]
            + (0..<200).map { _ in Int.random(in: 1...9999, using: &random) }
        for year in years {
            for month in [1, 9, 10, 12, Int.random(in: 1...12, using: &random)] {
                for dayOfMonth in [1, 9, 10, 28, Int.random(in: 1...28, using: &random)] {
                    let day = try #require(Day(year: year, month: month, day: dayOfMonth))
                    let padded = [(year, 4), (month, 2), (dayOfMonth, 2)].map { value, width in
                        String(repeating: "0", count: width - String(value).count) + String(value)
                    }
                    #expect(day.description == padded.joined(separator: "-"), "seed \(seed)")
                    #expect(Day(day.description) == day, "seed \(seed)")
                }
            }
        }
        #expect(Day(year: 9999, month: 12, day: 31)!.adding(days: 1).description == "9999-12-31")
    }

    @Test("days read as the digits and dashes say: YYYY-MM-DD or YYYYMMDD, real dates only, anything else refused")
    func daysRead() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = Variations(state: seed)
        /// What the text says, read the plain way: the digits without the dashes, in their places.
        func reference(_ text: String) -> Day? {
            let bytes = Array(text.utf8)
            let digits = bytes.filter { $0 != UInt8(ascii: "-") }
            let shape =
                bytes.count == 10 ? bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-") : bytes.count == 8
            guard shape, digits.count == 8, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(digits[$1] - 0x30) } }
            return Day(year: number(0..<4), month: number(4..<6), day: number(6..<8))
        }
        let pieces = ["0", "1", "2", "3", "9", "-", "x", "٣", "田", " "]
        var texts = ["2026-12-01", "20261201", "1949-02-30", "2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31"]
        for _ in 0..<20_000 {
            var bytes = Array((random.present() ? "2026-12-01" : "20240229").utf8)
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                bytes.replaceSubrange(
                    position...position, with: Array(pieces.randomElement(using: &random)!.utf8))
            }
            if random.present() { bytes.removeLast(Int.random(in: 0...2, using: &random)) }
            texts.append(String(decoding: bytes, as: UTF8.self))
        }
        for text in texts {
            #expect(Day(text) == reference(text), "seed \(seed): \(text)")
            #expect(Day(Substring(text)) == reference(text), "seed \(seed): \(text)")
        }
        #expect(texts.compactMap(reference).count > 1_000, "seed \(seed)")
    }

    @Test("areas are exact hundredths of a square metre; 亩 derived at 666.67 m²")
    func areas() throws {
        #expect(try SquareMetres("900.5").description == "900.50")
        #expect(try SquareMetres("666.67").mu == "1.00")
        #expect(try SquareMetres("1000").mu == "1.50")
        for bad in ["-1", "1.234", ".5", "1.", "1,5", ""] {
            #expect(throws: InvalidValue.self, "\(bad)") { try SquareMetres(bad) }
        }
    }
}
