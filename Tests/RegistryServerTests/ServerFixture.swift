import Exchange
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RegistryServer
import RegistryTestSupport
import RightsRegistry
import Synchronization
import Testing

/// A clock the tests set.
final class FixedClock: RegistryClock {
    private let instant: Mutex<Date>
    init(_ day: String) {
        instant = Mutex(Date(timeIntervalSince1970: TimeInterval(Day(day)!.ordinal * 86_400 + 2 * 3600)))
    }
    func now() -> Date { instant.withLock { $0 } }
    func advance(days: Int) { instant.withLock { $0 = $0.addingTimeInterval(TimeInterval(days * 86_400)) } }
    func advance(_ duration: Duration) {
        instant.withLock { $0 = $0.addingTimeInterval(Double(duration.components.seconds)) }
    }
    func set(_ date: Date) { instant.withLock { $0 = date } }
    /// 10:00 in Shanghai on `day`.
    func set(_ day: String) { set(Date(timeIntervalSince1970: TimeInterval(Day(day)!.ordinal * 86_400 + 2 * 3600))) }
}

/// Log lines kept in memory, to check what the server writes.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])

    func handler(label: String) -> some LogHandler { CapturingHandler(capture: self) }

    struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.lines.withLock { $0.append("\(event.message) \(all)") }
        }
    }
}

/// The demo county served in memory, with a token for each role.
struct ServerFixture {
    let services: RegistryServices
    let clock: FixedClock
    /// The wall clock the back-off of failed authentications runs on: the tests move it instead
    /// of sleeping (a test that slept raced the back-off's second on a loaded machine).
    let backOffClock: FixedClock
    let tokens: [String: String]
    let logs = LogCapture()

    static let roles = ["admin", "clerk", "otherClerk", "exchange", "agent", "otherAgent", "bank", "otherBank"]

    /// The demo county on `store`, or on a new store of the suite's kind.
    init(store: (any RegistryStore)? = nil) async throws {
        clock = FixedClock("2026-11-20")
        let keys = try KeyRing.generate(origin: "registry.test/330424")
        let store = try await Self.store(store)
        let registry = Registry(store: store, keys: keys, clock: clock, reactions: ProductSchema.reactions(store))
        _ = try await DemoCounty.register(in: registry)
        backOffClock = FixedClock("2026-11-20")
        services = RegistryServices(registry: registry, backOffClock: backOffClock)
        let principals: [String: Principal] = [
            "admin": Principal(role: .admin, name: "管理员"),
            "clerk": Principal(role: .clerk, name: "王芳", scope: try RegionCode("330424100")),
            "otherClerk": Principal(role: .clerk, name: "李娜", scope: try RegionCode("330424101")),
            "exchange": Principal(role: .exchange, name: "交易中心"),
            "agent": Principal(role: .agent, name: DemoCounty.agentName, party: DemoCounty.agent),
            "otherAgent": Principal(role: .agent, name: "另一位代理员", party: "330424198202020024"),
            "bank": Principal(role: .bank, name: DemoCounty.bankName, party: DemoCounty.bank),
            "otherBank": Principal(role: .bank, name: "另一家银行", party: "91330424MA2B9999X0"),
        ]
        var tokens: [String: String] = [:]
        for (name, principal) in principals { tokens[name] = try await services.tokens.issue(principal).token }
        self.tokens = tokens
    }

    static func store(_ given: (any RegistryStore)?) async throws -> any RegistryStore {
        if let given { return given }
        return try await TestStore.default.make(ProductSchema.migrations)
    }

    var application: some ApplicationProtocol {
        let capture = logs
        return buildApplication(
            configuration: ServerConfiguration(
                host: "127.0.0.1", port: 0, services: services,
                logger: Logger(label: "test") { label in capture.handler(label: label) }))
    }

    func headers(_ role: String?, _ extra: HTTPFields = [:]) -> HTTPFields {
        var headers = extra
        if let role { headers[.authorization] = "Bearer \(tokens[role] ?? role)" }
        return headers
    }

    /// Runs `body` against the router.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await application.test(.router, body)
    }

    static let household = "330424100200000002"
    static let contract = "330424100200000002J"
}

extension TestResponse {
    var json: JSONValue { (try? JSONParser.parse(Array(body.readableBytesView))) ?? .null }
    var text: String { String(decoding: body.readableBytesView, as: UTF8.self) }
}

func jsonBody(_ value: JSONValue) -> ByteBuffer { ByteBuffer(bytes: CanonicalJSON.bytes(value)) }
func textBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// python3 with an independent checker (openapi-spec-validator), when the machine has it.
enum Python {
    /// Runs a script without holding a thread of the test's executor while it runs: a script that
    /// calls the server in this process must not wait on the threads that server answers on.
    static func runAsync(_ script: String, _ arguments: String...) async -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let collected = Mutex(Data())
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.withLock { $0.append(data) }
        }
        let status: Int32 = await withCheckedContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            if (try? process.run()) == nil {
                process.terminationHandler = nil
                continuation.resume(returning: -1)
            }
        }
        output.fileHandleForReading.readabilityHandler = nil
        let rest = output.fileHandleForReading.readDataToEndOfFile()
        let text = collected.withLock { String(decoding: $0 + rest, as: UTF8.self) }
        return (status, text)
    }

    static func run(_ script: String, _ arguments: String...) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        guard (try? process.run()) != nil else { return (-1, "python3 did not start") }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
