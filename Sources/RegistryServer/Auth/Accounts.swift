import Crypto
public import Foundation
import HummingbirdBcrypt
import NIOPosix
public import RightsRegistry

/// People who sign in to the pages — clerks at the counter, exchange staff, agents, bank loan
/// officers — with a login name and a password, and the browser sessions they open.
///
/// Passwords are kept only as bcrypt hashes (hummingbird-auth's, cost 12). A session is 32
/// random bytes in an HttpOnly cookie; only its SHA-256 is stored, with the CSRF token its forms
/// carry. A session ends at logout, after `idleTimeout` without a request, after
/// `longestSession` in any case, and when its user is disabled; like tokens, nothing is cached,
/// so every server sharing the database sees the end at once.
public struct Accounts: Sendable {
    static let users = "users"
    static let sessions = "sessions"
    static let sessionUse = "session_use"
    let store: any RegistryStore
    let clock: any RegistryClock
    let idleTimeout: TimeInterval
    static let longestSession: TimeInterval = 12 * 3_600
    private let usage = UsageThrottle()

    public init(store: any RegistryStore, clock: any RegistryClock = SystemClock(), idleTimeout: TimeInterval = 30 * 60)
    {
        self.store = store
        self.clock = clock
        self.idleTimeout = idleTimeout
    }

    /// A login name: 1–64 letters, digits, `.`, `_` or `-` (what a person types without
    /// confusion; the display name, in Chinese, is the principal's).
    static func checkLogin(_ login: String) throws(RegistryError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...64).contains(login.count), login.allSatisfy(allowed.contains) else {
            throw RegistryError.invalid("login", "1–64 letters, digits, '.', '_' or '-'")
        }
    }

    /// Adds (or replaces) the account `login` for `principal`.
    public func add(login: String, password: String, principal: Principal, cost: UInt8 = 12) async throws {
        try Self.checkLogin(login)
        // bcrypt reads at most 72 bytes: a longer password would be cut without a word.
        guard password.count >= 10, password.utf8.count <= 72 else {
            throw RegistryError.invalid("password", "at least 10 characters and at most 72 bytes")
        }
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        var record = try Self.encode(principal)
        record["password"] = .string(hash)
        record["created_at"] = .string(RegistryTimeZone.shanghai.timestamp(of: clock.now()))
        try await store.putSideRecord(
            Self.users, key: login, value: CanonicalJSON.bytes(.object(record)), onlyIfAbsent: false)
    }

    /// Disables `login`: its sessions end at their next request.
    public func disable(login: String) async throws {
        guard let bytes = try await store.sideRecord(Self.users, key: login),
            case .object(var record) = try JSONParser.parse(bytes)
        else { throw RegistryError.notFound("user", login) }
        record["disabled_at"] = .string(RegistryTimeZone.shanghai.timestamp(of: clock.now()))
        try await store.putSideRecord(
            Self.users, key: login, value: CanonicalJSON.bytes(.object(record)), onlyIfAbsent: false)
    }

    /// Every account: its login, who it acts as, and whether it is disabled.
    public func list() async throws -> [(login: String, principal: Principal, disabled: Bool)] {
        var found: [(String, Principal, Bool)] = []
        var position = SideRecordKey(table: Self.users, key: "")
        while true {
            let page = try await store.sideRecords(after: position, limit: 500)
            let users = page.prefix { $0.position.table == Self.users }
            for row in users {
                let record = try JSONParser.parse(row.value)
                found.append(
                    (
                        row.position.key, try JSONValueDecoder().decode(Principal.self, from: record),
                        record["disabled_at"] != nil
                    ))
            }
            guard users.count == page.count, let last = page.last, page.count == 500 else { return found }
            position = last.position
        }
    }

    /// A new session for `login` if `password` is its password, else nil. An unknown login
    /// costs the same bcrypt check as a known one, so timing does not tell which logins exist.
    func signIn(login: String, password: String) async throws -> (secret: String, session: Session)? {
        let wellFormed = (try? Self.checkLogin(login)) != nil
        let stored = wellFormed ? try await store.sideRecord(Self.users, key: login).map(JSONParser.parse) : nil
        let hash = stored?["password"]?.stringValue ?? Self.decoy
        let matches = try await NIOThreadPool.singleton.runIfActive {
            password.utf8.count <= 72 && Bcrypt.verify(password, hash: hash)
        }
        guard matches, let stored, stored["disabled_at"] == nil else { return nil }
        let principal = try JSONValueDecoder().decode(Principal.self, from: stored)
        let secret = Self.randomToken()
        let now = clock.now()
        let session = Session(login: login, principal: principal, csrf: Self.randomToken(), started: now)
        try await store.putSideRecord(
            Self.sessions, key: Self.hash(secret), value: CanonicalJSON.bytes(session.json), onlyIfAbsent: true)
        return (secret, session)
    }

    /// The session the cookie `secret` opens, if it is still open; counts as activity.
    func session(_ secret: String) async throws -> Session? {
        guard secret.count <= 64 else { return nil }
        let key = Self.hash(secret)
        guard let bytes = try await store.sideRecord(Self.sessions, key: key),
            var session = Session(json: try JSONParser.parse(bytes))
        else { return nil }
        let now = clock.now()
        let lastSeen = try await store.sideRecord(Self.sessionUse, key: key)
            .flatMap { try? JSONParser.parse($0)["at"]?.stringValue }.flatMap(RegistryTimeZone.instant)
        guard now.timeIntervalSince(session.started) < Self.longestSession,
            now.timeIntervalSince(max(lastSeen ?? session.started, session.started)) < idleTimeout
        else { return nil }
        // The account as it is now: a disabled user or a changed role takes effect at once.
        guard let user = try await store.sideRecord(Self.users, key: session.login).map(JSONParser.parse),
            user["disabled_at"] == nil
        else { return nil }
        session.principal = try JSONValueDecoder().decode(Principal.self, from: user)
        session.principal.tokenID = "S" + key.prefix(12)
        if usage.due(key, at: now) {
            let seen: JSONValue = ["at": .string(RegistryTimeZone.shanghai.timestamp(of: now))]
            try await store.putSideRecord(
                Self.sessionUse, key: key, value: CanonicalJSON.bytes(seen), onlyIfAbsent: false)
        }
        return session
    }

    /// Ends the session (logout).
    func signOut(_ secret: String) async throws {
        guard secret.count <= 64 else { return }
        try await store.deleteSideRecord(Self.sessions, key: Self.hash(secret))
        try await store.deleteSideRecord(Self.sessionUse, key: Self.hash(secret))
    }

    static func encode(_ principal: Principal) throws -> [String: JSONValue] {
        guard case .object(let object) = try JSONValueEncoder().encode(principal) else { return [:] }
        return object
    }

    static func randomToken() -> String {
        var random = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    /// A password for an account made by a program (the demo's): 16 random characters.
    public static func randomPassword() -> String { String(randomToken().prefix(16)) }

    static func hash(_ secret: String) -> String { TokenStore.hash(secret) }

    /// A bcrypt hash of nothing anyone knows, checked when the login is unknown (made once).
    static let decoy = Bcrypt.hash(randomToken(), cost: 12)
}

/// A signed-in browser: who it is, and the token its forms must carry (CSRF).
struct Session: Sendable {
    var login: String
    var principal: Principal
    var csrf: String
    var started: Date

    var json: JSONValue {
        [
            "login": .string(login), "csrf": .string(csrf),
            "started": .string(RegistryTimeZone.shanghai.timestamp(of: started)),
        ]
    }

    init(login: String, principal: Principal, csrf: String, started: Date) {
        self.login = login
        self.principal = principal
        self.csrf = csrf
        self.started = started
    }

    init?(json: JSONValue) {
        guard let login = json["login"]?.stringValue, let csrf = json["csrf"]?.stringValue,
            let started = json["started"]?.stringValue.flatMap(RegistryTimeZone.instant)
        else { return nil }
        // Who the session acts as is not stored with it: `Accounts.session` reads the account as
        // it is now and sets it, so a role changed or an account disabled counts at once.
        self.init(login: login, principal: Principal(role: .clerk, name: ""), csrf: csrf, started: started)
    }
}
