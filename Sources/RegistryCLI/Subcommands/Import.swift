import ArgumentParser
import Foundation
import RightsRegistry

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register 确权 data from a JSON Lines file.",
        discussion: """
            Every line is checked first; any problem is reported as `line N: field: reason` and \
            nothing is written. Then records are registered in batches, each batch in one \
            transaction. A run that was interrupted is completed by running it again: records \
            already on the register are skipped.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The import file (JSON Lines).")
    var file: String

    @Flag(name: .long, help: "Only check the file; write nothing.")
    var check = false

    @Option(name: .long, help: "Records per transaction.")
    var batchSize = 4096

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() async throws {
        try await runReporting {
            guard FileManager.default.fileExists(atPath: file) else {
                throw RegistryError.invalid("file", "no such file: \(file)")
            }
            let registry = try await global.openRegistry()
            let importer = Importer(
                registry: registry, actor: "import:\((file as NSString).lastPathComponent)", batchSize: batchSize)
            let console = Console.current
            let started = Date()
            let progress: (ImportProgress) -> Void = { progress in
                let fraction = progress.totalBytes == 0 ? 1 : Double(progress.bytes) / Double(progress.totalBytes)
                console.status("\(progress.phase.rawValue) \(progressBar(fraction))  \(progress.lines) lines")
            }
            let summary =
                check
                ? try await importer.check(file, progress: progress) : try await importer.run(file, progress: progress)
            console.endStatus()
            for problem in summary.problems { console.err(problem.description) }
            let seconds = Date().timeIntervalSince(started)
            if global.json {
                console.out(CanonicalJSON.string(json(summary, seconds: seconds)))
            } else if summary.problems.isEmpty {
                let verb = check ? "would register" : "registered"
                console.out(
                    "\(summary.lines) lines: \(verb) \(summary.registeredCount) (\(describe(summary.registered))), skipped \(summary.skippedCount) already on the register\(check ? "" : ", \(summary.entries) log entries") in \(String(format: "%.1f", seconds)) s"
                )
            }
            if !summary.problems.isEmpty {
                console.err("\(summary.problems.count) problem(s); nothing was written")
                throw ExitCode(65)
            }
        }
    }

    func describe(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    func json(_ summary: ImportSummary, seconds: Double) -> JSONValue {
        [
            "lines": .number(Double(summary.lines)),
            "registered": .object(summary.registered.mapValues { .number(Double($0)) }),
            "skipped": .object(summary.skipped.mapValues { .number(Double($0)) }),
            "entries": .number(Double(summary.entries)),
            "problems": .array(summary.problems.map { .string($0.description) }),
            "check": .bool(check),
            "seconds": .number((seconds * 1000).rounded() / 1000),
        ]
    }
}
