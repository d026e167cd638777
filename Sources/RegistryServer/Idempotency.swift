import Crypto
import Foundation
public import HTTPTypes
import Hummingbird
public import RightsRegistry
import Synchronization

/// `Idempotency-Key` on POST: the first answer is kept; a retry with the same key and body gets
/// it again (`Idempotent-Replayed: true`), the same key with another body is refused (422), and
/// a retry while the first is still being answered gets 409. It runs after the caller's role
/// was checked, so a refused caller never holds a key.
///
/// A key belongs to one token and one route: its scope is (token, method, path), so no caller
/// is ever answered with another's answer. The public keeps no keys.
///
/// A request cut off by a crash does not hold its key for ever. Its pending record names the
/// process answering it; a retry that finds that process gone (on this host: no such process
/// since; elsewhere: after a minute) looks at what the store recorded in the write's own
/// transaction: if the request committed, the retry is told so (its entries, replayed); if not,
/// the retry runs it.
public struct Idempotency: Sendable {
    static let table = "idempotency"
    public static let header = HTTPField.Name("Idempotency-Key")!
    public static let replayed = HTTPField.Name("Idempotent-Replayed")!
    let store: any RegistryStore
    let owner: RequestOwner
    /// The keys this process is answering right now: a pending record of this process whose
    /// key is not here was left by a request that ended without storing its answer (the store
    /// failed), and a retry may proceed.
    let inFlight = InFlight()

    public init(store: any RegistryStore) {
        self.store = store
        owner = RequestOwner.current
    }

    /// Answers with `handler`, or with the kept answer to the same key.
    func answer(
        _ request: Request, _ context: RegistryRequestContext, _ handler: (Request) async throws -> Response
    ) async throws -> Response {
        guard request.method == .post, let key = request.headers[Self.header], let caller = context.principal else {
            return try await handler(request)
        }
        guard (1...200).contains(key.utf8.count) else {
            throw Problem(
                status: .badRequest, code: "validation.idempotency_key",
                detail: "Idempotency-Key must be 1–200 characters")
        }
        let body = try await request.bytes(context: context)
        var hasher = SHA256()
        hasher.update(data: body)
        let fingerprint = Data(hasher.finalize()).base64EncodedString()
        // The key's scope: this token, this method, this route.
        let scope = "\(caller.tokenID ?? caller.actor)\n\(request.method.rawValue) \(request.uri.path)\n\(key)"
        let recordKey = Hex.encode(SHA256.hash(data: Array(scope.utf8)))

        let pending = CanonicalJSON.bytes(
            ["state": "pending", "request": .string(fingerprint), "owner": owner.json])
        if !(try await store.putSideRecord(Self.table, key: recordKey, value: pending, onlyIfAbsent: true)) {
            if let kept = try await kept(recordKey, fingerprint: fingerprint, taking: pending) { return kept }
        }
        var forwarded = request
        forwarded.body = RequestBody(buffer: ByteBuffer(bytes: body))
        inFlight.insert(recordKey)
        defer { inFlight.remove(recordKey) }
        let response: Response
        do {
            response = try await Registry.$requestMark.withValue(recordKey) { try await handler(forwarded) }
        } catch {
            let problem = Problem.from(error)
            guard problem.status.code < 500 else {
                try await forget(recordKey, fingerprint: fingerprint)
                throw error
            }
            response = try problem.response(from: forwarded, context: context)
        }
        guard response.status.code < 500 else {
            try await forget(recordKey, fingerprint: fingerprint)
            return response
        }
        // Keep the whole answer: status, content type, location and body.
        let buffer = try await response.body.collected()
        try await keep(
            recordKey, fingerprint: fingerprint, status: response.status.code,
            contentType: response.headers[.contentType] ?? "application/json", location: response.headers[.location],
            body: Data(buffer.readableBytesView))
        var answer = response
        answer.body = ResponseBody(byteBuffer: buffer)
        return answer
    }

    func keep(_ recordKey: String, fingerprint: String, status: Int, contentType: String, location: String?, body: Data)
        async throws
    {
        let done: JSONValue = [
            "state": "done", "request": .string(fingerprint), "status": .number(Double(status)),
            "content_type": .string(contentType), "location": location.map(JSONValue.string) ?? .null,
            "body": .string(body.base64EncodedString()),
        ]
        try await store.putSideRecord(Self.table, key: recordKey, value: CanonicalJSON.bytes(done), onlyIfAbsent: false)
    }

    /// The answer a retry gets: the kept one, a 409 while the first is being answered, a 422 for
    /// another body — or nil when the first was cut off before it wrote anything and this retry
    /// has taken the key over (`taking`) to run it.
    func kept(_ recordKey: String, fingerprint: String, taking pending: [UInt8]) async throws -> Response? {
        guard let bytes = try await store.sideRecord(Self.table, key: recordKey),
            let record = try? JSONParser.parse(bytes)
        else { throw Self.inProgress(retryAfter: 1) }
        guard record["request"]?.stringValue == fingerprint else {
            throw Problem(
                status: .unprocessableContent, code: "idempotency.mismatch",
                detail: "this Idempotency-Key was used with a different request")
        }
        if record["state"] == "done" { return try Self.replay(record) }
        if let wait = owner.stillAnswering(record["owner"] ?? .null, inFlight: inFlight.contains(recordKey)) {
            throw Self.inProgress(retryAfter: wait)
        }
        // The first request's server is gone. Did its write commit?
        if try await keepCommitted(recordKey, fingerprint: fingerprint),
            let done = try await store.sideRecord(Self.table, key: recordKey), let replay = try? JSONParser.parse(done)
        {
            return try Self.replay(replay)
        }
        // It wrote nothing: run it now, unless another retry took the key over first.
        guard try await store.replaceSideRecord(Self.table, key: recordKey, expected: bytes, with: pending) else {
            throw Self.inProgress(retryAfter: 1)
        }
        return nil
    }

    /// If the request with this key committed, keeps an answer saying so (its entries) and
    /// returns true: the answer the handler would have given was lost, the write was not.
    func keepCommitted(_ recordKey: String, fingerprint: String) async throws -> Bool {
        guard let commit = try await store.sideRecord(EntryDraft.requestCommits, key: recordKey),
            let indices = (try? JSONParser.parse(commit))?["entries"]?.arrayValue?.compactMap(\.integerValue),
            let last = indices.last
        else { return false }
        let entry = try await store.entry(UInt64(last))
        let body: JSONValue = [
            "index": .number(Double(last)), "kind": entry.map { .string($0.kind) } ?? .null,
            "entries": .array(indices.map { .number(Double($0)) }),
            "detail": "the request with this key committed; the answer it was given is not kept",
        ]
        try await keep(
            recordKey, fingerprint: fingerprint, status: 201, contentType: "application/json", location: nil,
            body: Data(CanonicalJSON.bytes(body)))
        return true
    }

    /// After a server error the key is released for a retry — unless the write committed
    /// before the error, in which case a retry must not write again.
    func forget(_ recordKey: String, fingerprint: String) async throws {
        if try await keepCommitted(recordKey, fingerprint: fingerprint) { return }
        try await store.deleteSideRecord(Self.table, key: recordKey)
    }

    static func inProgress(retryAfter seconds: Int) -> Problem {
        var problem = Problem(
            status: .conflict, code: "idempotency.in_progress", detail: "a request with this key is being answered")
        problem.retryAfter = seconds
        return problem
    }

    static func replay(_ record: JSONValue) throws -> Response {
        guard let status = record["status"]?.integerValue,
            let body = record["body"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
        else { throw inProgress(retryAfter: 1) }
        var headers: HTTPFields = [
            .contentType: record["content_type"]?.stringValue ?? "application/json", Self.replayed: "true",
        ]
        if let location = record["location"]?.stringValue { headers[.location] = location }
        return Response(
            status: HTTPResponse.Status(code: Int(status)), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The idempotency keys a process is answering.
final class InFlight: Sendable {
    private let keys = Mutex<Set<String>>([])
    func insert(_ key: String) { keys.withLock { _ = $0.insert(key) } }
    func remove(_ key: String) { keys.withLock { _ = $0.remove(key) } }
    func contains(_ key: String) -> Bool { keys.withLock { $0.contains(key) } }
}

/// The process answering a request: enough to tell, later, whether it is still running.
struct RequestOwner: Sendable {
    let host: String
    let pid: Int32
    /// The process's start time in clock ticks since boot (Linux `/proc/<pid>/stat` field 22),
    /// so that a new process reusing the PID is not taken for the old one.
    let started: String
    /// A random name for this process, for processes on other hosts.
    let instance: String
    let since: Date

    static let current = RequestOwner(
        host: ProcessInfo.processInfo.hostName, pid: getpid(), started: processStart(getpid()) ?? "",
        instance: UUID().uuidString, since: Date())

    /// How long another host's request is presumed alive without word of it.
    static let lease: TimeInterval = 60

    var json: JSONValue {
        [
            "host": .string(host), "pid": .number(Double(pid)), "started": .string(started),
            "instance": .string(instance), "at": .number(Date().timeIntervalSince1970.rounded()),
        ]
    }

    /// Seconds to wait before retrying if the owner recorded in `json` may still be answering;
    /// nil if it has stopped.
    func stillAnswering(_ json: JSONValue, inFlight: Bool) -> Int? {
        guard let instance = json["instance"]?.stringValue, let host = json["host"]?.stringValue else { return nil }
        if instance == self.instance { return inFlight ? 1 : nil }
        if host == self.host, let pid = json["pid"]?.integerValue {
            let alive = kill(Int32(pid), 0) == 0 || errno == EPERM
            return alive && Self.processStart(Int32(pid)) == json["started"]?.stringValue ? 1 : nil
        }
        let at =
            json["at"].flatMap { $0.integerValue }.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? .distantPast
        let left = Self.lease - Date().timeIntervalSince(at)
        return left > 0 ? Int(left.rounded(.up)) : nil
    }

    static func processStart(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3, start time field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }
}

extension ResponseBody {
    /// The body's bytes, written into memory.
    consuming func collected() async throws -> ByteBuffer {
        let collector = BufferCollector()
        try await write(CollectingWriter(collector: collector))
        return collector.buffer
    }
}

/// Where `CollectingWriter` puts the bytes (the writer itself is consumed by `write`).
final class BufferCollector: @unchecked Sendable {
    // Written by one body write at a time, read after it finished.
    var buffer = ByteBuffer()
}

struct CollectingWriter: ResponseBodyWriter {
    let collector: BufferCollector

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        collector.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
