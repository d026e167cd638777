import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy on 127.0.0.1 to a database server, that a test can cut — every connection
/// through it dropped and new ones closed at once, as when the server restarts — and restore.
public final class TCPProxy: @unchecked Sendable {
    public let port: UInt16
    private let upstream: sockaddr_in
    private let listener: Int32
    private let lock = NSLock()
    private var sockets: Set<Int32> = []
    private var passing = true
    private var stopped = false

    /// A proxy to `host` (an IPv4 address or `localhost`) and `port`.
    public init(to host: String, port upstreamPort: UInt16) throws {
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = upstreamPort.bigEndian
        target.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        upstream = target
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 64) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = UInt16(bigEndian: local.sin_port)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// The database goes away: open connections are dropped, new ones closed as they come.
    public func cut() {
        lock.withLock {
            passing = false
            for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }

    /// The database is back.
    public func restore() { lock.withLock { passing = true } }

    public func stop() {
        cut()
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) { return }
                continue
            }
            guard lock.withLock({ passing }), let server = connectUpstream() else {
                close(client)
                continue
            }
            lock.withLock {
                sockets.insert(client)
                sockets.insert(server)
            }
            Thread.detachNewThread { [self] in pump(from: client, to: server) }
            Thread.detachNewThread { [self] in pump(from: server, to: client) }
        }
    }

    private func connectUpstream() -> Int32? {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var target = upstream
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        if connected { return server }
        close(server)
        return nil
    }

    /// Copies bytes one way until either side ends; the first pump to end closes both sockets.
    private func pump(from source: Int32, to destination: Int32) {
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
            for socket in [source, destination] where sockets.contains(socket) {
                shutdown(socket, Int32(SHUT_RDWR))
                close(socket)
                sockets.remove(socket)
            }
        }
    }
}
