package import RightsRegistry
package import Testing

/// Random variations of test values: documents for holding two encoders to the same bytes
/// (`CanonicalOutputTests`, `CanonicalExchangeTests`), texts and days for their readers and
/// writers (`IdentifierTests`). SplitMix64: the variations are the same for a seed, and a failure
/// names its seed.
public struct Variations: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Text that needs escapes, or none: quotes, backslashes, control characters, CJK, an
    /// emoji (beyond U+FFFF) and a character in U+E000–U+FFFF.
    public mutating func text() -> String {
        let pieces = ["田", "\"", "\\", "\u{1}", "\n", "a", "é", "😀", "\u{FF5E}", " ", "东至", "9"]
        return String(
            (0..<Int.random(in: 0...6, using: &self)).map { _ in pieces.randomElement(using: &self)! }.joined())
    }

    /// Whether an optional member is present this time.
    public mutating func present() -> Bool { Bool.random(using: &self) }
}

/// Expects `value`'s hand-written canonical JSON to be byte for byte what its `Codable`
/// conformance gives through both general encoders, and `canonicalBytes` to take the first.
package func expectWrittenAsCodable<T: CanonicalOutputWritable>(
    _ value: T, seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    var output = CanonicalOutput()
    try value.write(to: &output)
    let streamed = try #require(JSONValueEncoder().streamedBytes(value), sourceLocation: sourceLocation)
    #expect(
        output.bytes == streamed,
        "seed \(seed): \(String(decoding: output.bytes, as: UTF8.self)) ≠ \(String(decoding: streamed, as: UTF8.self))",
        sourceLocation: sourceLocation)
    #expect(output.bytes == (try JSONValueEncoder().treeBytes(value)), "seed \(seed)", sourceLocation: sourceLocation)
    #expect(try JSONValueEncoder().canonicalBytes(value) == output.bytes, sourceLocation: sourceLocation)
}
