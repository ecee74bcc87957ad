import Glibc

/// What stderr is connected to, which decides how the CLI talks on it:
/// - a terminal gets progress, a single updating status line and colour;
/// - anything else (a pipe, a file, CI's log) gets plain lines, never progress or escapes.
/// Colour also needs `NO_COLOR` unset or empty (https://no-color.org) and `TERM` not `dumb`.
struct Terminal: Sendable {
    let isTTY: Bool
    let color: Bool

    init(environment: [String: String]) {
        isTTY = isatty(STDERR_FILENO) == 1
        color = isTTY && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// Columns of the terminal on stderr (80 when unknown).
    var columns: Int {
        var size = winsize()
        guard isTTY, ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    func error(_ message: String) -> String { "\(paint("Error:", "1;31")) \(message)\n" }
    func warning(_ message: String) -> String { "\(paint("Warning:", "33")) \(message)\n" }

    private func paint(_ text: String, _ sgr: String) -> String {
        color ? "\u{1B}[\(sgr)m\(text)\u{1B}[0m" : text
    }
}

/// One line of stderr that keeps being replaced: on a terminal it is redrawn in place
/// (carriage return, erase line), cut to the terminal's width; elsewhere `show` writes
/// nothing and only `print` lines appear.
final class StatusLine {
    let terminal: Terminal
    private var shown = false

    init(terminal: Terminal) { self.terminal = terminal }

    /// Replaces the status line (terminal only).
    func show(_ text: String) {
        guard terminal.isTTY else { return }
        let cut = DisplayWidth.truncate(DisplayWidth.sanitize(text), to: max(10, terminal.columns - 1))
        StandardError.write("\r\u{1B}[K" + cut)
        shown = true
    }

    /// Writes a whole line above the status line, which is drawn again by the next `show`.
    func print(_ line: String) {
        clear()
        StandardError.write(line)
    }

    /// Removes the status line, leaving the cursor at the start of an empty line.
    func clear() {
        guard shown else { return }
        StandardError.write("\r\u{1B}[K")
        shown = false
    }
}
