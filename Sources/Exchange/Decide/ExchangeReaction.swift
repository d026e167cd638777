public import RightsRegistry

/// What the register's own acts do to the exchange, decided in the same transaction as the act:
/// a seizure (SPC-15), objection (C-5) or advance notice (C-6) on a right on the exchange
/// suspends its listing, and so does any other change to the right after the announcement —
/// the exchange then resumes or terminates it. The exchange's own acts decide their own
/// consequences.
public struct ExchangeReaction: RegistryReaction {
    let reads: ExchangeReads

    /// Reacting to acts on the register kept in `store`.
    public init(store: any RegistryStore) { reads = ExchangeReads(store: store) }

    static let exchangeKinds = Set(EventCatalog.exchangeTypes.map { $0.kind })
    /// Register events that touch a right without changing what a buyer would get.
    static let neutralKinds: Set<String> = [
        RightFiled.kind, RegistrationCompleted.kind, MortgageJoined.kind, MortgagePaid.kind,
        EncumbranceReleased.kind, ObjectionSuitFiled.kind,
    ]

    public func react(to events: [any RegistryEvent], _ registrar: Registrar) async throws -> [any RegistryEvent] {
        guard !events.contains(where: { Self.exchangeKinds.contains(type(of: $0).kind) }) else { return [] }
        var causes: [(RightID, StopCause, String)] = []
        for (offset, event) in events.enumerated() {
            if let registered = event as? EncumbranceRegistered {
                switch registered.encumbrance {
                case .seizure: causes.append((registered.right, .seizure, "查封 registered on \(registered.right)"))
                case .objection: causes.append((registered.right, .objection, "异议 registered on \(registered.right)"))
                case .advanceNotice:
                    causes.append((registered.right, .advanceNotice, "预告登记 registered on \(registered.right)"))
                case .mortgage: continue
                }
                continue
            }
            guard !Self.neutralKinds.contains(type(of: event).kind) else { continue }
            let context = EntryContext(index: registrar.nextIndex + UInt64(offset), day: registrar.today, actor: "")
            for key in event.touches(context) where key.table == Right.table {
                guard let right = try? RightID(key.key) else { continue }
                causes.append((right, .rightChanged, "\(type(of: event).kind) entry on \(right)"))
            }
        }
        var stopped: Set<ListingID> = []
        var reactions: [any RegistryEvent] = []
        for (right, cause, reason) in causes {
            for listing in try await reads.liveListings(on: right)
            where listing.status != .submitted && listing.status != .suspended && !stopped.contains(listing.id) {
                stopped.insert(listing.id)
                reactions.append(
                    ListingSuspended(
                        listing: listing.id, cause: cause, reason: reason,
                        deal: listing.status == .awaitingPayment ? listing.deal : nil))
            }
        }
        return reactions
    }
}
