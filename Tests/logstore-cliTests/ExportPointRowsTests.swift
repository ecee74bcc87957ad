import Foundation
import XCTest

/// `export --format csv|jsonl`: one row per point (env, window, trace, index, x, y) of the
/// plots, every value exact, NaN/Infinity/-Infinity/null told apart, other panes named.
final class ExportPointRowsTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        let log = try writeLines(
            [
                #"["events", {"data": [{"x": [1, 2, 3, 4, 5], "y": [0.30000000000000004, NaN, null, Infinity, -Infinity], "name": "train", "type": "scatter"}, {"x": [1, 2], "y": [12345678901234567890, -0.0], "name": "va\"l,1", "type": "scatter"}], "win": "loss", "eid": "run", "layout": {}, "opts": {}}]"#,
                #"["update", {"data": [{"x": [6], "y": [1e-310]}], "win": "loss", "eid": "run", "append": true, "name": "train"}]"#,
                #"["events", {"data": [{"x": ["a", "NaN"], "y": [1, true], "type": "bar"}, {"y": [7, 8], "type": "box"}], "win": "bars", "eid": "run", "layout": {}, "opts": {}}]"#,
                #"["events", {"data": [{"z": [[1, 2], [3, 4]], "type": "heatmap"}], "win": "hm", "eid": "run", "layout": {}, "opts": {}}]"#,
                #"["events", {"data": [{"content": "hi", "type": "text"}], "win": "notes", "eid": "run", "opts": {}}]"#,
            ], to: "l.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
    }

    func testCSVHasOneRowPerPointWithStringsQuotedAndSpecialNumbersNamed() throws {
        let r = try logstore(["--db", db, "export", "--env", "run", "--format", "csv"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(
            r.stdout,
            [
                #""env","window","trace","index","x","y""#,
                #""run","loss","train",0,1,0.30000000000000004"#,
                #""run","loss","train",1,2,NaN"#,
                #""run","loss","train",2,3,"#,
                #""run","loss","train",3,4,Infinity"#,
                #""run","loss","train",4,5,-Infinity"#,
                #""run","loss","train",5,6,1e-310"#,
                #""run","loss","va""l,1",0,1,12345678901234567890"#,
                #""run","loss","va""l,1",1,2,-0.0"#,
                #""run","bars",0,0,"a",1"#,
                #""run","bars",0,1,"NaN","true""#,
                #""run","bars",1,0,,7"#,
                #""run","bars",1,1,,8"#,
            ].map { $0 + "\r\n" }.joined())
        XCTAssertEqual(
            r.stderr, "not written (no x/y points; --format json has them): 'hm' (heatmap trace 0), 'notes' (text)\n")
    }

    func testJSONLinesKeepEveryValueAndLeaveOutWhatATraceDoesNotHave() throws {
        let r = try logstore(["--db", db, "export", "--env", "run", "--window", "bars", "--format", "jsonl"])
        XCTAssertEqual(
            r.stdout,
            """
            {"env": "run", "window": "bars", "trace": 0, "index": 0, "x": "a", "y": 1}
            {"env": "run", "window": "bars", "trace": 0, "index": 1, "x": "NaN", "y": true}
            {"env": "run", "window": "bars", "trace": 1, "index": 0, "y": 7}
            {"env": "run", "window": "bars", "trace": 1, "index": 1, "y": 8}

            """)
        XCTAssertEqual(r.stderr, "")
    }

    /// Python's csv and float() read every number back bit for bit, and json.loads reads the
    /// JSON lines back equal to the window's traces in the JSON export.
    func testPythonReadsBothFormatsBackExactly() throws {
        guard
            let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(
                where: FileManager.default.isExecutableFile)
        else {
            throw XCTSkip("no python3")
        }
        for format in ["csv", "jsonl", "json"] {
            let out = dir.appendingPathComponent("run.\(format)")
            XCTAssertEqual(
                try logstore([
                    "--db", db, "export", "--env", "run", "--window", "loss", "--format", format, "--output", out.path,
                ]).status, 0)
        }
        let script = """
            import csv, json, math, struct, sys
            d = sys.argv[1]
            window = json.load(open(d + "/run.json"))
            traces = {t["name"]: t for t in window["content"]["data"]}
            def same(a, b):
                if isinstance(a, float) and isinstance(b, float):
                    return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))
                return type(a) == type(b) and a == b
            n = 0
            with open(d + "/run.csv", newline="") as f:
                rows = list(csv.reader(f))
            assert rows[0] == ["env", "window", "trace", "index", "x", "y"], rows[0]
            for env, win, trace, index, x, y in rows[1:]:
                want = traces[trace]["y"][int(index)]
                got = None if y == "" else (int(y) if y.lstrip("-").isdigit() else float(y))
                assert same(got, want), (trace, index, y, want)
                n += 1
            for line in open(d + "/run.jsonl"):
                row = json.loads(line)
                t = traces[row["trace"]]
                assert same(row["x"], t["x"][row["index"]]) and same(row["y"], t["y"][row["index"]]), row
                n += 1
            print(n)
            """
        let r = try runProcess(python, ["-c", script, dir.path])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "16\n")
    }

    func testFormatMistakesAreUsageErrors() throws {
        XCTAssertEqual(
            try logstore(["--db", db, "export", "--env", "run", "--format", "xml"]),
            CLIResult(
                stdout: "", stderr: "Error: invalid value 'xml' for --format FORMAT: expected json, csv or jsonl\n",
                status: 64))
        XCTAssertEqual(
            try logstore(["--db", db, "export", "--env", "run", "--format", "csv", "--since", "1"]).status, 64)
        XCTAssertEqual(try logstore(["--db", db, "export", "--env", "run", "--format", "csv", "--pretty"]).status, 64)
    }

    /// --as-of and --max-points apply before the rows are written.
    func testAsOfAndMaxPointsApply() throws {
        let before = try logstore([
            "--db", db, "export", "--env", "run", "--window", "loss", "--format", "jsonl", "--as-of", "1",
        ])
        XCTAssertEqual(before.stdout.split(separator: "\n").count, 7)  // without the append of epoch 2
        let few = try logstore([
            "--db", db, "export", "--env", "run", "--window", "loss", "--format", "csv", "--max-points", "2",
        ])
        XCTAssertEqual(few.status, 0, few.stderr)
        XCTAssertLessThan(few.stdout.split(separator: "\n").count, 10)
    }
}
