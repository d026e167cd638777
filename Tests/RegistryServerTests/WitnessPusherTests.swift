import Foundation
import Logging
import RegistryTestSupport
import RightsRegistry
import Testing

@testable import RegistryServer

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Witness pusher")
struct WitnessPusherTests {
    @Test(
        "a witness that takes the connection and never answers is not reached after the answer limit, and the round ends"
    )
    func stalledWitness() async throws {
        let seeded = try await TestRegistry()
        // Listens and never accepts: the kernel completes the handshake and takes the request, and
        // nobody answers — as a witness stopped with SIGSTOP would.
        let stalled = try Loopback.listen()
        defer { close(stalled.descriptor) }
        let vkey = Cosignature.verifierKey(name: "stalled.witness.example", publicKey: Array(repeating: 7, count: 32))
        let pusher = WitnessPusher(
            store: seeded.store, witnesses: [try WitnessEndpoint("http://127.0.0.1:\(stalled.port)=\(vkey)")],
            logger: Logger(label: "test"), answerLimit: .seconds(1))

        // Before the limit, the round waited for ever (URLRequest.timeoutInterval is not applied
        // on Linux).
        let ended: Void? = await outcome(within: .seconds(10)) { await pusher.pushAll() }
        #expect(ended != nil, "the round still waits after 10 s for a witness that never answers")
        let failure = try #require(pusher.status().first).failure
        #expect(failure != nil, "the stalled witness is reported as not reached")
    }
}
