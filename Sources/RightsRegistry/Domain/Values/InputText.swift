/// The bounds on free text the register takes from its users (names, locations, references,
/// reasons): a length, and no control characters — a line break in a name would forge lines in
/// logs, notices and certificates.
public enum InputText {
    /// Why `text` is refused, or nil when it is fine.
    public static func problem(_ text: String, maximumLength: Int) -> String? {
        var text = text
        return text.withUTF8 { problem(utf8: $0, maximumLength: maximumLength) }
    }

    /// Why the text of these UTF-8 bytes is refused, or nil when it is fine.
    static func problem(utf8 text: UnsafeBufferPointer<UInt8>, maximumLength: Int) -> String? {
        // One pass over the UTF-8 (every import field goes through here): a character starts at
        // each byte that is not a continuation byte (10xxxxxx); C0 controls and DEL are single
        // bytes, C1 controls (U+0080–U+009F) are C2 80 – C2 9F.
        var characters = 0
        var control = false
        var previous: UInt8 = 0
        for byte in text {
            if byte & 0xC0 != 0x80 { characters += 1 }
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) { control = true }
            previous = byte
        }
        if characters > maximumLength { return "at most \(maximumLength) characters" }
        if control { return "must not contain control characters" }
        return nil
    }
}
