/// A table for a terminal: a header row, then one row per item, columns two spaces apart and
/// aligned by display width (so CJK and emoji line up). Cells are sanitized (no control
/// characters, see `DisplayWidth.sanitize`) and cut with `…` at `cellLimit` columns
/// (`lastCellLimit` for the last column), so one long name cannot widen every row; `--json`
/// has them whole. The last column is not padded, so no line ends with spaces.
struct TextTable {
    static let cellLimit = 40
    static let lastCellLimit = 100

    let header: [String]
    /// Indexes of columns aligned right (numbers).
    var rightAligned: Set<Int> = []
    private(set) var rows: [[String]] = []

    init(_ header: [String], rightAligned: Set<Int> = []) {
        self.header = header
        self.rightAligned = rightAligned
    }

    /// A cell as the table shows it: sanitized, then cut to the column's limit.
    static func cell(_ text: String, last: Bool = false) -> String {
        DisplayWidth.truncate(DisplayWidth.sanitize(text), to: last ? lastCellLimit : cellLimit)
    }

    mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "a row needs one cell per column")
        rows.append(row.enumerated().map { Self.cell($1, last: $0 == row.count - 1) })
    }

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { DisplayWidth.of($0[i]) }.max() ?? 0 }
        return all.map { line($0, widths: widths) }.joined()
    }

    /// One row, its cells already made with `cell`, padded to `widths`, ending in a newline.
    func line(_ row: [String], widths: [Int]) -> String {
        var line = ""
        for (i, cell) in row.enumerated() {
            if i > 0 { line += "  " }
            let last = i == row.count - 1
            if last && !rightAligned.contains(i) {
                line += cell
            } else {
                line += DisplayWidth.pad(cell, to: widths[i], alignRight: rightAligned.contains(i))
            }
        }
        while line.hasSuffix(" ") { line.removeLast() }
        return line + "\n"
    }
}
