public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import RightsRegistry

/// How to run the server.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var services: RegistryServices
    public var logger: Logger
    public var limits: ConnectionLimits
    /// Called with the bound port once the server listens (port 0 picks a free one).
    public var onListening: @Sendable (Int) async -> Void

    public init(
        host: String = "127.0.0.1", port: Int = 8080, services: RegistryServices, logger: Logger,
        limits: ConnectionLimits = .forThisProcess(),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.limits = limits
        self.host = host
        self.port = port
        self.services = services
        self.logger = logger
        self.onListening = onListening
    }
}

/// The router of every route, with its middleware: bearer tokens, request log, metrics,
/// problem+json answers; idempotency keys are honoured per endpoint, after its role check.
public func buildRouter(services: RegistryServices) -> Router<RegistryRequestContext> {
    let router = Router(context: RegistryRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: AuthMiddleware(services: services))
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: PrometheusMiddleware(registry: services.metrics))
    router.add(middleware: ProblemMiddleware(outages: services.outages))
    let endpoints = services.endpoints
    router.add(middleware: MethodNotAllowedMiddleware(endpoints: endpoints))
    let idempotency = Idempotency(store: services.registry.store)
    for endpoint in endpoints {
        router.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
            try await endpoint.respond(request, context, idempotency: idempotency)
        }
    }
    Pages(services: services).add(to: router)
    return router
}

/// The server as a service: run it with `runService()` for graceful shutdown on SIGTERM and
/// SIGINT (requests in flight finish; each act is one transaction, so nothing is half written).
public func buildApplication(configuration: ServerConfiguration) -> some ApplicationProtocol {
    let limits = configuration.limits
    return Application(
        router: buildRouter(services: configuration.services),
        server: .http1(
            configuration: HTTP1Channel.Configuration(
                idleTimeout: TimeAmount(limits.idleTimeout))),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "rights",
            availableConnectionsDelegate: MaximumAvailableConnections(
                limits.maxConnections, logger: configuration.logger)
        ),
        // The witnesses are pushed to beside the server, never from within a write.
        services: configuration.services.witnesses.map { [$0] } ?? [],
        onServerRunning: { channel in await configuration.onListening(channel.localAddress?.port ?? configuration.port)
        },
        logger: configuration.logger)
}
