public import Exchange
import Logging
public import Prometheus
public import RightsRegistry

/// What the routes work with: the register, the tokens, the metrics.
public struct RegistryServices: Sendable {
    public let registry: Registry
    public let exchange: ExchangeService
    public let tokens: TokenStore
    /// The pages' users and their browser sessions.
    public let accounts: Accounts
    /// Where the public reaches this registry (`https://registry.example.gov.cn`), for the links
    /// printed in certificates' QR codes; nil: as the browser that printed it reached the server.
    public var publicURL: String?
    public let metrics: PrometheusCollectorRegistry
    let registerSize: Gauge
    let outages: OutageMonitor
    let failedAuthentications: FailedAuthentications

    /// Sends checkpoints to the witnesses, when the registry has any.
    public let witnesses: WitnessPusher?

    public init(
        registry: Registry,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), authFailuresBeforeBackOff: Int = 5,
        backOffClock: any RegistryClock = SystemClock(), witnesses: [WitnessEndpoint] = []
    ) {
        self.witnesses =
            witnesses.isEmpty
            ? nil
            : WitnessPusher(store: registry.store, witnesses: witnesses, logger: Logger(label: "rights.witnesses"))
        failedAuthentications = FailedAuthentications(freeFailures: authFailuresBeforeBackOff, clock: backOffClock)
        self.registry = registry
        exchange = ExchangeService(registry: registry)
        tokens = TokenStore(store: registry.store, clock: registry.clock)
        accounts = Accounts(store: registry.store, clock: registry.clock)
        self.metrics = metrics
        outages = OutageMonitor(metrics: metrics)
        registerSize = metrics.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "rights_log", unitName: "entries", helpText: "Entries in the register's log"))
    }

    var queries: RegistryQueries { RegistryQueries(registry: registry) }

    func keys() throws -> KeyRing {
        guard let keys = registry.keys else {
            throw RegistryError.unavailable("the server was started without its keys")
        }
        return keys
    }

    /// Every route of the server.
    public var endpoints: [Endpoint] {
        PublicController(services: self).endpoints + TileController(services: self).endpoints
            + PartiesController(services: self).endpoints
            + RightsController(services: self).endpoints + CollateralController(services: self).endpoints
            + MortgageController(services: self).endpoints + ExchangeController(services: self).endpoints
            + TokensController(services: self).endpoints
    }

    var openAPI: JSONValue { OpenAPIDocument.build(endpoints: endpoints, origin: registry.origin) }

    /// A log entry as a caller may see it: ID numbers masked unless the caller is a clerk.
    /// An entry as `principal` may see it (`EntryAudience`): always its index, kind and leaf
    /// hash; its content only to those entitled, ID numbers masked for agents and banks.
    func entryJSON(_ entry: LogEntry, for principal: Principal?) async throws -> JSONValue {
        var answer: [String: JSONValue] = [
            "index": .number(Double(entry.index)), "kind": .string(entry.kind),
            "leaf_hash": .string(entry.leafHash.base64),
        ]
        let body = (try? JSONParser.parse(entry.bytes)) ?? .null
        switch try await EntryAudience(services: self).view(of: entry, for: principal) {
        case .full: answer["entry"] = body
        case .masked: answer["entry"] = Masking.mask(body)
        case .hashOnly: break
        }
        return .object(answer)
    }

    /// The certificate's checks with the registry's own keys, and what the register says now
    /// (C-2: the register prevails over the certificate).
    func verifyCertificate(_ text: String, for principal: Principal?) async throws -> JSONValue {
        let certificate: CertificateExport
        do {
            certificate = try CertificateExport(text: text)
        } catch {
            throw RegistryError.invalid("body", "\(error)")
        }
        let keys = try keys()
        let result = CertificateVerifier(
            certificateKeys: keys.certificateKeys.map(\.publicKey), checkpointKey: keys.noteVerifier
        )
        .verify(certificate)
        var answer: [String: JSONValue] = [
            "valid": .bool(result.valid),
            "checks": .array(
                result.checks.map {
                    ["name": .string($0.name), "passed": .bool($0.passed), "detail": .string($0.detail)]
                }),
        ]
        if result.valid, let number = result.payload["certificate_no"]?.stringValue,
            let (record, right) = try? await Certificates(registry: registry).lookup(number: number)
        {
            let report = try await queries.report(right)
            answer["certificate_no"] = .string(record.number)
            answer["status"] = .string(CertificateStatus(number: number, right: right, on: registry.today).rawValue)
            answer["flags"] = .array(report.flags.names.map(JSONValue.string))
            // The public learns the certificate's standing; what the right is, only a caller with a token.
            if principal != nil { answer["right"] = report.json(for: principal) }
        }
        return .object(answer)
    }
}

extension RightReport {
    /// The report as `principal` may see it: ID numbers in full for clerks and administrators only.
    func json(for principal: Principal?) -> JSONValue { json(principal?.seesFullIDNumbers == true ? .full : .masked) }
}
