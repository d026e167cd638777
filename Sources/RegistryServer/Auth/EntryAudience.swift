import Exchange
import RightsRegistry

/// Who may read a log entry's content (C-4, R-14). The tree — leaf hashes, checkpoints, proofs
/// — is public; the content of an entry is for the clerk of its region, the parties of the
/// rights it touches and their agents under a mandate, a bank for the rights it searched or
/// holds a mortgage on, the exchange for its own entries, and administrators. Everyone else is
/// told the entry's index, kind and leaf hash: enough to check a copy they were shown (a
/// certificate carries its entry), nothing of what it says.
enum EntryView {
    /// The entry, ID numbers in full (clerks, administrators, the exchange's own entries).
    case full
    /// The entry, ID numbers masked (a party's agent, a bank).
    case masked
    /// Index, kind and leaf hash only.
    case hashOnly
}

struct EntryAudience {
    let services: RegistryServices

    static let exchangeKinds = Set(EventCatalog.exchange.kinds)

    /// What `principal` may see of `entry`.
    func view(of entry: LogEntry, for principal: Principal?) async throws -> EntryView {
        guard let principal else { return .hashOnly }
        switch principal.role {
        case .admin:
            return .full
        case .exchange:
            return Self.exchangeKinds.contains(entry.kind) ? .full : .hashOnly
        case .clerk:
            let regions = try await subjects(of: entry).regions
            return regions.isEmpty || regions.contains(where: principal.mayAct(on:)) ? .full : .hashOnly
        case .agent:
            let party = principal.party ?? principal.name
            let mandates = try await services.registry.reads.mandates(agent: party)
            let today = services.registry.today
            let principals = Set(mandates.filter { $0.isInForce(on: today) }.map(\.principal))
            let holders = try await subjects(of: entry).holders
            return holders.isDisjoint(with: principals) ? .hashOnly : .masked
        case .bank:
            let party = principal.party ?? principal.name
            for right in try await subjects(of: entry).rights {
                if try await services.registry.store.document(Watch.key(Watch.key(party: party, right: right))) != nil {
                    return .masked
                }
                let mortgages = try await services.registry.reads.encumbrances(on: right)
                if mortgages.contains(where: { $0.kind == .mortgage && $0.holder == party }) { return .masked }
            }
            return .hashOnly
        }
    }

    /// The rights, holders and regions an entry is about: what its event touches, and for the
    /// exchange's entries the right each listing, deal or withdrawal offers.
    func subjects(of entry: LogEntry) async throws -> (rights: [RightID], holders: Set<Holder>, regions: [RegionCode]) {
        guard let event = try? ProductSchema.catalog.event(of: entry) else { return ([], [], []) }
        let reads = services.registry.reads
        let exchange = services.exchange.reads
        var rights: [RightID] = []
        var holders: Set<Holder> = []
        var regions: [RegionCode] = []
        let context = EntryContext(index: entry.index, day: services.registry.today, actor: entry.actor)
        for key in event.touches(context) {
            switch key.table {
            case Right.table:
                if let id = try? RightID(key.key) { rights.append(id) }
            case Household.table:
                if let code = try? HouseholdCode(key.key) {
                    holders.insert(.household(code))
                    if let collective = try await reads.collective(code.collective) {
                        regions.append(collective.region)
                    }
                }
            case Collective.table:
                if let code = try? CollectiveCode(key.key), let collective = try await reads.collective(code) {
                    regions.append(collective.region)
                }
            case Watch.table:
                // A bank's search: `party/right`.
                if let slash = key.key.lastIndex(of: "/"), let id = try? RightID(String(key.key[slash...].dropFirst()))
                {
                    rights.append(id)
                }
            case Encumbrance.table:
                if let id = try? EncumbranceID(key.key), let encumbrance = try await reads.encumbrance(id) {
                    rights.append(encumbrance.right)
                }
            case Listing.table:
                if let id = try? ListingID(key.key), let listing = try? await exchange.listing(id) {
                    rights.append(listing.right)
                }
            case Deal.table:
                if let id = try? DealID(key.key), let deal = try? await exchange.deal(id) { rights.append(deal.right) }
            case Withdrawal.table:
                if let id = try? WithdrawalID(key.key), let withdrawal = try? await exchange.withdrawal(id) {
                    rights.append(withdrawal.right)
                }
            default:
                continue
            }
        }
        for id in rights {
            guard let right = try await reads.right(id) else { continue }
            holders.insert(right.holder)
            regions.append(right.region)
        }
        return (rights, holders, regions)
    }
}
