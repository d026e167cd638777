import Foundation
import RegistryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The outage tests cut a proxy under a live server while the rest of the suite runs in the same
/// process. A proxy thread that reads, writes or closes a descriptor number after closing it
/// reaches whatever the process opened under that number since — another test's HTTP connection
/// or pipe — and that test then waits forever for bytes the proxy took. These tests hold the
/// proxy to its own descriptors.
@Suite("TCP proxy (test support)")
struct TCPProxyTests {
    @Test(
        "cut and restored under traffic, the proxy touches no descriptor but its own: bytes elsewhere in the process are never taken, added or closed"
    )
    func ownsItsDescriptors() async throws {
        let echo = try EchoServer()
        let proxy = try TCPProxy(to: "127.0.0.1", port: echo.port)
        defer {
            proxy.stop()
            echo.stop()
        }
        let stop = StopFlag()
        // Bystanders: socket pairs opened and closed all the time, so they take the numbers the
        // proxy gives back; each round's bytes must arrive whole, alone and in time.
        let bystanders = (0..<2).map { _ in Self.onThread { Self.bystander(until: stop) } }
        let clients = (0..<4).map { _ in Self.onThread { Self.client(of: proxy.port, until: stop) } }
        let cutter = Self.onThread {
            var cuts = 0
            while !stop.isSet {
                proxy.cut()
                usleep(300)
                proxy.restore()
                usleep(2_000)
                cuts += 1
            }
            return Bystander(rounds: cuts, damaged: [])
        }
        try await Task.sleep(for: .seconds(3))
        stop.set()
        var rounds = 0
        for bystander in bystanders {
            let outcome = await bystander.value
            rounds += outcome.rounds
            #expect(outcome.damaged.isEmpty, "a bystander's bytes were touched: \(outcome.damaged.prefix(5))")
        }
        var exchanged = 0
        for client in clients { exchanged += await client.value.rounds }
        let cuts = await cutter.value.rounds
        #expect(rounds > 100 && cuts > 100, "the churn ran: \(rounds) bystander rounds, \(cuts) cuts")
        #expect(exchanged > 0, "bytes went through the proxy between the cuts")
    }

    struct Bystander: Sendable {
        var rounds: Int
        var damaged: [String]
    }

    /// Runs `work` on a thread of its own: it blocks in system calls.
    static func onThread(_ work: @escaping @Sendable () -> Bystander) -> Task<Bystander, Never> {
        Task {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: work()) }
            }
        }
    }

    /// Opens a socket pair, sends 64 known bytes one way and reads them back with a deadline.
    static func bystander(until stop: StopFlag) -> Bystander {
        var outcome = Bystander(rounds: 0, damaged: [])
        while !stop.isSet {
            var pair: [Int32] = [0, 0]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { continue }
            let sent = (0..<64).map { UInt8(truncatingIfNeeded: $0 &+ outcome.rounds) }
            let wrote = sent.withUnsafeBytes { send(pair[0], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 256)
            while received.count < sent.count {
                var poller = pollfd(fd: pair[1], events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 1_000) > 0 else { break }
                let count = recv(pair[1], &buffer, buffer.count, Int32(MSG_DONTWAIT))
                guard count > 0 else { break }
                received += buffer[0..<count]
            }
            let extra = recv(pair[1], &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if wrote != sent.count || received != sent || extra > 0 {
                outcome.damaged.append("wrote \(wrote), read \(received.count) (expected 64), \(max(extra, 0)) extra")
            }
            _ = close(pair[0])
            _ = close(pair[1])
            outcome.rounds += 1
        }
        return outcome
    }

    /// Connects through the proxy again and again and echoes a line, until stopped.
    static func client(of port: UInt16, until stop: StopFlag) -> Bystander {
        var outcome = Bystander(rounds: 0, damaged: [])
        while !stop.isSet {
            if let descriptor = Loopback.connect(port: port) {
                for _ in 0..<20 {
                    let line = Array("ping \(outcome.rounds)\n".utf8)
                    guard line.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) > 0
                    else { break }
                    var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    var buffer = [UInt8](repeating: 0, count: 256)
                    guard poll(&poller, 1, 200) > 0, recv(descriptor, &buffer, buffer.count, 0) > 0 else { break }
                    outcome.rounds += 1
                }
                _ = close(descriptor)
            }
        }
        return outcome
    }
}

/// A TCP echo server on 127.0.0.1, a thread per connection.
private final class EchoServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32

    init() throws {
        (listener, port) = try Loopback.listen()
        Thread.detachNewThread { [listener] in
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { break }
                Thread.detachNewThread {
                    var buffer = [UInt8](repeating: 0, count: 4_096)
                    while true {
                        let count = read(connection, &buffer, buffer.count)
                        guard count > 0, send(connection, buffer, count, Int32(MSG_NOSIGNAL)) == count else { break }
                    }
                    close(connection)
                }
            }
            close(listener)
        }
    }

    /// Stops accepting; the accept thread closes the listener on its way out.
    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }
}
