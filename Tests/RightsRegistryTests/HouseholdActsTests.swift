import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// The acts a township does every week: swaps, members leaving, households dividing,
/// inheritance, and people from outside the rosters entering the register.
@Suite("Township acts: swaps, members, splits, inheritance, outside parties")
struct HouseholdActsTests {
    typealias T = TestRegistry

    static let filing = Filing(matter: "互换", filedWith: "发包方", document: "互换备案-1", on: Day("2026-11-18")!)

    @Test("swap (L-13): both sides in one entry, filed, within one collective; burdens go with their parcels")
    func swap() async throws {
        let t = try await TestRegistry()
        let (a, b) = (t.contract(0, 1), t.contract(0, 2))
        let given = t.parcels(0, 1)[0]
        let taken = t.parcels(0, 2)[0]
        let mortgage = t.encumbrance(try await t.act(a, T.mortgage(T.bankA, 100_000, parcels: [given])))
        let leaseEntry = try await t.perform(T.lease(of: b, to: .person(t.head(1, 1)), parcels: [taken]))
        let lease = RightID.landManagement(parent: b, entry: leaseEntry.index)
        try await t.expectRefusal("rule.L-13") {
            try await t.act(a, .swap(Swap(with: b, gives: [given], takes: [taken], filing: nil)))
        }
        try await t.expectRefusal("rule.L-13") {
            try await t.act(
                a, .swap(Swap(with: t.contract(1, 1), gives: [given], takes: [t.parcels(1, 1)[0]], filing: Self.filing))
            )
        }
        let size = try await t.store.size()
        try await t.act(a, .swap(Swap(with: b, gives: [given], takes: [taken], filing: Self.filing)))
        #expect(try await t.store.size() == size + 1, "both sides in one entry")
        #expect(Set(try await t.parcelCodes(of: a)) == Set(t.parcels(0, 1).dropFirst() + [taken]))
        #expect(Set(try await t.parcelCodes(of: b)) == Set(t.parcels(0, 2).dropFirst() + [given]))
        #expect(try await t.reads.claim(on: given)?.right == b)
        #expect(try await t.reads.encumbrance(mortgage)?.right == b)
        guard case .landManagement(let detail) = try await t.right(lease).detail else {
            Issue.record("expected a lease")
            return
        }
        #expect(detail.parent == a && detail.contractRight == a)
        #expect(try await t.right(a).filings.last?.document == "互换备案-1")
        #expect(try await t.violations().isEmpty)
    }

    @Test(
        "a member who married out keeps her land share unless she got land at her new home (L-11); town is no reason (L-8)"
    )
    func memberRemoval() async throws {
        let t = try await TestRegistry()
        let household = t.household(0, 1)
        let record = try #require(try await t.reads.household(household))
        let daughter = record.members[1].person.idNumber
        try await t.expectRefusal("rule.L-11") {
            try await t.perform(
                .removeMember(household, MemberRemoval(person: daughter, reason: .marriage, document: "结婚证")))
        }
        try await t.expectRefusal("rule.L-8") {
            try await t.perform(
                .removeMember(household, MemberRemoval(person: daughter, reason: .settledInTown, document: "落户证明")))
        }
        let before = try #require(try await t.right(t.contract(0, 1)).certificate)
        try await t.perform(
            .removeMember(
                household,
                MemberRemoval(person: daughter, reason: .marriage, document: "结婚证", landElsewhere: "外村承包合同-9")))
        #expect(try await t.reads.household(household)?.members.count == 1)
        #expect(try await t.reads.membership(daughter, in: t.collective(0)) == nil)
        #expect(try await t.right(t.contract(0, 1)).certificate != before, "the certificate lists the members (L-7)")
        // The head dies: the spouse represents the household; when the last one dies it has died out.
        let head = record.head.idNumber
        let spouse = record.members[0].person.idNumber
        try await t.expectRefusal("validation.new_head") {
            try await t.perform(.removeMember(household, MemberRemoval(person: head, reason: .death, document: "死亡证明")))
        }
        try await t.perform(
            .removeMember(household, MemberRemoval(person: head, reason: .death, document: "死亡证明-1", newHead: spouse)))
        #expect(try await t.reads.household(household)?.head.idNumber == spouse)
        try await t.perform(.removeMember(household, MemberRemoval(person: spouse, reason: .death, document: "死亡证明-2")))
        #expect(try await t.reads.household(household)?.extinct == t.registry.today)
        // Its 耕地 is not inherited (L-12): it goes back by cancellation.
        try await t.expectRefusal("rule.L-12") {
            try await t.act(
                t.contract(0, 1),
                .inheritance(
                    Inheritance(
                        heir: .household(t.household(0, 2)), deceased: spouse, basis: .heirsAgreement,
                        deathCertificate: "死亡证明-2", document: "继承协议")))
        }
        try await t.act(
            t.contract(0, 1), .cancellation(Cancellation(ground: .householdExtinct, document: "户口注销证明")))
        #expect(try await t.violations().isEmpty)
    }

    @Test("分户: members leave with the parcels and homestead their agreement gives them, burdens included")
    func householdSplit() async throws {
        let t = try await TestRegistry()
        let household = t.household(0, 1)
        let record = try #require(try await t.reads.household(household))
        let son = record.members[1].person.idNumber
        let new = try HouseholdCode(t.collective(0).rawValue + "0050")
        let parcel = t.parcels(0, 1)[0]
        let mortgage = t.encumbrance(try await t.act(t.contract(0, 1), T.mortgage(T.bankA, 80_000, parcels: [parcel])))
        try await t.expectRefusal("validation.head") {
            try await t.perform(
                .splitHousehold(
                    HouseholdSplit(
                        household: household, code: new, head: record.head.idNumber, members: [], parcels: [],
                        homestead: false, agreement: "分户协议")))
        }
        try await t.perform(
            .splitHousehold(
                HouseholdSplit(
                    household: household, code: new, head: son, members: [], parcels: [parcel], homestead: true,
                    agreement: "分户协议-1")))
        let created = try #require(try await t.reads.household(new))
        #expect(created.head.idNumber == son && created.members.isEmpty)
        #expect(try await t.reads.household(household)?.members.count == 1)
        #expect(try await t.reads.membership(son, in: t.collective(0))?.household == new)
        let newContract = RightID.contractLand(ContractCode(household: new))
        #expect(try await t.parcelCodes(of: newContract) == [parcel])
        #expect(try await t.reads.encumbrance(mortgage)?.right == newContract)
        #expect(try await t.right(t.homestead(0, 1)).holder == .household(new))
        #expect(try await t.violations().isEmpty)
    }

    @Test(
        "inheritance: only from a household that died out; a homestead's house passes to any heir (T-3/T-6 bind approvals), shares too"
    )
    func inheritance() async throws {
        let t = try await TestRegistry()
        let heir = Person(name: "外地继承人", idNumber: t.county.citizenID(9_500))
        try await t.perform(.registerPerson(heir))
        try await t.expectRefusal("conflict.person") { try await t.perform(.registerPerson(heir)) }
        // Household (0, 2) dies out.
        let household = t.household(0, 2)
        let record = try #require(try await t.reads.household(household))
        for member in record.members {
            try await t.perform(
                .removeMember(
                    household, MemberRemoval(person: member.person.idNumber, reason: .death, document: "死亡证明")))
        }
        let deceased = record.head.idNumber
        func inherit(by heir: Holder, deceased: CitizenID) -> RightAct {
            .inheritance(
                Inheritance(
                    heir: heir, deceased: deceased, basis: .will, deathCertificate: "死亡证明", document: "遗嘱-公证"))
        }
        try await t.expectRefusal("rule.L-12") {
            try await t.act(t.homestead(0, 2), inherit(by: .person(heir.idNumber), deceased: deceased))
        }
        try await t.perform(.removeMember(household, MemberRemoval(person: deceased, reason: .death, document: "死亡证明")))
        // The heir household already has a homestead: inheritance is not an approval (T-3).
        try await t.act(t.homestead(0, 2), inherit(by: .household(t.household(0, 3)), deceased: deceased))
        #expect(try await t.right(t.homestead(0, 2)).holder == .household(t.household(0, 3)))
        // Shares pass to an heir from outside the collective.
        let share = try #require(
            try await t.reads.rights(RightQuery(holder: .person(deceased), kind: .collectiveShare)).first)
        try await t.act(share.id, inherit(by: .person(heir.idNumber), deceased: deceased))
        #expect(try await t.right(share.id).holder == .person(heir.idNumber))
        #expect(try await t.violations().isEmpty)
    }

    @Test("a person on no roster is registered and may then take a lease (L-17(4): ability, not membership)")
    func outsideGrower() async throws {
        let t = try await TestRegistry()
        let grower = Person(name: "种粮大户", idNumber: t.county.citizenID(9_700))
        try await t.expectRefusal("validation.holder") {
            try await t.perform(T.lease(of: t.contract(0, 1), to: .person(grower.idNumber)))
        }
        try await t.perform(.registerPerson(grower))
        try await t.perform(T.lease(of: t.contract(0, 1), to: .person(grower.idNumber)))
        try await t.expectRefusal("conflict.person") {
            try await t.perform(.registerPerson(Person(name: "户主", idNumber: t.head(0, 1))))
        }
    }
}

extension HouseholdActsTests {
    @Test(
        "C-6: an advance notice is never in its holder's favour, and an heir who is its beneficiary fulfils it (fuzz finding)"
    )
    func advanceNoticeBeneficiary() async throws {
        let t = try await TestRegistry()
        let homestead = t.homestead(0, 2)
        // The fuzz test's mutation: the holder named as the beneficiary.
        try await t.expectRefusal("rule.C-6") {
            try await t.act(homestead, .advanceNotice(beneficiary: .household(t.household(0, 2)), reference: "合同"))
        }
        // A notice for household 3, which then inherits the homestead.
        try await t.act(homestead, .advanceNotice(beneficiary: .household(t.household(0, 3)), reference: "赠与合同"))
        let household = t.household(0, 2)
        let record = try #require(try await t.reads.household(household))
        for person in record.members.map(\.person.idNumber) + [record.head.idNumber] {
            try await t.perform(
                .removeMember(household, MemberRemoval(person: person, reason: .death, document: "死亡证明")))
        }
        try await t.act(
            homestead,
            .inheritance(
                Inheritance(
                    heir: .household(t.household(0, 3)), deceased: record.head.idNumber, basis: .will,
                    deathCertificate: "死亡证明", document: "遗嘱")))
        let notices = try await t.reads.encumbrances(on: homestead).filter { $0.kind == .advanceNotice }
        #expect(notices.count == 1 && notices.allSatisfy { $0.released?.by == "fulfilled" })
        #expect(try await t.violations().isEmpty)
    }
}
