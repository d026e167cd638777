import Hummingbird
import RightsRegistry

/// Banks check collateral: a logged, signed search, and the entries since that touch what they
/// searched or hold mortgages on.
public struct CollateralController: Sendable {
    let services: RegistryServices

    public init(services: RegistryServices) { self.services = services }

    static let banks: Access = .roles([.bank])

    public var endpoints: [Endpoint] {
        [
            Endpoint(
                .post, "/v1/collateral/searches", access: Self.banks,
                Operation(
                    id: "searchCollateral",
                    summary: "A signed, logged search of a right offered as collateral (R-14: the purpose is stated).",
                    tags: ["bank"],
                    parameters: [
                        Parameter("Idempotency-Key", in: .header, "a retry with the same key gets the first answer")
                    ],
                    body: .json(Schemas.ref("CollateralSearch")),
                    responses: [
                        201: Operation.Answer(
                            "the signed result", "application/json", Schemas.ref("CollateralSearchResult"))
                    ])
            ) { request, context in
                let bank = try context.caller()
                var reader = try await request.fields(context: context)
                let right = reader.string("right_id", required: false)
                let certificate = reader.string("certificate_no", required: false)
                let borrower = reader.string("holder_id_number")
                let purpose = reader.string("purpose")
                reader.rejectUnknownFields()
                if (right == nil) == (certificate == nil) {
                    reader.problem("right_id", "name the right by right_id or by certificate_no (one of them)")
                }
                let (subject, holder, stated) = try reader.finish(
                    (right ?? certificate).flatMap { subject in
                        borrower.flatMap { borrower in purpose.map { (subject, borrower, $0) } }
                    })
                let result = try await CollateralSearches(registry: services.registry).search(
                    subject: subject, borrower: holder, purpose: stated,
                    party: bank.party ?? bank.name,
                    searcher: bank.name, actor: bank.actor)
                // Where the registry has witnesses, the checkpoint the bank can hold it to: the
                // latest they have cosigned (or the latest, until they have), with their cosignatures.
                var answer: [String: JSONValue] = [
                    "search": .number(Double(result.entry.index)), "jws": .string(result.jws),
                ]
                if services.witnesses != nil,
                    let checkpoint = try await Cosignatures(store: services.registry.store).checkpoint(covering: 0)
                {
                    answer["checkpoint"] = .string(checkpoint.note)
                }
                // The result is the signed payload with ID numbers masked. Where masking changes
                // nothing (the usual answer), it is the bytes that were signed, sent as they are
                // rather than written again (issue 16: the answer's JSON written twice was 2 % of
                // the search server's CPU).
                guard !Masking.changes(result.payload) else {
                    answer["result"] = Masking.mask(result.payload)
                    return .json(.object(answer), status: .created)
                }
                return .json(
                    canonical: CanonicalJSON.bytes(answer, canonical: ["result": result.payloadBytes]), status: .created
                )
            },
            Endpoint(
                .get, "/v1/events", access: Self.banks,
                Operation(
                    id: "bankEvents",
                    summary: "Log entries after `after` that touch rights this bank searched or holds mortgages on.",
                    tags: ["bank"],
                    parameters: [
                        Parameter(
                            "after", in: .query, "only entries with a higher index (default: all)",
                            schema: Schemas.integer),
                        Parameter(
                            "limit", in: .query, "at most this many (1–500, default 100)",
                            schema: ["type": "integer", "minimum": 1, "maximum": 500]),
                    ],
                    responses: [200: Operation.Answer("the entries", "application/json", Schemas.ref("Events"))])
            ) { request, context in
                let bank = try context.caller()
                let after = try request.integerQuery("after")
                let limit = Int(try request.integerQuery("limit") ?? 100)
                guard (1...500).contains(limit) else { throw RegistryError.invalid("limit", "must be 1–500") }
                let reads = services.registry.reads
                let watches = try await services.registry.store.documents(
                    Watch.table, where: [.equals("party", bank.party ?? bank.name)], after: nil, limit: nil)
                var indices: Set<UInt64> = []
                for document in watches {
                    let watch = try JSONValueDecoder().decode(Watch.self, from: document)
                    guard let right = try await reads.right(watch.right) else { continue }
                    indices.formUnion(
                        right.history.filter { index in index >= watch.since && (after.map { index > $0 } ?? true) })

                }
                let page = indices.sorted().prefix(limit)
                var events: [JSONValue] = []
                for index in page {
                    if let entry = try await services.registry.store.entry(index) {
                        events.append(try await services.entryJSON(entry, for: bank))
                    }
                }
                return .json(["events": .array(events), "next": .number(Double(page.last ?? after ?? 0))])
            },
        ]
    }
}
