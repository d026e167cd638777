import Foundation

/// A made-up county in the import format, with valid identifiers throughout: for the demo, the
/// tests and the import benchmark. Deterministic: the same parameters give the same file.
///
/// Codes follow the real layouts (海盐县 330424, towns 1xx, villages 2xx); names and ID numbers
/// are synthetic and belong to no one.
public struct SyntheticCounty: Sendable {
    public var county = "330424"
    public var townships: Int
    public var villagesPerTownship: Int
    public var householdsPerVillage: Int
    public var parcelsPerHousehold: Int
    public var membersPerHousehold: Int

    public init(
        townships: Int = 1, villagesPerTownship: Int = 2, householdsPerVillage: Int = 10, parcelsPerHousehold: Int = 3,
        membersPerHousehold: Int = 2
    ) {
        precondition(householdsPerVillage <= 8000 && parcelsPerHousehold * householdsPerVillage <= 99_999)
        self.townships = townships
        self.villagesPerTownship = villagesPerTownship
        self.householdsPerVillage = householdsPerVillage
        self.parcelsPerHousehold = parcelsPerHousehold
        self.membersPerHousehold = membersPerHousehold
    }

    /// About `households` households in 20-village townships, five parcels each: the benchmark's
    /// county (200,000 households, 1,000,000 parcels, 200,000 homesteads and share holdings).
    public static func benchmark(households: Int) -> SyntheticCounty {
        let villages = max(1, households / 500)
        return SyntheticCounty(
            townships: max(1, villages / 20), villagesPerTownship: min(20, villages), householdsPerVillage: 500,
            parcelsPerHousehold: 5, membersPerHousehold: 2)
    }

    public var households: Int { townships * villagesPerTownship * householdsPerVillage }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
    static let givenNames = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉梅金凤文海红")
    static let places = ["东港", "西塘", "南浜", "北圩", "前湾", "后宅", "沈荡", "通元", "澉浦", "百步"]

    /// The village codes (12 digits) of the county, township by township.
    public func villages() -> [String] {
        (0..<townships).flatMap { township in
            (0..<villagesPerTownship).map { village in
                county + String(100 + township).leftPadded(to: 3) + String(200 + village).leftPadded(to: 3)
            }
        }
    }

    /// Calls `emit` with each line of the import file, in an order the import accepts (every code
    /// defined before it is used).
    public func lines(_ emit: (String) throws -> Void) rethrows {
        var person = 0
        for (villageIndex, village) in villages().enumerated() {
            let collective = village + "00"
            let organisationCode = "MA" + String(villageIndex + 1).leftPadded(to: 6) + "X"
            let credit = try! CreditCode.completing("N2" + county + organisationCode)
            let place = Self.places[villageIndex % Self.places.count]
            try emit(
                #"{"type":"collective","code":"\#(collective)","name":"\#(place)村股份经济合作社","uscc":"\#(credit)","region":"\#(village)"}"#
            )
            for household in 1...householdsPerVillage {
                let code = collective + String(household).leftPadded(to: 4)
                var people: [(String, CitizenID)] = []
                for _ in 0...membersPerHousehold {
                    people.append((name(person), citizenID(person)))
                    person += 1
                }
                let members = people.dropFirst().enumerated().map { position, member in
                    #"{"name":"\#(member.0)","id_number":"\#(member.1)","relation":"\#(position == 0 ? "配偶" : "子女")"}"#
                }
                try emit(
                    #"{"type":"household","code":"\#(code)","collective":"\#(collective)","head":{"name":"\#(people[0].0)","id_number":"\#(people[0].1)"},"members":[\#(members.joined(separator: ","))]}"#
                )
                let parcels = (0..<parcelsPerHousehold).map { offset in
                    let sequence = (household - 1) * parcelsPerHousehold + offset + 1
                    let area = 30_000 + (sequence * 7919) % 120_000
                    return
                        #"{"code":"\#(collective)\#(String(sequence).leftPadded(to: 5))","location":"\#(place)村\#(1 + sequence % 9)组","bounds":{"east":"沟渠","south":"机耕路","west":"\#(people[0].0)户","north":"河浜"},"area_m2":"\#(area / 100).\#(String(area % 100).leftPadded(to: 2))","land_use":"1","basic_farmland":\#(sequence % 3 != 0)}"#
                }
                try emit(
                    #"{"type":"contract-land","household":"\#(code)","contract_no":"\#(code)J","term":{"start":"2028-01-01","end":"2057-12-31"},"parcels":[\#(parcels.joined(separator: ","))]}"#
                )
                let plot = 9_000 + (household * 37) % 6_000
                let unit =
                    village + "JC" + String(household).leftPadded(to: 5) + "F0001" + String(household).leftPadded(to: 4)
                try emit(
                    #"{"type":"homestead","household":"\#(code)","unit_code":"\#(unit)","location":"\#(place)村\#(1 + household % 9)组\#(household)号","plot_area_m2":"\#(plot / 100).\#(String(plot % 100).leftPadded(to: 2))","floor_area_m2":"\#(plot * 2 / 100).00"}"#
                )
                try emit(
                    #"{"type":"share","collective":"\#(collective)","holder":{"id_number":"\#(people[0].1)"},"shares":\#(people.count),"class":"人口股"}"#
                )
            }
        }
    }

    /// A synthetic, valid ID number: county address code, a birth date spread over 1950–2005,
    /// a sequence, and the MOD 11-2 check character.
    public func citizenID(_ index: Int) -> CitizenID {
        let birth = Day(year: 1950, month: 1, day: 1)!.adding(days: (index / 999) % 20_000)
        let date = birth.description.replacingOccurrences(of: "-", with: "")
        return try! CitizenID.completing(county + date + String(index % 999 + 1).leftPadded(to: 3))
    }

    public func name(_ index: Int) -> String {
        let surname = Self.surnames[index % Self.surnames.count]
        let given = Self.givenNames[(index / Self.surnames.count) % Self.givenNames.count]
        let second = Self.givenNames[(index * 7) % Self.givenNames.count]
        return String([surname, given]) + (index % 2 == 0 ? String(second) : "")
    }
}
