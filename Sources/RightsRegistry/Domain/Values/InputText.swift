/// The bounds on free text the register takes from its users (names, locations, references,
/// reasons): a length, and no control characters — a line break in a name would forge lines in
/// logs, notices and certificates.
public enum InputText {
    /// Why `text` is refused, or nil when it is fine.
    public static func problem(_ text: String, maximumLength: Int) -> String? {
        if text.unicodeScalars.count > maximumLength { return "at most \(maximumLength) characters" }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "must not contain control characters"
        }
        return nil
    }
}
