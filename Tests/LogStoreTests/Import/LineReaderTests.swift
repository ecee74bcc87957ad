import Foundation
import XCTest

@testable import LogStore

final class LineReaderTests: XCTestCase {
    func testNewlineIsFoundFromTheGivenIndexOnly() {
        let bytes = Array("ab\ncd\n".utf8)
        XCTAssertEqual(LineReader.newline(in: bytes, from: 0), 2)
        XCTAssertEqual(LineReader.newline(in: bytes, from: 2), 2)
        XCTAssertEqual(LineReader.newline(in: bytes, from: 3), 5)
        XCTAssertNil(LineReader.newline(in: bytes, from: 6))
        XCTAssertNil(LineReader.newline(in: Array("abc".utf8), from: 0))
        XCTAssertNil(LineReader.newline(in: [], from: 0))
    }

    func testLinesAcrossChunkBoundariesComeBackWithTheirEndOffsets() throws {
        // Lines of many lengths, one longer than a read chunk (1 MiB), an empty one, and an
        // unterminated tail.
        var lines: [[UInt8]] = []
        for n in [0, 1, 5, 4095, 4096, 70_000, (1 << 20) + 17, 3, 0, 100] {
            lines.append((0..<n).map { UInt8(ascii: "a") + UInt8($0 % 26) })
        }
        var file: [UInt8] = []
        var ends: [Int64] = []
        for l in lines {
            file += l + [0x0A]
            ends.append(Int64(file.count))
        }
        file += Array("tail".utf8)
        let path = try temporaryDirectory(self).appendingPathComponent("lines").path
        try Data(file).write(to: URL(fileURLWithPath: path))

        var reader = try LineReader(path: path, from: 0)
        for (i, expected) in lines.enumerated() {
            let line = try XCTUnwrap(try reader.next(), "line \(i)")
            XCTAssertEqual(Array(line.bytes), expected, "line \(i)")
            XCTAssertEqual(line.end, ends[i], "line \(i)")
        }
        XCTAssertNil(try reader.next())
        XCTAssertEqual(reader.partial, 4)

        var resumed = try LineReader(path: path, from: ends[6])
        XCTAssertEqual(try resumed.next().map { Array($0.bytes) }, lines[7])
    }
}
