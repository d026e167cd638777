import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// An ID number that cannot exist does not enter the register: its birth date lies between
/// 1900 and today, its address code is a GB/T 2260 administrative division (issue 12).
@Suite("ID numbers that can exist")
struct IdentityAdmissionTests {
    typealias T = TestRegistry

    static func id(_ address: String, born: String, sequence: String = "123") throws -> CitizenID {
        try CitizenID.completing(address + born + sequence)
    }

    @Test("GB/T 2260: today's codes, retired ones and prefectures are known; 000000 and made-up ones are not")
    func divisions() {
        for known in ["330424", "330400", "330000", "110101", "110103", "110104", "810000"] {
            #expect(AdministrativeDivisions.isKnown(Substring(known)), "\(known)")
        }
        for unknown in ["000000", "999999", "330499", "110199", "123456", "33042"] {
            #expect(!AdministrativeDivisions.isKnown(Substring(unknown)), "\(unknown)")
        }
        #expect(AdministrativeDivisions.codes.count > 7_000)
    }

    @Test("a head born in 2099, one in region 000000, one born before 1900 are refused with the field; nothing written")
    func refused() async throws {
        let t = try await TestRegistry()
        let household = try HouseholdCode(t.collective(0).rawValue + "0071")
        for (idNumber, reason) in [
            (try Self.id("330424", born: "20990101"), "after today"),
            (try Self.id("000000", born: "19800101"), "not a GB/T 2260"),
            (try Self.id("330424", born: "18991231"), "before 1900"),
            (try Self.id("330424", born: "20261121"), "after today"),
        ] {
            let head = Person(name: "户主", idNumber: idNumber)
            try await t.expectRefusal("validation.id_number") {
                try await t.perform(.registerHousehold(HouseholdApplication(code: household, head: head, members: [])))
            }
            do {
                try await t.perform(.registerPerson(head))
                Issue.record("\(idNumber) was registered as a person")
            } catch let error as RegistryError {
                #expect(error.field == "id_number" && error.message.contains(reason), "\(error)")
            }
            try await t.expectRefusal("validation.id_number") {
                try await t.perform(.addMember(t.household(0, 1), HouseholdMember(person: head, relation: "子")))
            }
        }
        // Born today, in a real county: welcome.
        let newborn = Person(name: "新生儿", idNumber: try Self.id("330424", born: "20261120"))
        try await t.perform(.addMember(t.household(0, 1), HouseholdMember(person: newborn, relation: "孙")))
    }

    @Test(
        "a county code created after the list's revision is taken for a person born after it, if its prefecture is real"
    )
    func newerCounty() async throws {
        let t = try await TestRegistry()
        let recent = Person(name: "新区居民", idNumber: try Self.id("330499", born: "20230301"))
        try await t.perform(.registerPerson(recent))
        let older = Person(name: "旧户", idNumber: try Self.id("330499", born: "19900301"))
        try await t.expectRefusal("validation.id_number") { try await t.perform(.registerPerson(older)) }
        let nowhere = Person(name: "无处", idNumber: try Self.id("339999", born: "20230301"))
        try await t.expectRefusal("validation.id_number") { try await t.perform(.registerPerson(nowhere)) }
    }

    @Test("the import's first pass reports a household whose head cannot exist, with its line, and writes nothing")
    func importReports() async throws {
        let t = try await TestRegistry()
        let size = try await t.store.size()
        let head = try Self.id("000000", born: "19800101")
        let line = CanonicalJSON.string([
            "type": "household", "code": .string(t.collective(0).rawValue + "0072"),
            "head": ["name": "户主", "id_number": .string(head.rawValue)],
        ])
        let path = NSTemporaryDirectory() + "rights-admission-\(UUID().uuidString).jsonl"
        try (line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try await Importer(registry: t.registry, actor: "import:test").run(path)
        let problem = try #require(summary.problems.first)
        #expect(problem.line == 1 && problem.field == "head.id_number" && problem.reason.contains("GB/T 2260"))
        #expect(try await t.store.size() == size)
    }
}
