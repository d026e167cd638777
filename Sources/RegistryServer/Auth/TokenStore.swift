import Crypto
public import Foundation
public import RightsRegistry
import Synchronization

/// API tokens. A token is 32 random bytes, shown once when issued; only its SHA-256 is stored
/// (a side record of the store), so a copy of the database gives no access.
///
/// Every request reads its token's record: a revocation or an expiry takes effect at once on
/// every server that shares the database — nothing is cached. Only the decoding of a record
/// read back unchanged is remembered (by its bytes, so a revoked record is decoded afresh),
/// and the time a token was last used is kept lazily (at most once a minute per token), so
/// requests do not become writes.
public struct TokenStore: Sendable {
    static let table = "tokens"
    static let usageTable = "token_usage"
    let store: any RegistryStore
    let clock: any RegistryClock
    private let usage = UsageThrottle()
    /// Records decoded, by token hash and stored bytes (a few hundred bytes each).
    private static let decoded = ContentMemory<String, [UInt8], TokenRecord>(budget: 4 << 20) { 8 * $0.count }

    public init(store: any RegistryStore, clock: any RegistryClock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// Issues a token for `principal`, valid until `expires` if given, and returns it with its
    /// record; the token cannot be read back later.
    public func issue(_ principal: Principal, expires: Date? = nil) async throws -> (token: String, record: TokenRecord)
    {
        var random = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let token = "rr_" + Base64URL.encode(secret)
        let hash = Self.hash(token)
        let zone = RegistryTimeZone.shanghai
        let record = TokenRecord(
            principal: principal, id: TokenRecord.id(ofHash: hash), issuedAt: zone.timestamp(of: clock.now()),
            expiresAt: expires.map(zone.timestamp(of:)), revokedAt: nil)
        try await store.putSideRecord(
            Self.table, key: hash, value: CanonicalJSON.bytes(record.json), onlyIfAbsent: true)
        return (token, record)
    }

    /// The principal of a token in force, or nil: not ours, revoked, or expired.
    public func principal(for token: String) async throws -> Principal? {
        let hash = Self.hash(token)
        guard let bytes = try await store.sideRecord(Self.table, key: hash) else { return nil }
        let record = try Self.decoded.value(hash, of: bytes) {
            try TokenRecord(json: try JSONParser.parse($0), hash: hash)
        }
        let now = clock.now()
        guard record.isInForce(at: now) else { return nil }
        if usage.due(hash, at: now) {
            let used: JSONValue = ["last_used": .string(RegistryTimeZone.shanghai.timestamp(of: now))]
            try await store.putSideRecord(
                Self.usageTable, key: hash, value: CanonicalJSON.bytes(used), onlyIfAbsent: false)
        }
        var principal = record.principal
        principal.tokenID = record.id
        return principal
    }

    /// Every token ever issued, with its state and when it was last used.
    public func list() async throws -> [(record: TokenRecord, lastUsed: String?)] {
        var found: [(TokenRecord, String?)] = []
        var position = SideRecordKey(table: Self.table, key: "")
        while true {
            let page = try await store.sideRecords(after: position, limit: 500)
            let tokens = page.prefix { $0.position.table == Self.table }
            for row in tokens {
                let record = try TokenRecord(json: try JSONParser.parse(row.value), hash: row.position.key)
                let used = try await store.sideRecord(Self.usageTable, key: row.position.key)
                    .flatMap { try? JSONParser.parse($0) }?["last_used"]?.stringValue
                found.append((record, used))
            }
            guard tokens.count == page.count, let last = page.last, page.count == 500 else { return found }
            position = last.position
        }
    }

    /// Revokes the token `id` (as `list` shows it); every server refuses it from the next request.
    @discardableResult
    public func revoke(_ id: String) async throws -> TokenRecord {
        for (record, _) in try await list() where record.id == id {
            guard record.revokedAt == nil else { return record }
            var revoked = record
            revoked.revokedAt = RegistryTimeZone.shanghai.timestamp(of: clock.now())
            try await store.putSideRecord(
                Self.table, key: record.hash, value: CanonicalJSON.bytes(revoked.json), onlyIfAbsent: false)
            return revoked
        }
        throw RegistryError.notFound("token", id)
    }

    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Array(token.utf8)))
    }
}

/// A token as the registry keeps it: who it stands for, and its life. The token itself is never
/// kept, only its hash (the record's key).
public struct TokenRecord: Sendable, Equatable {
    public var principal: Principal
    /// The token's public name — `T` and the first 12 hex digits of its hash — which `token list`
    /// shows and `token revoke` takes; it reveals nothing of the token.
    public var id: String
    public var issuedAt: String?
    public var expiresAt: String?
    public var revokedAt: String?

    /// The record's key (the token's SHA-256), from its id's source.
    var hash: String = ""

    init(principal: Principal, id: String, issuedAt: String?, expiresAt: String?, revokedAt: String?) {
        self.principal = principal
        self.id = id
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    static func id(ofHash hash: String) -> String { "T" + hash.prefix(12) }

    public func isInForce(at instant: Date) -> Bool {
        guard revokedAt == nil else { return false }
        if let expiresAt, let end = RegistryTimeZone.instant(expiresAt), instant >= end { return false }
        return true
    }

    /// Reads a stored record; records written before tokens had a life are principals alone.
    init(json: JSONValue, hash: String) throws {
        principal = try JSONValueDecoder().decode(Principal.self, from: json)
        id = json["id"]?.stringValue ?? Self.id(ofHash: hash)
        issuedAt = json["issued_at"]?.stringValue
        expiresAt = json["expires_at"]?.stringValue
        revokedAt = json["revoked_at"]?.stringValue
        self.hash = hash
    }

    var json: JSONValue {
        guard case .object(var object) = (try? JSONValueEncoder().encode(principal)) ?? .null else { return .null }
        object["id"] = .string(id)
        if let issuedAt { object["issued_at"] = .string(issuedAt) }
        if let expiresAt { object["expires_at"] = .string(expiresAt) }
        if let revokedAt { object["revoked_at"] = .string(revokedAt) }
        return .object(object)
    }

    /// The record as `token list` and `GET /v1/tokens` show it (never the token).
    public func listing(lastUsed: String?, at instant: Date) -> JSONValue {
        guard case .object(var object) = json else { return json }
        object["state"] = .string(revokedAt != nil ? "revoked" : isInForce(at: instant) ? "active" : "expired")
        object["last_used"] = lastUsed.map(JSONValue.string) ?? .null
        return .object(object)
    }
}

/// When each token's last use was last written: at most once a minute per token, for at most
/// 10,000 tokens at a time (then it starts afresh), so the map stays bounded.
final class UsageThrottle: Sendable {
    private let written = Mutex<[String: Date]>([:])

    func due(_ hash: String, at now: Date) -> Bool {
        written.withLock { written in
            if let last = written[hash], now.timeIntervalSince(last) < 60, now >= last { return false }
            if written.count >= 10_000 { written.removeAll() }
            written[hash] = now
            return true
        }
    }
}
