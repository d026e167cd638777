import CQREncode

/// A QR code, encoded by libqrencode (ISO/IEC 18004), drawn as SVG: one path of dark modules,
/// so it prints sharp at any size and a phone's camera reads it off paper or a screen.
struct QRCode: Sendable, Equatable {
    /// Modules per side.
    let width: Int
    /// Row-major, true for a dark module.
    let modules: [Bool]

    /// Encodes `text` as 8-bit data at error-correction level M (15 %: a creased or stamped
    /// certificate still scans); nil if it does not fit a QR code (over ~2,300 bytes).
    init?(_ text: String) {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        let data = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        self.width = width
        modules = data.map { $0 & 1 == 1 }
    }

    func isDark(row: Int, column: Int) -> Bool { modules[row * width + column] }

    /// The code with its four-module quiet zone, as an SVG element `size` CSS pixels wide.
    func svg(size: Int, label: String) -> String {
        let quiet = 4
        let side = width + 2 * quiet
        var path = ""
        for row in 0..<width {
            for column in 0..<width where isDark(row: row, column: column) {
                path += "M\(column + quiet) \(row + quiet)h1v1h-1z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(HTML.escape(label))" \
            width="\(size)" height="\(size)" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }
}

/// HTML escaping for the few strings built outside a template.
enum HTML {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
