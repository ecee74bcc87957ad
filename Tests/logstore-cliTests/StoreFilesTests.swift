import Foundation
import XCTest

/// `export --output` refuses every path that is the store or its `-wal` or `-shm` file, however
/// it is spelled (`./`, `..`, an absolute path, a symbolic link, a hard link), with exit 1 and
/// the store left byte for byte as it was.
final class StoreFilesTests: XCTestCase {
    var dir: URL!
    var db: String { dir.appendingPathComponent("s.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        let log = try writeLines([Lines.create(), Lines.append(1)], to: "l.jsonl", in: dir)
        XCTAssertEqual(try logstore(["--db", db, "import", log]).status, 0)
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    func testEveryNameOfTheStoreOrItsWALAndSHMFilesIsRefusedAndNothingIsWritten() throws {
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("sub/link.db").path, withDestinationPath: "../s.db")
        try FileManager.default.linkItem(atPath: db, toPath: dir.appendingPathComponent("hard.db").path)
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("wal-link").path, withDestinationPath: "s.db-wal")
        let before = (bytes(db), try logstore(["--db", db, "export", "--env", "main"]).stdout)
        XCTAssertNotNil(before.0)
        let cases: [(output: String, what: String)] = [
            ("s.db", "the store s.db"), ("./s.db", "the store s.db"), ("sub/../s.db", "the store s.db"),
            (db, "the store s.db"), ("sub/link.db", "the store s.db"), ("hard.db", "the store s.db"),
            ("s.db-wal", "the store's -wal file (s.db-wal)"), ("./sub/../s.db-shm", "the store's -shm file (s.db-shm)"),
            ("wal-link", "the store's -wal file (s.db-wal)"),
        ]
        for c in cases {
            let r = try logstore(["--db", "s.db", "export", "--env", "main", "--output", c.output], cwd: dir)
            XCTAssertEqual(
                r,
                CLIResult(
                    stdout: "", stderr: "Error: \(c.output): is \(c.what); nothing written (choose another --output)\n",
                    status: 1), c.output)
        }
        XCTAssertEqual(bytes(db), before.0, "the store file is untouched")
        XCTAssertEqual(try logstore(["--db", db, "export", "--env", "main"]).stdout, before.1)
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
    }

    func testAWALFileThatDoesNotExistYetIsRefusedByItsName() throws {
        try? FileManager.default.removeItem(atPath: db + "-wal")
        try? FileManager.default.removeItem(atPath: db + "-shm")
        let r = try logstore(["--db", db, "export", "--env", "main", "--output", db + "-wal"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db + "-wal"), "nothing written")
    }

    func testAnotherFileNextToTheStoreIsWritten() throws {
        let r = try logstore(["--db", db, "export", "--env", "main", "--output", db + ".json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(
            bytes(db + ".json").map { String(decoding: $0, as: UTF8.self) },
            try logstore(["--db", db, "export", "--env", "main"]).stdout)
    }
}
