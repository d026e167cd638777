import Exchange
import Hummingbird
import RightsRegistry

/// Banks register, release and enforce their own mortgages (C-10…C-12, L-21, H-11). The
/// mortgagee is always the bank the token names.
public struct MortgageController: Sendable {
    let services: RegistryServices

    public init(services: RegistryServices) { self.services = services }

    static let idParameter = Parameter("id", in: .path, "the mortgage's ID (E and the index of its entry)")

    public var endpoints: [Endpoint] {
        [
            Endpoint(
                .post, "/v1/mortgages", access: CollateralController.banks,
                Operation(
                    id: "registerMortgage",
                    summary:
                        "The bank's side of a mortgage's joint application (R-6): pending until the mortgagor's side is on record; refused on seized or disputed rights (C-10).",
                    tags: ["bank"], parameters: [ExchangeController.idempotency],
                    body: .json(Schemas.ref("MortgageApplication")),
                    responses: [
                        202: Operation.Answer(
                            "the pending mortgage application, awaiting the mortgagor", "application/json",
                            Schemas.ref("Mortgage"))
                    ])
            ) { request, context in
                let bank = try context.caller()
                var reader = try await request.fields(context: context)
                let parsedParsed = ApplicationParser.mortgage(&reader, mortgagee: bank.party ?? bank.name)
                let parsed = try reader.finish(parsedParsed)
                let (right, application) = parsed
                let entry = try await services.registry.perform(
                    .onRight(right, .mortgage(application)), actor: bank.actor)
                return .json(
                    try await mortgage(EncumbranceRegistered.id(at: entry.index), after: entry), status: .accepted)
            },
            Endpoint(
                .post, "/v1/mortgages/{id}/mortgagor", access: .roles([.clerk, .admin, .agent]),
                Operation(
                    id: "joinMortgage",
                    summary:
                        "The mortgagor's side of the joint application (R-6): its application and every co-holder's consent, at the counter (clerk) or by an agent under a mandate for `mortgage`. The mortgage is registered and ranks from now (C-12).",
                    tags: ["clerk", "agent"], parameters: [Self.idParameter, ExchangeController.idempotency],
                    body: .json(Schemas.ref("MortgagorApplication")),
                    responses: ExchangeController.created("the registered mortgage with its rank", "Mortgage"))
            ) { request, context in
                let caller = try context.caller()
                let id = try services.parse("id") { try EncumbranceID(try context.parameter("id")) }
                let current = try await encumbrance(id)
                guard let right = try await services.registry.reads.right(current.right) else {
                    throw RegistryError.notFound("right", current.right.rawValue)
                }
                if caller.role == .agent {
                    try await services.requireMandate(caller, for: right.holder, matter: .mortgage)
                } else {
                    try context.requireScope(right.region)
                }
                var reader = try await request.fields(context: context)
                let parsedMortgagor = ApplicationParser.mortgagor(&reader)
                let mortgagor = try reader.finish(parsedMortgagor)
                let entry = try await services.registry.perform(
                    .onRight(right.id, .mortgageJoin(id, mortgagor)), actor: caller.actor)
                return .json(try await mortgage(id, after: entry), status: .created)
            },
            Endpoint(
                .post, "/v1/mortgages/{id}/release", access: CollateralController.banks,
                Operation(
                    id: "releaseMortgage", summary: "The mortgagee discharges its mortgage.", tags: ["bank"],
                    parameters: [Self.idParameter, ExchangeController.idempotency],
                    responses: ExchangeController.answer("the released mortgage", "Mortgage"))
            ) { _, context in
                let bank = try context.caller()
                let id = try services.parse("id") { try EncumbranceID(try context.parameter("id")) }
                let current = try await encumbrance(id, heldBy: bank)
                let entry = try await services.registry.perform(
                    .onRight(current.right, .mortgageRelease(mortgage: id, by: bank.party ?? bank.name)),
                    actor: bank.actor)
                return .json(try await mortgage(id, after: entry))
            },
            Endpoint(
                .post, "/v1/mortgages/{id}/foreclosure", access: CollateralController.banks,
                Operation(
                    id: "foreclose",
                    summary:
                        "On default the mortgagee starts a foreclosure-sale listing; proceeds pay the mortgages by rank, the rest goes to the holder.",
                    tags: ["bank"], parameters: [Self.idParameter, ExchangeController.idempotency],
                    body: .json(Schemas.ref("ForeclosureApplication")),
                    responses: ExchangeController.created("the listing, awaiting the operator's review", "Listing"))
            ) { request, context in
                let bank = try context.caller()
                let id = try services.parse("id") { try EncumbranceID(try context.parameter("id")) }
                let current = try await encumbrance(id, heldBy: bank)
                var reader = try await request.fields(context: context)
                let parsedApplication = ExchangeParser.listing(&reader, foreclosing: current.right)
                let application = try reader.finish(parsedApplication)
                let listing = try await services.exchange.foreclose(
                    id, application, bank: bank.party ?? bank.name, actor: bank.actor)
                return .json(Masking.mask(try JSONValueEncoder().encode(listing)), status: .created)
            },
        ]
    }

    /// A bank's own mortgage: another bank is refused before anything about the mortgage's
    /// state is said.
    func encumbrance(_ id: EncumbranceID, heldBy bank: Principal) async throws -> Encumbrance {
        let mortgage = try await encumbrance(id)
        guard mortgage.holder == bank.party ?? bank.name else {
            throw Problem.forbidden("auth.mortgagee", "\(id) is held by another mortgagee")
        }
        return mortgage
    }

    func encumbrance(_ id: EncumbranceID) async throws -> Encumbrance {
        guard let encumbrance = try await services.registry.reads.encumbrance(id), encumbrance.kind == .mortgage else {
            throw RegistryError.notFound("mortgage", id.rawValue)
        }
        return encumbrance
    }

    /// A mortgage as the act whose append ended with `entry` left it.
    func mortgage(_ id: EncumbranceID, after entry: LogEntry) async throws -> JSONValue {
        try await services.registry.answering(after: entry) { try await self.mortgage(id) }
    }

    /// A mortgage as its bank sees it, with its rank among the right's active mortgages (C-12).
    func mortgage(_ id: EncumbranceID) async throws -> JSONValue {
        let mortgage = try await encumbrance(id)
        let today = services.registry.today
        let ranked = try await services.registry.reads.encumbrances(on: mortgage.right)
            .filter { $0.kind == .mortgage && $0.isActive(on: today) }
            .sorted { $0.registeredAt < $1.registeredAt }
        var answer: [String: JSONValue] = [
            "id": .string(id.rawValue), "right_id": .string(mortgage.right.rawValue),
            "amount_fen": .number(Double(mortgage.amount?.value ?? 0)),
            "outstanding_fen": .number(Double(mortgage.outstanding.value)),
            "index": .number(Double(mortgage.registeredAt)),
            "status": .string(mortgage.status(on: today).rawValue),
            "released": .bool(mortgage.status(on: today) == .released),
        ]
        if let rank = ranked.firstIndex(where: { $0.id == id }) { answer["rank"] = .number(Double(rank + 1)) }
        return .object(answer)
    }
}
