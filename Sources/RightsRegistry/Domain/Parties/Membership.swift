/// One line of a collective's member roster (成员名册, S-4): a person confirmed as a member.
///
/// Household members registered with a household are members of its collective; other members
/// are added to the roster one by one.
public struct Membership: Hashable, Sendable, Codable {
    public var collective: CollectiveCode
    public var person: Person
    public var household: HouseholdCode?
    public var since: UInt64

    public init(collective: CollectiveCode, person: Person, household: HouseholdCode?, since: UInt64) {
        self.collective = collective
        self.person = person
        self.household = household
        self.since = since
    }
}
