import Foundation
import XCTest

@testable import LogStore

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

    /// Counts read from the store itself: epochs before `epoch` (rows and sealed), block rows that start at or
    /// before it, and the per-epoch segments those blocks record up to it.
    func sealedHistory(upTo epoch: Int64) throws -> (epochs: Int64, blocks: Int, segments: Int) {
        let c = try Connection(path: db, mode: .readOnly)
        defer { try? c.close() }
        let epochs =
            try c.int(
                """
                SELECT (SELECT count(*) FROM epoch WHERE epoch < ?1)
                  + (SELECT coalesce(sum(min(last_epoch, ?1 - 1) - first_epoch + 1), 0) FROM epoch_run WHERE first_epoch < ?1)
                """, [.integer(epoch)]) ?? -1
        let sql = "SELECT epochs, first_epoch FROM block WHERE first_epoch <= ?"
        let blocks = try c.all(sql, [.integer(epoch)]) { st in
            var row = st.columns
            let bytes = row.blob()
            let first = row.int64()
            return try bytes.withUnsafeBytes { try BlockEpochs.decode($0, firstEpoch: first) }
        }
        return (epochs, blocks.count, blocks.reduce(0) { $0 + $1.filter { $0.epoch <= epoch }.count })
    }

    func testCompactingASealedStoreSaysHowMuchHistoryItDropped() throws {
        XCTAssertEqual(try logstore(["--db", db, "compact"]).status, 0)
        let kept = try export(asOf: 297).stdout
        let before = try sealedHistory(upTo: 297)
        XCTAssertGreaterThan(before.segments, before.blocks)
        let r = try logstore(["--db", db, "compact", "--keep-last", "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The x and the y series each keep one merged segment up to 297, in one rewritten block.
        let after = try sealedHistory(upTo: 297)
        XCTAssertEqual(after.segments, 2)
        XCTAssertTrue(
            r.stdout.hasPrefix(
                "compacted history before epoch 297: \(before.epochs) epochs compacted, 0 rows deleted, "
                    + "\(before.segments) segments merged (\(before.blocks) blocks rewritten), "), r.stdout)
        XCTAssertEqual(try export(asOf: 297).stdout, kept)
        XCTAssertEqual(try export(asOf: 296).status, 1)
        let again = try logstore(["--db", db, "compact", "--keep-last", "5"])
        XCTAssertTrue(
            again.stdout.hasPrefix(
                "compacted history before epoch 297: 0 epochs compacted, 0 rows deleted, 0 segments merged (0 blocks rewritten), "
            ), again.stdout)
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
