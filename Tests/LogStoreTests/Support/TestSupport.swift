import Foundation
import XCTest

@testable import LogStore

/// The repository root, found from this file's path.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh directory under the system temp dir, removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logstore-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir
}

/// A new store in a temporary directory.
func temporaryStore(_ test: XCTestCase, options: LogStore.Options = .init()) throws -> LogStore {
    try LogStore(path: try temporaryDirectory(test).appendingPathComponent("test.db").path, options: options)
}

func json(_ text: String) throws -> JSONValue { try JSONReader.parse(text) }

extension LogStore {
    /// Applies `[endpoint, message]` written as JSON text.
    @discardableResult
    func apply(_ endpoint: Endpoint, _ text: String) throws -> Outcome {
        try apply(Message(endpoint, try json(text))).outcome
    }
}

/// A small deterministic generator (SplitMix64), so that a failing random test reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
