import Foundation
public import Hummingbird
public import Prometheus
import Synchronization

/// Request counts and latency by route, into the server's own Prometheus registry (served at
/// `/metrics`), so that several servers in one process — the tests — keep their own figures.
public struct PrometheusMiddleware: RouterMiddleware {
    public typealias Context = RegistryRequestContext
    let registry: PrometheusCollectorRegistry
    /// Each route, method and status's collectors, found in the registry once: finding them
    /// there builds the metric's name and help text and checks its labels every time, 1.4 % of
    /// the server's CPU under a collateral search load (issue 16).
    private let collectors = Collectors()

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
            let key = Collectors.Key(
                route: context.endpointPath ?? "(no route)", method: request.method.rawValue, status: status)
            let (requests, duration) = collectors.for(key) {
                let labels = [("route", key.route), ("method", key.method)]
                return (
                    registry.makeCounter(descriptor: Self.requests, labels: labels + [("status", String(status))]),
                    registry.makeDurationHistogram(descriptor: Self.duration, labels: labels, buckets: Self.buckets)
                )
            }
            requests.increment()
            duration.record(ContinuousClock.now - start)
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

/// The collectors each route, method and status records into. Bounded: routes are the router's,
/// methods those the HTTP parser knows, statuses the ones answered; past a few thousand keys the
/// registry is asked each time, as before.
private final class Collectors: Sendable {
    struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }
    typealias Pair = (requests: Counter, duration: DurationHistogram)
    private let found = Mutex<[Key: Pair]>([:])

    func `for`(_ key: Key, make: () -> Pair) -> Pair {
        if let pair = found.withLock({ $0[key] }) { return pair }
        let pair = make()
        found.withLock { found in
            if found.count < 4_096 { found[key] = pair }
        }
        return pair
    }
}
