import Foundation
import XCTest

@testable import LogStore

/// "The env as it was after epoch N" read from the full store must equal what a store that
/// only received the first N messages holds, for every N.
final class AsOfTests: XCTestCase {
    func messages(_ log: URL) throws -> [LogStore.Message] {
        let text = try String(contentsOf: log, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { i, line in
            try LogLine.parse(ArraySlice(Array(line.utf8)), place: "\(log.lastPathComponent):\(i + 1)")
        }
    }

    func envs(_ store: LogStore, asOf: Int64?) throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for name in try store.envNames(asOf: asOf) { out[name] = try store.exportEnv(name, asOf: asOf) }
        return out
    }

    /// With `sealed`, the full store is sealed (`LogStore.seal`) halfway and at the end, so
    /// its reads as of every epoch go through sealed blocks.
    func checkEveryPrefix(of scenario: String, in dir: URL, sealed: Bool = false) throws {
        let log = dir.appendingPathComponent(scenario).appendingPathComponent("log.jsonl")
        let all = try messages(log)
        let full = try temporaryStore(self)
        if sealed {
            _ = try full.apply(Array(all[..<(all.count / 2)]))
            _ = try full.seal()
            _ = try full.apply(Array(all[(all.count / 2)...]))
            XCTAssertGreaterThan(try full.seal().segmentsSealed, 0, scenario)
        } else {
            _ = try full.apply(all)
        }
        let prefix = try temporaryStore(self)
        XCTAssertEqual(try envs(full, asOf: 0).keys.sorted(), ["main"])
        for (n, m) in all.enumerated() {
            try prefix.apply(m)
            let expected = try envs(prefix, asOf: nil)
            let got = try envs(full, asOf: Int64(n + 1))
            XCTAssertEqual(got.keys.sorted(), expected.keys.sorted(), "\(scenario) after epoch \(n + 1)")
            for (name, env) in expected {
                guard let g = got[name] else { continue }
                if let d = visdomDifference(expected: env, got: g) {
                    XCTFail("\(scenario) env \(name) after epoch \(n + 1): \(d)")
                }
            }
        }
    }

    var ownScenarios: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios") }

    func testAsOfEqualsReplayingEveryPrefix() throws {
        for s in [
            "close_and_recreate", "fork_and_delete_env", "heatmap_named_updates", "line_duplicate_trace_names",
            "image_history_updates", "win_data_set", "legend_opts_on_update", "text_unicode",
        ] {
            try checkEveryPrefix(of: s, in: ownScenarios)
        }
    }

    func testAsOfASealedStoreEqualsReplayingEveryPrefix() throws {
        for s in [
            "close_and_recreate", "fork_and_delete_env", "heatmap_named_updates", "line_duplicate_trace_names",
            "image_history_updates", "win_data_set", "legend_opts_on_update", "text_unicode", "line_nan_inf_appends",
            "line_int_float_appends", "scatter_markercolor_appends",
        ] {
            try checkEveryPrefix(of: s, in: ownScenarios, sealed: true)
        }
    }

    func testAsOfAnEpochThatDoesNotExistIsAnError() throws {
        let store = try temporaryStore(self)
        XCTAssertThrowsError(try store.exportEnv("main", asOf: 1)) {
            XCTAssertEqual($0 as? LogStoreError, .noSuchEpoch(1))
        }
        XCTAssertThrowsError(try store.exportEnv("main", asOf: -1))
    }

    func testAnEnvCreatedLaterIsAbsentAsOfEarlier() throws {
        let store = try temporaryStore(self)
        try store.apply(.events, #"{"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "later"}"#)
        XCTAssertThrowsError(try store.exportEnv("later", asOf: 0)) {
            XCTAssertEqual($0 as? LogStoreError, .noSuchEnv("later"))
        }
        XCTAssertNoThrow(try store.exportEnv("later", asOf: 1))
    }
}
