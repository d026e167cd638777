/// Hides personal ID numbers from those who may not see them (banks, agents, the public —
/// INTERFACE.md): every valid 18-character citizen ID number inside any string becomes
/// `330424********1234`.
public enum Masking {
    public static func mask(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(mask(text))
        case .array(let elements): .array(elements.map(mask))
        case .object(let members): .object(members.mapValues(mask))
        case .null, .bool, .number: value
        }
    }

    /// Whether masking would change anything in `value`: only a string can, and only one with a
    /// run of 17 digits that is a valid ID number.
    public static func changes(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): hasDigitRun(text.utf8) && mask(text) != text
        case .array(let elements): elements.contains(where: changes)
        case .object(let members): members.values.contains(where: changes)
        case .null, .bool, .number: false
        }
    }

    public static func mask(_ text: String) -> String {
        // Most strings have no run of 17 digits: returned as they are, without copying.
        guard hasDigitRun(text.utf8) else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if index + 18 <= bytes.count, isCandidate(bytes, at: index),
                let id = try? CitizenID(String(decoding: bytes[index..<index + 18], as: UTF8.self))
            {
                output += Array(id.masked.utf8)
                index += 18
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `bytes` has 17 digits in a row, which every ID number has.
    static func hasDigitRun(_ bytes: String.UTF8View) -> Bool {
        var run = 0
        for byte in bytes {
            run = byte >= 0x30 && byte <= 0x39 ? run + 1 : 0
            if run == 17 { return true }
        }
        return false
    }

    /// 17 digits and a digit or X, not inside a longer run of digits.
    static func isCandidate(_ bytes: [UInt8], at index: Int) -> Bool {
        func digit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        if index > 0, digit(bytes[index - 1]) { return false }
        if index + 18 < bytes.count, digit(bytes[index + 18]) { return false }
        return bytes[index..<index + 17].allSatisfy(digit) && (digit(bytes[index + 17]) || bytes[index + 17] == 0x58)
    }
}
