import Foundation
import XCTest

@testable import LogStore

/// Replays every input that ever crashed, hung or broke an oracle of the libFuzzer targets in
/// `Fuzz/` (saved, minimized, under `Tests/Fixtures/fuzz-regressions/<target>/`) through the
/// same oracle the fuzzer runs (`FuzzOracles.swift`, shared with the fuzz package by a
/// symlink). No fuzzer is needed: this runs in the normal `swift test`.
final class FuzzRegressionTests: XCTestCase {
    static let regressions = repositoryRoot.appendingPathComponent("Tests/Fixtures/fuzz-regressions")

    /// The saved inputs of one target, by file name (README files and dot files excepted).
    private func inputs(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let dir = Self.regressions.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return try names.filter { !$0.hasPrefix(".") && !$0.hasPrefix("README") }.sorted().map {
            ($0, [UInt8](try Data(contentsOf: dir.appendingPathComponent($0))))
        }
    }

    func testEverySavedJSONInputPassesTheJSONOracle() throws {
        let saved = try inputs("fuzz-json")
        XCTAssertFalse(saved.isEmpty, "no inputs under \(Self.regressions.path)/fuzz-json")
        for (name, bytes) in saved {
            do {
                try bytes.withUnsafeBytes { try JSONOracle.check($0) }
            } catch {
                XCTFail("fuzz-json/\(name): \(error)")
            }
        }
    }

    /// Each input gets a fresh store, as in a fuzzer process that replays one crash input.
    func testEverySavedMessageInputPassesTheMessageOracle() throws {
        let oracle = MessageOracle(
            directory: try temporaryDirectory(self).appendingPathComponent("stores"), recycleEvery: 1)
        for (name, bytes) in try inputs("fuzz-message") {
            do {
                try oracle.check(bytes[...])
            } catch {
                XCTFail("fuzz-message/\(name): \(error)")
            }
        }
    }

    /// The JSON inputs are replay log lines too (most come from the same seeds).
    func testEverySavedJSONInputPassesTheMessageOracle() throws {
        let oracle = MessageOracle(
            directory: try temporaryDirectory(self).appendingPathComponent("stores"), recycleEvery: 1)
        for (name, bytes) in try inputs("fuzz-json") {
            do {
                try oracle.check(bytes[...])
            } catch {
                XCTFail("fuzz-json/\(name) as a log line: \(error)")
            }
        }
    }

    // MARK: what each saved input was about

    /// fuzz-json/lone-high-then-pua-low: `"\ud800` followed by the UTF-8 of U+10DC00. The reader
    /// keeps the lone surrogate as U+10D800 (see `LoneSurrogate`), so the string holds
    /// U+10D800 U+10DC00; the writer used to write both as `\ud800\udc00`, which reads back as
    /// the single scalar U+10000. It now writes the second as Python writes U+10DC00.
    func testALoneHighSurrogateFollowedByALoneLowOneRoundTrips() throws {
        let value = try JSONReader.parse([0x22] + Array(#"\ud800"#.utf8) + [0xF4, 0x8D, 0xB0, 0x80, 0x22])
        XCTAssertEqual(value.stringValue.map { Array($0.unicodeScalars) }, ["\u{10D800}", "\u{10DC00}"])
        XCTAssertEqual(JSONWriter.string(value), #""\ud800\udbf7\udc00""#)
        XCTAssertEqual(
            JSONWriter.bytes(value, options: .init(ensureASCII: false)),
            Array(#""\ud800"#.utf8) + [0xF4, 0x8D, 0xB0, 0x80, 0x22])
        XCTAssertEqual(try JSONReader.parse(JSONWriter.bytes(value)), value)
        // Escapes alone can only give that string via a pair that is already split.
        XCTAssertEqual(try JSONReader.parse(#""\ud800\udbf7\udc00""#), value)
        // Unaffected: a lone low first, lone highs in a row, a lone high before other text.
        for text in [#""\udc00\ud800""#, #""\ud800\ud800""#, #""\ud800x\udc00""#, #""\udbff""#] {
            XCTAssertEqual(JSONWriter.string(try JSONReader.parse(text)), text)
        }
        try JSONOracle.roundTrip(value)
    }
}
