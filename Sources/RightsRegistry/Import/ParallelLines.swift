import Foundation

/// Lines of an import file parsed on every core (issue 16: parsing was a fifth of an import,
/// and the check pass ran it on one core while the other idled).
///
/// The lines are read in order (copying bytes is cheap), then parsed in slices side by side,
/// and handed back in file order with their line numbers: what a pass sees is exactly what
/// reading them one by one gave, only sooner.
struct ParallelLines {
    /// A parsed line: its number in the file and the record or its problems.
    struct Line: Sendable {
        let number: Int
        let parsed: ImportRecord.Parsed
    }

    let reader: LineReader
    /// Slices parsed side by side.
    let workers: Int

    init(_ reader: LineReader, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.reader = reader
        self.workers = max(1, workers)
    }

    /// The next `count` lines that are not blank, parsed; nil at the end of the file.
    func next(_ count: Int) async throws -> [Line]? {
        var raw: [(number: Int, bytes: [UInt8])] = []
        raw.reserveCapacity(count)
        while raw.count < count, let bytes = try reader.nextLine({ Importer.isBlank($0) ? nil : Array($0) }) {
            if let bytes { raw.append((reader.lineNumber, bytes)) }
        }
        guard !raw.isEmpty else { return nil }
        if workers == 1 { return raw.map(Self.parse) }
        let slice = (raw.count + workers - 1) / workers
        let lines = raw
        return await withTaskGroup(of: (Int, [Line]).self) { group in
            for start in stride(from: 0, to: lines.count, by: slice) {
                group.addTask {
                    (start, lines[start..<min(start + slice, lines.count)].map(Self.parse))
                }
            }
            var parts: [(Int, [Line])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    private static func parse(_ line: (number: Int, bytes: [UInt8])) -> Line {
        Line(number: line.number, parsed: line.bytes.withUnsafeBufferPointer(ImportRecord.parse))
    }
}
