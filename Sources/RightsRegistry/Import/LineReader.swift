import Foundation

/// Reads a file line by line through a fixed buffer, so a county file of any size streams without
/// being loaded into memory — a file of one endless line too: a line longer than
/// `maximumLineLength` is handed out cut to one byte more than that, the rest of it skipped, so
/// whoever reads it can refuse it by its length.
public final class LineReader {
    public let path: String
    public let totalBytes: UInt64
    public let maximumLineLength: Int
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    /// Bytes of the line being read that were skipped (it was too long), for progress.
    private var skipped = 0
    public private(set) var lineNumber = 0
    /// Bytes handed out or skipped so far, for progress.
    public private(set) var bytesRead: UInt64 = 0

    public init(path: String, maximumLineLength: Int) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RegistryError.invalid("file", "cannot open \(path)")
        }
        self.path = path
        self.maximumLineLength = maximumLineLength
        self.handle = handle
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        totalBytes = (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    deinit { try? handle.close() }

    /// Calls `body` with the next line's bytes (without the line break or a trailing CR) and
    /// returns its result, or nil at the end of the file.
    public func nextLine<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                return try emit(upTo: newline, skipping: 1, body)
            }
            if exhausted {
                guard position < buffer.count else { return nil }
                return try emit(upTo: buffer.count, skipping: 0, body)
            }
            buffer.removeFirst(position)
            position = 0
            let chunk = handle.readData(ofLength: 1 << 20)
            guard !chunk.isEmpty else {
                exhausted = true
                continue
            }
            let kept = maximumLineLength + 1
            if buffer.count < kept {
                buffer.append(contentsOf: chunk)
            } else if let newline = chunk.firstIndex(of: 0x0A) {
                // The line has `kept` bytes already: only its end and what follows are kept.
                skipped += newline - chunk.startIndex
                buffer.append(contentsOf: chunk[newline...])
            } else {
                skipped += chunk.count
            }
            // A line that does not end within `kept` bytes is cut there.
            if buffer.count > kept, !buffer[..<kept].contains(0x0A) {
                let end = buffer[kept...].firstIndex(of: 0x0A) ?? buffer.count
                skipped += end - kept
                buffer.removeSubrange(kept..<end)
            }
        }
    }

    private func emit<T>(upTo end: Int, skipping separator: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T)
        throws -> T
    {
        lineNumber += 1
        bytesRead += UInt64(end - position + separator + skipped)
        skipped = 0
        var last = end
        if last > position, buffer[last - 1] == 0x0D { last -= 1 }
        let start = position
        position = end + separator
        return try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<last])) }
    }
}
