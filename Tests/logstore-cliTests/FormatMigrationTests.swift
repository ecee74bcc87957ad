import Foundation
import XCTest

@testable import LogStore

/// A store written in format version 1 (`Tests/Fixtures/format-v1`, made by the last version-1
/// build): read-only commands read it as it is, the first writable open upgrades it, and both
/// print exactly what the version-1 build printed for it.
final class FormatMigrationTests: XCTestCase {
    let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/format-v1")
    var dir: URL!
    var db: String { dir.appendingPathComponent("v1.db").path }

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self)
        try FileManager.default.copyItem(atPath: fixture.appendingPathComponent("v1.db").path, toPath: db)
    }

    /// Every read the fixture's `expected/` files hold, with the file holding its output.
    let reads: [(arguments: [String], expected: String)] =
        ["eval", "eval_copy", "forked", "main", "other", "train"].map { (["export", "--env", $0], "\($0).json") } + [
            (["export", "--env", "main", "--as-of", "500"], "main@500.json"),
            (["export", "--env", "main", "--since", "1000"], "main-since-1000.json"),
            (["ls", "--json"], "ls.jsonl"),
            (["ls", "--env", "main", "--json"], "ls-main.jsonl"),
        ]

    func assertReadsPrintWhatVersion1Printed(file: StaticString = #filePath, line: UInt = #line) throws {
        for read in reads {
            let expected = try String(contentsOf: fixture.appendingPathComponent("expected/\(read.expected)"), encoding: .utf8)
            let result = try logstore(["--db", db] + read.arguments)
            XCTAssertEqual(result.status, 0, "\(read.arguments): \(result.stderr)", file: file, line: line)
            XCTAssertEqual(result.stdout, expected, "\(read.arguments)", file: file, line: line)
        }
    }

    func userVersion() throws -> Int32 {
        let c = try Connection(path: db, mode: .readOnly)
        defer { try? c.close() }
        return try c.userVersion
    }

    /// Column names and types, table by table, of the store at `path`.
    func columns(_ path: String) throws -> [String] {
        let c = try Connection(path: path, mode: .readOnly)
        defer { try? c.close() }
        var out: [String] = []
        try c.forEach(
            """
            SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p."notnull" || ' ' || coalesce(p.dflt_value, '') || ' ' || p.pk
            FROM sqlite_schema m, pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid
            """, []) { out.append($0.text(0)) }
        return out
    }

    func testReadOnlyCommandsReadAVersion1StoreAsItIs() throws {
        try assertReadsPrintWhatVersion1Printed()
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
        XCTAssertEqual(try userVersion(), 1)
    }

    func testAWritableOpenUpgradesTheStoreToTheSchemaOfANewOne() throws {
        _ = try LogStore(path: db)
        XCTAssertEqual(try userVersion(), Int32(Schema.version))
        let fresh = dir.appendingPathComponent("fresh.db").path
        _ = try LogStore(path: fresh)
        XCTAssertEqual(try columns(db), try columns(fresh))
        try assertReadsPrintWhatVersion1Printed()
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
    }

    /// After the upgrade, new epochs are written the version-2 way (no window_change row for
    /// an append) and the windows written by version 1 go on changing as before.
    func testAppendsAfterTheUpgradeShowInChangesAndListings() throws {
        let store = try LogStore(path: db)
        let before = String(decoding: try store.windowJSON(env: "main", window: "loss"), as: UTF8.self)
        let log = dir.appendingPathComponent("more.jsonl")
        let line = #"["update", {"data": [{"x": [99], "y": [0.5], "name": "1", "type": "scatter"}], "win": "loss", "eid": "main", "append": true, "name": "1"}]"#
        try Data((line + "\n").utf8)
            .write(to: log)
        let changes = try Connection(path: db, mode: .readOnly)
        defer { try? changes.close() }
        let rowsBefore = try changes.int("SELECT count(*) FROM window_change", [])
        _ = try Importer(store: store).importFile(log.path)
        let epoch = store.lastEpoch
        XCTAssertEqual(try changes.int("SELECT count(*) FROM window_change", []), rowsBefore)
        XCTAssertNotNil(try changes.int("SELECT window_id FROM epoch WHERE epoch = ?", [.integer(epoch)]))
        XCTAssertEqual(try store.pointsAdded(sinceEpoch: epoch - 1), 1)

        let after = String(decoding: try store.windowJSON(env: "main", window: "loss"), as: UTF8.self)
        XCTAssertTrue(after.contains("99") && after != before, "the appended point must show")
        let since = try logstore(["--db", db, "export", "--env", "main", "--since", String(epoch - 1)])
        XCTAssertTrue(since.stdout.contains(#""loss": {"append": "#), since.stdout)
        let main = try logstore(["--db", db, "ls", "--json"]).stdout.split(separator: "\n").first { $0.contains(#""env": "main""#) }
        XCTAssertTrue(main?.contains(#""last_epoch": \#(epoch)"#) ?? false, "\(main ?? "")")
        XCTAssertEqual(try logstore(["--db", db, "check"]).stdout, "ok\n")
    }
}
