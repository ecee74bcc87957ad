/// A table for a terminal: a header row, then one row per item, columns two spaces apart and
/// aligned by display width (so CJK and emoji line up). Cells are sanitized (no control
/// characters); the last column is not padded, so no line ends with spaces.
struct TextTable {
    let header: [String]
    /// Indexes of columns aligned right (numbers).
    var rightAligned: Set<Int> = []
    private(set) var rows: [[String]] = []

    init(_ header: [String], rightAligned: Set<Int> = []) {
        self.header = header
        self.rightAligned = rightAligned
    }

    mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "a row needs one cell per column")
        rows.append(row.map(DisplayWidth.sanitize))
    }

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { DisplayWidth.of($0[i]) }.max() ?? 0 }
        var out = ""
        for row in all {
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
            out += line + "\n"
        }
        return out
    }
}
