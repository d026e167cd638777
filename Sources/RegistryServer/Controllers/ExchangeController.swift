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
                .json(try view(try await exchange.listing(try context.parameter("id")), context))
            },
            Endpoint(
                .post, "/v1/listings", access: Self.deskAndAgents,
                Operation(
                    id: "submitListing",
                    summary: "A listing application (E-1), by the exchange desk or an agent with the seller's mandate.",
                    tags: ["exchange"], parameters: [Self.idempotency], body: .json(Schemas.ref("ListingApplication")),
                    responses: Self.created("the submitted listing", "Listing"))
            ) { request, context in
                var reader = FieldReader(try await request.json(context: context))
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
                var reader = FieldReader(try await request.json(context: context))
                let parsedReview = ExchangeParser.review(&reader)
                let review = try reader.finish(parsedReview)
                let listing = try await exchange.review(
                    try context.parameter("id"), approve: review.approve, reason: review.reason,
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
                var reader = FieldReader(try await request.json(context: context))
                let parsedApplication = ExchangeParser.intent(&reader)
                let application = try reader.finish(parsedApplication)
                let intent = try await exchange.registerIntent(
                    try context.parameter("id"), application, by: try applicant(context),
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
                var reader = FieldReader(try await request.json(context: context))
                let parsedBid = ExchangeParser.bid(&reader)
                let bid = try reader.finish(parsedBid)
                let listing = try await exchange.bid(
                    try context.parameter("id"), intent: bid.intent, amount: bid.amount,
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
                        try await exchange.close(try context.parameter("id"), actor: try context.caller().actor),
                        context))
            },
            Endpoint(
                .post, "/v1/listings/{id}/priority-match", access: Self.deskAndAgents,
                Operation(
                    id: "matchPriority",
                    summary: "A priority holder matches the best price (L-18, FLM-10) and takes the deal.",
                    tags: ["exchange"], parameters: [Self.idParameter("listing"), Self.idempotency],
                    body: .json(Schemas.ref("IntentReference")), responses: Self.created("the deal", "Deal"))
            ) { request, context in
                var reader = FieldReader(try await request.json(context: context))
                let parsedIntent = ExchangeParser.single(&reader, "intent")
                let intent = try reader.finish(parsedIntent)
                let deal = try await exchange.matchPriority(
                    try context.parameter("id"), intent: intent, by: try applicant(context),
                    actor: try context.caller().actor)
                return .json(try mask(JSONValueEncoder().encode(deal), context), status: .created)
            },
            Endpoint(
                .get, "/v1/deals/{id}", access: .roles([.exchange, .agent, .clerk, .admin]),
                Operation(
                    id: "getDeal", summary: "A deal: price, buyer, due day, settlement.", tags: ["exchange"],
                    parameters: [Self.idParameter("deal")], responses: Self.answer("the deal", "Deal"))
            ) { _, context in
                let deal = try await exchange.deal(try context.parameter("id"))
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
                var reader = FieldReader(try await request.json(context: context))
                let parsedReference = ExchangeParser.single(&reader, "reference")
                let reference = try reader.finish(parsedReference)
                let deal = try await exchange.confirmPayment(
                    try context.parameter("id"), reference: reference, actor: try context.caller().actor)
                return .json(try mask(JSONValueEncoder().encode(deal), context))
            },
            Endpoint(
                .post, "/v1/deals/{id}/forfeit", access: Self.desk,
                Operation(
                    id: "forfeitDeal",
                    summary:
                        "After the due day: the deposit is forfeited; the listing falls to the next bidder or fails (E-6).",
                    tags: ["exchange"], parameters: [Self.idParameter("deal"), Self.idempotency],
                    responses: Self.answer("the forfeited deal and the next one", "Forfeit"))
            ) { _, context in
                let (forfeited, next) = try await exchange.forfeit(
                    try context.parameter("id"), actor: try context.caller().actor)
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
                let deal = try await exchange.deal(try context.parameter("id"))
                try await services.requireStanding(
                    context, region: deal.right.region(in: services), parties: [deal.seller, deal.buyer])
                let export = try await exchange.attestation(deal.id, withProof: withProof)
                return withProof ? .text(export.text) : .text(export.jws, contentType: "application/jose")
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
                var reader = FieldReader(try await request.json(context: context))
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
                let withdrawal = try await exchange.withdrawal(try context.parameter("id"))
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
                var reader = FieldReader(try await request.json(context: context))
                let parsedApproval = ExchangeParser.single(&reader, "approval")
                let approval = try reader.finish(parsedApproval)
                let applied = try await exchange.withdrawal(try context.parameter("id"))
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
                var reader = FieldReader(try await request.json(context: context))
                let parsedReference = ExchangeParser.single(&reader, "reference")
                let reference = try reader.finish(parsedReference)
                let applied = try await exchange.withdrawal(try context.parameter("id"))
                try await services.requireStanding(
                    context, region: applied.right.region(in: services), parties: [])
                let withdrawal = try await exchange.payWithdrawal(
                    applied.id, reference: reference, actor: try context.caller().actor)
                return .json(try mask(JSONValueEncoder().encode(withdrawal), context))
            },
        ]
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

    /// ID numbers in full for clerks and administrators only.
    func mask(_ value: JSONValue, _ context: RegistryRequestContext) -> JSONValue {
        context.principal?.seesFullIDNumbers == true ? value : Masking.mask(value)
    }
}
