import Foundation
import XCTest

@testable import LogStore

final class SchemaTests: XCTestCase {
    func testEmbeddedSchemaIsExactlySchemaSQL() throws {
        let file = try String(contentsOf: repositoryRoot.appendingPathComponent("schema.sql"), encoding: .utf8)
        XCTAssertEqual(Schema.sql, file)
    }

    func testANewStoreHasTheSchemaOfSchemaSQL() throws {
        let dir = try temporaryDirectory(self)
        let path = dir.appendingPathComponent("a.db").path
        _ = try LogStore(path: path)
        let fromStore = try Connection(path: path, mode: .readOnly)
        let reference = try Connection(path: ":memory:", mode: .readWriteCreate)
        try reference.execute(
            try String(contentsOf: repositoryRoot.appendingPathComponent("schema.sql"), encoding: .utf8))
        func schema(_ db: Connection) throws -> [String] {
            var rows: [String] = []
            try db.forEach(
                "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name", []
            ) { rows.append($0.text(0)) }
            return rows
        }
        XCTAssertEqual(try schema(fromStore), try schema(reference))
        XCTAssertEqual(try fromStore.userVersion, Int32(Schema.version))
        XCTAssertEqual(try fromStore.one("PRAGMA journal_mode", []) { $0.text(0) }, "wal")
        XCTAssertEqual(try fromStore.int("PRAGMA auto_vacuum", []), 2, "incremental: compact gives pages back")
    }

    func testAFileThatIsNotAStoreIsRefusedAndLeftUntouched() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("notes.db").path
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try garbage.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try LogStore(path: path)) { error in
            guard case LogStoreError.notAStore = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), garbage)
    }

    func testAnotherSQLiteDatabaseIsRefusedAndLeftUntouched() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("other.db").path
        do {
            let db = try Connection(path: path, mode: .readWriteCreate)
            try db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try LogStore(path: path)) { error in
            guard case LogStoreError.notAStore = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }

    func testAStoreOfANewerSchemaIsRefused() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("new.db").path
        _ = try LogStore(path: path)
        do {
            let db = try Connection(path: path, mode: .readWrite)
            try db.execute("PRAGMA user_version = 99")
        }
        XCTAssertThrowsError(try LogStore(path: path)) { error in
            XCTAssertEqual(error as? LogStoreError, .newerSchema(path: path, version: 99))
        }
    }

    func testADirectoryIsRefused() throws {
        let dir = try temporaryDirectory(self)
        XCTAssertThrowsError(try LogStore(path: dir.path)) { error in
            guard case LogStoreError.notAStore = error else { return XCTFail("\(error)") }
        }
    }

    /// An upgrade step runs in one transaction with its version bump: a step that fails
    /// halfway leaves the store at its old version with none of the step's changes.
    func testAnUpgradeStepThatFailsLeavesTheStoreAsItWas() throws {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        try db.execute("CREATE TABLE t(a INTEGER); PRAGMA user_version = 1")
        let failing: [Int64: String] = [1: "ALTER TABLE t ADD COLUMN b INTEGER; INSERT INTO no_such_table VALUES (1)"]
        XCTAssertThrowsError(try Schema.migrate(db, upgrades: failing, to: 2))
        XCTAssertEqual(try db.userVersion, 1)
        XCTAssertEqual(try db.int("SELECT count(*) FROM pragma_table_info('t')", []), 1)

        try Schema.migrate(
            db, upgrades: [1: "ALTER TABLE t ADD COLUMN b INTEGER", 2: "ALTER TABLE t ADD COLUMN c INTEGER"], to: 3)
        XCTAssertEqual(try db.userVersion, 3)
        XCTAssertEqual(try db.int("SELECT count(*) FROM pragma_table_info('t')", []), 3)
        XCTAssertThrowsError(try Schema.migrate(db, upgrades: [:], to: 4), "no step from version 3")
    }
}
