import Foundation
import XCTest

/// Names are data, not terminal control: every env, window and file name the CLI prints is
/// escaped (controls, bidi controls such as U+202E, line separators), long names are cut with
/// `…` in table cells, and CJK and emoji columns line up by display width.
final class TerminalSafeTextTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
    }

    func importEnvs(_ envs: [String], window: String = "w") throws {
        let lines = try envs.map { env -> String in
            let eid = String(
                decoding: try JSONSerialization.data(withJSONObject: env, options: .fragmentsAllowed), as: UTF8.self)
            let win = String(
                decoding: try JSONSerialization.data(withJSONObject: window, options: .fragmentsAllowed), as: UTF8.self)
            return
                #"["events", {"data": [{"x": [1, 2], "y": [3, 4], "name": "a", "type": "scatter"}], "win": \#(win), "eid": \#(eid), "layout": {}, "opts": {}}]"#
        }
        XCTAssertEqual(
            try logstore(["--db", db, "import", try writeLines(lines, to: "names.jsonl", in: dir)]).status, 0)
    }

    /// No byte of `text` is a control character (newlines aside) or a bidi control.
    func assertTerminalSafe(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for s in text.unicodeScalars where s != "\n" {
            let v = s.value
            XCTAssertFalse(
                v < 0x20 || (0x7F...0x9F).contains(v) || [0x061C, 0x200E, 0x200F, 0x2028, 0x2029].contains(v)
                    || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v),
                "U+\(String(v, radix: 16)) in \(text)",
                file: file, line: line)
        }
    }

    func testControlAndBidiCharactersInNamesAreEscapedInLsAndLog() throws {
        try importEnvs(
            ["evil\u{202E}txt.exe", "bell\u{07}", "esc\u{1B}[2J", "iso\u{2066}late", "line\u{2028}sep"],
            window: "w\u{200F}")
        let ls = try logstore(["--db", db, "ls"]).stdout
        assertTerminalSafe(ls)
        XCTAssertTrue(ls.contains("evil\\u{202e}txt.exe"), ls)
        XCTAssertTrue(ls.contains("bell\\u{7}"), ls)
        XCTAssertTrue(ls.contains("esc\\u{1b}[2J"), ls)
        XCTAssertTrue(ls.contains("iso\\u{2066}late"), ls)
        XCTAssertTrue(ls.contains("line\\u{2028}sep"), ls)
        let windows = try logstore(["--db", db, "ls", "--env", "evil\u{202E}txt.exe"]).stdout
        assertTerminalSafe(windows)
        XCTAssertTrue(windows.contains("w\\u{200f}"), windows)
        let log = try logstore(["--db", db, "log"]).stdout
        assertTerminalSafe(log)
        XCTAssertTrue(log.contains("created w\\u{200f} (2 points)"), log)
        // --json keeps names whole (JSON escapes control characters itself).
        XCTAssertTrue(try logstore(["--db", db, "ls", "--json"]).stdout.contains("\"evil\u{202E}txt.exe\""))
    }

    func testForkAndErrorsEscapeTheNamesTheyEcho() throws {
        try importEnvs(["main"])
        let fork = try logstore(["--db", db, "fork", "--env", "main", "--to", "x\u{1B}]0;title\u{07}\u{202E}"])
        XCTAssertEqual(
            fork.stderr.replacingOccurrences(of: #"epoch \d+"#, with: "epoch N", options: .regularExpression),
            "forked main to x\\u{1b}]0;title\\u{7}\\u{202e} at epoch N\n")
        let missing = try logstore(["--db", db, "export", "--env", "no\u{202E}pe"])
        XCTAssertEqual(missing.status, 1)
        assertTerminalSafe(missing.stderr)
        XCTAssertTrue(missing.stderr.contains("no\\u{202e}pe"), missing.stderr)
    }

    func testImportOfADirectoryEscapesTheNamesItSkips() throws {
        let envPath = dir.appendingPathComponent("envs")
        try FileManager.default.createDirectory(at: envPath, withIntermediateDirectories: true)
        try Data("not an env".utf8).write(to: envPath.appendingPathComponent("notes\u{202E}gpj.txt"))
        let r = try logstore(["--db", db, "import", envPath.path])
        assertTerminalSafe(r.stderr)
        XCTAssertTrue(r.stderr.contains("notes\\u{202e}gpj.txt"), r.stderr)
    }

    /// One 1 MB name is cut with … to 40 columns: the other rows are not padded to its width.
    func testAHugeNameIsCutWithAnEllipsisAndDoesNotPadOtherRows() throws {
        let huge = String(repeating: "n", count: 1 << 20)
        try importEnvs(["a", huge])
        for args in [["ls"], ["log"]] {
            let out = try logstore(["--db", db] + args).stdout
            let widest = out.split(separator: "\n").map(\.count).max() ?? 0
            XCTAssertLessThan(widest, 200, "\(args)")
            XCTAssertTrue(out.contains(String(repeating: "n", count: 39) + "…  "), "\(args): \(out.prefix(400))")
        }
        XCTAssertTrue(try logstore(["--db", db, "ls", "--json"]).stdout.contains(huge))
    }

    /// Display columns of `text` as a terminal shows them: CJK and emoji 2, the rest 1.
    func columns(_ text: Substring) -> Int {
        text.reduce(0) { n, c in
            let v = c.unicodeScalars.first!.value
            let wide =
                (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0x1F300...0x1FAFF).contains(v)
            return n + (wide ? 2 : 1)
        }
    }

    func testCJKAndEmojiNamesKeepTheColumnsAligned() throws {
        try importEnvs(["plain", "日本語の実験", "🚀run", "한국어", "ｆｕｌｌ"])
        for args in [["ls"], ["log"]] {
            let lines = try logstore(["--db", db] + args).stdout.split(separator: "\n")
            XCTAssertGreaterThan(lines.count, 5)
            // The column after ENV starts at the same display column on every line.
            let header = lines[0]
            let next = args == ["ls"] ? "WINDOWS" : "WINDOW"
            let start = columns(header[..<header.range(of: next)!.lowerBound])
            for line in lines.dropFirst() {
                let fields = line.split(separator: "  ", omittingEmptySubsequences: true)
                XCTAssertGreaterThan(fields.count, 3, String(line))
                // Cut the line at the start column: what comes before ends with padding or the ENV cell.
                var used = 0
                var index = line.startIndex
                while used < start && index < line.endIndex {
                    used += columns(line[index...index])
                    index = line.index(after: index)
                }
                XCTAssertEqual(used, start, String(line))
                if args == ["ls"] {
                    XCTAssertTrue(
                        line[index...].trimmingCharacters(in: .whitespaces).first?.isNumber ?? false, String(line))
                } else {
                    XCTAssertTrue(line[index...].hasPrefix("w ") || line[index...].hasPrefix("- "), String(line))
                }
            }
        }
    }
}
