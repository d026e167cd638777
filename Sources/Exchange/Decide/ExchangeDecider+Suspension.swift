import RightsRegistry

// Stopping the clock (中止) and ending a sale (终结), and paying deposits back. Nobody loses a
// deposit for the seller's problem: a termination releases every deposit still held.
extension ExchangeDecider {
    /// 中止 by the exchange, with the reason it states.
    func suspend(_ id: ListingID, reason: String) async throws -> ListingSuspended {
        try suspension(of: try await reads.listing(id), cause: .exchange, reason: reason)
    }

    func suspension(of listing: Listing, cause: StopCause, reason: String) throws -> ListingSuspended {
        switch listing.status {
        case .announced, .auction, .matching, .awaitingPayment:
            return ListingSuspended(
                listing: listing.id, cause: cause, reason: reason,
                deal: listing.status == .awaitingPayment ? listing.deal : nil)
        case .suspended:
            throw RegistryError.conflict("listing", "\(listing.id) is already suspended")
        case .submitted, .rejected, .settled, .failed, .terminated:
            throw RegistryError.conflict(
                "listing", "\(listing.id) is \(listing.status.rawValue); there is no clock to stop")
        }
    }

    /// The cause is gone: the listing resumes where it stopped, every deadline moved by the days
    /// it was stopped. A seizure, objection or advance notice still in force keeps it stopped.
    func resume(_ id: ListingID, reason: String) async throws -> ListingResumed {
        let listing = try await reads.listing(id)
        guard listing.status == .suspended, let suspension = listing.suspension else {
            throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue), not suspended")
        }
        if let (encumbrance, cause) = try await blockingEncumbrance(on: listing.right) {
            throw RegistryError.rule(
                cause.rule, "\(listing.right) still carries \(encumbrance.kind.rawValue) \(encumbrance.id)")
        }
        let right = try await requireCurrent(listing.right)
        guard right.holder == listing.seller else {
            throw RegistryError.conflict("right", "\(listing.right) is no longer held by the seller; terminate \(id)")
        }
        let days = today.ordinal - suspension.since.ordinal
        var due: Day?
        if let dealID = listing.deal, suspension.resumes == .awaitingPayment {
            due = try await reads.deal(dealID).due.adding(days: days)
        }
        return ListingResumed(
            listing: id, reason: reason,
            announcement: try listing.announcement.map { try Term(start: $0.start, end: $0.end.adding(days: days)) },
            auction: listing.auction?.shifted(byDays: days, in: zone),
            matchingUntil: listing.matching.map { $0.until.adding(days: days) },
            deal: suspension.resumes == .awaitingPayment ? listing.deal : nil, due: due)
    }

    /// 终结: the listing ends, and every deposit still held — the winner's too — is released in
    /// full, due back within the refund period.
    func terminate(_ id: ListingID, cause: StopCause, reason: String) async throws -> ListingTerminated {
        let listing = try await reads.listing(id)
        guard listing.status.isLive else {
            throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue); it has ended")
        }
        var deal: DealID?
        if let current = listing.deal, [.awaitingPayment, .suspended].contains(try await reads.deal(current).status) {
            deal = current
        }
        return ListingTerminated(
            listing: id, cause: listing.suspension?.cause ?? cause, reason: reason, deal: deal,
            refunds: listing.activeIntents.map(\.id), refundsDue: refundsDue(listing))
    }

    /// The exchange paid a released deposit back.
    func refund(_ intent: IntentID, reference: String) async throws -> DepositRefunded {
        let refund = try await reads.refund(intent)
        guard !refund.isPaid else {
            throw RegistryError.conflict("refund", "\(intent)'s deposit was refunded on \(refund.refund.paidOn!)")
        }
        return DepositRefunded(listing: refund.listing, intent: intent, reference: reference)
    }
}
