import Hummingbird
import RightsRegistry

/// Administrators see every token (never the token itself) and revoke them; a revoked token is
/// refused from the next request on, on every server sharing the database.
public struct TokensController: Sendable {
    let services: RegistryServices

    public init(services: RegistryServices) { self.services = services }

    static let admins: Access = .roles([.admin])

    public var endpoints: [Endpoint] {
        [
            Endpoint(
                .get, "/v1/tokens", access: Self.admins,
                Operation(
                    id: "listTokens",
                    summary: "Every token issued: its id, who it is for, issued, expiry, revocation and last use.",
                    tags: ["admin"],
                    responses: [
                        200: Operation.Answer(
                            "the tokens", "application/json",
                            Schemas.object(["tokens": Schemas.array(Schemas.ref("Token"))], required: ["tokens"]))
                    ])
            ) { _, _ in
                let now = services.registry.clock.now()
                let tokens = try await services.tokens.list()
                return .json(["tokens": .array(tokens.map { $0.record.listing(lastUsed: $0.lastUsed, at: now) })])
            },
            Endpoint(
                .post, "/v1/tokens/{id}/revoke", access: Self.admins,
                Operation(
                    id: "revokeToken", summary: "Revoke a token; it is refused from the next request on.",
                    tags: ["admin"],
                    parameters: [
                        Parameter("id", in: .path, "the token's id (T and 12 hex digits)"),
                        ExchangeController.idempotency,
                    ],
                    responses: ExchangeController.answer("the revoked token", "Token"))
            ) { _, context in
                let record = try await services.tokens.revoke(try context.parameter("id"))
                return .json(record.listing(lastUsed: nil, at: services.registry.clock.now()))
            },
        ]
    }
}
