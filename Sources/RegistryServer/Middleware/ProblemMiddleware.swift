public import Hummingbird

/// Turns every error a route throws into its problem+json answer, so the middleware outside it
/// (idempotency, metrics, logs) sees the response the client gets. Unexpected errors are
/// logged here with the request id; the client gets a 500 that says nothing more. A store
/// outage is a 503 with `Retry-After`, logged once per episode (`OutageMonitor`).
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = RegistryRequestContext
    let outages: OutageMonitor

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        do {
            let response = try await next(request, context)
            if request.method == .post, (200..<300).contains(response.status.code) {
                outages.succeeded(logger: context.logger)
            }
            return response
        } catch {
            let problem = Problem.from(error)
            switch problem.status {
            case .internalServerError:
                context.logger.error("request failed", metadata: ["error": .string(String(describing: error))])
            case .serviceUnavailable:
                outages.failed(problem, logger: context.logger)
            default:
                break
            }
            return try problem.response(from: request, context: context)
        }
    }
}
