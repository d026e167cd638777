import Foundation

/// Where commands write. Standard output and error by default; tests capture them.
struct Console: Sendable {
    let out: @Sendable (String) -> Void
    let err: @Sendable (String) -> Void
    /// Whether standard error is a terminal (progress bars only then).
    let isTerminal: Bool

    static let standard = Console(
        out: { text in FileHandle.standardOutput.write(Data((text + "\n").utf8)) },
        err: { text in FileHandle.standardError.write(Data((text + "\n").utf8)) },
        isTerminal: isatty(STDERR_FILENO) == 1)

    @TaskLocal static var current = Console.standard

    /// Rewrites the current terminal line (a progress bar); nothing when not on a terminal.
    func status(_ text: String) {
        guard isTerminal else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
    }

    func endStatus() {
        guard isTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// `replay [#########...........]  45%  2250/5000`: a phase's progress over a known count.
func progressLine(_ phase: String, done: UInt64, of total: UInt64) -> String {
    "\(phase) \(progressBar(total == 0 ? 1 : Double(done) / Double(total)))  \(done)/\(total)"
}

/// `[#########...........]  45%  630,000 lines`
func progressBar(_ fraction: Double, width: Int = 30) -> String {
    let clamped = min(1, max(0, fraction))
    let filled = Int(clamped * Double(width))
    return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
        + String(format: "%3d%%", Int(clamped * 100))
}
