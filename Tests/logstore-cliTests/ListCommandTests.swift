import Foundation
import XCTest

/// `logstore ls`: envs and windows as tables aligned by display width, or JSON lines.
final class ListCommandTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        let log = try writeLines(
            [
                Lines.create("loss", x: [0, 1, 2], y: [3, 2, 1]),
                Lines.append(3, win: "loss"),
                #"["events", {"data": [{"z": [[1, 2], [3, 4]], "type": "heatmap"}], "win": "hm", "eid": "main", "layout": {}, "opts": {"title": "heat"}}]"#,
                #"["events", {"data": [{"content": "hello", "type": "text"}], "win": "note", "eid": "main", "opts": {"title": "notes"}}]"#,
                #"["events", {"data": [{"x": [1], "y": [2], "name": "a", "type": "scatter"}, {"x": [1, 2], "y": [3, 4], "name": "b", "type": "scatter"}], "win": "窓😀", "eid": "実験", "layout": {}, "opts": {"title": "損失 📉"}}]"#,
            ], to: "l.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
    }

    /// A trace counts each point once: 3 + 1 appended for `loss`, 2 heatmap rows, none for text.
    /// SIZE is the bytes of the stored values: the append's pack row adds its parts' five
    /// one-byte varints each (docs/FORMAT.md, "Pack rows").
    func testEnvsAreListedWithWindowsPointsSizeAndLastEpoch() throws {
        XCTAssertEqual(
            try logstore(["--db", db, "ls"]),
            CLIResult(
                stdout: """
                    ENV   WINDOWS  POINTS  SIZE  LAST EPOCH
                    main        3       6  45 B           4
                    実験        1       3  12 B           5

                    """, stderr: "", status: 0))
    }

    func testWindowsAreAlignedByDisplayWidth() throws {
        XCTAssertEqual(
            try logstore(["--db", db, "ls", "--env", "main"]),
            CLIResult(
                stdout: """
                    WINDOW  TYPE          TITLE  TRACES  POINTS  LAST EPOCH
                    loss    plot/scatter  loss        1       4           2
                    hm      plot/heatmap  heat        1       2           3
                    note    text          notes       0       0           4

                    """, stderr: "", status: 0))
        XCTAssertEqual(
            try logstore(["--db", db, "ls", "--env", "実験"]),
            CLIResult(
                stdout: """
                    WINDOW  TYPE          TITLE    TRACES  POINTS  LAST EPOCH
                    窓😀    plot/scatter  損失 📉       2       3           5

                    """, stderr: "", status: 0))
    }

    func testJSONPrintsOneObjectPerLine() throws {
        XCTAssertEqual(
            try logstore(["--db", db, "ls", "--env", "実験", "--json"]).stdout,
            """
            {"id": "窓😀", "type": "plot/scatter", "title": "損失 📉", "traces": 2, "points": 3, "last_epoch": 5}

            """)
        let envs = try logstore(["--db", db, "ls", "--json"]).stdout.split(separator: "\n")
        XCTAssertEqual(envs.count, 2)
        XCTAssertTrue(envs[0].hasPrefix(#"{"env": "main", "windows": 3, "points": 6, "bytes": "#), String(envs[0]))
    }

    func testAMissingEnvIsAnError() throws {
        XCTAssertEqual(
            try logstore(["--db", db, "ls", "--env", "nope"]),
            CLIResult(stdout: "", stderr: "Error: no env named 'nope'\n", status: 1))
    }

    func testControlCharactersInNamesAreShownEscaped() throws {
        let log = try writeLines([Lines.create(#"a\tb\u001b[31m"#, env: "main")], to: "ctl.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
        XCTAssertTrue(try logstore(["--db", db, "ls", "--env", "main"]).stdout.contains(#"a\tb\u{1b}[31m"#))
    }
}
