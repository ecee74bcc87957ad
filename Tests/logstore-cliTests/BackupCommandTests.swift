import Foundation
import XCTest

/// `logstore backup --to FILE`: a consistent copy of a store that another process keeps
/// writing, checked, and never over an existing file.
final class BackupCommandTests: XCTestCase {
    func testBackupsTakenWhileAnImportWritesAreEachTheStoreAsOfOneEpoch() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("live.db").path
        var lines = (0..<4).map { Lines.create("w\($0)") }
        for i in 1...20_000 { lines.append(Lines.append(i, win: "w\(i % 4)")) }
        let log = try writeLines(lines, to: "log.jsonl", in: dir)
        let writer = try RunningLogstore(["--db", db, "import", log], in: dir)
        var copies: [(path: String, epoch: Int64)] = []
        for k in 0..<3 {
            while !FileManager.default.fileExists(atPath: db) { Thread.sleep(forTimeInterval: 0.01) }
            Thread.sleep(forTimeInterval: 0.2)
            let copy = dir.appendingPathComponent("copy\(k).db").path
            let r = try logstore(["--db", db, "backup", "--to", copy])
            XCTAssertEqual(r.status, 0, r.stderr)
            let epoch = try XCTUnwrap(
                r.stdout.firstMatch(of: #/backed up epochs 0…(\d+) to /#).flatMap { Int64($0.1) }, r.stdout)
            XCTAssertTrue(r.stdout.hasSuffix(", check ok\n"), r.stdout)
            XCTAssertFalse(FileManager.default.fileExists(atPath: copy + "-wal"), "the copy is one file")
            copies.append((copy, epoch))
        }
        let (status, stderr) = try writer.stop(0)  // signal 0: just wait for it to finish
        XCTAssertEqual(status, 0, stderr)
        XCTAssertLessThan(copies[0].epoch, 20_004, "the first copy was taken while the import was running")
        for (copy, epoch) in copies {
            XCTAssertEqual(try logstore(["--db", copy, "check"]).stdout, "ok\n")
            XCTAssertEqual(
                try logstore(["--db", copy, "export", "--env", "main"]).stdout,
                try logstore(["--db", db, "export", "--env", "main", "--as-of", String(epoch)]).stdout,
                "copy as of \(epoch)")
        }
    }

    func testABackupNeverOverwritesAFile() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("s.db").path
        let log = try writeLines([Lines.create(), Lines.append(1)], to: "log.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
        let existing = dir.appendingPathComponent("existing").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        let r = try logstore(["--db", db, "backup", "--to", existing])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "Error: \(existing): already exists; a backup never overwrites a file\n")
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "keep me")
        XCTAssertEqual(try logstore(["--db", db, "backup"]).status, 64, "--to is required")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("partial") }, [])
    }
}
