import Foundation
import LogStore
import XCTest

/// `export --as-of/--since/--max-points`, `log --since`, `fork`, `compact`, `--durability`.
final class TimeTravelCommandTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        var lines = [Lines.create("w", x: [0], y: [0])]
        for i in 1...20 { lines.append(Lines.append(i)) }
        let log = try writeLines(lines, to: "l.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
    }

    func xs(_ stdout: String) throws -> [JSONValue] {
        try JSONReader.parse(stdout)["content"]?["data"]?.arrayValue?[0]["x"]?.arrayValue ?? []
    }

    func testExportAsOfAnEpochShowsTheWindowAsItWasThen() throws {
        let r = try logstore(["--db", db, "export", "--env", "main", "--window", "w", "--as-of", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try xs(r.stdout), [0, 1, 2])
        XCTAssertEqual(
            try logstore(["--db", db, "export", "--env", "main", "--as-of", "99"]),
            CLIResult(stdout: "", stderr: "Error: no epoch 99 in this store\n", status: 1))
    }

    func testExportSincePrintsOnlyTheNewPoints() throws {
        let r = try logstore(["--db", db, "export", "--env", "main", "--since", "19"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(
            r.stdout,
            #"{"env": "main", "since": 19, "up_to": 21, "deleted": false, "windows": {"w": {"append": [{"path": ["content", "data", 0, "x"], "values": [19, 20]}, {"path": ["content", "data", 0, "y"], "values": [19, 20]}]}}}"#
                + "\n")
    }

    func testMaxPointsNeedsAWindowAndKeepsTheEnds() throws {
        let r = try logstore(["--db", db, "export", "--env", "main", "--window", "w", "--max-points", "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let x = try xs(r.stdout)
        XCTAssertLessThanOrEqual(x.count, 5)
        XCTAssertEqual(x.first, 0)
        XCTAssertEqual(x.last, 20)
        XCTAssertEqual(try logstore(["--db", db, "export", "--env", "main", "--max-points", "5"]).status, 64)
    }

    func testLogSinceListsOnlyLaterEpochs() throws {
        let r = try logstore(["--db", db, "log", "--since", "19", "--json"])
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 2)
        XCTAssertTrue(r.stdout.hasPrefix(#"{"epoch": 21, "#), r.stdout)
    }

    func testForkAsOfAndCompactKeepTheCurrentExportIdentical() throws {
        let fork = try logstore([
            "--db", db, "fork", "--env", "main", "--to", "early", "--as-of", "2", "--durability", "full",
        ])
        XCTAssertEqual(fork, CLIResult(stdout: "", stderr: "forked main to early at epoch 22\n", status: 0))
        XCTAssertEqual(try xs(try logstore(["--db", db, "export", "--env", "early", "--window", "w"]).stdout), [0, 1])
        let before = try logstore(["--db", db, "export", "--env", "main"]).stdout
        let early = try logstore(["--db", db, "export", "--env", "main", "--as-of", "3"]).stdout
        let seal = try logstore(["--db", db, "compact"])
        XCTAssertEqual(seal.status, 0, seal.stderr)
        XCTAssertTrue(seal.stdout.hasPrefix("kept all history: "), seal.stdout)
        XCTAssertTrue(seal.stdout.contains(" segments sealed into "), seal.stdout)
        XCTAssertEqual(try logstore(["--db", db, "export", "--env", "main"]).stdout, before)
        XCTAssertEqual(try logstore(["--db", db, "export", "--env", "main", "--as-of", "3"]).stdout, early)
        let compact = try logstore(["--db", db, "compact", "--before", "22"])
        XCTAssertEqual(compact.status, 0, compact.stderr)
        XCTAssertTrue(compact.stdout.hasPrefix("compacted history before epoch 22: "), compact.stdout)
        XCTAssertEqual(try logstore(["--db", db, "export", "--env", "main"]).stdout, before)
        XCTAssertEqual(
            try logstore(["--db", db, "export", "--env", "main", "--as-of", "3"]),
            CLIResult(
                stdout: "", stderr: "Error: history before epoch 22 was compacted; it can no longer be read\n",
                status: 1))
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
    }

    func testAnUnknownDurabilityIsAUsageError() throws {
        let r = try logstore(["--db", db, "import", "--durability", "fast", dir.appendingPathComponent("l.jsonl").path])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--durability"), r.stderr)
    }
}
