import Crypto
import Foundation
public import HTTPTypes
import Hummingbird
public import RightsRegistry

/// `Idempotency-Key` on POST: the first answer is kept; a retry with the same key and body gets
/// it again (`Idempotent-Replayed: true`), the same key with another body is refused (422), and
/// a retry while the first is still running gets 409. Keys are per caller. It runs after the
/// caller's role was checked, so a refused caller never holds a key.
public struct Idempotency: Sendable {
    static let table = "idempotency"
    public static let header = HTTPField.Name("Idempotency-Key")!
    public static let replayed = HTTPField.Name("Idempotent-Replayed")!
    let store: any RegistryStore

    public init(store: any RegistryStore) { self.store = store }

    /// Answers with `handler`, or with the kept answer to the same key.
    func answer(
        _ request: Request, _ context: RegistryRequestContext, _ handler: (Request) async throws -> Response
    ) async throws -> Response {
        guard request.method == .post, let key = request.headers[Self.header] else { return try await handler(request) }
        guard (1...200).contains(key.utf8.count) else {
            throw Problem(
                status: .badRequest, code: "validation.idempotency_key",
                detail: "Idempotency-Key must be 1–200 characters")
        }
        let body = try await request.bytes(context: context)
        var hasher = SHA256()
        hasher.update(data: Array("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hasher.update(data: body)
        let fingerprint = Data(hasher.finalize()).base64EncodedString()
        let recordKey = "\(context.principal?.actor ?? "public")\n\(key)"

        let pending: JSONValue = ["state": "pending", "request": .string(fingerprint)]
        if !(try await store.putSideRecord(
            Self.table, key: recordKey, value: CanonicalJSON.bytes(pending), onlyIfAbsent: true))
        {
            return try await replay(recordKey, fingerprint: fingerprint)
        }
        var forwarded = request
        forwarded.body = RequestBody(buffer: ByteBuffer(bytes: body))
        let response: Response
        do {
            response = try await handler(forwarded)
        } catch {
            let problem = Problem.from(error)
            guard problem.status.code < 500 else {
                try await store.deleteSideRecord(Self.table, key: recordKey)
                throw error
            }
            response = try problem.response(from: forwarded, context: context)
        }
        guard response.status.code < 500 else {
            try await store.deleteSideRecord(Self.table, key: recordKey)
            return response
        }
        // Keep the whole answer: status, content type, location and body.
        let buffer = try await response.body.collected()
        let done: JSONValue = [
            "state": "done", "request": .string(fingerprint), "status": .number(Double(response.status.code)),
            "content_type": .string(response.headers[.contentType] ?? "application/json"),
            "location": response.headers[.location].map(JSONValue.string) ?? .null,
            "body": .string(Data(buffer.readableBytesView).base64EncodedString()),
        ]
        try await store.putSideRecord(Self.table, key: recordKey, value: CanonicalJSON.bytes(done), onlyIfAbsent: false)
        var answer = response
        answer.body = ResponseBody(byteBuffer: buffer)
        return answer
    }

    func replay(_ recordKey: String, fingerprint: String) async throws -> Response {
        guard let bytes = try await store.sideRecord(Self.table, key: recordKey),
            let record = try? JSONParser.parse(bytes)
        else {
            throw Problem(
                status: .conflict, code: "idempotency.in_progress", detail: "a request with this key is being answered")
        }
        guard record["request"]?.stringValue == fingerprint else {
            throw Problem(
                status: .unprocessableContent, code: "idempotency.mismatch",
                detail: "this Idempotency-Key was used with a different request")
        }
        guard record["state"] == "done", let status = record["status"]?.integerValue,
            let body = record["body"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
        else {
            throw Problem(
                status: .conflict, code: "idempotency.in_progress", detail: "a request with this key is being answered")
        }
        var headers: HTTPFields = [
            .contentType: record["content_type"]?.stringValue ?? "application/json", Self.replayed: "true",
        ]
        if let location = record["location"]?.stringValue { headers[.location] = location }
        return Response(
            status: HTTPResponse.Status(code: Int(status)), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
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
