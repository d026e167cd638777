package import RightsRegistry

// Hand-written canonical JSON for what every settlement writes: the listing's and the deal's
// documents and the settlement entry (issue 16: through `Codable` they were the largest item of
// a settlement's own CPU). Each writes what its `Codable` conformance gives — member names from
// its `CodingKeys`, in RFC 8785 order; nil optionals omitted — and `CanonicalExchangeTests`
// holds them to that. Parts few listings have (an auction, a lot, a suspension …) are written
// through `Codable`.

extension Listing: CanonicalOutputWritable {
    /// The terms' members and the listing's own in one object, as `encode(to:)` has them.
    package func write(to output: inout CanonicalOutput) throws {
        try output.object { output in
            if let announcement {
                output.key("announcement")
                announcement.write(to: &output)
            }
            output.member("attempt", attempt)
            if let auction {
                output.key("auction")
                try output.encodable(auction)
            }
            output.key("bids")
            output.array(bids) { output, bid in bid.write(to: &output) }
            if let decision = terms.collectiveDecision {
                output.key("collective_decision")
                try output.encodable(decision)
            }
            output.key("consents")
            output.array(terms.consents) { output, consent in consent.write(to: &output) }
            output.member("deal", ifPresent: deal?.rawValue)
            if let statement = terms.default {
                output.key("default")
                try output.encodable(statement)
            }
            output.member("deposit_fen", terms.deposit.value)
            if let filing = terms.filing {
                output.key("filing")
                filing.write(to: &output)
            }
            output.member("id", id.rawValue)
            output.member("increment_fen", terms.increment.value)
            output.key("intents")
            output.array(intents) { output, intent in intent.write(to: &output) }
            output.member("kind", terms.kind.rawValue)
            if let lease = terms.lease {
                output.key("lease")
                output.object { output in
                    output.key("term")
                    lease.term.write(to: &output)
                    output.member("use", lease.use)
                }
            }
            if let lot {
                output.key("lot")
                try output.encodable(lot)
            }
            if let matching {
                output.key("matching")
                try output.encodable(matching)
            }
            output.member("mortgage", ifPresent: terms.mortgage?.rawValue)
            output.member("next", ifPresent: next?.rawValue)
            output.member("note", ifPresent: note)
            output.member("previous", ifPresent: previous?.rawValue)
            output.member("price_fen", terms.price.value)
            output.member("right", terms.right.rawValue)
            if let rules {
                output.key("rules")
                rules.write(to: &output)
            }
            output.member("seller", terms.seller.rawValue)
            output.member("shares", ifPresent: terms.shares)
            output.member("status", status.rawValue)
            output.member("submitted_by", terms.submittedBy)
            output.key("successors")
            output.array(successors) { output, successor in
                output.object { output in
                    output.member("basis", successor.basis.rawValue)
                    output.member("intent", successor.intent.rawValue)
                    output.member("price_fen", successor.price.value)
                }
            }
            if let suspension {
                output.key("suspension")
                try output.encodable(suspension)
            }
        }
    }
}

extension ExchangeRules {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("announcement_working_days", announcementWorkingDays)
            output.member("auction_opening_hour", auctionOpeningHour)
            output.member("exchange_name", exchangeName)
            output.member("forfeit_fee_percent", forfeitFeePercent)
            output.member("free_bidding_minutes", freeBiddingMinutes)
            output.member("maximum_attempts", maximumAttempts)
            output.member("minimum_deposit_fen", minimumDeposit.value)
            output.member("minimum_deposit_percent", minimumDepositPercent)
            output.member("payment_working_days", paymentWorkingDays)
            output.member("priority_backups", priorityBackups)
            output.member("priority_match_working_days", priorityMatchWorkingDays)
            output.member("refund_working_days", refundWorkingDays)
            output.member("relist_reduction_percent", relistReductionPercent)
            output.member("timed_round_minutes", timedRoundMinutes)
        }
    }
}

extension Intent {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("buyer", buyer.rawValue)
            output.member("capacity", ifPresent: capacity)
            output.member("deposit_fen", deposit.value)
            output.member("deposit_status", depositStatus.rawValue)
            output.member("forfeit", ifPresent: forfeit?.rawValue)
            output.member("id", id.rawValue)
            output.member("offer_fen", ifPresent: offer?.value)
            output.member("priority", ifPresent: priority?.rawValue)
            output.member("priority_refused", ifPresent: priorityRefused)
            if let refund {
                output.key("refund")
                output.object { output in
                    output.member("due", refund.due.description)
                    output.member("paid_on", ifPresent: refund.paidOn?.description)
                    output.member("reference", ifPresent: refund.reference)
                }
            }
        }
    }
}

extension Bid {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("amount_fen", amount.value)
            output.member("at", at)
            output.member("entry", entry)
            output.member("intent", intent.rawValue)
            output.member("phase", ifPresent: phase?.rawValue)
            output.member("round", ifPresent: round)
        }
    }
}

extension Deal: CanonicalOutputWritable {
    package func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("basis", basis.rawValue)
            output.member("buyer", buyer.rawValue)
            if let contract {
                output.key("contract")
                output.object { output in
                    output.member("sha256", contract.sha256)
                    output.member("text", contract.text)
                    output.member("title", contract.title)
                }
            }
            output.member("deposit_fen", ifPresent: deposit?.value)
            if let disposition {
                output.key("disposition")
                output.object { output in
                    output.member("exchange_fee_fen", disposition.fee.value)
                    output.member("to_seller_fen", disposition.seller.value)
                }
            }
            output.member("due", due.description)
            output.member("forfeit", ifPresent: forfeit?.rawValue)
            output.member("id", id.rawValue)
            output.member("intent", intent.rawValue)
            output.member("kind", kind.rawValue)
            output.member("listing", listing.rawValue)
            if let payouts {
                output.key("payouts")
                output.array(payouts) { output, payout in payout.write(to: &output) }
            }
            output.member("price_fen", price.value)
            output.member("registry_entry", ifPresent: registryEntry)
            output.member("resulting_right", ifPresent: resultingRight?.rawValue)
            output.member("right", right.rawValue)
            output.member("seller", seller.rawValue)
            output.member("settlement_entry", ifPresent: settlementEntry)
            if let signatures {
                output.key("signatures")
                output.array(signatures) { output, party in output.string(party.rawValue) }
            }
            output.member("status", status.rawValue)
        }
    }
}

extension Payout {
    func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.member("amount_fen", amount.value)
            output.member("mortgage", ifPresent: mortgage?.rawValue)
            output.member("to", to)
        }
    }
}

extension DealSettled: CanonicalOutputWritable {
    package func write(to output: inout CanonicalOutput) {
        output.object { output in
            output.key("attestation")
            output.json(attestation)
            output.member("deal", deal.rawValue)
            output.member("listing", listing.rawValue)
            output.member("payment", payment)
            output.key("payouts")
            output.array(payouts) { output, payout in payout.write(to: &output) }
            output.key("refunds")
            output.array(refunds) { output, intent in output.string(intent.rawValue) }
            output.member("refunds_due", ifPresent: refundsDue?.description)
            output.member("registry_entry", registryEntry)
            output.member("resulting_right", resultingRight.rawValue)
        }
    }
}
