import ExtrasBase64

/// RFC 4648 §5 base64url without padding, as JOSE uses it (RFC 7515 §2). Decoding is strict:
/// padding, whitespace and characters outside the URL alphabet are refused, and so is any
/// encoding that is not the canonical one for its bytes (non-zero unused trailing bits).
public enum Base64URL {
    static let options: Base64.EncodingOptions = [.base64UrlAlphabet, .omitPaddingCharacter]

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Base64.encodeToString(bytes: bytes, options: options)
    }

    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard
            let bytes = try? Base64.decode(
                bytes: Array(text.utf8), options: [.base64UrlAlphabet, .omitPaddingCharacter]),
            encode(bytes) == text
        else { return nil }
        return bytes
    }
}
