import Foundation
import XCTest

/// `logstore export`: visdom JSON on stdout, `--pretty`, and `--output` written atomically.
final class ExportCommandTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        let log = try writeLines(
            [
                #"["events", {"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "main", "opts": {"title": "T"}}]"#
            ],
            to: "l.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
    }

    func testPrettyIndentsAsJsonDumpsWithIndentTwo() throws {
        let r = try logstore(["--db", db, "export", "--env", "main", "--pretty"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix("{\n  \"jsons\": {\n    \"t\": {\n      \"command\": \"window\",\n"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("\n  \"reload\": {}\n}\n"), r.stdout)
    }

    func testOutputWritesTheSameBytesToTheFileAndNothingToStdout() throws {
        let out = dir.appendingPathComponent("main.json")
        try Data("old content".utf8).write(to: out)
        let printed = try logstore(["--db", db, "export", "--env", "main"])
        XCTAssertEqual(
            try logstore(["--db", db, "export", "--env", "main", "--output", out.path]),
            CLIResult(stdout: "", stderr: "", status: 0))
        XCTAssertEqual(String(decoding: try Data(contentsOf: out), as: UTF8.self), printed.stdout)
        // no temporary file is left next to it
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".main.json") }, [])
    }

    func testOutputDashIsStdout() throws {
        XCTAssertEqual(
            try logstore(["--db", db, "export", "--env", "main", "--output", "-"]),
            try logstore(["--db", db, "export", "--env", "main"]))
    }

    func testAnExportThatFailsLeavesTheOutputFileAsItWas() throws {
        let out = dir.appendingPathComponent("w.json")
        try Data("keep me".utf8).write(to: out)
        XCTAssertEqual(
            try logstore(["--db", db, "export", "--env", "main", "--window", "nope", "--output", out.path]),
            CLIResult(stdout: "", stderr: "Error: no window 'nope' in env 'main'\n", status: 1))
        XCTAssertEqual(try Data(contentsOf: out), Data("keep me".utf8))
    }

    func testAnOutputInAMissingDirectoryIsAnError() throws {
        let out = dir.appendingPathComponent("no/such/w.json").path
        XCTAssertEqual(
            try logstore(["--db", db, "export", "--env", "main", "--output", out]),
            CLIResult(stdout: "", stderr: "Error: \(out): no such file or directory\n", status: 1))
    }

    func testAMissingStoreIsAnError() throws {
        let missing = dir.appendingPathComponent("none.db").path
        XCTAssertEqual(
            try logstore(["--db", missing, "export", "--env", "main"]),
            CLIResult(stdout: "", stderr: "Error: \(missing): no such file\n", status: 1))
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
    }
}
