/// What the register must never say, checked over what it does say: every act the `Registrar`
/// accepts leaves these true, `rights audit` checks them on the whole register, and the
/// model-based tests check them after every act.
///
/// They hold within one collective — its parcels, the contracts and leases on them, the
/// encumbrances on those rights — so they are checked one collective at a time.
public enum RegisterInvariants {
    /// A collective's rights, the encumbrances on them, and the parcel claims under its code.
    public struct Snapshot: Sendable {
        public var rights: [Right]
        public var encumbrances: [Encumbrance]
        public var claims: [ParcelClaim]

        public init(rights: [Right], encumbrances: [Encumbrance], claims: [ParcelClaim]) {
            self.rights = rights
            self.encumbrances = encumbrances
            self.claims = claims
        }
    }

    /// Every way `snapshot` breaks an invariant on `day`; empty when the register is sound.
    public static func violations(in snapshot: Snapshot, on day: Day) -> [Violation] {
        var found: [Violation] = []
        let rights = Dictionary(snapshot.rights.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func status(_ id: RightID) -> RightStatus? { rights[id]?.status(on: day) }
        let live: Set<RightStatus> = [.announced, .current]

        // 1. Each parcel is in one contract at most, and its claim names that contract. A
        //    contract holds its parcels until it is cancelled (an expired one still holds them).
        var holders: [ParcelCode: [RightID]] = [:]
        for right in snapshot.rights where right.status(on: day) != .cancelled {
            if case .contractLand(let land) = right.detail {
                for parcel in land.parcels { holders[parcel.code, default: []].append(right.id) }
            }
        }
        for (parcel, contracts) in holders where contracts.count > 1 {
            found.append(.parcelInTwoContracts(parcel, contracts.sorted()))
        }
        let claims = Dictionary(snapshot.claims.map { ($0.parcel, $0.right) }, uniquingKeysWith: { first, _ in first })
        for (parcel, contracts) in holders where contracts.count == 1 && claims[parcel] != contracts[0] {
            found.append(.claimDisagrees(parcel, claimed: claims[parcel], heldBy: contracts[0]))
        }
        for claim in snapshot.claims where holders[claim.parcel] == nil {
            found.append(.claimDisagrees(claim.parcel, claimed: claim.right, heldBy: nil))
        }

        // 2. Live leases: carved out of a live right that holds their parcels, answering to the
        //    contract at the root of their chain; never two on one parcel for overlapping terms
        //    among those carved directly from contracts, nor among those carved from one lease.
        var leasesByParcel: [ParcelCode: [Right]] = [:]
        for lease in snapshot.rights where lease.kind == .landManagement && live.contains(lease.status(on: day)) {
            guard case .landManagement(let detail) = lease.detail else { continue }
            guard let parent = rights[detail.parent], live.contains(parent.status(on: day)) else {
                found.append(.leaseOnDeadRight(lease.id, parent: detail.parent))
                continue
            }
            let held: [ParcelCode]
            switch parent.detail {
            case .contractLand(let land): held = land.parcels.map(\.code)
            case .landManagement(let parentLease): held = parentLease.parcels
            case .homestead, .collectiveShare: held = []
            }
            if !Set(detail.parcels).isSubset(of: held) {
                found.append(.leaseOutsideParent(lease.id, parent: parent.id))
            }
            if root(of: lease, in: rights) != detail.contractRight {
                found.append(.leaseAnswersToWrongContract(lease.id, contract: detail.contractRight))
            }
            for parcel in detail.parcels { leasesByParcel[parcel, default: []].append(lease) }
        }
        for (parcel, leases) in leasesByParcel {
            for (index, first) in leases.enumerated() {
                for second in leases[(index + 1)...] where overlap(first, second) {
                    let firstParent = parentID(first)
                    let secondParent = parentID(second)
                    let bothFromContracts =
                        rights[firstParent]?.kind == .contractLand && rights[secondParent]?.kind == .contractLand
                    if bothFromContracts || firstParent == secondParent {
                        found.append(.leasesOverlap(parcel, first.id, second.id))
                    }
                }
            }
        }

        // 3. Every encumbrance in effect burdens a live right that still holds what it burdens.
        var pledged: [RightID: Int] = [:]
        for encumbrance in snapshot.encumbrances where encumbrance.isActive(on: day) {
            guard let right = rights[encumbrance.right], let state = status(encumbrance.right), live.contains(state)
            else {
                found.append(.encumbranceOnDeadRight(encumbrance.id, right: encumbrance.right))
                continue
            }
            switch (encumbrance.kind, right.detail) {
            case (.mortgage, .contractLand(let land)):
                if let parcels = encumbrance.parcels, !Set(parcels).isSubset(of: land.parcels.map(\.code)) {
                    found.append(.encumbranceOutsideRight(encumbrance.id, right: right.id))
                }
            case (.mortgage, .collectiveShare(let holding)):
                pledged[right.id, default: 0] += encumbrance.shares ?? holding.shares
            case (.advanceNotice, _) where encumbrance.beneficiary == right.holder:
                found.append(.fulfilledNoticeInEffect(encumbrance.id))
            default:
                break
            }
        }
        for (id, shares) in pledged {
            if case .collectiveShare(let holding)? = rights[id]?.detail, shares > holding.shares {
                found.append(.overPledged(id, pledged: shares, held: holding.shares))
            }
        }
        return found.sorted { $0.description < $1.description }
    }

    static func parentID(_ lease: Right) -> RightID {
        if case .landManagement(let detail) = lease.detail { return detail.parent }
        return lease.id
    }

    /// The contract-land right at the root of a lease's chain of parents.
    static func root(of lease: Right, in rights: [RightID: Right]) -> RightID? {
        var current = lease
        var seen: Set<RightID> = []
        while case .landManagement(let detail) = current.detail, seen.insert(current.id).inserted {
            guard let parent = rights[detail.parent] else { return nil }
            current = parent
        }
        return current.kind == .contractLand ? current.id : nil
    }

    static func overlap(_ first: Right, _ second: Right) -> Bool {
        guard let a = first.term, let b = second.term else { return false }
        return a.start <= b.end && b.start <= a.end
    }

    /// One broken invariant, naming what breaks it.
    public enum Violation: Sendable, Hashable, CustomStringConvertible {
        case parcelInTwoContracts(ParcelCode, [RightID])
        case claimDisagrees(ParcelCode, claimed: RightID?, heldBy: RightID?)
        case leaseOnDeadRight(RightID, parent: RightID)
        case leaseOutsideParent(RightID, parent: RightID)
        case leaseAnswersToWrongContract(RightID, contract: RightID)
        case leasesOverlap(ParcelCode, RightID, RightID)
        case encumbranceOnDeadRight(EncumbranceID, right: RightID)
        case encumbranceOutsideRight(EncumbranceID, right: RightID)
        case fulfilledNoticeInEffect(EncumbranceID)
        case overPledged(RightID, pledged: Int, held: Int)

        public var description: String {
            switch self {
            case .parcelInTwoContracts(let parcel, let contracts):
                "parcel \(parcel) is in \(contracts.count) contracts: \(contracts.map(\.rawValue).joined(separator: ", "))"
            case .claimDisagrees(let parcel, let claimed, let held):
                "parcel \(parcel): its claim names \(claimed?.rawValue ?? "no contract"), it is held by \(held?.rawValue ?? "no contract")"
            case .leaseOnDeadRight(let lease, let parent):
                "土地经营权 \(lease) is in force but \(parent), which it was carved from, is not"
            case .leaseOutsideParent(let lease, let parent): "土地经营权 \(lease) covers parcels \(parent) does not hold"
            case .leaseAnswersToWrongContract(let lease, let contract):
                "土地经营权 \(lease) answers to \(contract), not to the contract its parcels are in"
            case .leasesOverlap(let parcel, let first, let second):
                "parcel \(parcel) is leased twice for overlapping terms: \(first) and \(second)"
            case .encumbranceOnDeadRight(let encumbrance, let right):
                "\(encumbrance) is in effect on \(right), which is not in force"
            case .encumbranceOutsideRight(let encumbrance, let right):
                "\(encumbrance) burdens parcels \(right) no longer holds"
            case .fulfilledNoticeInEffect(let encumbrance):
                "advance notice \(encumbrance) is still in effect though its beneficiary holds the right"
            case .overPledged(let right, let pledged, let held): "\(right): \(pledged) shares pledged of \(held) held"
            }
        }
    }
}
