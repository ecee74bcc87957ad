import Foundation
import XCTest

@testable import LogStore

/// Messages applied as one batch reuse what the writer's caches (`HeadCache`, `SeriesTails`,
/// `CatalogLookups`) learned from the batch's earlier epochs; the rows must be exactly those of
/// the same messages applied one call at a time, each on a store handle of its own.
final class BatchedApplyTests: XCTestCase {
    /// Appends, opts that change the head mid-batch, a failing update, a window closed and
    /// created again, and a second window, all in one batch.
    let messages: [(Endpoint, String)] = [
        (.events, #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "w", "layout": {}}"#),
        (.update, #"{"data": [{"x": [1, 2], "y": [1.5, NaN]}], "win": "w", "name": "a", "append": true}"#),
        (
            .update,
            #"{"data": [{"x": [3], "y": [3]}], "win": "w", "name": "a", "append": true, "opts": {"title": "t"}}"#
        ),
        (.update, #"{"data": [{"x": [4], "y": [4]}], "win": "w", "name": "b", "append": true}"#),
        (.update, #"{"data": [{"x": [5], "y": [5]}, {"x": [6], "y": [6]}], "win": "w", "name": "a", "append": true}"#),
        (.events, #"{"data": [{"content": "hi", "type": "text"}], "win": "t"}"#),
        (.update, #"{"data": [{"content": "there", "type": "text"}], "win": "t"}"#),
        (.update, #"{"data": [{"x": [7], "y": [7]}], "win": "w", "append": true, "layout": {"title": "L"}}"#),
        (.close, #"{"win": "w"}"#),
        (.update, #"{"data": [{"x": [8], "y": [8]}], "win": "w", "append": true}"#),
        (.events, #"{"data": [{"x": [9], "y": [9], "name": "c", "type": "scatter"}], "win": "w", "layout": {}}"#),
        (
            .update,
            #"{"data": [{"x": [10], "y": [10]}], "win": "w", "name": "c", "append": true, "opts": {"title": "u"}}"#
        ),
        (.update, #"{"data": [{"content": "again", "type": "text"}], "win": "t"}"#),
        (
            .events,
            #"{"data": [{"z": [[1, 2], [3, 4]], "x": null, "y": null, "type": "heatmap"}], "win": "h", "layout": {}, "opts": {}}"#
        ),
        (
            .update,
            #"{"data": [{"z": [[5, 6]], "x": null, "y": null, "type": "heatmap"}], "win": "h", "append": true, "updateDir": "appendRow"}"#
        ),
        (
            .update,
            #"{"data": [{"z": [[0, 0]], "x": null, "y": null, "type": "heatmap"}], "win": "h", "append": true, "updateDir": "prependRow"}"#
        ),
        (
            .update,
            #"{"data": [{"z": [[7, 8]], "x": null, "y": null, "type": "heatmap"}], "win": "h", "append": true, "updateDir": "appendRow"}"#
        ),
        (.update, #"{"data": [{"x": [11], "y": [11]}], "win": "w", "name": "c", "append": true}"#),
        // Envs forked, deleted and created again within the batch.
        (.forkEnv, #"{"prev_eid": "main", "eid": "copy"}"#),
        (.update, #"{"data": [{"x": [12], "y": [12]}], "win": "w", "eid": "copy", "name": "c", "append": true}"#),
        (.deleteEnv, #"{"eid": "copy"}"#),
        (.update, #"{"data": [{"x": [13], "y": [13]}], "win": "w", "eid": "copy", "name": "c", "append": true}"#),
        (
            .events,
            #"{"data": [{"x": [14], "y": [14], "name": "d", "type": "scatter"}], "win": "w", "eid": "copy", "layout": {}}"#
        ),
        (.update, #"{"data": [{"x": [15], "y": [15]}], "win": "w", "eid": "copy", "name": "d", "append": true}"#),
        (.update, #"{"data": [{"x": [16], "y": [16]}], "win": "w", "name": "c", "append": true}"#),
    ]

    private func rows(_ path: String) throws -> [String] {
        let db = try Connection(path: path, mode: .readOnly)
        var out: [String] = []
        for sql in [
            "SELECT window_id || ':' || epoch || ':' || hex(doc) FROM head ORDER BY window_id, epoch",
            "SELECT series_id || ':' || seq || ':' || epoch || ':' || op || ':' || count || ':' || total || ':' || hex(data) FROM segment ORDER BY series_id, seq",
            "SELECT epoch || ':' || status || ':' || detail FROM epoch ORDER BY epoch",
        ] {
            try db.forEach(sql, []) { out.append($0.text(0)) }
        }
        return out
    }

    func testABatchWritesTheRowsOfTheSameMessagesAppliedOneByOne() throws {
        let dir = try temporaryDirectory(self)
        let batched = dir.appendingPathComponent("batched.db").path
        let single = dir.appendingPathComponent("single.db").path
        let parsed = try messages.map { LogStore.Message($0.0, try json($0.1)) }

        let a = try LogStore(path: batched)
        let outcomes = try a.apply(parsed).map(\.outcome)
        // A handle per message: nothing cached survives from one message to the next.
        XCTAssertEqual(try parsed.map { try LogStore(path: single).apply($0).outcome }, outcomes)
        let b = try LogStore(path: single)
        XCTAssertTrue(
            outcomes.contains { if case .failed = $0 { true } else { false } }, "the batch holds a failing update")

        XCTAssertEqual(try rows(batched), try rows(single))
        XCTAssertEqual(try a.exportEnv("main"), try b.exportEnv("main"))
        XCTAssertEqual(try a.exportEnv("copy"), try b.exportEnv("copy"))
        XCTAssertEqual(try a.exportWindow(env: "copy", window: "w")["content"]?["data"]?.arrayValue?[0]["x"], [14, 15])
        // Three head versions of the second incarnation of "w": created, then its title.
        let w = try XCTUnwrap(try a.exportWindow(env: "main", window: "w")["content"]?["data"]?.arrayValue?[0])
        XCTAssertEqual(w["x"], [9, 10, 11, 16])
        XCTAssertEqual(
            try a.exportWindow(env: "main", window: "h")["content"]?["data"]?.arrayValue?[0]["z"],
            [[0, 0], [1, 2], [3, 4], [5, 6], [7, 8]])
        XCTAssertEqual(try a.exportWindow(env: "main", window: "w")["title"], "u")
    }
}
