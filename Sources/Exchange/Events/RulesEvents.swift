public import RightsRegistry

/// The rule set in force: what listings submitted from now on run under (each carries its copy).
public struct ExchangeRulesRecord: Hashable, Sendable, Codable {
    public var rules: ExchangeRules
    /// The entry that set it.
    public var setAt: UInt64

    public init(rules: ExchangeRules, setAt: UInt64) {
        self.rules = rules
        self.setAt = setAt
    }

    enum CodingKeys: String, CodingKey {
        case rules
        case setAt = "set_at"
    }
}

/// The exchange's rule set changed, kind `exchange-rules`: like the registry's policy, a logged
/// act, so that every process on the store decides under the same rules and the log shows when
/// they changed.
public struct ExchangeRulesSet: RegistryEvent {
    public static let kind = "exchange-rules"
    public static let version = 1

    public var rules: ExchangeRules

    public init(rules: ExchangeRules) { self.rules = rules }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [ExchangeRulesRecord.key(ExchangeRulesRecord.singletonKey)]
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        state.put(ExchangeRulesRecord(rules: rules, setAt: entry.index))
    }
}
