/// Where a run of text that needs no escape ends — at a control character (below 0x20), a
/// backslash or, in JSON, a double quote — found eight bytes at a time. JSON's writer and parser
/// and PostgreSQL's COPY text all copy such runs whole; testing each byte in turn was a tenth of
/// writing an import's COPY rows and the largest part of writing a string (issue 16).
enum PlainRun {
    /// The index of the first byte at or after `start` that is a control character, a
    /// backslash or, where `quotes`, a double quote; `bytes.count` if there is none.
    static func end(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, quotes: Bool) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var index = start
        // Each byte of a word marked in its high bit where it matches. A borrow can carry a false
        // mark only into bytes after a true one, so the lowest mark is the first match exactly
        // (bytes are in memory order from the word's low end).
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let backslashes = ones &* 0x5C
        // Without quotes, the backslash test stands in for the quote test.
        let others = quotes ? ones &* 0x22 : backslashes
        func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & high }
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            let found =
                ((word &- ones &* 0x20) & ~word & high) | zeroBytes(word ^ backslashes) | zeroBytes(word ^ others)
            if found != 0 { return index + found.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x5C || (quotes && byte == 0x22) { return index }
            index += 1
        }
        return bytes.count
    }
}
