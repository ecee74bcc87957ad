import XCTest

@testable import LogStore

/// A database in `test`'s temporary directory with only the epoch rows and runs tables, for
/// tests that seal epoch rows written by hand.
func epochTables(_ test: XCTestCase, _ name: String = "epochs.db") throws -> Connection {
    let path = try temporaryDirectory(test).appendingPathComponent(name).path
    let db = try Connection(path: path, mode: .readWriteCreate)
    try db.execute(
        """
        CREATE TABLE epoch(epoch INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, source TEXT NOT NULL,
            endpoint TEXT NOT NULL, env TEXT, win TEXT, status TEXT NOT NULL, detail TEXT NOT NULL,
            window_id INTEGER)
        """)
    try db.execute(Schema.epochRunTable)
    return db
}
