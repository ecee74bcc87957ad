import Foundation
import XCTest

/// `logstore fork`: refuses to replace an existing env unless `--replace`, takes both names as
/// visdom takes them ('/' becomes '_'), and refuses an empty name for either option alike.
final class ForkCommandTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        let log = try writeLines(
            [Lines.create(), Lines.append(1), Lines.create("v", env: "other", x: [7], y: [7])], to: "l.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
    }

    func export(_ env: String) throws -> String { try logstore(["--db", db, "export", "--env", env]).stdout }
    func lastEpoch() throws -> String {
        String(
            try logstore(["--db", db, "log", "--json", "--limit", "1"]).stdout.firstMatch(of: /"epoch": (\d+)/)?.1 ?? ""
        )
    }

    func testForkingOntoAnExistingEnvIsRefusedUnlessReplace() throws {
        let before = (try export("other"), try lastEpoch())
        XCTAssertEqual(
            try logstore(["--db", db, "fork", "--env", "main", "--to", "other"]),
            CLIResult(
                stdout: "", stderr: "Error: an env named 'other' exists; nothing forked (--replace replaces it)\n",
                status: 1))
        XCTAssertEqual(try export("other"), before.0, "the existing env is untouched")
        XCTAssertEqual(try lastEpoch(), before.1, "no epoch was written")

        XCTAssertEqual(
            try logstore(["--db", db, "fork", "--env", "main", "--to", "other", "--replace"]),
            CLIResult(stdout: "", stderr: "forked main to other at epoch 4\n", status: 0))
        let withoutIDs = { (s: String) in s.replacing(/"contentID": "[^"]*"/, with: "") }
        XCTAssertEqual(withoutIDs(try export("other")), withoutIDs(try export("main")))
        // the replaced env is still there as of before the fork
        XCTAssertEqual(try logstore(["--db", db, "export", "--env", "other", "--as-of", "3"]).stdout, before.0)
    }

    func testNamesAreEscapedAsVisdomEscapesThem() throws {
        XCTAssertEqual(
            try logstore(["--db", db, "fork", "--env", "main", "--to", "runs/a"]),
            CLIResult(stdout: "", stderr: "forked main to runs_a at epoch 4\n", status: 0))
        XCTAssertTrue(try logstore(["--db", db, "ls"]).stdout.contains("runs_a"))
        // and the source name too: runs/a is the env runs_a
        XCTAssertEqual(try logstore(["--db", db, "fork", "--env", "runs/a", "--to", "b"]).status, 0)
        XCTAssertEqual(
            try logstore(["--db", db, "fork", "--env", "main", "--to", "runs_a"]).status, 1, "runs_a exists")
    }

    func testAnEmptyNameIsRefusedTheSameWayForEitherOption() throws {
        let before = try lastEpoch()
        XCTAssertEqual(
            try logstore(["--db", db, "fork", "--env", "", "--to", "x"]),
            CLIResult(
                stdout: "", stderr: "Error: invalid value '' for --env ENV: expected an env name\n", status: 64))
        XCTAssertEqual(
            try logstore(["--db", db, "fork", "--env", "main", "--to", ""]),
            CLIResult(
                stdout: "", stderr: "Error: invalid value '' for --to NEW: expected an env name\n", status: 64))
        XCTAssertEqual(try logstore(["--db", db, "fork", "--env", "main", "--to", "main", "--replace"]).status, 64)
        XCTAssertEqual(try lastEpoch(), before)
    }
}
