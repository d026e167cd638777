import Hummingbird
import RightsRegistry

/// Clerks register collectives, households, their members, organisations and mandates, each
/// within their region.
public struct PartiesController: Sendable {
    let services: RegistryServices

    public init(services: RegistryServices) { self.services = services }

    static let clerks: Access = .roles([.clerk, .admin])

    static func created(_ id: String) -> [Int: Operation.Answer] {
        [201: Operation.Answer("\(id) registered: the log entry", "application/json", Schemas.ref("Recorded"))]
    }

    public var endpoints: [Endpoint] {
        [
            Endpoint(
                .post, "/v1/collectives", access: Self.clerks,
                Operation(
                    id: "registerCollective", summary: "Register a collective economic organisation (发包方).",
                    tags: ["clerk"],
                    body: .json(Schemas.ref("Collective")), responses: Self.created("the collective"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedApplication = ApplicationParser.collective(&reader, origin: .application)
                reader.rejectUnknownFields()
                let application = try reader.finish(parsedApplication)
                try context.requireScope(application.region)
                return try await services.record(.registerCollective(application), context: context)
            },
            Endpoint(
                .post, "/v1/households", access: Self.clerks,
                Operation(
                    id: "registerHousehold", summary: "Register a household (承包方) with its members.", tags: ["clerk"],
                    body: .json(Schemas.ref("Household")), responses: Self.created("the household"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedApplication = ApplicationParser.household(&reader, origin: .application)
                reader.rejectUnknownFields()
                let application = try reader.finish(parsedApplication)
                try context.requireScope(application.code.collective.region)
                return try await services.record(.registerHousehold(application), context: context)
            },
            Endpoint(
                .post, "/v1/households/{code}/members", access: Self.clerks,
                Operation(
                    id: "addMember", summary: "Add a member to a household (and to its collective's roster).",
                    tags: ["clerk"],
                    parameters: [Parameter("code", in: .path, "the 承包方 code")],
                    body: .json(Schemas.ref("Member")), responses: Self.created("the member"))
            ) { request, context in
                let code = try services.parse("code") { try HouseholdCode(try context.parameter("code")) }
                try context.requireScope(code.collective.region)
                var reader = try await request.fields(context: context)
                let parsedMember = ApplicationParser.member(&reader)
                let member = try reader.finish(parsedMember)
                return try await services.record(.addMember(code, member), context: context)
            },
            Endpoint(
                .post, "/v1/households/{code}/member-removals", access: Self.clerks,
                Operation(
                    id: "removeMember",
                    summary:
                        "A member leaves the household: by death, or by marriage with land at the new home (L-11); never for settling in town (L-8).",
                    tags: ["clerk"], parameters: [Parameter("code", in: .path, "the 承包方 code")],
                    body: .json(Schemas.ref("MemberRemoval")), responses: Self.created("the removal"))
            ) { request, context in
                let code = try services.parse("code") { try HouseholdCode(try context.parameter("code")) }
                try context.requireScope(code.collective.region)
                var reader = try await request.fields(context: context)
                let parsedRemoval = ApplicationParser.memberRemoval(&reader)
                let removal = try reader.finish(parsedRemoval)
                return try await services.record(.removeMember(code, removal), context: context)
            },
            Endpoint(
                .post, "/v1/households/{code}/splits", access: Self.clerks,
                Operation(
                    id: "splitHousehold",
                    summary:
                        "分户: members leave for a new household of the same collective with the parcels and homestead their agreement gives them.",
                    tags: ["clerk"], parameters: [Parameter("code", in: .path, "the 承包方 code")],
                    body: .json(Schemas.ref("HouseholdSplit")), responses: Self.created("the new household"))
            ) { request, context in
                let code = try services.parse("code") { try HouseholdCode(try context.parameter("code")) }
                try context.requireScope(code.collective.region)
                var reader = try await request.fields(context: context)
                let parsedSplit = ApplicationParser.householdSplit(&reader, of: code)
                let split = try reader.finish(parsedSplit)
                return try await services.record(.splitHousehold(split), context: context)
            },
            Endpoint(
                .post, "/v1/persons", access: .roles([.clerk, .admin, .exchange]),
                Operation(
                    id: "registerPerson",
                    summary:
                        "Register a person who is on no household roster (an outside grower, a buyer) so that they can lease or buy.",
                    tags: ["clerk", "exchange"], body: .json(Schemas.ref("Person")),
                    responses: Self.created("the person"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedPerson = ApplicationParser.person(&reader)
                let person = try reader.finish(parsedPerson)
                return try await services.record(.registerPerson(person), context: context)
            },
            Endpoint(
                .post, "/v1/organisations", access: Self.clerks,
                Operation(
                    id: "registerOrganisation",
                    summary: "Register an organisation that may hold rights (a cooperative, a company).",
                    tags: ["clerk"], body: .json(Schemas.ref("Organisation")),
                    responses: Self.created("the organisation"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let code = reader.value("uscc", CreditCode.init)
                let name = reader.string("name")
                reader.rejectUnknownFields()
                let organisation = try reader.finish(code.flatMap { code in name.map { (code, $0) } })
                return try await services.record(
                    .registerOrganisation(Organisation(creditCode: organisation.0, name: organisation.1)),
                    context: context)
            },
            Endpoint(
                .post, "/v1/mandates", access: Self.clerks,
                Operation(
                    id: "registerMandate",
                    summary: "Register a written mandate (委托书) letting an agent act for a party (流转管理办法 art. 8).",
                    tags: ["clerk"], body: .json(Schemas.ref("Mandate")),
                    responses: Self.created("the mandate"))
            ) { request, context in
                var reader = try await request.fields(context: context)
                let parsedApplication = ApplicationParser.mandate(&reader)
                reader.rejectUnknownFields()
                let application = try reader.finish(parsedApplication)
                try await services.requireScope(context, over: application.principal)
                return try await services.record(.registerMandate(application), context: context)
            },
        ]
    }
}

extension RegistryServices {
    /// Performs a registry act for the caller and answers 201 with its entry.
    func record(_ act: RegistryAct, context: RegistryRequestContext, right: RightID? = nil) async throws -> Response {
        let entry = try await registry.perform(act, actor: try context.caller().actor)
        return try await recorded(entry, right: right, context: context)
    }

    /// The answer to an act whose append ended with `entry`, read as the act left the register.
    func recorded(_ entry: LogEntry, right: RightID?, context: RegistryRequestContext) async throws -> Response {
        try await registry.answering(after: entry) {
            try await self.answer(entry, right: right, context: context)
        }
    }

    private func answer(_ entry: LogEntry, right: RightID?, context: RegistryRequestContext) async throws -> Response {
        var answer: [String: JSONValue] = ["index": .number(Double(entry.index)), "kind": .string(entry.kind)]
        var headers: HTTPFields = [:]
        let payload = entry.payload
        if entry.kind == MandateRegistered.kind { answer["id"] = .string(MandateRegistered.id(at: entry.index)) }
        if let id = right ?? payload["id"]?.stringValue.flatMap({ try? RightID($0) }),
            let report = try? await queries.report(id)
        {
            answer["right"] = report.json(for: context.principal)
            headers[.location] = "/v1/rights/\(id.rawValue)"
            headers[.eTag] = RightsController.etag(report.right, encumbrances: report.encumbrances)

        }
        return .json(.object(answer), status: .created, headers: headers)
    }

    /// A value from the URL, as a 422 naming the field when invalid.
    func parse<T>(_ field: String, _ make: () throws -> T) throws -> T {
        do {
            return try make()
        } catch let error as InvalidValue {
            throw RegistryError.invalid(field, error.reason)
        }
    }
}
