import Exchange
import Hummingbird
import RightsRegistry

/// The exchange (E-1…E-9): the public notice board, listings, intents, bids, deals and
/// settlement, and voluntary paid withdrawals — each route one call of `ExchangeService`, as
/// the CLI's `rights listing|deal|withdraw` subcommands are.
public struct ExchangeController: Sendable {
    let services: RegistryServices

    public init(services: RegistryServices) { self.services = services }

    static let desk: Access = .roles([.exchange])
    static let deskAndAgents: Access = .roles([.exchange, .agent])
    static let withdrawalDesk: Access = .roles([.exchange, .clerk])

    var exchange: ExchangeService { services.exchange }

    static func idParameter(_ what: String) -> Parameter { Parameter("id", in: .path, "the \(what)'s ID") }
    static let idempotency = Parameter(
        "Idempotency-Key", in: .header, "a retry with the same key gets the first answer")

    static func answer(_ description: String, _ schema: String) -> [Int: Operation.Answer] {
        [200: Operation.Answer(description, "application/json", Schemas.ref(schema))]
    }

    static func created(_ description: String, _ schema: String) -> [Int: Operation.Answer] {
        [201: Operation.Answer(description, "application/json", Schemas.ref(schema))]
    }

    public var endpoints: [Endpoint] {
        [
            Endpoint(
                .get, "/v1/listings", access: .everyone,
                Operation(
                    id: "listListings", summary: "The public notice board (E-3): listings, optionally by status.",
                    tags: ["public", "exchange"],
                    parameters: [
                        Parameter(
                            "status", in: .query, "only listings in this status",
                            schema: Schemas.enumeration(ListingStatus.allCases.map(\.rawValue))),
                        Parameter("after", in: .query, "only listings with a higher ID (paging)"),
                        Parameter(
                            "limit", in: .query, "at most this many (1–500, default 100)",
                            schema: ["type": "integer", "minimum": 1, "maximum": 500]),
                    ],
                    responses: Self.answer("the listings", "Listings"))
            ) { request, context in
                let status = try request.query("status").map { text in
                    guard let status = ListingStatus(rawValue: text) else {
                        throw RegistryError.invalid("status", "not a listing status")
                    }
                    return status
                }
                let limit = Int(try request.integerQuery("limit") ?? 100)
                guard (1...500).contains(limit) else { throw RegistryError.invalid("limit", "must be 1–500") }
                let listings = try await exchange.listings(
                    status: status, after: try request.query("after"), limit: limit)
                return .json(["listings": .array(try listings.map { try view($0, context) })])
            },
            Endpoint(
                .get, "/v1/listings/{id}", access: .everyone,
                Operation(
                    id: "getListing", summary: "One listing with its intents and bids.", tags: ["public", "exchange"],
                    parameters: [Self.idParameter("listing")], responses: Self.answer("the listing", "Listing"))
            ) { _, context in
                .json(try view(try await exchange.listing(try id(context)), context))
            },
            Endpoint(
                .get, "/v1/listings/{id}/events", access: .everyone,
                Operation(
                    id: "listingEvents",
                    summary:
                        "The auction live, as Server-Sent Events: `standing` (the listing) on every change, `countdown` each second while bidding runs, `result` when it is over, then the stream ends.",
                    tags: ["public", "exchange"], parameters: [Self.idParameter("listing")],
                    responses: [
                        200: Operation.Answer(
                            "the event stream; each event's data is JSON", "text/event-stream",
                            [
                                "type": "object",
                                "properties": [
                                    "event": Schemas.enumeration(["standing", "countdown", "result"]),
                                    "data": Schemas.string,
                                ],
                                "required": ["event", "data"],
                            ])
                    ])
            ) { _, context in
                try await AuctionStream(exchange: exchange, id: try id(context)) { try view($0, context) }.response()
            },
            Endpoint(
                .post, "/v1/listings", access: Self.deskAndAgents,
                Operation(
                    id: "submitListing",
                    summary: "A listing application (E-1), by the exchange desk or an agent with the seller's mandate.",
                    tags: ["exchange"], parameters: [Self.idempotency], body: .json(Schemas.ref("ListingApplication")),
                    responses: Self.created("the submitted listing", "Listing"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedApplication = ExchangeParser.listing(&reader)
                let application = try reader.finish(parsedApplication)
                let listing = try await exchange.submit(
                    application, by: try applicant(context), actor: try context.caller().actor)
                return .json(try view(listing, context), status: .created)
            },
            Endpoint(
                .post, "/v1/listings/{id}/review", access: Self.desk,
                Operation(
                    id: "reviewListing",
                    summary: "The operator's review against the register (E-2); approval announces it (E-3).",
                    tags: ["exchange"], parameters: [Self.idParameter("listing"), Self.idempotency],
                    body: .json(Schemas.ref("Review")), responses: Self.answer("the listing", "Listing"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedReview = ExchangeParser.review(&reader)
                let review = try reader.finish(parsedReview)
                let listing = try await exchange.review(
                    try id(context), approve: review.approve, reason: review.reason,
                    actor: try context.caller().actor)
                return .json(try view(listing, context))
            },
            Endpoint(
                .post, "/v1/listings/{id}/intents", access: Self.deskAndAgents,
                Operation(
                    id: "registerIntent",
                    summary: "A buyer's registration with its deposit (E-4), checked against the register.",
                    tags: ["exchange"], parameters: [Self.idParameter("listing"), Self.idempotency],
                    body: .json(Schemas.ref("IntentApplication")), responses: Self.created("the intent", "Intent"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedApplication = ExchangeParser.intent(&reader)
                let application = try reader.finish(parsedApplication)
                let intent = try await exchange.registerIntent(
                    try id(context), application, by: try applicant(context),
                    actor: try context.caller().actor)
                return .json(try mask(JSONValueEncoder().encode(intent), context), status: .created)
            },
            Endpoint(
                .post, "/v1/listings/{id}/bids", access: Self.deskAndAgents,
                Operation(
                    id: "placeBid",
                    summary:
                        "A bid (E-6): the reserve plus whole increments, above the leading bid, before the effective end.",
                    tags: ["exchange"], parameters: [Self.idParameter("listing"), Self.idempotency],
                    body: .json(Schemas.ref("BidRequest")), responses: Self.created("the listing", "Listing"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedBid = ExchangeParser.bid(&reader)
                let bid = try reader.finish(parsedBid)
                let listing = try await exchange.bid(
                    try id(context), intent: bid.intent, amount: bid.amount,
                    by: try applicant(context), actor: try context.caller().actor)
                return .json(try view(listing, context), status: .created)
            },
            Endpoint(
                .post, "/v1/listings/{id}/close", access: Self.desk,
                Operation(
                    id: "closeListing",
                    summary:
                        "After the announcement, auction or matching period: a deal, a matching period for priority holders, or failure (E-5).",
                    tags: ["exchange"], parameters: [Self.idParameter("listing"), Self.idempotency],
                    responses: Self.answer("the listing", "Listing"))
            ) { _, context in
                .json(
                    try view(
                        try await exchange.close(try id(context), actor: try context.caller().actor),
                        context))
            },
            Endpoint(
                .post, "/v1/listings/{id}/priority-match", access: Self.deskAndAgents,
                Operation(
                    id: "matchPriority",
                    summary:
                        "A priority holder matches the best price within the period (L-18, FLM-10); at the close the highest rank takes the deal, by a lot drawn from the log among equals.",
                    tags: ["exchange"], parameters: [Self.idParameter("listing"), Self.idempotency],
                    body: .json(Schemas.ref("IntentReference")), responses: Self.created("the listing", "Listing"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedIntent = ExchangeParser.intentReference(&reader)
                let intent = try reader.finish(parsedIntent)
                let listing = try await exchange.claimPriority(
                    try id(context), intent: intent, by: try applicant(context),
                    actor: try context.caller().actor)
                return .json(try view(listing, context), status: .created)
            },
            Endpoint(
                .get, "/v1/deals/{id}", access: .roles([.exchange, .agent, .clerk, .admin]),
                Operation(
                    id: "getDeal", summary: "A deal: price, buyer, due day, settlement.", tags: ["exchange"],
                    parameters: [Self.idParameter("deal")], responses: Self.answer("the deal", "Deal"))
            ) { _, context in
                let deal = try await exchange.deal(try id(context))
                try await services.requireStanding(
                    context, region: deal.right.region(in: services), parties: [deal.seller, deal.buyer])
                return .json(try mask(JSONValueEncoder().encode(deal), context))
            },
            Endpoint(
                .post, "/v1/deals/{id}/payment", access: Self.desk,
                Operation(
                    id: "confirmPayment",
                    summary:
                        "Payment confirmed: the registry act, refunds and the 交易鉴证书's entry, in one transaction (E-7…E-9).",
                    tags: ["exchange"], parameters: [Self.idParameter("deal"), Self.idempotency],
                    body: .json(Schemas.ref("PaymentReference")), responses: Self.answer("the settled deal", "Deal"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedReference = ExchangeParser.single(&reader, "reference")
                let reference = try reader.finish(parsedReference)
                let deal = try await exchange.confirmPayment(
                    try id(context), reference: reference, actor: try context.caller().actor)
                return .json(try mask(JSONValueEncoder().encode(deal), context))
            },
            Endpoint(
                .post, "/v1/deals/{id}/forfeit", access: Self.desk,
                Operation(
                    id: "forfeitDeal",
                    summary:
                        "The buyer's own default (E-6: withdrew, did not sign, did not pay, fraud): its deposit is kept — the exchange's fee, the rest to the seller — and the listing falls to the next successor or fails. Never for the seller's problem: suspend or terminate instead.",
                    tags: ["exchange"], parameters: [Self.idParameter("deal"), Self.idempotency],
                    body: .json(Schemas.ref("ForfeitRequest")),
                    responses: Self.answer("the forfeited deal and the next one", "Forfeit"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedReason = ExchangeParser.forfeit(&reader)
                let reason = try reader.finish(parsedReason)
                let (forfeited, next) = try await exchange.forfeit(
                    try id(context), reason: reason, actor: try context.caller().actor)
                var answer: [String: JSONValue] = ["forfeited": try JSONValueEncoder().encode(forfeited)]
                if let next { answer["next"] = try JSONValueEncoder().encode(next) }
                return .json(mask(.object(answer), context))
            },
            Endpoint(
                .get, "/v1/deals/{id}/certificate", access: .roles([.exchange, .agent, .clerk, .admin]),
                Operation(
                    id: "dealCertificate",
                    summary:
                        "The 交易鉴证书 (E-8) as a JWS; with proof=true followed by its tlog-proof bundle. Verify like a certificate.",
                    tags: ["exchange"],
                    parameters: [
                        Self.idParameter("deal"),
                        Parameter("proof", in: .query, "append the proof bundle", schema: Schemas.boolean),
                    ],
                    responses: [
                        200: Operation.Answer(
                            "the JWS, or the JWS, a blank line and its tlog-proof bundle",
                            ["application/jose": Schemas.string, "text/plain; charset=utf-8": Schemas.string])
                    ])
            ) { request, context in
                let withProof = try request.booleanQuery("proof")
                let deal = try await exchange.deal(try id(context))
                try await services.requireStanding(
                    context, region: deal.right.region(in: services), parties: [deal.seller, deal.buyer])
                let export = try await exchange.attestation(deal.id, withProof: withProof)
                return withProof ? .text(export.text) : .text(export.jws, contentType: "application/jose")
            },
            Endpoint(
                .post, "/v1/deals/{id}/signatures", access: Self.deskAndAgents,
                Operation(
                    id: "signContract",
                    summary:
                        "A party signs the deal's contract (E-7; L-19's clauses for a lease): the desk records a paper signature, an agent signs under its principal's mandate.",
                    tags: ["exchange"], parameters: [Self.idParameter("deal"), Self.idempotency],
                    body: .json(Schemas.ref("SignatureRequest")), responses: Self.created("the deal", "Deal"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedParty = ExchangeParser.signature(&reader)
                let party = try reader.finish(parsedParty)
                let deal = try await exchange.sign(
                    try id(context), as: party, by: try applicant(context), actor: try context.caller().actor)
                return .json(try mask(JSONValueEncoder().encode(deal), context), status: .created)
            },
            stopEndpoint(
                "suspend", id: "suspendListing",
                summary:
                    "中止: the exchange stops a listing's clock, with its reason (a seizure, objection or advance notice suspends it by itself)."
            ) { listing, reason, actor in try await exchange.suspend(listing, reason: reason, actor: actor) },
            stopEndpoint(
                "resume", id: "resumeListing",
                summary:
                    "The cause is gone: the listing resumes where it stopped, every deadline moved by the days it was stopped."
            ) { listing, reason, actor in try await exchange.resume(listing, reason: reason, actor: actor) },
            stopEndpoint(
                "terminate", id: "terminateListing",
                summary:
                    "终结: the sale became impossible; the listing and its deal end and every deposit still held is released in full."
            ) { listing, reason, actor in try await exchange.terminate(listing, reason: reason, actor: actor) },
            Endpoint(
                .get, "/v1/refunds", access: Self.desk,
                Operation(
                    id: "listRefunds",
                    summary:
                        "The operator's refund list (E-6): deposits released and owed back, each with its due day and whether it is overdue.",
                    tags: ["exchange"],
                    parameters: [
                        Parameter(
                            "status", in: .query, "due (default) or paid",
                            schema: Schemas.enumeration(["due", "paid"])),
                        Parameter("after", in: .query, "only refunds with a higher intent ID (paging)"),
                        Parameter(
                            "limit", in: .query, "at most this many (1–500, default 100)",
                            schema: ["type": "integer", "minimum": 1, "maximum": 500]),
                    ],
                    responses: Self.answer("the refunds", "Refunds"))
            ) { request, context in
                let status = try request.query("status") ?? "due"
                guard status == "due" || status == "paid" else { throw RegistryError.invalid("status", "due or paid") }
                let limit = Int(try request.integerQuery("limit") ?? 100)
                guard (1...500).contains(limit) else { throw RegistryError.invalid("limit", "must be 1–500") }
                let refunds = try await exchange.reads.refunds(
                    paid: status == "paid", after: try request.query("after"), limit: limit)
                let today = services.registry.today
                return .json([
                    "refunds": .array(
                        try refunds.map { refund in
                            guard case .object(var fields) = try JSONValueEncoder().encode(refund) else { return .null }
                            fields["overdue"] = .bool(refund.isOverdue(on: today))
                            return mask(.object(fields), context)
                        })
                ])
            },
            Endpoint(
                .post, "/v1/refunds/{id}/payment", access: Self.desk,
                Operation(
                    id: "payRefund", summary: "The exchange paid a released deposit back.", tags: ["exchange"],
                    parameters: [Self.idParameter("intent"), Self.idempotency],
                    body: .json(Schemas.ref("PaymentReference")), responses: Self.answer("the refund", "Refund"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedReference = ExchangeParser.single(&reader, "reference")
                let reference = try reader.finish(parsedReference)
                let refund = try await exchange.refund(
                    try id(context), reference: reference, actor: try context.caller().actor)
                return .json(try mask(JSONValueEncoder().encode(refund), context))
            },
            Endpoint(
                .get, "/v1/exchange/rules", access: .everyone,
                Operation(
                    id: "exchangeRules",
                    summary:
                        "The rule set new listings run under (each listing carries its own, logged at submission).",
                    tags: ["public", "exchange"], responses: Self.answer("the rules", "ExchangeRules"))
            ) { _, _ in
                .json(try JSONValueEncoder().encode(try await exchange.reads.rules()))
            },
            Endpoint(
                .put, "/v1/exchange/rules", access: .roles([.exchange, .admin]),
                Operation(
                    id: "setExchangeRules",
                    summary:
                        "Set the rule set (a logged act, like the registry's policy); listings already submitted keep theirs. Options left out keep their defaults.",
                    tags: ["exchange"], parameters: [Self.idempotency], body: .json(Schemas.ref("ExchangeRules")),
                    responses: Self.answer("the rules now in force", "ExchangeRules"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedRules = ExchangeParser.rules(&reader)
                let rules = try reader.finish(parsedRules)
                return .json(
                    try JSONValueEncoder().encode(try await exchange.setRules(rules, actor: try context.caller().actor))
                )
            },
            Endpoint(
                .post, "/v1/withdrawals", access: .roles([.exchange, .agent]),
                Operation(
                    id: "applyWithdrawal",
                    summary:
                        "A household's application for voluntary paid withdrawal (自愿有偿退出), every co-holder consenting.",
                    tags: ["exchange"], parameters: [Self.idempotency],
                    body: .json(Schemas.ref("WithdrawalApplication")),
                    responses: Self.created("the application", "Withdrawal"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedApplication = ExchangeParser.withdrawal(&reader)
                let application = try reader.finish(parsedApplication)
                let withdrawal = try await exchange.applyWithdrawal(
                    application, by: try applicant(context), actor: try context.caller().actor)
                return .json(try mask(JSONValueEncoder().encode(withdrawal), context), status: .created)
            },
            Endpoint(
                .get, "/v1/withdrawals/{id}", access: .roles([.exchange, .agent, .clerk, .admin]),
                Operation(
                    id: "getWithdrawal", summary: "A withdrawal and where it stands.", tags: ["exchange"],
                    parameters: [Self.idParameter("withdrawal")], responses: Self.answer("the withdrawal", "Withdrawal")
                )
            ) { _, context in
                let withdrawal = try await exchange.withdrawal(try id(context))
                try await services.requireStanding(
                    context, region: withdrawal.right.region(in: services), parties: [withdrawal.holder])
                return .json(try mask(JSONValueEncoder().encode(withdrawal), context))
            },
            Endpoint(
                .post, "/v1/withdrawals/{id}/approve", access: Self.withdrawalDesk,
                Operation(
                    id: "approveWithdrawal", summary: "The collective's approval, as recorded by the desk.",
                    tags: ["exchange"], parameters: [Self.idParameter("withdrawal"), Self.idempotency],
                    body: .json(Schemas.ref("Approval")), responses: Self.answer("the withdrawal", "Withdrawal"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedApproval = ExchangeParser.single(&reader, "approval")
                let approval = try reader.finish(parsedApproval)
                let applied = try await exchange.withdrawal(try id(context))
                try await services.requireStanding(
                    context, region: applied.right.region(in: services), parties: [])
                let withdrawal = try await exchange.approveWithdrawal(
                    applied.id, approval: approval, actor: try context.caller().actor)
                return .json(try mask(JSONValueEncoder().encode(withdrawal), context))
            },
            Endpoint(
                .post, "/v1/withdrawals/{id}/payment", access: Self.withdrawalDesk,
                Operation(
                    id: "payWithdrawal",
                    summary:
                        "The collective paid: the right returns to it (L-10, H-9, redemption cap) in the payment's transaction.",
                    tags: ["exchange"], parameters: [Self.idParameter("withdrawal"), Self.idempotency],
                    body: .json(Schemas.ref("PaymentReference")), responses: Self.answer("the withdrawal", "Withdrawal")
                )
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedReference = ExchangeParser.single(&reader, "reference")
                let reference = try reader.finish(parsedReference)
                let applied = try await exchange.withdrawal(try id(context))
                try await services.requireStanding(
                    context, region: applied.right.region(in: services), parties: [])
                let withdrawal = try await exchange.payWithdrawal(
                    applied.id, reference: reference, actor: try context.caller().actor)
                return .json(try mask(JSONValueEncoder().encode(withdrawal), context))
            },
        ]
    }

    /// An exchange ID from the path; one that cannot be an ID names nothing there is.
    func id<Kind>(_ context: RegistryRequestContext) throws -> ExchangeID<Kind> {
        let text: String = try context.parameter("id")
        do { return try ExchangeID<Kind>(text) } catch { throw RegistryError.notFound(Kind.name, text) }
    }

    /// `POST /v1/listings/{id}/<verb>` with `{"reason"}`: the exchange stopping, resuming or
    /// ending a listing.
    func stopEndpoint(
        _ verb: String, id operation: String, summary: String,
        _ act: @escaping @Sendable (ListingID, String, String) async throws -> Listing
    ) -> Endpoint {
        Endpoint(
            .post, "/v1/listings/{id}/\(verb)", access: Self.desk,
            Operation(
                id: operation, summary: summary, tags: ["exchange"],
                parameters: [Self.idParameter("listing"), Self.idempotency], body: .json(Schemas.ref("Reason")),
                responses: Self.answer("the listing", "Listing"))
        ) { request, context in
            var reader = try await request.fields(context: context)
            let parsedReason = ExchangeParser.single(&reader, "reason")
            let reason = try reader.finish(parsedReason)
            return .json(try view(try await act(try id(context), reason, try context.caller().actor), context))
        }
    }

    /// The party the caller acts as: the desk (exchange role), an agent under mandate, a bank.
    func applicant(_ context: RegistryRequestContext) throws -> Applicant {
        let caller = try context.caller()
        switch caller.role {
        case .agent: return .agent(party: caller.party ?? caller.name)
        case .bank: return .bank(party: caller.party ?? caller.name)
        case .exchange, .clerk, .admin: return .desk
        }
    }

    func view(_ listing: Listing, _ context: RegistryRequestContext) throws -> JSONValue {
        try mask(JSONValueEncoder().encode(listing), context)
    }

    /// ID numbers in full for clerks, administrators and the exchange's own desk (which pays the
    /// parties and refunds their deposits); masked for agents, banks and the public.
    func mask(_ value: JSONValue, _ context: RegistryRequestContext) -> JSONValue {
        guard let principal = context.principal, principal.seesFullIDNumbers || principal.role == .exchange else {
            return Masking.mask(value)
        }
        return value
    }
}
