/// One line of the import format (INTERFACE.md), parsed and checked field by field.
public enum ImportRecord: Sendable {
    case collective(CollectiveApplication)
    case household(HouseholdApplication)
    case right(RightApplication)

    static let types = ["collective", "household", "contract-land", "homestead", "share"]

    /// A line read: the record, or every problem it has.
    public enum Parsed: Sendable {
        case record(ImportRecord)
        case problems([FieldProblem])
    }

    /// The longest line the import format takes: a contract with a thousand parcels (the most
    /// an array takes) is about 300 KB.
    public static let maximumLineLength = 1 << 20

    /// Parses one line; all field problems of the line are reported together.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Parsed {
        guard bytes.count <= maximumLineLength else {
            return .problems([FieldProblem(field: "(line)", reason: "longer than \(maximumLineLength) bytes")])
        }
        var reader: FieldReader
        do {
            reader = try FieldReader(json: bytes)
        } catch {
            return .problems([FieldProblem(field: "(line)", reason: "\(error)")])
        }
        guard let type = reader.string("type") else { return .problems(reader.allProblems) }
        var record: ImportRecord?
        switch type {
        case "collective": record = ApplicationParser.collective(&reader, origin: .imported).map(Self.collective)
        case "household": record = ApplicationParser.household(&reader, origin: .imported).map(Self.household)
        case "contract-land":
            record = ApplicationParser.right(kind: .contractLand, &reader, origin: .imported).map(Self.right)
        case "homestead": record = ApplicationParser.right(kind: .homestead, &reader, origin: .imported).map(Self.right)
        case "share":
            record = ApplicationParser.right(kind: .collectiveShare, &reader, origin: .imported).map(Self.right)
        default:
            return .problems([
                FieldProblem(field: "type", reason: "unknown type; one of \(types.joined(separator: ", "))")
            ])
        }
        reader.rejectUnknownFields()
        if let record, reader.allProblems.isEmpty { return .record(record) }
        return .problems(reader.allProblems)
    }
}

/// A problem with one line of an import file: `line 12: parcels[0].area_m2: more than two decimals`.
public struct ImportProblem: Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    public let field: String
    public let reason: String

    public init(line: Int, field: String, reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String { "line \(line): \(field): \(reason)" }
}

/// How far an import has come, for a progress bar.
public struct ImportProgress: Sendable {
    public enum Phase: String, Sendable {
        case checking
        case writing
    }
    public let phase: Phase
    public let lines: Int
    public let bytes: UInt64
    public let totalBytes: UInt64
}

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    public var lines = 0
    public var registered: [String: Int] = [:]
    public var skipped: [String: Int] = [:]
    public var entries = 0
    public var problems: [ImportProblem] = []

    /// Counts a batch that was appended.
    mutating func count(_ batch: Importer.Batch) {
        registered.merge(batch.registered, uniquingKeysWith: +)
        skipped.merge(batch.skipped, uniquingKeysWith: +)
        entries += batch.drafts.count
    }

    public var registeredCount: Int { registered.values.reduce(0, +) }
    public var skippedCount: Int { skipped.values.reduce(0, +) }
}
