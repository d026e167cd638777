import Crypto
import Hummingbird
import RightsRegistry

/// Clerks register rights, read them and perform registry acts on them — through the same
/// parser and `Registrar` as the CLI.
public struct RightsController: Sendable {
    let services: RegistryServices

    public init(services: RegistryServices) { self.services = services }

    static let clerks: Access = .roles([.clerk, .admin])
    /// One right and its history may also be read by an agent holding its holder's mandate (not
    /// the certificate: a signed document cannot be masked).
    static let readers: Access = .roles([.clerk, .admin, .agent])
    static let idParameter = Parameter(
        "id", in: .path, "the right's ID (contract code, 不动产单元代码 …) or a certificate number")

    /// A right's version for `If-Match`: the digest of what it states and its encumbrances.
    static func etag(_ right: Right, encumbrances: [Encumbrance] = []) -> String {
        var hasher = SHA256()
        hasher.update(data: (try? JSONValueEncoder().canonicalBytes(right)) ?? [])
        for encumbrance in encumbrances {
            hasher.update(data: (try? JSONValueEncoder().canonicalBytes(encumbrance)) ?? [])
        }
        return "\"" + Base64URL.encode(Array(hasher.finalize()).prefix(12)) + "\""
    }

    public var endpoints: [Endpoint] {
        [
            Endpoint(
                .post, "/v1/rights", access: Self.clerks,
                Operation(
                    id: "registerRight",
                    summary:
                        "First registration (首次登记): announced for 15 working days, then completed by a `completion` act.",
                    tags: ["clerk"], body: .json(Schemas.ref("RightRegistration")),
                    responses: [
                        201: Operation.Answer(
                            "the registration: its entry and the announced right", "application/json",
                            Schemas.ref("Recorded"))
                    ])
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedKind = reader.value("kind") { text throws(InvalidValue) in
                    guard let kind = RightKind(rawValue: text) else {
                        throw InvalidValue("one of \(RightKind.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return kind
                }
                let kind = try reader.finish(parsedKind)
                let parsedApplication = ApplicationParser.right(kind: kind, &reader, origin: .application)
                reader.rejectUnknownFields()
                let application = try reader.finish(parsedApplication)
                try context.requireScope(try await services.region(of: application))
                return try await services.record(.registerRight(application), context: context)
            },
            Endpoint(
                .get, "/v1/rights", access: Self.clerks,
                Operation(
                    id: "listRights",
                    summary: "Rights by holder, collective, region, kind or status (within the clerk's region).",
                    tags: ["clerk"],
                    parameters: [
                        Parameter("holder", in: .query, "kind:code, e.g. household:330424101201000001"),
                        Parameter("collective", in: .query, "发包方 code"),
                        Parameter("region", in: .query, "region code prefix"),
                        Parameter(
                            "kind", in: .query, "right kind",
                            schema: Schemas.enumeration(RightKind.allCases.map(\.rawValue))),
                        Parameter(
                            "status", in: .query, "right status",
                            schema: Schemas.enumeration(["announced", "current", "cancelled", "expired"])),
                        Parameter(
                            "limit", in: .query, "at most this many (1–1000, default 100)",
                            schema: ["type": "integer", "minimum": 1, "maximum": 1000]),
                        Parameter("after", in: .query, "only rights after this ID (paging)"),
                    ],
                    responses: [
                        200: Operation.Answer(
                            "the rights", "application/json",
                            Schemas.object(["rights": Schemas.array(Schemas.ref("Right"))]))
                    ])
            ) { request, context in
                let query = try services.rightQuery(request, caller: try context.caller())
                let rights = try await services.queries.list(query)
                var reports: [JSONValue] = []
                for right in rights { reports.append(try await services.queries.report(right).json(.full)) }
                return .json(["rights": .array(reports)])
            },
            Endpoint(
                .get, "/v1/rights/{id}", access: Self.readers,
                Operation(
                    id: "getRight",
                    summary: "One right with its holders, encumbrances and flags; its ETag for `If-Match`.",
                    tags: ["clerk"], parameters: [Self.idParameter],
                    responses: [200: Operation.Answer("the right", "application/json", Schemas.ref("Right"))])
            ) { _, context in
                let report = try await services.report(context)
                return .json(
                    report.json(for: context.principal),
                    headers: [.eTag: Self.etag(report.right, encumbrances: report.encumbrances)])
            },
            Endpoint(
                .get, "/v1/rights/{id}/history", access: Self.readers,
                Operation(
                    id: "rightHistory", summary: "The right's log entries, oldest first.", tags: ["clerk"],
                    parameters: [Self.idParameter],
                    responses: [
                        200: Operation.Answer(
                            "the entries", "application/json",
                            Schemas.object(["entries": Schemas.array(Schemas.ref("Entry"))]))
                    ])
            ) { _, context in
                let report = try await services.report(context)
                let entries = try await services.queries.history(report.right.id)
                var shown: [JSONValue] = []
                for entry in entries { shown.append(try await services.entryJSON(entry, for: context.principal)) }
                return .json(["entries": .array(shown)])
            },
            Endpoint(
                .get, "/v1/rights/{id}/certificate", access: Self.clerks,
                Operation(
                    id: "rightCertificate",
                    summary:
                        "The right's current certificate as a JWS (with `proof=true`: followed by its tlog-proof bundle).",
                    tags: ["clerk"],
                    parameters: [
                        Self.idParameter,
                        Parameter("proof", in: .query, "append the proof bundle", schema: Schemas.boolean),
                    ],
                    responses: [
                        200: Operation.Answer(
                            "the certificate: the JWS, or with proof=true the JWS, a blank line and its tlog-proof bundle",
                            ["application/jose": Schemas.string, "text/plain; charset=utf-8": Schemas.string])
                    ])

            ) { request, context in
                let report = try await services.report(context)
                let withProof = try request.booleanQuery("proof")
                let export = try await Certificates(registry: services.registry).export(
                    report.right.id.rawValue, withProof: withProof)
                return withProof ? .text(export.text) : .text(export.jws, contentType: "application/jose")
            },
            Endpoint(
                .post, "/v1/rights/{id}/acts", access: Self.clerks,
                Operation(
                    id: "performAct",
                    summary:
                        "A registry act on the right. With `If-Match` (the right's ETag) it is refused with 409 if the right changed since.",
                    tags: ["clerk"],
                    parameters: [
                        Self.idParameter, Parameter("If-Match", in: .header, "the ETag the act is based on"),
                        Parameter("Idempotency-Key", in: .header, "a retry with the same key gets the first answer"),
                    ],
                    body: .json(Schemas.ref("RightAct")),
                    responses: [
                        201: Operation.Answer(
                            "the act: its entry and the right after it", "application/json", Schemas.ref("Recorded"))
                    ])
            ) { request, context in
                let report = try await services.report(context)
                try context.requireScope(report.right.region)
                var reader = try await request.fields(context: context)
                let parsedAct = ApplicationParser.rightAct(&reader)
                let act = try reader.finish(parsedAct)
                let id = report.right.id
                let expected = request.headers[.ifMatch]
                let registry = services.registry
                let decided = act.registryAct(on: id)
                let entry = try await registry.perform(actor: try context.caller().actor) { registrar in
                    if let expected {
                        guard let right = try await registry.reads.right(id) else {
                            throw RegistryError.notFound("right", id.rawValue)
                        }
                        let encumbrances = try await registry.reads.encumbrances(on: id)
                        guard Self.etag(right, encumbrances: encumbrances) == expected else {
                            throw RegistryError.conflict(
                                "right_changed", "\(id) changed since ETag \(expected); read it again and decide again")
                        }
                    }
                    return try await registrar.decide(decided)
                }[0]
                return try await services.recorded(entry, right: id, context: context)
            },
        ]
    }
}

extension RegistryServices {
    /// The right named in the path, visible to the caller (a clerk sees only its region).
    func report(_ context: RegistryRequestContext) async throws -> RightReport {
        let text = try context.parameter("id")
        // Read whole (one statement on PostgreSQL), shown only after the caller's checks.
        let report = try await queries.report(idOrCertificate: text)
        let caller = try context.caller()
        if caller.role == .agent {
            try await requireMandate(caller, for: report.right.holder)
        } else {
            try context.requireScope(report.right.region)
        }
        return report
    }

    /// FLM-8: an agent acts for a party only under a registered written mandate that is in force.
    /// With `matter`, the mandate must cover it (`mortgage` for the mortgagor's side of a mortgage).
    func requireMandate(_ agent: Principal, for holder: Holder, matter: MandateMatter? = nil) async throws {
        let today = registry.today
        let mandates = try await registry.reads.mandates(agent: agent.party ?? "")
        guard
            mandates.contains(where: {
                $0.principal == holder && $0.isInForce(on: today) && (matter.map($0.matters.contains) ?? true)
            })
        else {
            throw Problem.forbidden(
                "auth.mandate",
                "\(agent.actor) holds no registered 委托书 (FLM-8) from \(holder.masked)\(matter.map { " covering \($0.rawValue)" } ?? "")"
            )
        }
    }

    /// The region a first registration is in, for the clerk's scope.
    func region(of application: RightApplication) async throws -> RegionCode {
        switch application.subject {
        case .contractLand(let contract, _): return contract.household.collective.region
        case .homestead(let household, _, _): return household.collective.region
        case .collectiveShare(let collective, _, _): return collective.region
        case .landManagement(let parent, _, _, _, _, _, _, _):
            guard let right = try await registry.reads.right(parent) else {
                throw RegistryError.notFound("right", parent.rawValue)
            }
            return right.region
        }
    }

    func rightQuery(_ request: Request, caller: Principal) throws -> RightQuery {
        var query = RightQuery(limit: 100)
        if let holder = try request.query("holder") {
            query.holder = try parse("holder") { try Holder(holder) }
        }
        if let collective = try request.query("collective") {
            let code = try parse("collective") { try CollectiveCode(collective) }
            guard caller.mayAct(on: code.region) else {
                throw Problem.forbidden("auth.scope", "collective \(code) is outside \(caller.actor)'s region")
            }
            query.collective = code
        }
        if let region = try request.query("region") {
            let code = try parse("region") { try RegionCode(region) }
            guard caller.mayAct(on: code) || caller.scope.map({ code.contains($0) }) == true else {
                throw Problem.forbidden("auth.scope", "region \(code) is outside \(caller.actor)'s region")
            }
            query.region = code.rawValue
        }
        // A clerk's query never leaves its region.
        if caller.role == .clerk, let scope = caller.scope, (query.region ?? "").count < scope.rawValue.count {
            query.region = scope.rawValue
        }
        if let kind = try request.query("kind") {
            guard let value = RightKind(rawValue: kind) else { throw RegistryError.invalid("kind", "not a right kind") }
            query.kind = value
        }
        if let status = try request.query("status") {
            guard let value = RightStatus(rawValue: status) else {
                throw RegistryError.invalid("status", "not a right status")
            }
            query.status = StatusFilter([value], on: registry.today)
        }
        if let limit = try request.integerQuery("limit") {
            guard (1...1000).contains(limit) else { throw RegistryError.invalid("limit", "must be 1–1000") }
            query.limit = Int(limit)
        }
        if let after = try request.query("after") { query.after = try parse("after") { try RightID(after) } }
        return query
    }
}
