import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy on 127.0.0.1 to a database server, that a test can cut — every connection
/// through it dropped and new ones closed at once, as when the server restarts — and restore.
///
/// Descriptors are closed only once no thread of the proxy can use them again: a cut or a pump
/// that ends only shuts a connection's sockets down, and the second of its two pumps to end
/// closes them. A number closed earlier would be handed to the next socket or pipe the process
/// opens — another test's — and a pump still reading or writing it would take or add bytes there
/// (seen: tests elsewhere in the suite waiting forever for what the proxy took).
public final class TCPProxy: @unchecked Sendable {
    public let port: UInt16
    private let upstreamHost: String
    private let upstreamPort: UInt16
    private let listener: Int32
    private let lock = NSLock()
    /// Open connections (under `lock`): a connection is here from its accept to its close.
    private var links: [ObjectIdentifier: Link] = [:]
    private var passing = true
    private var stopped = false

    /// One proxied connection: its two sockets and how many of its pumps still run
    /// (`pumping` is read and written under the proxy's lock only).
    private final class Link: @unchecked Sendable {
        let client: Int32
        let server: Int32
        var pumping = 2
        init(client: Int32, server: Int32) {
            self.client = client
            self.server = server
        }
        func shutDown() {
            shutdown(client, Int32(SHUT_RDWR))
            shutdown(server, Int32(SHUT_RDWR))
        }
    }

    /// A proxy to `host` (an IPv4 address or `localhost`) and `port`.
    public init(to host: String, port upstreamPort: UInt16) throws {
        upstreamHost = host
        self.upstreamPort = upstreamPort
        (listener, port) = try Loopback.listen()
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// The database goes away: open connections are dropped, new ones closed as they come.
    public func cut() {
        lock.withLock {
            passing = false
            for link in links.values { link.shutDown() }
        }
    }

    /// The database is back.
    public func restore() { lock.withLock { passing = true } }

    /// Cuts every connection and stops accepting; the accept thread closes the listener as it
    /// leaves, so no accept ever runs on a closed number.
    public func stop() {
        lock.withLock {
            stopped = true
            passing = false
            for link in links.values { link.shutDown() }
        }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) { return }
                continue
            }
            guard lock.withLock({ passing }), let server = Loopback.connect(to: upstreamHost, port: upstreamPort) else {
                close(client)
                continue
            }
            let link = Link(client: client, server: server)
            let admitted = lock.withLock {
                // A cut between the check above and here must reach this connection too.
                guard passing else { return false }
                links[ObjectIdentifier(link)] = link
                return true
            }
            guard admitted else {
                close(client)
                close(server)
                continue
            }
            Thread.detachNewThread { [self] in pump(link, from: client, to: server) }
            Thread.detachNewThread { [self] in pump(link, from: server, to: client) }
        }
    }

    /// Copies bytes one way until either side ends. The first pump to end shuts the connection
    /// down (waking the other); the last one closes its sockets.
    private func pump(_ link: Link, from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(source, &buffer, buffer.count)
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                let written = buffer[sent..<count].withUnsafeBytes {
                    send(destination, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                guard written > 0 else { break }
                sent += written
            }
            guard sent == count else { break }
        }
        lock.withLock {
            link.shutDown()
            link.pumping -= 1
            guard link.pumping == 0 else { return }
            links[ObjectIdentifier(link)] = nil
            close(link.client)
            close(link.server)
        }
    }
}
