import PropertyBased

/// One act of the model: what kind, and the random numbers its choices are made with when it
/// runs. The choices are resolved against the register as it is at that moment (which right,
/// which parcels, which household), so any subsequence of a script is itself a script — which is
/// what lets a failure be shrunk to the shortest sequence that shows it.
struct ModelAct: Sendable, CustomStringConvertible {
    enum Kind: String, CaseIterable, Sendable {
        case transfer, partialTransfer, lease, sublease, mortgage, applyMortgage, joinMortgage, releaseMortgage
        case seize, releaseSeizure, object, fileSuit, withdrawObjection, advanceNotice, shareTransfer, swap
        case cancel, terminateLease, extend, removeMember, split, inherit, sale, foreclosure, withdrawal, advance

        /// How often each kind is drawn: everyday acts often, the rare ones rarely.
        var weight: Int {
            switch self {
            case .transfer, .lease, .mortgage, .advance, .sale: 6
            case .partialTransfer, .applyMortgage, .joinMortgage, .releaseMortgage, .shareTransfer: 4
            case .sublease, .seize, .releaseSeizure, .object, .swap, .foreclosure, .withdrawal: 3
            case .fileSuit, .withdrawObjection, .advanceNotice, .cancel, .terminateLease, .extend: 2
            case .removeMember, .split, .inherit: 1
            }
        }
    }

    var kind: Kind
    /// Random numbers the act picks with (`pick`, `mask`, `number`).
    var picks: [UInt64]

    var description: String { kind.rawValue }

    func pick<T>(_ items: [T], _ position: Int) -> T? {
        items.isEmpty ? nil : items[Int(picks[position % picks.count] % UInt64(items.count))]
    }

    /// A non-empty subset of `items` (all of them, often).
    func subset<T>(_ items: [T], _ position: Int) -> [T] {
        let bits = picks[position % picks.count]
        if bits % 3 == 0 || items.count < 2 { return items }
        let chosen = items.enumerated().filter { (bits >> UInt64($0.offset + 2)) & 1 == 1 }.map(\.element)
        return chosen.isEmpty ? [items[0]] : chosen
    }

    func number(_ range: ClosedRange<Int>, _ position: Int) -> Int {
        range.lowerBound + Int(picks[position % picks.count] % UInt64(range.count))
    }

    func flag(_ position: Int) -> Bool { picks[position % picks.count] % 2 == 0 }
}

/// A seeded script of acts.
struct ModelScript: Sendable {
    let seed: UInt64
    let acts: [ModelAct]

    static func generate(seed: UInt64, count: Int) -> ModelScript {
        var rng = Xoshiro(seed: (seed, seed ^ 0x9E37_79B9_7F4A_7C15, ~seed, seed &* 31 &+ 7))
        let kinds = ModelAct.Kind.allCases.flatMap { Array(repeating: $0, count: $0.weight) }
        let acts = (0..<count).map { _ in
            ModelAct(kind: kinds[Int(rng.next() % UInt64(kinds.count))], picks: (0..<8).map { _ in rng.next() })
        }
        return ModelScript(seed: seed, acts: acts)
    }
}
