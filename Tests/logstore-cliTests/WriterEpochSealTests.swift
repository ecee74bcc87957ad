import Foundation
import XCTest

@testable import LogStore

/// The writer seals epoch rows as it imports (`EpochSealer.sealRecent`): a live log imported by
/// the built binary reads, through `log` (table, JSON, filters), `export --as-of`, `export
/// --since` and `check`, exactly as the same log imported with the writer's epoch seal turned
/// off (`LOGSTORE_WRITER_EPOCH_RUN=0`), times aside; its epochs are in runs and its file smaller.
final class WriterEpochSealTests: XCTestCase {
    func testALiveLogImportedWithEpochSealsReadsAsOneImportedWithout() throws {
        let dir = try temporaryDirectory(self)
        var lines = [Lines.create("loss"), Lines.create("acc")]
        for i in 1...700 {
            lines.append(Lines.append(i, win: i % 3 == 0 ? "acc" : "loss"))
            if i % 97 == 0 { lines.append(#"["events", {"data": 5, "win": "bad", "eid": "main"}]"#) }
            if i % 151 == 0 { lines.append(Lines.append(i, win: "missing", env: "other")) }
        }
        try writeLines(lines, to: "train.jsonl", in: dir)
        let sealed = dir.appendingPathComponent("sealed.db").path
        let plain = dir.appendingPathComponent("plain.db").path
        XCTAssertEqual(try logstore(["--db", sealed, "import", "train.jsonl"], cwd: dir).status, 0)
        XCTAssertEqual(
            try logstore(
                ["--db", plain, "import", "train.jsonl"], environment: ["LOGSTORE_WRITER_EPOCH_RUN": "0"], cwd: dir
            ).status, 0)

        func count(_ db: String, _ sql: String) throws -> Int64 {
            try Connection(path: db, mode: .readOnly).int(sql, []) ?? -1
        }
        XCTAssertEqual(try count(plain, "SELECT count(*) FROM epoch_run"), 0)
        XCTAssertGreaterThan(try count(sealed, "SELECT count(*) FROM epoch_run"), 1)
        XCTAssertLessThan(try count(sealed, "SELECT count(*) FROM epoch"), 300)
        let size = { (path: String) in try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 }
        XCTAssertLessThan(try size(sealed), try size(plain))

        let withoutTimes = { (text: String) in
            text.replacingOccurrences(
                of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"#, with: "TIME", options: .regularExpression)
        }
        let last = lines.count
        var reads: [[String]] = [
            ["check"], ["log"], ["log", "--json"], ["log", "--json", "--env", "other"], ["log", "--limit", "9"],
            ["log", "--json", "--since", "250", "--until", "530"],
        ]
        for epoch in [1, 255, 256, 257, 300, 511, 512, 600, last - 1, last] {
            reads.append(["export", "--env", "main", "--as-of", "\(epoch)"])
            reads.append(["export", "--env", "main", "--since", "\(epoch)"])
        }
        for args in reads {
            let a = try logstore(["--db", sealed] + args + ["--no-pager"].filter { _ in args[0] == "log" })
            let b = try logstore(["--db", plain] + args + ["--no-pager"].filter { _ in args[0] == "log" })
            XCTAssertEqual(a.status, 0, "\(args): \(a.stderr)")
            XCTAssertEqual(withoutTimes(a.stdout), withoutTimes(b.stdout), "\(args)")
            XCTAssertEqual(a.stderr, b.stderr, "\(args)")
        }
    }
}
