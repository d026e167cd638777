import Foundation
import RegistryServer
import RegistryTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a test server, to hold open or feed byte by byte.
struct RawConnection {
    let descriptor: Int32

    /// Connects to 127.0.0.1:`port`, or nil.
    init?(port: UInt16) {
        guard let descriptor = Loopback.connect(port: port) else { return nil }
        self.descriptor = descriptor
    }

    /// Sends `text`; false once the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            == bytes.count
    }

    /// Whether the server closed the connection: the next read ends (or fails) within `wait`.
    func closedByServer(within wait: Duration = .milliseconds(50)) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
    }

    func close() { _ = Glibc.close(descriptor) }
}

extension ServerProcess {
    var port: UInt16 { UInt16(url.split(separator: ":").last.map(String.init) ?? "") ?? 0 }
}

extension BinaryTests {
    /// The test opens 1,100 connections itself: it needs the hard limit to allow them.
    static let mayOpen1300Files = FileLimit.raise() >= 1_300

    @Test(
        "1,100 idle connections to a server started under a 1,024 open-file limit: /healthz still answers, and idle connections are closed",
        .enabled(if: mayOpen1300Files, "the hard open-file limit is below 1,300")
    )
    func idleConnections() async throws {
        let served = try await ServedRegistry(.sqliteFile)
        let server = try await ServerProcess.start(
            ["serve", "--port", "0", "--idle-timeout", "3"], in: served.temporary.path,
            environment: served.environment, shell: "ulimit -Sn 1024")
        defer { server.process.terminate() }
        var held: [RawConnection] = []
        defer { for connection in held { connection.close() } }
        for _ in 0..<1_100 {
            guard let connection = RawConnection(port: server.port) else { break }
            held.append(connection)
        }
        #expect(held.count == 1_100)
        let started = ContinuousClock.now
        let health = await Call.get(server.url + "/healthz", timeout: 10)
        #expect(health.status == 200, "/healthz with 1,100 idle connections open: \(health.status)")
        #expect(ContinuousClock.now - started < .seconds(8))
        // The server raised its own limit, and it closes what stays idle.
        #expect(server.errors.text.contains("open_files="), "\(server.errors.text.suffix(500))")
        try await Task.sleep(for: .seconds(4))
        let closed = held.filter { $0.closedByServer() }.count
        #expect(closed == held.count, "idle connections still open after the idle timeout: \(held.count - closed)")
        try await server.stop()
    }

    @Test(
        "slowloris: request heads dribbled a byte at a time are cut off at the idle timeout; /healthz answers throughout"
    )
    func slowloris() async throws {
        FileLimit.raise()
        let served = try await ServedRegistry(.sqliteFile)
        let server = try await served.serve(["--idle-timeout", "2", "--max-connections", "150"])
        defer { server.process.terminate() }
        let slow = (0..<200).compactMap { _ in RawConnection(port: server.port) }
        defer { for connection in slow { connection.close() } }
        #expect(slow.count == 200)
        for connection in slow { connection.send("GET /v1/log/checkpoint HTTP/1.1\r\nHost: 127.0.0.1\r\n") }
        var answered = 0
        var slowest = Duration.zero
        for round in 0..<12 {
            for connection in slow { connection.send("X-Slow-\(round): a\r\n") }
            let started = ContinuousClock.now
            let health = await Call.get(server.url + "/healthz", timeout: 6)
            slowest = max(slowest, ContinuousClock.now - started)
            if health.status == 200 { answered += 1 }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(answered == 12, "/healthz answered \(answered) of 12 times under slowloris (slowest \(slowest))")
        let cut = slow.filter { $0.closedByServer() || !$0.send("X: b\r\n") }.count
        #expect(cut == slow.count, "\(slow.count - cut) dribbling connections still open after 6 s")
        try await server.stop()
    }
}
