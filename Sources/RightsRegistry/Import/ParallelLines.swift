import Foundation

/// Lines of an import file parsed on every core, one slice ahead (issue 16: parsing was a fifth
/// of an import; the check pass ran it on one core while the other idled, and then checked the
/// slice on one core while the other idled again).
///
/// The lines are read in order (copying bytes is cheap), then parsed in parts side by side, and
/// handed back in file order with their line numbers: what a pass sees is exactly what reading
/// them one by one gave, only sooner. While the pass works on one slice, the next is read and
/// parsed.
struct ParallelLines {
    /// A parsed line: its number in the file and the record or its problems.
    struct Line: Sendable {
        let number: Int
        let parsed: ImportRecord.Parsed
    }

    /// Lines that are not blank (none, when only blank lines were left), and how far the file
    /// had been read after them (for progress and the line count: the reader is a slice ahead).
    struct Slice: Sendable {
        let lines: [Line]
        let lineNumber: Int
        let bytesRead: UInt64
        /// A digest of the slice's bytes, blank lines included (keyed per process): a pass reading
        /// the file again tells by it whether a slice is the one an earlier pass read.
        let digest: Int
    }

    /// The file's size, for progress.
    let totalBytes: UInt64
    private let source: Source
    private let size: Int
    private var ahead: Task<Slice?, any Error>?

    /// Slices of up to `size` lines of the file at `path`, each parsed by up to `workers` at once.
    init(path: String, size: Int, workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let reader = try LineReader(path: path, maximumLineLength: ImportRecord.maximumLineLength)
        totalBytes = reader.totalBytes
        source = Source(reader, workers: max(1, workers))
        self.size = max(1, size)
    }

    /// The next slice; nil once the whole file has been read. The one after it is read and
    /// parsed meanwhile.
    mutating func next() async throws -> Slice? {
        let (source, size) = (source, size)
        let current = ahead ?? Task { try await source.read(size) }
        ahead = nil
        guard let slice = try await current.value else { return nil }
        ahead = Task { try await source.read(size) }
        return slice
    }

    /// Lines read from the file so far: a slice beyond the last one handed out, once it is read.
    var linesRead: Int {
        get async { await source.linesRead }
    }

    /// The reader, read one slice at a time (a pass waits for a slice before asking for the next).
    private actor Source {
        let reader: LineReader
        let workers: Int

        var linesRead: Int { reader.lineNumber }

        init(_ reader: LineReader, workers: Int) {
            self.reader = reader
            self.workers = workers
        }

        /// The most bytes of lines a slice holds, whatever their number: a slice of long lines
        /// (each at most `ImportRecord.maximumLineLength`) stays a few dozen megabytes.
        static let maximumBytes = 32 << 20

        func read(_ count: Int) async throws -> Slice? {
            let start = reader.lineNumber
            var raw: [(number: Int, bytes: [UInt8])] = []
            raw.reserveCapacity(count)
            var bytesHeld = 0
            // Blank lines too: a blank line made a record is a change.
            var digest = Hasher()
            while raw.count < count, bytesHeld < Self.maximumBytes,
                let bytes = try reader.nextLine({ line -> [UInt8]? in
                    digest.combine(bytes: UnsafeRawBufferPointer(line))
                    digest.combine(line.count)
                    return Importer.isBlank(line) ? nil : Array(line)
                })
            {
                if let bytes {
                    raw.append((reader.lineNumber, bytes))
                    bytesHeld += bytes.count
                }
            }
            let (lineNumber, bytesRead) = (reader.lineNumber, reader.bytesRead)
            guard lineNumber > start else { return nil }
            let lines = raw.isEmpty ? [] : await Self.parse(raw, workers: workers)
            return Slice(lines: lines, lineNumber: lineNumber, bytesRead: bytesRead, digest: digest.finalize())
        }

        static func parse(_ raw: [(number: Int, bytes: [UInt8])], workers: Int) async -> [Line] {
            if workers == 1 { return raw.map(parse) }
            // Eight parts a worker, not one: the tasks share the cooperative threads with the
            // pass working on the slice before, and a thread runs a task to its end. With one
            // part a worker, the part left waiting for the pass's thread kept the other core idle
            // once its own part was done (issue 16: the check pass took a tenth longer).
            let part = max(1, (raw.count + 8 * workers - 1) / (8 * workers))
            return await withTaskGroup(of: (Int, [Line]).self) { group in
                for start in stride(from: 0, to: raw.count, by: part) {
                    group.addTask { (start, raw[start..<min(start + part, raw.count)].map(parse)) }
                }
                var parts: [(Int, [Line])] = []
                for await part in group { parts.append(part) }
                return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
            }
        }

        static func parse(_ line: (number: Int, bytes: [UInt8])) -> Line {
            Line(number: line.number, parsed: line.bytes.withUnsafeBufferPointer(ImportRecord.parse))
        }
    }
}
