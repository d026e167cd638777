public import Foundation

/// Lower-case hexadecimal, as digests are shown and keyed (token hashes, tree hashes, key IDs).
public enum Hex {
    /// Over the bytes where they lie: a digest taken as a generic sequence was read a byte at a
    /// time through its witnesses, ~1 µs for a token's hash on every request (issue 16).
    public static func encode(_ bytes: some ContiguousBytes) -> String {
        bytes.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { text in
                for (position, byte) in bytes.enumerated() {
                    text[2 * position] = digit(byte >> 4)
                    text[2 * position + 1] = digit(byte & 0x0F)
                }
                return bytes.count * 2
            }
        }
    }

    private static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
