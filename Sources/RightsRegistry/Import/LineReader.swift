import Foundation

/// Reads a file line by line through a fixed buffer, so a county file of any size streams without
/// being loaded into memory.
public final class LineReader {
    public let path: String
    public let totalBytes: UInt64
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    public private(set) var lineNumber = 0
    /// Bytes handed out so far, for progress.
    public private(set) var bytesRead: UInt64 = 0

    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RegistryError.invalid("file", "cannot open \(path)")
        }
        self.path = path
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
            if chunk.isEmpty { exhausted = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    private func emit<T>(upTo end: Int, skipping separator: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T)
        throws -> T
    {
        lineNumber += 1
        bytesRead += UInt64(end - position + separator)
        var last = end
        if last > position, buffer[last - 1] == 0x0D { last -= 1 }
        let start = position
        position = end + separator
        return try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<last])) }
    }
}
