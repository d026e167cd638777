public import Hummingbird

/// Reads `Authorization: Bearer …` into the context's principal. It runs first, so the request
/// log names the caller; it throws nothing itself: an unknown or malformed token is marked and
/// every endpoint answers it with 401, no token leaves the caller public, and which routes need
/// which roles is checked per endpoint.

public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = RegistryRequestContext
    let tokens: TokenStore

    public init(tokens: TokenStore) { self.tokens = tokens }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        var context = context
        if header.hasPrefix("Bearer "), let principal = try await tokens.principal(for: String(header.dropFirst(7))) {
            context.principal = principal
        } else {
            context.rejectedToken = true
        }
        return try await next(request, context)

    }
}
