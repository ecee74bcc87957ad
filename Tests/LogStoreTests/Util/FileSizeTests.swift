import Foundation
import XCTest

@testable import LogStore

final class FileSizeTests: XCTestCase {
    func testTheSizeOfAFileAndOfNone() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("filesize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("f").path
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data(repeating: 7, count: 12345)))
        XCTAssertEqual(fileSize(atPath: file), 12345)
        XCTAssertNil(fileSize(atPath: dir.appendingPathComponent("missing").path))
    }
}
