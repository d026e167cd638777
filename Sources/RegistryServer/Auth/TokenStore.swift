import Crypto
import Foundation
public import RightsRegistry
import Synchronization

/// API tokens. A token is 32 random bytes, shown once when issued; only its SHA-256 is stored
/// (a side record of the store), so a copy of the database gives no access.
public struct TokenStore: Sendable {
    static let table = "tokens"
    let store: any RegistryStore
    private let cache = TokenCache()

    public init(store: any RegistryStore) { self.store = store }

    /// Issues a token for `principal` and returns it; it cannot be read back later.
    public func issue(_ principal: Principal) async throws -> String {
        var random = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let token = "rr_" + Base64URL.encode(secret)
        let record = try JSONValueEncoder().canonicalBytes(principal)
        try await store.putSideRecord(Self.table, key: Self.hash(token), value: record, onlyIfAbsent: true)
        return token
    }

    /// The principal of a token, or nil if it is not one of ours.
    public func principal(for token: String) async throws -> Principal? {
        let hash = Self.hash(token)
        if let known = cache.get(hash) { return known }
        guard let record = try await store.sideRecord(Self.table, key: hash) else { return nil }
        let principal = try JSONValueDecoder().decode(Principal.self, fromJSON: record)
        cache.set(hash, principal)
        return principal
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

/// Tokens already looked up: a token is never changed once issued.
final class TokenCache: Sendable {
    private let entries = Mutex<[String: Principal]>([:])

    func get(_ hash: String) -> Principal? { entries.withLock { $0[hash] } }
    func set(_ hash: String, _ principal: Principal) { entries.withLock { $0[hash] = principal } }
}
