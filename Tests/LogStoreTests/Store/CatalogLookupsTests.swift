import Foundation
import XCTest

@testable import LogStore

/// The writer's env and window lookups kept across epochs (`CatalogLookups`): whatever happens
/// between two messages on one handle, each message must meet the envs and windows a fresh
/// handle would.
final class CatalogLookupsTests: XCTestCase {
    func window(_ win: String, eid: String) -> String {
        #"{"data": [{"x": [0], "y": [0], "name": "a", "type": "scatter"}], "win": "\#(win)", "eid": "\#(eid)", "layout": {}, "opts": {}}"#
    }
    func append(_ i: Int, win: String = "w", eid: String = "main") -> String {
        #"{"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "\#(win)", "eid": "\#(eid)", "name": "a", "append": true, "layout": {}}"#
    }

    func path(_ name: String) throws -> String { try temporaryDirectory(self).appendingPathComponent(name).path }

    /// The outcome of each message and the env files after them, on one handle.
    func run(_ store: LogStore, _ messages: [(Endpoint, String)]) throws -> ([Outcome], [String: JSONValue]) {
        let outcomes = try messages.map { try store.apply($0.0, $0.1) }
        var envs: [String: JSONValue] = [:]
        for name in try store.envNames() { envs[name] = try store.exportEnv(name) }
        return (outcomes, envs)
    }

    /// A job that created an env and a window (rowids that the next ones reuse) and then failed
    /// leaves no lookup behind: later messages meet exactly what a fresh handle meets.
    func testAFailedJobLeavesNoLookupBehind() throws {
        let later: [(Endpoint, String)] = [
            (.update, append(1, win: "v", eid: "e")),  // neither exists: refused as on a fresh handle
            (.events, window("u", eid: "f")),
            (.update, append(2, win: "u", eid: "f")),
            (.update, append(3, win: "v", eid: "e")),
        ]
        let store = try LogStore(path: try path("rolled.db"))
        try store.apply(.events, window("w", eid: "main"))
        struct Boom: Error {}
        XCTAssertThrowsError(
            try store.write { ctx in
                let w = EpochWriter(ctx, epoch: ctx.nextEpoch())
                _ = try Handlers.handle(.events, PaneValue(try json(self.window("v", eid: "e"))), in: w)
                _ = try Handlers.handle(.update, PaneValue(try json(self.append(9, win: "v", eid: "e"))), in: w)
                throw Boom()
            })
        let fresh = try LogStore(path: try path("fresh.db"))
        try fresh.apply(.events, window("w", eid: "main"))
        let (outcomes, envs) = try run(store, later)
        let (expectedOutcomes, expectedEnvs) = try run(fresh, later)
        XCTAssertEqual(outcomes, expectedOutcomes)
        XCTAssertEqual(envs, expectedEnvs)
        XCTAssertNil(envs["e"])
    }

    /// Another connection ends an env (a bare env_end row, no new epoch) between two messages of
    /// this handle: the next message no longer finds the env.
    func testAnotherConnectionsCommitIsSeen() throws {
        let path = try path("other.db")
        let store = try LogStore(path: path)
        try store.apply(.events, window("w", eid: "gone"))
        try store.apply(.update, append(1, win: "w", eid: "gone"))
        do {
            let other = try Connection(path: path, mode: .readWrite)
            try other.execute(
                "INSERT INTO env_end(env_id, epoch) SELECT env_id, (SELECT max(epoch) FROM epoch) FROM env WHERE name = 'gone'"
            )
        }
        let fresh = try LogStore(path: try self.path("fresh.db"))
        let (outcomes, _) = try run(store, [(.update, append(2, win: "w", eid: "gone"))])
        let (expected, _) = try run(fresh, [(.update, append(2, win: "w", eid: "gone"))])
        XCTAssertEqual(outcomes, expected)
        XCTAssertFalse(try store.envNames().contains("gone"))
    }

    /// Closing, deleting, forking and compacting between appends: one handle ends with the same
    /// envs as a new handle per message.
    func testEnvAndWindowChangesBetweenAppendsMatchFreshHandles() throws {
        let messages: [(Endpoint, String)] = [
            (.events, window("w", eid: "main")),
            (.update, append(1)),
            (.close, #"{"win": "w", "eid": "main"}"#),
            (.update, append(2)),
            (.events, window("w", eid: "main")),
            (.update, append(3)),
            (.forkEnv, #"{"prev_eid": "main", "eid": "copy"}"#),
            (.update, append(4, eid: "copy")),
            (.deleteEnv, #"{"eid": "copy"}"#),
            (.update, append(5, eid: "copy")),
            (.update, append(6)),
        ]
        let one = try LogStore(path: try path("one.db"))
        var outcomes: [Outcome] = []
        for (i, m) in messages.enumerated() {
            outcomes.append(try one.apply(m.0, m.1))
            if i == 5 { _ = try one.compact() }
        }
        let freshPath = try path("fresh.db")
        var expected: [Outcome] = []
        for m in messages { expected.append(try LogStore(path: freshPath).apply(m.0, m.1)) }
        XCTAssertEqual(outcomes, expected)
        let fresh = try LogStore(path: freshPath)
        XCTAssertEqual(try one.envNames(), try fresh.envNames())
        for name in try fresh.envNames() { XCTAssertEqual(try one.exportEnv(name), try fresh.exportEnv(name)) }
    }

    /// A head written by a job that failed, or by another connection, is never the one the next
    /// message starts from; a head this handle wrote is.
    func testTheHeadAMessageStartsFromIsTheCurrentOne() throws {
        func retitle(_ i: Int, _ title: String) -> String {
            #"{"data": [{"x": [\#(i)], "y": [\#(i)]}], "win": "w", "eid": "main", "name": "a", "append": true, "opts": {"title": "\#(title)"}, "layout": {}}"#
        }
        let path = try path("heads.db")
        let store = try LogStore(path: path)
        let fresh = try LogStore(path: try self.path("fresh.db"))
        for s in [store, fresh] {
            try s.apply(.events, window("w", eid: "main"))
            try s.apply(.update, append(1))
        }
        struct Boom: Error {}
        XCTAssertThrowsError(
            try store.write { ctx in
                let w = EpochWriter(ctx, epoch: ctx.nextEpoch())
                guard case .object(var pane)? = try w.pane("w", in: "main") else { return XCTFail("no pane") }
                pane["lost"] = .bool(true)
                try w.storePane(.object(pane), id: "w", in: "main", replacing: false)
                throw Boom()
            })
        for s in [store, fresh] {
            try s.apply(.update, append(2))
            try s.apply(.update, retitle(3, "kept"))
            try s.apply(.update, append(4))
        }
        XCTAssertEqual(try store.exportEnv("main"), try fresh.exportEnv("main"))

        // Another connection writes a newer head (this one with a field added) without a new
        // epoch; the next message writes a head of its own, which must start from that one.
        do {
            let other = try Connection(path: path, mode: .readWrite)
            let (window, doc) = try other.one("SELECT window_id, doc FROM head ORDER BY epoch DESC LIMIT 1", []) {
                ($0.int64(0), $0.blob(1))
            }!
            guard case .object(var pane) = try doc.withUnsafeBytes({ try ValueCodec.decodePane($0) }) else {
                return XCTFail("not an object")
            }
            pane["written_elsewhere"] = .bool(true)
            try other.run(
                "INSERT OR REPLACE INTO head(window_id, epoch, doc) SELECT ?, max(epoch), ? FROM epoch",
                [.integer(window), .blob(ValueCodec.encodePane(.object(pane)))])
        }
        try store.apply(.update, retitle(5, "again"))
        let exported = try store.exportWindow(env: "main", window: "w")
        XCTAssertEqual(exported["written_elsewhere"], .bool(true))
        XCTAssertEqual(exported["content"]?["data"]?.arrayValue?[0]["x"]?.arrayValue?.count, 6)
    }

    /// A head kept is the last one set for its window, whichever window was asked in between,
    /// until the heads are dropped.
    func testAHeadIsTheLastOneSetUntilDropped() {
        let lookups = CatalogLookups()
        XCTAssertTrue(lookups.head(5) == nil)
        lookups.setHead(5, [1])
        lookups.setHead(6, nil)
        XCTAssertEqual(lookups.head(5), .some([1]))
        XCTAssertEqual(lookups.head(6), .some(nil))
        XCTAssertEqual(lookups.head(5), .some([1]))
        lookups.setHead(5, [2])
        XCTAssertEqual(lookups.head(5), .some([2]))
        lookups.removeAll()
        XCTAssertTrue(lookups.head(5) == nil)
        lookups.setHead(5, [3])
        for w in 100..<400 { lookups.setHead(Int64(w), []) }
        lookups.trim()
        XCTAssertTrue(lookups.head(5) == nil)
        XCTAssertTrue(lookups.head(399) == nil)
    }

    func testTheCacheIsTrimmedPastItsCapacity() {
        let lookups = CatalogLookups(capacity: 2)
        lookups.envs[ExactKey("a")] = 1
        lookups.envs[ExactKey("b")] = .some(nil)
        lookups.trim()
        XCTAssertEqual(lookups.count, 2)
        lookups.windows[.init(env: 1, wid: ExactKey("w"))] = .some(nil)
        lookups.trim()
        XCTAssertEqual(lookups.count, 0)
    }
}
