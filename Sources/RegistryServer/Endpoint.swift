public import HTTPTypes
public import Hummingbird
public import RightsRegistry

/// One route: what it answers, who may call it, and its OpenAPI description. The router and
/// `/openapi.json` are both built from the same list, so the two cannot drift apart.
public struct Endpoint: Sendable {
    public let method: HTTPRequest.Method
    /// OpenAPI-style template, e.g. `/v1/rights/{id}` (Hummingbird reads the same syntax).
    public let path: String
    public let access: Access
    public let operation: Operation
    let handler: @Sendable (Request, RegistryRequestContext) async throws -> Response

    public init(
        _ method: HTTPRequest.Method, _ path: String, access: Access, _ operation: Operation,
        handler: @escaping @Sendable (Request, RegistryRequestContext) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.access = access
        self.operation = operation
        self.handler = handler
    }

    /// Checks the caller's token and role, then answers — once per `Idempotency-Key`.
    func respond(_ request: Request, _ context: RegistryRequestContext, idempotency: Idempotency) async throws
        -> Response
    {
        if let problem = context.tokenProblem { throw problem }
        try access.check(context.principal)
        return try await idempotency.answer(request, context) { request in try await handler(request, context) }
    }
}

/// Who may call an endpoint.
public enum Access: Sendable, Equatable {
    case everyone
    case roles(Set<Role>)

    /// 401 without a token, 403 with one of another role.
    func check(_ principal: Principal?) throws {
        guard case .roles(let roles) = self else { return }
        guard let principal else { throw Problem.unauthorized("this route needs a bearer token") }
        guard roles.contains(principal.role) else {
            throw Problem.forbidden(
                "auth.role",
                "a \(principal.role.rawValue) may not use this route (it is for \(roles.map(\.rawValue).sorted().joined(separator: ", ")))"
            )
        }
    }

    public var roles: Set<Role>? {
        if case .roles(let roles) = self { return roles }
        return nil
    }
}

/// An endpoint's OpenAPI description.
public struct Operation: Sendable {
    public var id: String
    public var summary: String
    public var tags: [String]
    public var parameters: [Parameter]
    public var body: Body?
    /// Status → answer.
    public var responses: [Int: Answer]

    /// The request body: the media types it may come as, and its schema.
    public struct Body: Sendable {
        public var contentTypes: [String]
        public var schema: JSONValue

        public init(_ contentTypes: [String], _ schema: JSONValue) {
            self.contentTypes = contentTypes
            self.schema = schema
        }

        public static func json(_ schema: JSONValue) -> Body { Body(["application/json"], schema) }
    }

    /// A documented answer: its description and its content, by media type.
    public struct Answer: Sendable {
        public var description: String
        public var content: [String: JSONValue]

        public init(_ description: String, _ content: [String: JSONValue]) {
            self.description = description
            self.content = content
        }

        public init(_ description: String, _ contentType: String, _ schema: JSONValue) {
            self.init(description, [contentType: schema])
        }
    }

    public init(
        id: String, summary: String, tags: [String], parameters: [Parameter] = [],
        body: Body? = nil, responses: [Int: Answer]
    ) {
        self.id = id
        self.summary = summary
        self.tags = tags
        self.parameters = parameters
        self.body = body
        self.responses = responses
    }
}

public struct Parameter: Sendable {
    public enum Location: String, Sendable {
        case path
        case query
        case header
    }
    public var name: String
    public var location: Location
    public var required: Bool
    public var description: String
    public var schema: JSONValue

    public init(
        _ name: String, in location: Location, required: Bool = false, _ description: String,
        schema: JSONValue = ["type": "string"]
    ) {
        self.name = name
        self.location = location
        self.required = required || location == .path
        self.description = description
        self.schema = schema
    }
}

extension RegistryRequestContext {
    /// The caller of a route that required a token.
    func caller() throws -> Principal {
        guard let principal else { throw Problem.unauthorized("this route needs a bearer token") }
        return principal
    }

    /// A path parameter.
    func parameter(_ name: String) throws -> String {
        guard let value = parameters.get(name) else {
            throw Problem(status: .badRequest, code: "validation.\(name)", detail: "missing path parameter \(name)")
        }
        return value
    }

    /// A clerk acts only within its region (INTERFACE.md); 403 `auth.scope` otherwise.
    func requireScope(_ region: RegionCode) throws {
        let principal = try caller()
        guard principal.mayAct(on: region) else {
            throw Problem.forbidden(
                "auth.scope",
                "\(principal.actor) acts on region \(principal.scope?.rawValue ?? "(none)"), not on \(region)")
        }
    }
}
