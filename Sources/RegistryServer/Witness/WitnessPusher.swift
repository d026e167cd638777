import Foundation
public import Logging
public import RightsRegistry
public import ServiceLifecycle
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A witness this registry reports to: where it answers, and its cosignature key.
public struct WitnessEndpoint: Sendable, Hashable {
    public let url: String
    public let verifier: Cosignature.Verifier

    /// `URL=VKEY`, as `rights serve --witness` takes it.
    public init(_ text: String) throws {
        guard let equals = text.firstIndex(of: "="), let url = URL(string: String(text[..<equals])),
            url.scheme == "http" || url.scheme == "https"
        else { throw RegistryError.invalid("witness", "give a witness as URL=VKEY") }
        do {
            verifier = try Cosignature.Verifier(String(text[text.index(after: equals)...]))
        } catch {
            throw RegistryError.invalid("witness", "\(error)")
        }
        self.url = url.absoluteString.hasSuffix("/") ? String(url.absoluteString.dropLast()) : url.absoluteString
    }
}

/// Sends each new checkpoint to the configured witnesses with the consistency proof from the size
/// each last cosigned (C2SP tlog-witness), checks and keeps the cosignatures they return, and
/// never holds a write: it runs beside the server, so a witness that is down only means the
/// checkpoint is cosigned later, when it answers again.
public final class WitnessPusher: Service, Sendable {
    let store: any RegistryStore
    let witnesses: [WitnessEndpoint]
    let logger: Logger
    /// Per witness: the size it last cosigned (as far as this process knows), and its last failure.
    let state: Mutex<[String: (size: UInt64?, failure: String?)]>
    static let interval: Duration = .milliseconds(250)
    /// How long one witness may take to answer before this round counts it as not reached: a
    /// witness that takes the connection and never answers must not hold the other witnesses'
    /// pushes (a round waits for all of them).
    let answerLimit: Duration

    public init(
        store: any RegistryStore, witnesses: [WitnessEndpoint], logger: Logger, answerLimit: Duration = .seconds(5)
    ) {
        self.store = store
        self.witnesses = witnesses
        self.logger = logger
        self.answerLimit = answerLimit
        state = Mutex([:])
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.pushAll()
                try? await Task.sleep(for: Self.interval)
            }
        }
    }

    /// One round: every witness behind the latest checkpoint is sent it.
    func pushAll() async {
        guard let latest = try? await store.latestCheckpoint() else { return }
        await withTaskGroup(of: Void.self) { group in
            for witness in witnesses where state.withLock({ $0[witness.url]?.size }) != latest.size {
                group.addTask { await self.push(latest, to: witness) }
            }
        }
    }

    func push(_ checkpoint: StoredCheckpoint, to witness: WitnessEndpoint) async {
        var known = state.withLock { $0[witness.url]?.size } ?? 0
        for _ in 0..<2 {
            do {
                let proof =
                    known > 0 && known < checkpoint.size
                    ? try await MerkleTree.consistencyProof(from: known, to: checkpoint.size, reader: store) : []
                let request = AddCheckpoint(oldSize: known, proof: proof, checkpoint: checkpoint.note)
                let (status, body) = try await post(request.body, to: witness.url + "/add-checkpoint")
                switch status {
                case 200:
                    let lines = body.split(separator: "\n").map(String.init)
                    let merged = Cosignature.merging(lines, into: checkpoint.note)
                    guard witness.verifier.cosigned(merged) != nil else {
                        return record(witness, size: nil, failure: "its answer carries no valid cosignature")
                    }
                    try await Cosignatures(store: store).add(lines, for: checkpoint.size)
                    return record(witness, size: checkpoint.size, failure: nil)
                case 409:
                    // The witness says which size it last cosigned: prove from there.
                    guard let size = UInt64(body.trimmingCharacters(in: .whitespacesAndNewlines)),
                        size <= checkpoint.size
                    else {
                        return record(witness, size: nil, failure: "409 with size \(body) ahead of the log")
                    }
                    known = size
                default:
                    return record(witness, size: nil, failure: "HTTP \(status): \(body.prefix(200))")
                }
            } catch {
                return record(witness, size: nil, failure: "\(error)")
            }
        }
    }

    func record(_ witness: WitnessEndpoint, size: UInt64?, failure: String?) {
        let previous = state.withLock { state in
            let previous = state[witness.url]
            state[witness.url] = (size ?? previous?.size, failure)
            return previous
        }
        // Logged once per episode, not on every round.
        if let failure, previous?.failure == nil {
            logger.warning(
                "witness not reached", metadata: ["witness": "\(witness.verifier.name)", "error": "\(failure)"])
        } else if failure == nil, previous?.failure != nil {
            logger.info("witness back", metadata: ["witness": "\(witness.verifier.name)"])
        }
    }

    func post(_ body: String, to url: String) async throws -> (Int, String) {
        guard let target = URL(string: url) else { throw RegistryError.invalid("witness", url) }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request, within: answerLimit)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// What `/v1/log/witnesses` reports.
    public func status() -> [(witness: WitnessEndpoint, size: UInt64?, failure: String?)] {
        let state = state.withLock { $0 }
        return witnesses.map { ($0, state[$0.url]?.size, state[$0.url]?.failure) }
    }
}
