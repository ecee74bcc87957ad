import Foundation
import XCTest

/// `logstore compact`: sealing keeps every epoch readable; --before, --keep-last and
/// --older-than drop history and say how much.
final class CompactCommandTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("c.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        let log = try writeLines([Lines.create()] + (1...300).map { Lines.append($0) }, to: "log.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
    }

    func export(asOf epoch: Int) throws -> CLIResult {
        try logstore(["--db", db, "export", "--env", "main", "--as-of", String(epoch)])
    }

    func testCompactSealsAndKeepsEveryEpoch() throws {
        let epochs = Array(stride(from: 0, through: 301, by: 20)) + [127, 128, 129, 255, 256, 257, 300, 301]
        let before = try epochs.map { try export(asOf: $0).stdout }
        let r = try logstore(["--db", db, "compact"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("kept all history: "), r.stdout)
        XCTAssertEqual(try epochs.map { try export(asOf: $0).stdout }, before)
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
    }

    func testKeepLastDropsTheHistoryOfAllButTheLastNEpochs() throws {
        let kept = try export(asOf: 297).stdout
        let r = try logstore(["--db", db, "compact", "--keep-last", "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("compacted history before epoch 297: "), r.stdout)
        XCTAssertTrue(r.stdout.contains(" rows deleted, "), r.stdout)
        XCTAssertEqual(try export(asOf: 297).stdout, kept)
        XCTAssertEqual(
            try export(asOf: 296).stderr, "Error: history before epoch 297 was compacted; it can no longer be read\n")
    }

    func testOlderThanDropsTheHistoryWrittenBeforeThatAge() throws {
        // Every epoch was written just now: 30 days drops nothing; 0 seconds, all but the newest.
        let all = try logstore(["--db", db, "compact", "--older-than", "30d"])
        XCTAssertTrue(all.stdout.hasPrefix("compacted history before epoch 0: "), all.stdout)
        XCTAssertEqual(try export(asOf: 0).status, 0)
        Thread.sleep(forTimeInterval: 0.01)
        let none = try logstore(["--db", db, "compact", "--older-than", "0s"])
        XCTAssertTrue(none.stdout.hasPrefix("compacted history before epoch 301: "), none.stdout)
        XCTAssertEqual(try export(asOf: 300).status, 1)
    }

    func testConflictingOrMalformedOptionsAreRefusedAndChangeNothing() throws {
        let both = try logstore(["--db", db, "compact", "--before", "3", "--keep-last", "2"])
        XCTAssertEqual(
            both, CLIResult(stdout: "", stderr: "Error: --before and --keep-last: give one of them\n", status: 1))
        let age = try logstore(["--db", db, "compact", "--older-than", "3w"])
        XCTAssertEqual(
            age.stderr, "Error: --older-than 3w: expected a number and a unit, such as 30d, 12h, 90m or 45s\n")
        XCTAssertEqual(try export(asOf: 1).status, 0)
    }
}
