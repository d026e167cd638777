import Foundation
public import Hummingbird
import Prometheus
import RightsRegistry

/// Reads `Authorization: Bearer …` into the context's principal. It runs first, so the request
/// log names the caller; it throws nothing itself: a token not taken is marked with its problem
/// (401 not ours, 429 too many failures from this address, 503 store down) and every endpoint
/// answers with it; no token leaves the caller public, and which routes need which roles is
/// checked per endpoint.
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = RegistryRequestContext
    let tokens: TokenStore
    let failures: FailedAuthentications
    let metrics: PrometheusCollectorRegistry

    init(services: RegistryServices) {
        tokens = services.tokens
        failures = services.failedAuthentications
        metrics = services.metrics
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        var context = context
        let address = context.remoteAddress
        if let address, let wait = failures.wait(for: address) {
            count("rights_auth_throttled", "Requests with a token refused (429) while their address waits")
            var problem = Problem(
                status: .tooManyRequests, code: "auth.throttled",
                detail: "too many failed authentications from this address; try again in \(wait) s")
            problem.retryAfter = wait
            context.tokenProblem = problem
            return try await next(request, context)
        }
        do {
            if header.hasPrefix("Bearer "), let principal = try await tokens.principal(for: String(header.dropFirst(7)))
            {
                context.principal = principal
                if let address { failures.succeeded(address) }
            } else {
                count("rights_auth_failures", "Requests with a bearer token this registry did not take")
                if let address { failures.failed(address) }
                context.tokenProblem = Problem.unauthorized("the bearer token is not one this registry issued")
            }
        } catch {
            // The token could not be looked up (the store is down): the caller is told to retry.
            context.tokenProblem = Problem.from(error)
        }
        return try await next(request, context)
    }

    func count(_ name: String, _ help: String) {
        metrics.makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "total", helpText: help))
            .increment()
    }
}
