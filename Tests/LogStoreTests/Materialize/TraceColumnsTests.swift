import Foundation
import XCTest

@testable import LogStore

/// `LogStore.traces`: every trace's x and y as doubles with kinds, equal value for value to the
/// lists of the window JSON `exportWindow` gives as of the same epoch.
final class TraceColumnsTests: XCTestCase {
    /// The column `traces` must give for a JSON list.
    func expectedColumn(_ list: JSONValue?) -> (values: [Double], kinds: [TraceColumns.Kind])? {
        guard case .array(let items)? = list else { return nil }
        var values: [Double] = []
        var kinds: [TraceColumns.Kind] = []
        for item in items {
            switch item {
            case .double(let d): (values, kinds) = (values + [d], kinds + [.float])
            case .int(let i): (values, kinds) = (values + [Double(i)], kinds + [.int])
            case .bigInt(let s): (values, kinds) = (values + [Double(s)!], kinds + [.int])
            case .null: (values, kinds) = (values + [.nan], kinds + [.null])
            default: (values, kinds) = (values + [.nan], kinds + [.other])
            }
        }
        return (values, kinds)
    }

    func assertColumn(_ got: TraceColumns.Column?, equals list: JSONValue?, _ what: String) {
        guard let expected = expectedColumn(list) else { return XCTAssertNil(got, what) }
        guard let got else { return XCTFail("\(what): no column") }
        XCTAssertEqual(got.values.count, expected.values.count, what)
        let kinds =
            got.kinds?.map { TraceColumns.Kind(rawValue: $0)! } ?? Array(repeating: .float, count: got.values.count)
        XCTAssertEqual(kinds, expected.kinds, what)
        if got.kinds == nil { XCTAssert(expected.kinds.allSatisfy { $0 == .float }, what) }
        for (i, (g, e)) in zip(got.values, expected.values).enumerated() where kinds[i] == .float || kinds[i] == .int {
            XCTAssertEqual(g.bitPattern, e.bitPattern, "\(what)[\(i)]")
        }
    }

    /// Checks every window of the store against its JSON; returns how many traces it checked.
    @discardableResult
    func assertTracesMatchJSON(_ store: LogStore, asOf: Int64? = nil, _ label: String) throws -> Int {
        var checked = 0
        for env in try store.envNames(asOf: asOf) {
            guard case .object(let windows)? = try store.exportEnv(env, asOf: asOf)["jsons"] else { continue }
            for (wid, window) in windows.pairs {
                let traces = try store.traces(env: env, window: wid, asOf: asOf)
                guard case .array(let data)? = window["content"]?["data"] else {
                    XCTAssertEqual(traces, [], "\(label) \(env)/\(wid)")
                    continue
                }
                XCTAssertEqual(traces.count, data.count, "\(label) \(env)/\(wid)")
                for (t, spec) in zip(traces, data) {
                    XCTAssertEqual(t.name, spec["name"], "\(label) \(env)/\(wid)")
                    assertColumn(t.x, equals: spec["x"], "\(label) \(env)/\(wid) x")
                    assertColumn(t.y, equals: spec["y"], "\(label) \(env)/\(wid) y")
                    checked += 1
                }
            }
        }
        return checked
    }

    func testEveryValueKeepsItsKindAndBits() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            """
            {"eid": "main", "win": "w", "data": [{"x": [0, 1, 2, 3, 4, 5, 6, 7, 8],
             "y": [1.5, NaN, Infinity, -Infinity, null, -0.0, 7, 123456789012345678901234567890, "a"],
             "name": "loss", "type": "scatter"}], "layout": {}, "opts": {}}
            """)
        let traces = try store.traces(env: "main", window: "w")
        XCTAssertEqual(traces.count, 1)
        let y = try XCTUnwrap(traces[0].y)
        XCTAssertEqual(traces[0].name, .string("loss"))
        XCTAssertEqual(y.kinds.map(Array.init), [0, 0, 0, 0, 2, 0, 1, 1, 3])
        XCTAssertEqual(y.values[0], 1.5)
        XCTAssert(y.values[1].isNaN && y.values[4].isNaN && y.values[8].isNaN)
        XCTAssertEqual(y.values[2], .infinity)
        XCTAssertEqual(y.values[3], -.infinity)
        XCTAssertEqual(y.values[5].bitPattern, (-0.0 as Double).bitPattern)
        XCTAssertEqual(y.values[7], 1.2345678901234568e29)
        XCTAssertEqual(traces[0].x?.kinds.map(Array.init), Array(repeating: 1, count: 9))
        XCTAssertEqual(traces[0].x.map { Array($0.values) }, (0..<9).map(Double.init))
    }

    /// Ints of every varint length, both signs, in runs long enough for the int loop and at
    /// a segment's end, mixed with floats and nulls.
    func testIntsOfEveryLength() throws {
        let ints: [Int64] = [
            .min, -1, 0, 1, 63, 64, 127, 128, 8191, 8192, 1 << 20, -(1 << 40), 1 << 53, (1 << 62) + 1, .max,
        ]
        let x = (ints + ints.reversed()).map(String.init).joined(separator: ", ")
        let y = (0..<(2 * ints.count)).map { $0 % 5 == 4 ? "null" : $0 % 3 == 0 ? "\($0)" : "\($0).5" }.joined(
            separator: ", ")
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"eid": "main", "win": "w", "data": [{"x": [\#(x)], "y": [\#(y)], "type": "scatter"}], "layout": {}, "opts": {}}"#
        )
        try store.apply(
            .update, #"{"eid": "main", "win": "w", "append": true, "data": [{"x": [\#(x)], "y": [\#(y)]}]}"#)
        XCTAssertEqual(try assertTracesMatchJSON(store, "ints"), 1)
        let t = try store.traces(env: "main", window: "w")[0]
        XCTAssertEqual(t.x?.values.count, 4 * ints.count)
        XCTAssertEqual(t.x?.values.first, Double(Int64.min))
        XCTAssertEqual(t.x?.values.last, Double(Int64.min))
        XCTAssertEqual(t.x?.kinds?.allSatisfy { $0 == TraceColumns.Kind.int.rawValue }, true)
    }

    /// Ints are decoded in blocks of 8 of one varint length (1 to 4 bytes; 3 bytes, the steps
    /// of a long run, two per 64-bit word): runs of each length, of both signs and at the ends
    /// of each length's range, ending at every position of a block in a value of another
    /// length, a float, a null or a string, and continued in a second segment.
    func testRunsOfIntsOfEachLength() throws {
        // |values| of 1, 2, 3, 4 and 5 varint bytes (zigzag: 2|v| or 2|v|-1 below 2^(7 bytes)).
        let ranges: [[Int64]] = [
            [0, 1, 63], [64, 65, 8191], [8192, 8193, (1 << 20) - 1], [1 << 20, (1 << 27) - 1], [1 << 27, 1 << 40],
        ]
        let others = ["0.5", "null", "\"s\"", "-0.0", "NaN"]
        var traces: [String] = []
        var more: [String] = []
        for (length, range) in ranges.enumerated().prefix(4) {
            for k in 0..<20 {
                let run = (0..<20).map { i -> String in
                    if i == k {
                        let other = ranges[(length + 1 + k) % ranges.count]
                        return k % 3 == 0
                            ? others[k % others.count] : String(other[k % other.count] * (k % 2 == 0 ? 1 : -1))
                    }
                    let v = range[i % range.count]
                    return String(i % 4 < 2 ? v : -v - (i % 4 == 3 ? 1 : 0))
                }
                traces.append(
                    #"{"x": [\#(run.joined(separator: ", "))], "y": [\#((0..<20).map { "\($0).5" }.joined(separator: ", "))], "type": "scatter"}"#
                )
                more.append(
                    #"{"x": [\#(run.reversed().joined(separator: ", "))], "y": [\#((0..<20).map { "\($0)" }.joined(separator: ", "))]}"#
                )
            }
        }
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"eid": "main", "win": "w", "data": [\#(traces.joined(separator: ", "))], "layout": {}, "opts": {}}"#)
        try store.apply(
            .update, #"{"eid": "main", "win": "w", "append": true, "data": [\#(more.joined(separator: ", "))]}"#)
        XCTAssertEqual(try assertTracesMatchJSON(store, "int runs"), 80)
        // A long run of 3-byte steps, both signs, as a training loop logs them.
        let steps = (8192..<8192 + 1000).map { $0 % 7 == 0 ? -$0 : $0 }
        try store.apply(
            .events,
            #"{"eid": "main", "win": "s", "data": [{"x": \#(steps), "y": \#(steps), "type": "scatter"}], "layout": {}, "opts": {}}"#
        )
        let t = try store.traces(env: "main", window: "s")[0]
        XCTAssertEqual(t.x.map { Array($0.values) }, steps.map(Double.init))
        XCTAssertEqual(t.x?.kinds?.allSatisfy { $0 == TraceColumns.Kind.int.rawValue }, true)
    }

    /// A column of floats is decoded in blocks of 8 until its first other value: that value
    /// at every position of a block, in runs shorter and longer than a block, and a second
    /// segment whose floats follow.
    func testARunOfFloatsEndsAtItsFirstOtherValue() throws {
        let store = try temporaryStore(self)
        let others = ["null", "7", "-3", "\"a\"", "123456789012345678901234567890"]
        let traces = (0..<21).map { k in
            let y = (0..<21).map { $0 == k ? others[k % others.count] : $0 % 4 == 1 ? "NaN" : "\($0).25" }.joined(
                separator: ", ")
            return #"{"x": [\#((0..<21).map { "-\($0).5" }.joined(separator: ", "))], "y": [\#(y)], "type": "scatter"}"#
        }
        try store.apply(
            .events,
            #"{"eid": "main", "win": "w", "data": [\#(traces.joined(separator: ", "))], "layout": {}, "opts": {}}"#)
        let more = (0..<21).map { _ in #"{"x": [1.5, -0.0, Infinity], "y": [2.5, -Infinity, 0.125]}"# }
        try store.apply(
            .update, #"{"eid": "main", "win": "w", "append": true, "data": [\#(more.joined(separator: ", "))]}"#)
        XCTAssertEqual(try assertTracesMatchJSON(store, "float runs"), 21)
        for t in try store.traces(env: "main", window: "w") {
            XCTAssertNil(t.x?.kinds)
            XCTAssertNotNil(t.y?.kinds)
            XCTAssertEqual(t.y?.values.count, 24)
        }
    }

    func testAColumnOfFloatsHasNoKinds() throws {
        let store = try temporaryStore(self)
        try store.apply(
            .events,
            #"{"eid": "main", "win": "w", "data": [{"x": [0.5], "y": [1.5], "type": "scatter"}], "layout": {}, "opts": {}}"#
        )
        for i in 1...50 {
            try store.apply(
                .update,
                #"{"eid": "main", "win": "w", "append": true, "data": [{"x": [\#(i).5], "y": [\#(i).25, 2.0]}]}"#)
        }
        let t = try store.traces(env: "main", window: "w")[0]
        XCTAssertNil(t.y?.kinds)
        XCTAssertNil(t.name)
        XCTAssertEqual(t.x.map { Array($0.values) }, [0.5] + (1...50).map { Double($0) + 0.5 })
        XCTAssertEqual(t.y?.values.count, 101)
        XCTAssertEqual(Array(t.y!.values.suffix(2)), [50.25, 2.0])
        try assertTracesMatchJSON(store, asOf: 20, "as of 20")
        XCTAssertEqual(try store.traces(env: "main", window: "w", asOf: 1)[0].y.map { Array($0.values) }, [1.5])
    }

    func testAMissingEnvOrWindow() throws {
        let store = try temporaryStore(self)
        XCTAssertThrowsError(try store.traces(env: "nope", window: "w")) {
            XCTAssertEqual($0 as? LogStoreError, .noSuchEnv("nope"))
        }
        XCTAssertThrowsError(try store.traces(env: "main", window: "w")) {
            XCTAssertEqual($0 as? LogStoreError, .noSuchWindow(env: "main", window: "w"))
        }
    }

    /// Every window of every recorded scenario, after each epoch (heatmap prepends, replaced
    /// traces, text and image windows, inline lists included).
    func testEveryScenarioWindowAfterEveryEpoch() throws {
        let scenarios = repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios")
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: scenarios.path).sorted() {
            let log = scenarios.appendingPathComponent(name).appendingPathComponent("log.jsonl")
            guard FileManager.default.fileExists(atPath: log.path) else { continue }
            let store = try temporaryStore(self)
            _ = try Importer(store: store).importFile(log.path)
            for epoch in try 0...store.lastEpoch {
                checked += try assertTracesMatchJSON(store, asOf: epoch, "\(name)@\(epoch)")
            }
        }
        XCTAssertGreaterThan(checked, 1000)
    }
}
