import Foundation
import XCTest

/// Every `logstore` command that writes (import, follow, fork, compact) stops cleanly on
/// SIGINT and SIGTERM: it finishes what it is committing, checkpoints and closes the store, so
/// that the store file alone, copied without its `-wal` and `-shm`, reads back everything that
/// was written. Each test sends the signal to the real process.
final class StopSignalsTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
    }

    /// Copies the store file alone (no `-wal`, no `-shm`) to a new folder; returns the copy.
    func copyOfTheStoreFileAlone() throws -> String {
        let other = dir.appendingPathComponent("copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let copy = other.appendingPathComponent("s.db").path
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        return copy
    }

    /// `ls --json`, and `export` of each env, of the store at `path`.
    func reads(_ path: String) throws -> [String] {
        let ls = try logstore(["--db", path, "ls", "--json"])
        XCTAssertEqual(ls.status, 0, ls.stderr)
        let envs = ls.stdout.split(separator: "\n").compactMap {
            $0.firstMatch(of: /"env": "([^"]*)"/).map { String($0.1) }
        }
        XCTAssertFalse(envs.isEmpty)
        return try [ls.stdout] + envs.map { try logstore(["--db", path, "export", "--env", $0]).stdout }
    }

    /// The store file alone reads exactly as the store (with its WAL) does, and checks ok.
    func assertTheStoreFileAloneHoldsEverything(file: StaticString = #filePath, line: UInt = #line) throws {
        let copy = try copyOfTheStoreFileAlone()
        XCTAssertEqual(try logstore(["--db", copy, "check"]).stdout, "ok\n", file: file, line: line)
        XCTAssertTrue(try reads(copy) == reads(db), "the store file alone reads differently", file: file, line: line)
    }

    /// A replay log of one window and `appends` one-point appends.
    @discardableResult
    func bigLog(_ appends: Int, name: String = "run.jsonl") throws -> String {
        try writeLines([Lines.create()] + (1...appends).map { Lines.append($0) }, to: name, in: dir)
    }

    func epochs(_ path: String) throws -> Int {
        let r = try logstore(["--db", path, "log", "--json"])
        return r.stdout.split(separator: "\n").count - 1  // epoch 0 is the store's creation
    }

    func testSIGINTStopsAnImportAfterTheBatchItCommitsAndTheStoreFileAloneHoldsIt() throws {
        let log = try bigLog(100_000)
        let run = try RunningLogstore(["--db", db, "import", log], in: dir)
        try run.waitUntilItCatchesSignals()
        Thread.sleep(forTimeInterval: 0.5)
        let (status, stderr) = try run.stop(SIGINT)
        XCTAssertEqual(status, 130, stderr)
        XCTAssertTrue(
            stderr.hasSuffix("stopped by SIGINT: what was imported is kept; importing again resumes after it\n"), stderr
        )
        let kept = try epochs(db)
        XCTAssertTrue(kept > 0 && kept < 100_001, "stopped part-way: \(kept) epochs")
        XCTAssertTrue(stderr.contains("imported \(kept) messages, \(kept) points"), stderr)
        try assertTheStoreFileAloneHoldsEverything()
        // importing again resumes after what was kept
        let rest = try logstore(["--db", db, "import", log])
        XCTAssertTrue(rest.stderr.hasPrefix("imported \(100_001 - kept) messages"), rest.stderr)
    }

    func testSIGTERMStopsAnImportToo() throws {
        let log = try bigLog(100_000)
        let run = try RunningLogstore(["--db", db, "import", log], in: dir)
        try run.waitUntilItCatchesSignals()
        Thread.sleep(forTimeInterval: 0.5)
        let (status, stderr) = try run.stop(SIGTERM)
        XCTAssertEqual(status, 143, stderr)
        XCTAssertTrue(
            stderr.hasSuffix("stopped by SIGTERM: what was imported is kept; importing again resumes after it\n"),
            stderr)
        try assertTheStoreFileAloneHoldsEverything()
    }

    func testSIGTERMStopsFollowAndTheStoreFileAloneHoldsWhatItImported() throws {
        let log = try bigLog(500)
        let run = try RunningLogstore(["--db", db, "follow", log], in: dir)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (FileManager.default.fileExists(atPath: db) ? try epochs(db) : 0) < 501 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let (status, stderr) = try run.stop(SIGTERM)
        XCTAssertEqual(status, 0, stderr)
        XCTAssertEqual(try epochs(db), 501)
        try assertTheStoreFileAloneHoldsEverything()
    }

    /// A store big enough that forking and compacting it take a moment.
    func bigStore() throws {
        let lines =
            [Lines.create()]
            + (1...3000).map { i in
                #"["update", {"data": [{"x": \#(Array(i * 100..<i * 100 + 100)), "y": \#(Array(0..<100))}], "win": "w", "eid": "main", "append": true}]"#
            }
        let log = try writeLines(lines, to: "bulk.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
    }

    func testSIGTERMDuringAForkLetsItFinishThenClosesTheStore() throws {
        try bigStore()
        let run = try RunningLogstore(["--db", db, "fork", "--env", "main", "--to", "copy"], in: dir)
        try run.waitUntilItCatchesSignals()
        let (status, stderr) = try run.stop(SIGTERM)
        XCTAssertEqual(status, 0, stderr)
        XCTAssertTrue(stderr.hasPrefix("forked main to copy at epoch 3002"), stderr)
        try assertTheStoreFileAloneHoldsEverything()
        let copy = try copyOfTheStoreFileAlone()
        let withoutContentIDs = { (json: String) in json.replacing(/"contentID": "[^"]*"/, with: "") }
        XCTAssertTrue(
            try withoutContentIDs(logstore(["--db", copy, "export", "--env", "copy"]).stdout)
                == withoutContentIDs(logstore(["--db", copy, "export", "--env", "main"]).stdout),
            "the fork is in the store file")
    }

    func testSIGINTDuringACompactionLetsItFinishThenClosesTheStore() throws {
        try bigStore()
        let before = try reads(db)
        let run = try RunningLogstore(["--db", db, "compact"], in: dir)
        try run.waitUntilItCatchesSignals()
        let (status, stderr) = try run.stop(SIGINT)
        XCTAssertEqual(status, 0, stderr)
        XCTAssertTrue(try reads(db).dropFirst() == before.dropFirst(), "every export is unchanged")
        try assertTheStoreFileAloneHoldsEverything()
    }
}
