import Foundation
import Hummingbird
import Prometheus
import RightsRegistry

/// What anyone may ask: health, metrics, the API description, the keys, the log and its
/// proofs, and whether a certificate is genuine and still what the register says.
public struct PublicController: Sendable {
    let services: RegistryServices

    public init(services: RegistryServices) { self.services = services }

    public var endpoints: [Endpoint] {
        [
            Endpoint(
                .get, "/healthz", access: .everyone,
                Operation(
                    id: "health", summary: "Liveness: 200 while the server answers (it touches nothing else).",
                    tags: ["public"],
                    responses: [
                        200: Operation.Answer("healthy", "application/json", Schemas.object(["status": Schemas.string]))
                    ])
            ) { _, _ in
                .json(["status": "ok"])
            },
            Endpoint(
                .get, "/readyz", access: .everyone,
                Operation(
                    id: "ready",
                    summary:
                        "Readiness: 200 when the store takes a write now; 503 with `unavailable.storage` (disk full, file not writable) or `unavailable.database` (PostgreSQL down) and Retry-After when it does not.",
                    tags: ["public"],
                    responses: [
                        200: Operation.Answer(
                            "ready", "application/json",
                            Schemas.object(["status": Schemas.string, "log_size": Schemas.integer])),
                        503: Operation.Answer(
                            "the store cannot be written now", "application/problem+json", Schemas.ref("Problem")),
                    ])
            ) { _, context in
                // A small write that replaces itself: it fails as a log append would (a full
                // disk, a read-only file, a database that is down).
                let store = services.registry.store
                let probe: JSONValue = [
                    "at": .string(RegistryTimeZone.shanghai.timestamp(of: services.registry.clock.now())),
                    "padding": .string(String(repeating: "0", count: 4096)),
                ]
                try await store.putSideRecord(
                    "readiness", key: "probe", value: CanonicalJSON.bytes(probe), onlyIfAbsent: false)
                let size = try await store.size()
                services.outages.succeeded(logger: context.logger)
                return .json(["status": "ready", "log_size": .number(Double(size))])
            },
            Endpoint(
                .get, "/metrics", access: .everyone,
                Operation(
                    id: "metrics",
                    summary:
                        "Prometheus text: requests and latency by route, register size, store outages, failed authentications.",
                    tags: ["public"],
                    responses: [200: Operation.Answer("metrics", "text/plain; version=0.0.4", Schemas.string)])
            ) { _, _ in
                // Metrics are most needed during an outage: the log's size is left as it was then.
                if let size = try? await services.registry.store.size() { services.registerSize.set(Int64(size)) }
                var buffer: [UInt8] = []
                services.metrics.emit(into: &buffer)
                return .text(String(decoding: buffer, as: UTF8.self), contentType: "text/plain; version=0.0.4")
            },
            Endpoint(
                .get, "/openapi.json", access: .everyone,
                Operation(
                    id: "openapi", summary: "This API, as OpenAPI 3.1.", tags: ["public"],
                    responses: [200: Operation.Answer("the description", "application/json", Schemas.anyObject)])
            ) { _, _ in .json(services.openAPI) },
            Endpoint(
                .get, "/.well-known/jwks.json", access: .everyone,
                Operation(
                    id: "jwks", summary: "The certificate public keys, old ones included.", tags: ["public"],
                    responses: [200: Operation.Answer("the key set", "application/json", Schemas.ref("JWKS"))])
            ) { _, _ in .json(try services.keys().jwks) },
            Endpoint(
                .get, "/v1/log/checkpoint", access: .everyone,
                Operation(
                    id: "checkpoint", summary: "The latest signed checkpoint (C2SP tlog-checkpoint).", tags: ["log"],
                    responses: [200: Operation.Answer("the signed note", "text/plain; charset=utf-8", Schemas.string)])
            ) { _, _ in
                guard let checkpoint = try await services.registry.store.latestCheckpoint() else {
                    throw RegistryError.notFound("checkpoint", "(the log is empty)")
                }
                // With the witnesses' cosignatures collected so far (C2SP tlog-cosignature).
                return .text(try await Cosignatures(store: services.registry.store).note(checkpoint))
            },
            Endpoint(
                .get, "/v1/log/witnesses", access: .everyone,
                Operation(
                    id: "witnesses",
                    summary:
                        "The witnesses this registry reports to, the size each has cosigned, and how many have cosigned the latest checkpoint.",
                    tags: ["log"],
                    responses: [200: Operation.Answer("the witnesses", "application/json", Schemas.anyObject)])
            ) { _, _ in
                let store = services.registry.store
                let latest = try await store.latestCheckpoint()
                let cosignatures = Cosignatures(store: store)
                var note: String?
                if let latest { note = try await cosignatures.note(latest) }
                let status = services.witnesses?.status() ?? []
                let cosigners = status.filter { entry in
                    note.map { entry.witness.verifier.cosigned($0) != nil } ?? false
                }
                return .json([
                    "latest_size": .number(Double(latest?.size ?? 0)),
                    "latest_cosigned_by": .number(Double(cosigners.count)),
                    "latest_cosigned_size": try await cosignatures.latestCosigned().map { .number(Double($0)) }
                        ?? .null,
                    "witnesses": .array(
                        status.map { entry in
                            var fields: [String: JSONValue] = [
                                "name": .string(entry.witness.verifier.name), "url": .string(entry.witness.url),
                                "cosigned_size": entry.size.map { .number(Double($0)) } ?? .null,
                            ]
                            if let failure = entry.failure { fields["error"] = .string(failure) }
                            return .object(fields)
                        }),
                ])
            },
            Endpoint(
                .get, "/v1/log/key", access: .everyone,
                Operation(
                    id: "checkpointKey", summary: "The checkpoint verifier key (C2SP vkey).", tags: ["log"],
                    responses: [200: Operation.Answer("the verifier key", "text/plain; charset=utf-8", Schemas.string)])
            ) { _, _ in .text(try services.keys().verifierKey + "\n") },
            Endpoint(
                .get, "/v1/log/entries/{index}", access: .everyone,
                Operation(
                    id: "entry",
                    summary:
                        "One log entry: its index, kind and leaf hash to anyone; its content only to those entitled (C-4, R-14): the clerk of its region, a party's agent, a bank for rights it searched or holds a mortgage on, the exchange for its own entries.",
                    tags: ["log"],
                    parameters: [Parameter("index", in: .path, "the entry's index", schema: Schemas.integer)],
                    responses: [200: Operation.Answer("the entry", "application/json", Schemas.ref("Entry"))])
            ) { _, context in
                guard let index = UInt64(try context.parameter("index")) else {
                    throw RegistryError.invalid("index", "must be a non-negative integer")
                }
                guard let entry = try await services.registry.store.entry(index) else {
                    throw RegistryError.notFound("entry", String(index))
                }
                return .json(try await services.entryJSON(entry, for: context.principal))
            },
            Endpoint(
                .get, "/v1/log/proofs/inclusion", access: .everyone,
                Operation(
                    id: "inclusionProof", summary: "RFC 9162 inclusion proof of entry `index` in the tree of `size`.",
                    tags: ["log"],
                    parameters: [
                        Parameter("index", in: .query, required: true, "the entry", schema: Schemas.integer),
                        Parameter(
                            "size", in: .query, "tree size (default: the latest checkpoint's)",
                            schema: ["type": "integer", "minimum": 1]),
                    ],
                    responses: [200: Operation.Answer("the proof", "application/json", Schemas.ref("InclusionProof"))])
            ) { request, _ in
                guard let index = try request.integerQuery("index") else {
                    throw RegistryError.invalid("index", "required")
                }
                let store = services.registry.store
                let logSize = try await store.size()
                var size = logSize
                if let requested = try request.integerQuery("size") {
                    size = requested
                } else if let checkpoint = try await store.latestCheckpoint() {
                    size = checkpoint.size
                }

                guard size <= logSize else { throw RegistryError.invalid("size", "the log has \(logSize) entries") }
                guard index < size else { throw RegistryError.invalid("index", "must be below the tree size \(size)") }
                let hashes = try await MerkleTree.inclusionProof(index: index, size: size, reader: store)
                let root = try await MerkleTree.root(size: size, reader: store)
                return .json([
                    "index": .number(Double(index)), "tree_size": .number(Double(size)),
                    "root_hash": .string(root.base64),
                    "hashes": .array(hashes.map { .string($0.base64) }),
                ])
            },
            Endpoint(
                .get, "/v1/log/proofs/consistency", access: .everyone,
                Operation(
                    id: "consistencyProof", summary: "RFC 9162 consistency proof between tree sizes `from` and `to`.",
                    tags: ["log"],
                    parameters: [
                        Parameter(
                            "from", in: .query, required: true, "the older size",
                            schema: ["type": "integer", "minimum": 1]),
                        Parameter("to", in: .query, required: true, "the newer size", schema: Schemas.integer),
                    ],
                    responses: [200: Operation.Answer("the proof", "application/json", Schemas.ref("ConsistencyProof"))]
                )
            ) { request, _ in
                guard let from = try request.integerQuery("from"), let to = try request.integerQuery("to") else {
                    throw RegistryError.invalid("from", "from and to are required")
                }
                let logSize = try await services.registry.store.size()
                guard from > 0, from <= to, to <= logSize else {
                    throw RegistryError.invalid("from", "need 0 < from ≤ to ≤ \(logSize)")
                }
                let hashes = try await MerkleTree.consistencyProof(from: from, to: to, reader: services.registry.store)
                return .json([
                    "from": .number(Double(from)), "to": .number(Double(to)),
                    "hashes": .array(hashes.map { .string($0.base64) }),
                ])
            },
            Endpoint(
                .post, "/v1/certificates/verify", access: .everyone,
                Operation(
                    id: "verifyCertificate",
                    summary:
                        "Check a certificate (the JWS text, optionally with its proof) and what the register says of it now.",
                    tags: ["public"], body: Operation.Body(["application/jose", "text/plain"], Schemas.string),
                    responses: [
                        200: Operation.Answer("the verdict", "application/json", Schemas.ref("CertificateVerification"))
                    ])
            ) { request, context in
                let text = String(decoding: try await request.bytes(context: context), as: UTF8.self)
                guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw Problem(
                        status: .badRequest, code: "validation.body", detail: "send the certificate (the JWS text)")
                }
                return .json(try await services.verifyCertificate(text, for: context.principal))

            },
        ]
    }
}
