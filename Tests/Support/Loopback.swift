import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Plain TCP sockets for the tests' own servers and clients (the proxy, echo servers, raw
/// connections): listening on 127.0.0.1 only, connecting to an IPv4 address.
public enum Loopback {
    /// A socket listening on 127.0.0.1 at a port the system chose, and that port.
    public static func listen(backlog: Int32 = 64) throws -> (descriptor: Int32, port: UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var local = address("127.0.0.1", port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && Glibc.listen(descriptor, backlog) == 0
                    && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        return (descriptor, UInt16(bigEndian: local.sin_port))
    }

    /// A connected socket to `host` (an IPv4 address or `localhost`) and `port`, or nil — also
    /// when the connection is not made within five seconds: a server whose accept queue is full
    /// drops the handshake, and a blocking connect would retry for two minutes on a thread the
    /// test needs.
    public static func connect(to host: String = "127.0.0.1", port: UInt16) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var target = address(host, port: port)
        // On Linux a send timeout bounds connect too; cleared after, for the sends that follow.
        setSendTimeout(descriptor, seconds: 5)
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        setSendTimeout(descriptor, seconds: 0)
        if connected { return descriptor }
        close(descriptor)
        return nil
    }

    private static func setSendTimeout(_ descriptor: Int32, seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    static func address(_ host: String, port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        return address
    }
}
