import Foundation
import XCTest

@testable import LogStore

/// A store keeps its WAL file between sessions, rewound, so that the next session's commits
/// overwrite blocks the file already has instead of growing it (Connection+WAL.swift).
final class WALReuseTests: XCTestCase {
    var dir: URL!
    var path: String { dir.appendingPathComponent("s.db").path }
    var walSize: Int64 { fileSize(atPath: path + "-wal") ?? -1 }

    override func setUpWithError() throws { dir = try temporaryDirectory(self) }

    /// The frames at the head of the WAL file that carry its header's salts: what SQLite's
    /// recovery reads at the next open (https://sqlite.org/fileformat.html#the_write_ahead_log).
    func validFrames() throws -> Int {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + "-wal")))
        guard bytes.count >= 32 else { return 0 }
        func u32(_ at: Int) -> UInt32 { bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        let pageSize = Int(u32(8))
        let salts = (u32(16), u32(20))
        var frames = 0
        var offset = 32
        while offset + 24 + pageSize <= bytes.count, (u32(offset + 8), u32(offset + 12)) == salts {
            frames += 1
            offset += 24 + pageSize
        }
        return frames
    }

    func append(_ store: LogStore, _ i: Int) throws {
        try store.apply(.update, #"{"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "w", "name": "a", "append": true}"#)
    }

    func testAClosedStoreKeepsItsWALFileRewoundWithEveryPageInTheDatabase() throws {
        do {
            let store = try LogStore(path: path)
            try store.apply(
                .events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#)
            for i in 1...300 { try append(store, i) }
        }
        XCTAssertGreaterThan(walSize, 100_000, "the file keeps the size the session gave it")
        XCTAssertEqual(try validFrames(), 1, "one frame of a new generation: recovery reads nothing else")
        // Every page is in the database file itself: a copy of it alone holds the whole store.
        let copy = dir.appendingPathComponent("copy.db").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        XCTAssertEqual(
            try LogStore(path: copy, options: .init(readOnly: true)).exportWindow(env: "main", window: "w")["content"]?[
                "data"]?
                .arrayValue?[0]["x"]?.arrayValue?.count, 301)
    }

    func testTheNextSessionWritesOverTheKeptFileInsteadOfGrowingIt() throws {
        do {
            let store = try LogStore(path: path)
            try store.apply(
                .events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#)
            for i in 1...300 { try append(store, i) }
        }
        let kept = walSize
        let store = try LogStore(path: path)
        for i in 301...350 { try append(store, i) }
        XCTAssertEqual(walSize, kept)
        XCTAssertEqual(
            try store.exportWindow(env: "main", window: "w")["content"]?["data"]?.arrayValue?[0]["y"]?.arrayValue?
                .count, 351)
    }

    func testAReaderHoldingASnapshotAtCloseLeavesTheWALForRecovery() throws {
        let reader: Connection
        do {
            let store = try LogStore(path: path)
            try store.apply(
                .events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#)
            reader = try Connection(path: path, mode: .readOnly)
            try reader.keepWALFile()
            try reader.execute("BEGIN")
            _ = try reader.int("SELECT count(*) FROM epoch", [])
            for i in 1...20 { try append(store, i) }
        }
        XCTAssertGreaterThan(try validFrames(), 1, "not rewound while a reader needs the frames")
        try reader.execute("COMMIT")
        try reader.close()
        let store = try LogStore(path: path)
        XCTAssertEqual(try store.lastEpoch, 21)
        XCTAssertEqual(
            try store.exportWindow(env: "main", window: "w")["content"]?["data"]?.arrayValue?[0]["x"]?.arrayValue?
                .count, 21)
    }

    func testAWALLargerThanTheLimitIsTruncatedAtClose() throws {
        do {
            let store = try LogStore(path: path)
            // One transaction larger than the limit: SQLite cannot start the log over within it.
            let big = String(repeating: "x", count: 1 << 20)
            let messages = (0..<24).map {
                LogStore.Message(
                    .events, ["data": [["content": .string(big), "type": "text"]], "win": .string("t\($0)")])
            }
            _ = try store.apply(messages)
            XCTAssertGreaterThan(walSize, LogStore.walSizeLimit)
        }
        XCTAssertEqual(walSize, 0)
        XCTAssertEqual(try LogStore(path: path, options: .init(readOnly: true)).lastEpoch, 24)
    }
}
