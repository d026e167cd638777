/// Why the register refused something. One error type for the module, with a stable `code`
/// (`rule.L-14`, `validation.id_number`, `not_found.right`, `conflict.right`) that the CLI maps
/// to an exit code and the server to an HTTP status, each in one table.
///
/// Two errors are equal when their codes are, so tests assert the exact rule.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public let code: String
    /// Why, without the rule id or field (those are `rule` and `field`).
    public let reason: String
    /// The input field concerned, when there is one ("head.id_number", "parcels[2].area_m2").
    public let field: String?
    /// Every field problem when input was refused for several reasons at once.
    public let problems: [FieldProblem]

    public init(code: String, message reason: String, field: String? = nil, problems: [FieldProblem] = []) {
        self.code = code
        self.reason = reason
        self.field = field
        self.problems = problems
    }

    /// The reason with the rule it rests on, e.g. "L-17 term exceeds the remaining contract term";
    /// for several field problems, all of them.
    public var message: String {
        if let rule { return "\(rule) \(reason)" }
        if problems.count > 1 { return problems.map(\.description).joined(separator: "; ") }
        return reason
    }

    public enum Category: String, Sendable {
        case validation
        case rule
        case notFound = "not_found"
        case conflict
        case auth
        case unavailable
        /// The register contradicts itself (a tampered row, a bad checkpoint): never the caller's fault.
        case integrity
    }

    public var category: Category {
        let prefix = code.prefix { $0 != "." }
        return Category(rawValue: String(prefix)) ?? .integrity
    }

    /// The rule-book id for `rule.*` codes ("L-14").
    public var rule: String? {
        category == .rule ? String(code.dropFirst("rule.".count)) : nil
    }

    /// One line naming the rule (in the code) and the field, as the CLI prints it:
    /// `rule.L-14 [consents]: transfer of contract land needs the 发包方's written consent`.
    public var description: String {
        var text = code
        if let field { text += " [\(field)]" }
        return text + ": " + (problems.count > 1 ? message : reason)
    }

    /// A refusal by a rule of the rule book (shared/reference/domain-rules.md), e.g.
    /// `.rule("L-14", "transfer of contract land needs the 发包方's written consent")`.
    public static func rule(_ id: String, _ message: String, field: String? = nil) -> RegistryError {
        RegistryError(code: "rule.\(id)", message: message, field: field)
    }

    /// Input that is not valid, named by its field; the code uses the field's last name
    /// (`validation.id_number` for "head.id_number").
    public static func invalid(_ field: String, _ reason: String) -> RegistryError {
        invalid([FieldProblem(field: field, reason: reason)])
    }

    public static func invalid(_ problems: [FieldProblem]) -> RegistryError {
        precondition(!problems.isEmpty)
        let first = problems[0]
        return RegistryError(
            code: "validation.\(first.codeName)", message: first.reason, field: first.field, problems: problems)
    }

    public static func notFound(_ what: String, _ key: String) -> RegistryError {
        RegistryError(code: "not_found.\(what)", message: "no \(what) \(key) in the register", field: nil)
    }

    public static func conflict(_ what: String, _ message: String) -> RegistryError {
        RegistryError(code: "conflict.\(what)", message: message)
    }

    public static func unavailable(_ message: String) -> RegistryError {
        RegistryError(code: "unavailable.store", message: message)
    }
}

extension RegistryError: Equatable {
    public static func == (lhs: RegistryError, rhs: RegistryError) -> Bool { lhs.code == rhs.code }
}

/// One invalid field and why.
public struct FieldProblem: Hashable, Sendable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// "head.id_number" → "id_number"; "parcels[2].area_m2" → "area_m2".
    public var codeName: String {
        let last = field.split(separator: ".").last.map(String.init) ?? field
        return String(last.prefix { $0 != "[" })
    }

    public var description: String { "\(field): \(reason)" }
}
