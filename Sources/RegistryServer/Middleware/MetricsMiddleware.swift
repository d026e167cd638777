import Foundation
public import Hummingbird
public import Prometheus

/// Request counts and latency by route, into the server's own Prometheus registry (served at
/// `/metrics`), so that several servers in one process — the tests — keep their own figures.
public struct PrometheusMiddleware: RouterMiddleware {
    public typealias Context = RegistryRequestContext
    let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    // Computed: swift-prometheus's descriptor is not Sendable, so it cannot be a stored static.
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "http_requests", unitName: "total", helpText: "HTTP requests by route, method and status")
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: "http_request_duration", unitName: "seconds", helpText: "HTTP request latency by route")
    }

    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        let start = ContinuousClock.now
        func record(_ status: Int) {
            let route = context.endpointPath ?? "(no route)"
            let labels = [("route", route), ("method", request.method.rawValue)]
            registry.makeCounter(descriptor: Self.requests, labels: labels + [("status", String(status))]).increment()
            registry.makeDurationHistogram(descriptor: Self.duration, labels: labels, buckets: Self.buckets)
                .record(ContinuousClock.now - start)
        }
        do {
            let response = try await next(request, context)
            record(response.status.code)
            return response
        } catch {
            record(Problem.from(error).status.code)
            throw error
        }
    }
}
