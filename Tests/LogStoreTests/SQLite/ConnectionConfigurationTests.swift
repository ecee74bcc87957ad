import XCTest

@testable import LogStore

final class ConnectionConfigurationTests: SQLiteTestCase {
    func testUserVersionRoundTripsAndPragmaNamesAreValidated() throws {
        let connection = try makeConnection()
        XCTAssertEqual(try connection.userVersion, 0)
        try connection.setUserVersion(42)
        XCTAssertEqual(try connection.userVersion, 42)
        try connection.setUserVersion(-7)
        XCTAssertEqual(try connection.userVersion, -7)
        XCTAssertEqual(try connection.pragmaInteger("main.user_version"), -7)
        XCTAssertEqual(try connection.pragmaText("encoding"), "UTF-8")
        let error = sqliteError { _ = try connection.pragmaInteger("user_version; DROP TABLE x") }
        XCTAssertEqual(error?.isMisuse, true)
    }

    func testDoubleQuotedStringLiteralsCanBeTurnedOff() throws {
        let connection = try makeConnection()
        try connection.execute("CREATE TABLE t(x)")
        XCTAssertFalse(try connection.setFlag(.doubleQuotedStringsInDML, false))
        XCTAssertFalse(try connection.flag(.doubleQuotedStringsInDML))
        let error = sqliteError { _ = try connection.prepare(#"SELECT "nope" FROM t"#) }
        XCTAssertEqual(error?.message, "no such column: nope")
        XCTAssertTrue(try connection.setFlag(.doubleQuotedStringsInDML, true))
        XCTAssertNoThrow(try connection.prepare(#"SELECT "nope" FROM t"#))
    }

    func testForeignKeysFlagMatchesThePragma() throws {
        let connection = try makeConnection()
        XCTAssertTrue(try connection.setFlag(.foreignKeys, true))
        XCTAssertEqual(try connection.pragmaInteger("foreign_keys"), 1)
        try connection.execute(
            """
            CREATE TABLE parent(id INTEGER PRIMARY KEY);
            CREATE TABLE child(parent_id INTEGER REFERENCES parent(id));
            """)
        let error = sqliteError { try connection.execute("INSERT INTO child VALUES (1)") }
        XCTAssertEqual(error?.extendedCode, SQLiteError.Code.constraintForeignKey)
        XCTAssertTrue(try connection.setFlag(.defensive, true))
    }

    func testDataVersionChangesWithEveryCommitToTheFile() throws {
        let connection = try makeConnection()
        try connection.execute("PRAGMA journal_mode=WAL; CREATE TABLE t(x)")
        let other = try makeConnection()
        var seen = connection.dataVersion
        func changed() -> Bool {
            defer { seen = connection.dataVersion }
            return connection.dataVersion != seen
        }
        _ = try connection.int("SELECT count(*) FROM t", [])
        XCTAssertFalse(changed(), "a read changes nothing")
        try connection.execute("INSERT INTO t VALUES (1)")
        XCTAssertTrue(changed(), "this connection's own commit")
        try connection.execute("BEGIN; INSERT INTO t VALUES (2); ROLLBACK")
        _ = try connection.int("SELECT count(*) FROM t", [])
        XCTAssertFalse(changed(), "a rolled-back transaction")
        try other.execute("INSERT INTO t VALUES (3)")
        try connection.execute("BEGIN IMMEDIATE")
        XCTAssertTrue(changed(), "another connection's commit, seen once this one starts a transaction")
        try connection.execute("COMMIT")
    }
}
