import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// The check pass parses lines on every core (issue 16); what it reports must be what reading
/// them one by one reports.
@Suite("Parallel lines")
struct ParallelLinesTests {
    static let broken = [#"{"type":"household","code":"not a code"}"#, "{not json", #"{"type":"parcel"}"#]

    /// A county file with blank lines and broken lines scattered through it, and the numbers of
    /// its record lines, broken lines and lines in all (trailing blank line included).
    func file() throws -> (TemporaryFile, records: Int, broken: [Int], total: Int) {
        var lines: [String] = []
        SyntheticCounty(townships: 1, villagesPerTownship: 2, householdsPerVillage: 6).lines { lines.append($0) }
        let records = lines.count
        lines.insert("", at: 5)
        lines.insert("   \t", at: 9)
        lines.insert(Self.broken[0], at: 12)
        lines.insert(Self.broken[1], at: 20)
        lines.insert(Self.broken[2], at: lines.count - 2)
        let broken = lines.indices.filter { Self.broken.contains(lines[$0]) }.map { $0 + 1 }
        let file = try TemporaryFile(contents: lines.joined(separator: "\n") + "\n\n")
        return (file, records, broken, lines.count + 1)
    }

    func describe(_ line: ParallelLines.Line) -> String {
        switch line.parsed {
        case .record(let record): "\(line.number) \(record.typeName)"
        case .problems(let problems): "\(line.number) " + problems.map(\.field).joined(separator: ",")
        }
    }

    func isProblem(_ line: ParallelLines.Line) -> Bool {
        if case .problems = line.parsed { true } else { false }
    }

    @Test("lines parsed side by side come back in file order with their numbers, as one parser reads them")
    func sameAsOneByOne() async throws {
        let (file, records, broken, _) = try file()
        var expected: [String]?
        for workers in [1, 2, 3, 8] {
            for size in [1, 5, 7, 1_000] {
                var lines = try ParallelLines(path: file.path, size: size, workers: workers)
                var read: [ParallelLines.Line] = []
                while let next = try await lines.next() {
                    #expect(next.lines.count <= size)
                    read += next.lines
                }
                #expect(read.map(\.number) == read.map(\.number).sorted())
                #expect(read.filter(isProblem).map(\.number) == broken)
                #expect(read.count == records + broken.count)
                let described = read.map(describe)
                if let expected { #expect(described == expected, "workers \(workers), size \(size)") }
                expected = expected ?? described
            }
        }
    }

    @Test("while a pass works on one slice, the next is read and parsed")
    func readAhead() async throws {
        let (file, _, _, total) = try file()
        var lines = try ParallelLines(path: file.path, size: 7, workers: 2)
        let first = try #require(try await lines.next())
        #expect(first.lines.count == 7)
        // The caller holds the first slice and asks for nothing; the second is read meanwhile.
        let deadline = ContinuousClock.now + .seconds(10)
        while await lines.linesRead == first.lineNumber, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        #expect(await lines.linesRead > first.lineNumber)
        let second = try #require(try await lines.next())
        #expect(await lines.linesRead >= second.lineNumber)
        #expect(second.lines.first.map(\.number) ?? 0 > first.lineNumber)
        #expect(total > second.lineNumber)
    }

    @Test("the check pass reports every problem in line order, and counts trailing blank lines")
    func checkPass() async throws {
        let (file, records, broken, total) = try file()
        let t = try await TestRegistry(county: nil)
        // A slice may end with the last line that is not blank: the blank lines after it are
        // counted all the same.
        for batchSize in [5, records + broken.count, 1] {
            let summary = try await Importer(registry: t.registry, actor: "import:test", batchSize: batchSize)
                .check(file.path)
            let lines = summary.problems.map(\.line)
            #expect(lines == lines.sorted())
            #expect(Set(lines) == Set(broken))
            #expect(summary.lines == total, "batches of \(batchSize)")
        }
    }

    @Test(
        "a line longer than the format takes is cut as it is read and refused by its length; the lines around it are read as they are"
    )
    func longLines() async throws {
        var county: [String] = []
        SyntheticCounty(householdsPerVillage: 1).lines { county.append($0) }
        let maximum = ImportRecord.maximumLineLength
        let long = #"{"type":"household","code":""# + String(repeating: "9", count: 3 * maximum) + #""}"#
        let lines = [
            county[0], long, county[1], String(repeating: "x", count: maximum),
            String(repeating: "y", count: maximum + 5),
        ]
        // The last line has no line break after it.
        let file = try TemporaryFile(contents: lines.joined(separator: "\n"))

        let reader = try LineReader(path: file.path, maximumLineLength: maximum)
        var lengths: [Int] = []
        var firstBytes: [UInt8] = []
        while let length = try reader.nextLine({ bytes in
            firstBytes.append(bytes.first ?? 0)
            return bytes.count
        }) {
            lengths.append(length)
        }
        #expect(lengths == [county[0].utf8.count, maximum + 1, county[1].utf8.count, maximum, maximum + 1])
        #expect(firstBytes == lines.map { $0.utf8.first! })
        #expect(reader.lineNumber == 5)
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int
        #expect(size.map(UInt64.init) == reader.bytesRead, "every byte counted, the skipped ones too")

        let t = try await TestRegistry(county: nil)
        let summary = try await Importer(registry: t.registry, actor: "import:test").check(file.path)
        let tooLong = summary.problems.filter { $0.reason == "longer than \(maximum) bytes" }
        #expect(tooLong.map(\.line) == [2, 5])
        #expect(tooLong.allSatisfy { $0.field == "(line)" })
        // The line of exactly the most bytes is read whole (and is not JSON).
        #expect(summary.problems.filter { $0.line == 4 }.map(\.reason) != ["longer than \(maximum) bytes"])
        #expect(summary.problems.filter { $0.line == 1 || $0.line == 3 }.isEmpty)
        #expect(summary.lines == 5)
    }

    @Test("a slice read again has the digest it had; a change to any of its lines, a blank one too, changes it")
    func digests() async throws {
        let (file, _, _, _) = try file()
        let text = try String(contentsOfFile: file.path, encoding: .utf8)
        func digests(_ text: String, size: Int) async throws -> [Int] {
            try text.write(toFile: file.path, atomically: false, encoding: .utf8)
            var lines = try ParallelLines(path: file.path, size: size, workers: 2)
            var digests: [Int] = []
            while let slice = try await lines.next() { digests.append(slice.digest) }
            return digests
        }
        let lines = text.components(separatedBy: "\n")
        let blank = try #require(lines.firstIndex(of: ""))
        for size in [1, 7] {
            let original = try await digests(text, size: size)
            #expect(try await digests(text, size: size) == original)
            #expect(Set(original).count == original.count)
            // One byte of a record, a blank line given a space.
            var changed = lines
            changed[3] = changed[3].replacingOccurrences(of: "1", with: "2")
            #expect(try await digests(changed.joined(separator: "\n"), size: size) != original)
            changed = lines
            changed[blank] = " "
            let spaced = try await digests(changed.joined(separator: "\n"), size: size)
            #expect(spaced.count == original.count && spaced != original)
            // The same bytes in the same slices, the break between two lines one byte earlier.
            changed = lines
            changed[3] = String(changed[2].removeLast()) + changed[3]
            #expect(try await digests(changed.joined(separator: "\n"), size: size) != original)
        }
    }
}
