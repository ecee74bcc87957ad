import Foundation
import XCTest

@testable import LogStore

/// A fresh directory per test, removed afterwards, so every test starts from missing files.
class SQLiteTestCase: XCTestCase {
    private(set) var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("logstore-sqlite-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// A new database file opened read-write-create.
    func makeConnection(_ name: String = "test.db") throws -> Connection {
        try Connection(path: path(name), mode: .readWriteCreate)
    }

    /// Runs `body`, which must throw an `SQLiteError`, and returns that error.
    func sqliteError(
        file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
    ) -> SQLiteError? {
        do {
            try body()
            XCTFail("expected an SQLiteError, nothing was thrown", file: file, line: line)
        } catch let error as SQLiteError {
            return error
        } catch {
            XCTFail("expected an SQLiteError, got \(error)", file: file, line: line)
        }
        return nil
    }
}
