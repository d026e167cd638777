public import Hummingbird

/// Turns every error a route throws into its problem+json answer, so the middleware outside it
/// (idempotency, metrics, logs) sees the response the client gets. Unexpected errors are
/// logged here with the request id; the client gets a 500 that says nothing more.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = RegistryRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            if problem.status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": .string(String(describing: error))])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
