import Foundation
import XCTest

@testable import LogStore

final class ChangesTests: XCTestCase {
    var store: LogStore!

    override func setUpWithError() throws { store = try temporaryStore(self) }

    func line(_ wid: String) throws {
        try store.apply(
            .events,
            #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "\#(wid)", "eid": "main", "layout": {}, "opts": {}}"#
        )
    }

    func append(_ wid: String, _ v: Int, opts: String = "{}") throws {
        try store.apply(
            .update,
            #"{"data": [{"x": [\#(v)], "y": [\#(v)]}], "win": "\#(wid)", "eid": "main", "append": true, "opts": \#(opts)}"#
        )
    }

    func testAppendsReportOnlyTheNewPoints() throws {
        try line("a")
        try line("b")
        try append("a", 1)
        let mark = try store.lastEpoch
        try append("a", 2)
        try append("a", 3)
        let c = try store.changes(env: "main", since: mark)
        XCTAssertEqual(c.upTo, try store.lastEpoch)
        XCTAssertEqual(
            c.windows,
            [
                WindowChange(
                    window: "a",
                    kind: .appended([
                        SeriesAppend(path: ["content", "data", 0, "x"], values: [2, 3]),
                        SeriesAppend(path: ["content", "data", 0, "y"], values: [2, 3]),
                    ]))
            ])
    }

    func testHeadChangesNewWindowsAndClosesAreReportedWhole() throws {
        try line("a")
        try line("b")
        let mark = try store.lastEpoch
        try append("a", 1, opts: #"{"title": "new"}"#)
        try line("c")
        try store.apply(.close, #"{"win": "b", "eid": "main"}"#)
        let c = try store.changes(env: "main", since: mark)
        XCTAssertEqual(c.windows.map(\.window), ["a", "c", "b"])
        guard case .window(let a) = c.windows[0].kind else { return XCTFail("\(c.windows[0])") }
        XCTAssertEqual(a["title"], "new")
        XCTAssertEqual(c.windows[2].kind, .closed)
    }

    func testADeletedEnvIsReportedAsDeleted() throws {
        try store.apply(.events, #"{"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "tmp"}"#)
        let mark = try store.lastEpoch
        try store.apply(.deleteEnv, #"{"eid": "tmp"}"#)
        XCTAssertTrue(try store.changes(env: "tmp", since: mark).envDeleted)
        XCTAssertThrowsError(try store.changes(env: "never", since: 0))
    }

    /// Catching up: the export as of N plus the changes since N equals the export now.
    func testOldExportPlusChangesEqualsTheCurrentExport() throws {
        for scenario in [
            "line_nan_inf_appends", "heatmap_named_updates", "close_and_recreate", "text_unicode",
            "image_history_updates",
        ] {
            let store = try temporaryStore(self)
            let log = repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios/\(scenario)/log.jsonl")
            _ = try Importer(store: store).importFile(log.path)
            let last = try store.lastEpoch
            for mark in stride(from: Int64(0), through: last, by: Int64.Stride(max(1, last / 7))) {
                for env in try store.envNames() where try store.envNames(asOf: mark).contains(env) {
                    guard case .object(var windows)? = try store.exportEnv(env, asOf: mark)["jsons"] else {
                        return XCTFail("no jsons")
                    }
                    for change in try store.changes(env: env, since: mark).windows {
                        switch change.kind {
                        case .closed: windows[change.window] = nil
                        case .window(let w): windows[change.window] = w
                        case .appended(let appends):
                            guard var w = windows[change.window] else {
                                return XCTFail("\(scenario): append to a missing window")
                            }
                            for a in appends { w = extend(w, at: a.path[...], with: a.values) }
                            windows[change.window] = w
                        }
                    }
                    let expected = try store.exportEnv(env)["jsons"]!
                    if let d = visdomDifference(expected: expected, got: .object(windows)) {
                        XCTFail("\(scenario) env \(env) since \(mark): \(d)")
                    }
                }
            }
        }
    }

    func extend(_ v: JSONValue, at path: ArraySlice<JSONValue>, with values: [JSONValue]) -> JSONValue {
        guard let head = path.first else {
            if case .array(let a) = v { return .array(a + values) }
            if case .string(let s) = v { return .string(s + values.compactMap(\.stringValue).joined()) }
            return v
        }
        switch (v, head) {
        case (.object(var o), .string(let k)):
            o[k] = extend(o[k] ?? .null, at: path.dropFirst(), with: values)
            return .object(o)
        case (.array(var a), .int(let i)):
            a[Int(i)] = extend(a[Int(i)], at: path.dropFirst(), with: values)
            return .array(a)
        default: return v
        }
    }
}
