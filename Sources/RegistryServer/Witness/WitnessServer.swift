import Foundation
import HTTPTypes
public import Hummingbird
import Logging
public import RightsRegistry

/// `rights witness serve`: a C2SP tlog-witness for the county registries a province or city
/// follows. `POST /add-checkpoint` answers exactly as the spec says — 200 with the
/// cosignature/v1 line, 409 (`text/x.tlog.size`) with the size it last cosigned, 404 for a log it
/// does not follow, 403 without a valid log signature, 400 for a malformed request, 422 when the
/// consistency proof fails — and `GET /` says who it is and what it follows.
public struct WitnessServer: Sendable {
    let witness: Witness
    let store: WitnessStore

    public init(witness: Witness, store: WitnessStore) {
        self.witness = witness
        self.store = store
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/add-checkpoint") { request, context in try await add(request, context) }
        router.get("/") { _, _ in
            Response.text(
                ([witness.verifierKey ?? witness.name] + witness.logs.values.map { "follows \($0.name)" }.sorted())
                    .joined(separator: "\n") + "\n")
        }
        router.get("/healthz") { _, _ in Response.text("ok\n") }
        return router
    }

    func add(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let body = String(decoding: buffer.readableBytesView, as: UTF8.self)
        let parsed: AddCheckpoint
        do {
            parsed = try AddCheckpoint(body: body)
        } catch {
            return .text("\(error)\n", status: .badRequest)
        }
        let time = UInt64(Date().timeIntervalSince1970)
        switch try await store.add(parsed, witness: witness, time: time) {
        case .cosigned(let line, let head):
            context.logger.info("cosigned", metadata: ["origin": "\(head.origin)", "size": "\(head.size)"])
            return .text(line + "\n")
        case .conflict(let size):
            return .text("\(size)\n", contentType: "text/x.tlog.size", status: .conflict)
        case .unknownLog(let origin):
            return .text("this witness does not follow \(origin)\n", status: .notFound)
        case .forbidden(let reason):
            return .text("\(reason)\n", status: .forbidden)
        case .badRequest(let reason):
            return .text("\(reason)\n", status: .badRequest)
        case .inconsistent(let reason):
            context.logger.warning("refused an inconsistent checkpoint", metadata: ["reason": "\(reason)"])
            return .text("\(reason)\n", status: .unprocessableContent)
        }
    }
}
