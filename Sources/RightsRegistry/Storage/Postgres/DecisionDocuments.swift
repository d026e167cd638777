import Synchronization

/// The projection documents as they are at one log size, as this process last wrote them or read
/// them for a decision: a decision's key lookups are answered from here instead of by a round
/// trip each, and a filtered read it makes twice is asked once (issue 16: a PostgreSQL
/// settlement spent most of its time in fourteen round trips, six of them for documents this
/// process had just written or read).
///
/// It answers only a decision (`RegistryStore.deciding`) at exactly `size` — the size this
/// process's last append left, or the last size a decision read from the database — and a
/// decision's append is refused unless the log still has that size. Every change to a document
/// is an append, and every append moves the size; so a document known at that size is the
/// document in the database for as long as the decision can commit. When another process
/// appends, the decision's append is refused and the memory starts again at the size the lock
/// found; a decision that refuses is checked against the size read then, and decided again if
/// it moved. A read answered from the database during a decision is remembered at the
/// decision's size; if the database had moved on meanwhile, that decision's append fails (or its
/// refusal is decided again) and the next decision starts afresh, so such a document is never
/// used by a decision that commits or refuses.
///
/// Documents rewritten without an append — a rebuild, which writes what the log says again — are
/// forgotten by the process that rewrites them (a rebuild in another process writes the same
/// documents, unless it runs a projector of another version, which needs the servers stopped).
///
/// Reads outside a decision never use it: they answer what the database holds now.
final class DecisionDocuments: Sendable {
    /// A decision of one store at one log size (a task-local, inherited by the decision's tasks).
    struct Mark: Sendable {
        let store: ObjectIdentifier
        let size: UInt64
    }
    @TaskLocal static var deciding: Mark?
    /// Reads answering an act with what its append wrote, which left the log at the mark's size
    /// (`RegistryStore.answering`): answered from here when known at that size, never remembered.
    @TaskLocal static var answering: Mark?

    /// A filtered read of a table (`RegistryStore.documents`).
    struct Query: Hashable, Sendable {
        let table: EntityTable
        let filters: [ColumnFilter]
        let after: String?
        let limit: Int?
    }

    private struct State {
        var size: UInt64?
        /// The log's size after this process's last append.
        var ownSize: UInt64?
        /// The size read last was `ownSize`: nobody else had appended since this process did, and
        /// the log's size is taken to be `size` without asking (`assumedSize`) until a decision
        /// finds otherwise.
        var alone = false
        /// Stored text by key; nil is a row known not to exist.
        var texts: [EntityKey: String?] = [:]
        /// The rows a query found at `size`. Any append may change them: they are known only
        /// until this process appends (a decision asking twice asks the database once).
        var answers: [Query: (texts: [String], weight: Int)] = [:]
        /// Roughly the bytes held, both kinds together.
        var weight = 0

        mutating func forgetAnswers() {
            for answer in answers.values { weight -= answer.weight }
            answers.removeAll()
        }
    }
    private let state = Mutex(State())
    /// The most text remembered, in bytes; past it the memory starts again.
    let budget: Int

    init(budget: Int = 16 << 20) { self.budget = budget }

    /// An append writing more documents than this is bulk work.
    static let bulkWrites = 1_024

    /// The size a decision takes the log to have without asking the database: the memory's,
    /// while the size read last was the one this process's last append left. Should another
    /// process have appended since, the decision's append is refused for its size and
    /// `moved(to:)` follows; so a process writing alone asks for the size once, and one
    /// writing in turn with others asks before each decision, as before.
    var assumedSize: UInt64? { state.withLock { $0.alone ? $0.size : nil } }

    /// A decision begins at `size`, read from the database.
    func begin(at size: UInt64) {
        state.withLock { state in
            if state.size != size { state = State(size: size, ownSize: state.ownSize) }
            state.alone = size == state.ownSize
        }
    }

    /// Another process appended: the log has `size` entries (the lock's count, or a size read
    /// after a decision refused), and what was known is forgotten.
    func moved(to size: UInt64) {
        state.withLock { state in
            if state.size != size { state = State(size: size, ownSize: state.ownSize) }
            state.alone = false
        }
    }

    /// The stored text of `key` at `size`: `.some(nil)` for a row known not to exist, nil when
    /// not known.
    func text(_ key: EntityKey, at size: UInt64) -> String?? {
        state.withLock { state in state.size == size ? state.texts[key] : nil }
    }

    /// What a decision at `size` read from the database for `key`.
    func remember(_ key: EntityKey, _ text: String?, at size: UInt64) {
        state.withLock { state in
            guard state.size == size else { return }
            Self.put(key, text, into: &state, budget: budget)
        }
    }

    /// The stored texts of the rows `query` found at `size`, if a decision at `size` asked before.
    func answer(_ query: Query, at size: UInt64) -> [String]? {
        state.withLock { state in state.size == size ? state.answers[query]?.texts : nil }
    }

    /// What a decision at `size` found for `query` in the database.
    func remember(_ query: Query, _ texts: [String], at size: UInt64) {
        state.withLock { state in
            guard state.size == size else { return }
            if let replaced = state.answers.removeValue(forKey: query) { state.weight -= replaced.weight }
            let weight = 64 + texts.reduce(0) { $0 + 16 + $1.utf8.count }
            guard Self.makeRoom(weight, in: &state, budget: budget) else { return }
            state.answers[query] = (texts, weight)
            state.weight += weight
        }
    }

    /// The stored texts `read` found at `size`, if a decision at `size` knows them: a key's row
    /// (none, if known not to exist) or a filtered read's rows.
    func texts(_ read: DocumentRead, at size: UInt64) -> [String]? {
        switch read {
        case .key(let key): text(key, at: size).map { known in known.map { [$0] } ?? [] }
        case .matching(let table, let filters):
            answer(Query(table: table, filters: filters, after: nil, limit: nil), at: size)
        }
    }

    /// What a decision at `size` found for `read` in the database.
    func remember(_ read: DocumentRead, _ texts: [String], at size: UInt64) {
        switch read {
        case .key(let key): remember(key, texts.first, at: size)
        case .matching(let table, let filters):
            remember(Query(table: table, filters: filters, after: nil, limit: nil), texts, at: size)
        }
    }

    /// This process committed an append that took the log from `size` to `newSize`, writing
    /// `writes` (nil: the row deleted). Documents known at `size` stay known at `newSize`; if
    /// the log was at another size than this memory's, only the writes are known. Bulk work (an
    /// import's batch, more than `bulkWrites` documents: `writes` nil) is not remembered: it is
    /// not what decisions read next, and keeping it cost the PostgreSQL import ~10 % of its rate.
    func appended(from size: UInt64, to newSize: UInt64, writes: [(EntityKey, String?)]?) {
        state.withLock { state in
            state.ownSize = newSize
            guard let writes else {
                state = State(size: newSize, ownSize: newSize)
                return
            }
            if state.size != size { state = State(ownSize: newSize) }  // another process appended in between
            state.size = newSize
            state.forgetAnswers()
            for (key, text) in writes { Self.put(key, text, into: &state, budget: budget) }
        }
    }

    /// Forgets everything: projections are being rewritten without an append (a rebuild).
    func forget() {
        state.withLock { $0 = State() }
    }

    private static func put(_ key: EntityKey, _ text: String?, into state: inout State, budget: Int) {
        func weight(_ text: String?) -> Int { 64 + key.key.utf8.count + (text?.utf8.count ?? 0) }
        if let replaced = state.texts.removeValue(forKey: key) { state.weight -= weight(replaced) }
        let weight = weight(text)
        // Too heavy to keep: not known, so read from the database.
        guard makeRoom(weight, in: &state, budget: budget) else { return }
        state.texts[key] = .some(text)
        state.weight += weight
    }

    /// Whether `weight` more fits the budget, starting again when it does not; false when it
    /// would not fit even then.
    private static func makeRoom(_ weight: Int, in state: inout State, budget: Int) -> Bool {
        guard weight <= budget / 16 else { return false }
        if state.weight + weight > budget {
            state.texts.removeAll(keepingCapacity: true)
            state.answers.removeAll(keepingCapacity: true)
            state.weight = 0
        }
        return true
    }
}
