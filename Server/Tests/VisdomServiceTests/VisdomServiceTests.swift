import Foundation
import LogStore
import Synchronization
import XCTest

@testable import VisdomService

final class VisdomServiceTests: XCTestCase {
    func service() throws -> VisdomService {
        VisdomService(store: try LogStore(path: try temporaryStorePath(self)))
    }

    let textWindow = #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "main", "opts": {}}"#

    func testRoutesAreVisdoms() {
        XCTAssertEqual(Route(path: "/events"), .write(.events))
        XCTAssertEqual(Route(path: "/update"), .write(.update))
        XCTAssertEqual(Route(path: "/close"), .write(.close))
        XCTAssertEqual(Route(path: "/delete_env"), .write(.deleteEnv))
        XCTAssertEqual(Route(path: "/fork_env"), .write(.forkEnv))
        XCTAssertEqual(Route(path: "/win_data"), .winData)
        XCTAssertEqual(Route(path: "/win_exists"), .read(.windowExists))
        XCTAssertEqual(Route(path: "/win_hash"), .read(.windowHash))
        XCTAssertEqual(Route(path: "/env_state"), .read(.envState))
        XCTAssertEqual(Route(path: "/save"), .read(.save))
        XCTAssertEqual(Route(path: "/env/run_1"), .env("run_1"))
        XCTAssertEqual(Route(path: "/"), .index)
        XCTAssertEqual(Route(path: "/events/x"), .index)
    }

    func testWritesAnswerVisdomsBodyWithTheirEpoch() async throws {
        let s = try service()
        let created = await s.post("/events", textWindow)
        XCTAssertEqual(created.status, 200)
        XCTAssertEqual(created.text, "t")
        XCTAssertEqual(created.epoch, 1)
        let appended = await s.post(
            "/update", #"{"data": [{"content": "more", "type": "text"}], "win": "t", "eid": "main"}"#)
        XCTAssertEqual(appended.status, 200)
        XCTAssertEqual(appended.text, "t")
        XCTAssertEqual(appended.epoch, 2)
        let refused = await s.post(
            "/update", #"{"data": [{"content": "x", "type": "text"}], "win": "nope", "eid": "main"}"#)
        XCTAssertEqual(refused.status, 200)
        XCTAssertEqual(refused.text, "win does not exist")
        // An update of an env that does not exist raises KeyError in visdom: an empty 500.
        let raised = await s.post("/update", #"{"data": [], "win": "t", "eid": "ghost"}"#)
        XCTAssertEqual(raised.status, 500)
        XCTAssertEqual(raised.body, [])
        XCTAssertEqual(raised.epoch, 4, "a raising request is still an epoch, as visdom keeps what it changed")
        let malformed = await s.post("/events", "{not json")
        XCTAssertEqual(malformed.status, 500)
        XCTAssertNil(malformed.epoch)
        XCTAssertEqual(try s.store.lastEpoch, 4)
        let closed = await s.post("/close", #"{"win": "t", "eid": "main"}"#)
        XCTAssertEqual(closed.status, 200)
        XCTAssertEqual(closed.text, "")
        XCTAssertFalse(try s.store.windowExists(env: "main", window: "t"))
        let forked = await s.post("/fork_env", #"{"prev_eid": "main", "eid": "copy/1"}"#)
        XCTAssertEqual(forked.text, "copy_1")
        let deleted = await s.post("/delete_env", #"{"eid": "copy/1"}"#)
        XCTAssertEqual(deleted.status, 200)
        XCTAssertEqual(try s.store.envState(), ["main"])
    }

    /// `respondAtOnce` (the event loop's path) answers `/win_exists` and `/update` as `respond`
    /// does, through `done`, once; it leaves every other request to `respond`.
    func testRespondAtOnceAnswersTheAppendPairAsRespondDoes() async throws {
        let s = try service()
        _ = await s.post("/events", textWindow)
        func atOnce(_ path: String, _ body: String, method: String = "POST") async -> VisdomResponse? {
            let calls = Calls()
            let answer: VisdomResponse? = await withCheckedContinuation { k in
                let taken = s.respondAtOnce(method: method, path: path, headers: [], body: Array(body.utf8)) {
                    calls.count.withLock { $0 += 1 }
                    k.resume(returning: $0)
                }
                if !taken { k.resume(returning: nil) }
            }
            try? await Task.sleep(for: .milliseconds(20))
            XCTAssertLessThanOrEqual(calls.count.withLock { $0 }, 1, "done runs at most once")
            return answer
        }
        let update = #"{"data": [{"content": "more", "type": "text"}], "win": "t", "eid": "main"}"#
        for (path, body) in [
            ("/win_exists", #"{"win": "t", "eid": "main"}"#), ("/win_exists", #"{"win": "u", "eid": "main"}"#),
            ("/win_exists", "{x"), ("/update", update), ("/update", #"{"data": [], "win": "t", "eid": "ghost"}"#),
            ("/update", "[1,"),
        ] {
            let now = await atOnce(path, body)
            let then = await s.post(path, body)
            XCTAssertEqual(now?.status, then.status, path + " " + body)
            XCTAssertEqual(now?.body, then.body, path + " " + body)
            XCTAssertEqual(now?.epoch.map { $0 + 1 }, then.epoch, path + " " + body)
        }
        let none = await atOnce("/win_exists", #"{"win": "t", "eid": "main"}"#, method: "GET")
        XCTAssertNil(none)
        let events = await atOnce("/events", textWindow)
        XCTAssertNil(events)
        let hash = await atOnce("/win_hash", #"{"win": "t", "eid": "main"}"#)
        XCTAssertNil(hash)
        let guarded = VisdomService(store: s.store, access: AccessPolicy(bearerToken: "k"))
        let refused: VisdomResponse? = await withCheckedContinuation { k in
            _ = guarded.respondAtOnce(method: "POST", path: "/update", headers: [], body: Array(update.utf8)) {
                k.resume(returning: $0)
            }
        }
        XCTAssertEqual(refused?.status, 401)
    }

    func testWrongMethodsAndThePage() async throws {
        let s = try service()
        let get = await s.respond(method: "GET", path: "/events", headers: [], body: [])
        XCTAssertEqual(get.status, 405)
        let page = await s.respond(method: "GET", path: "/", headers: [], body: [])
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("start it with --static DIR"), "without a static directory there is no page")
        // A POST to the catch-all is visdom's login, which raises when login is not enabled.
        let login = await s.post("/", #"{"username": "a", "password": "b"}"#)
        XCTAssertEqual(login.status, 500)
    }

    /// Reads answer visdom's body with 200, or an empty 500 where visdom raises; the rules are
    /// the library's (Tests/LogStoreTests/Visdom/ReadHandlersTests.swift).
    func testReadsAnswerVisdomsBodyWithoutAnEpoch() async throws {
        let s = try service()
        _ = await s.post("/events", textWindow)
        let exists = await s.post("/win_exists", #"{"win": "t", "eid": "main"}"#)
        XCTAssertEqual(exists.status, 200)
        XCTAssertEqual(exists.text, "true")
        XCTAssertNil(exists.epoch)
        let hash = await s.post("/win_hash", #"{"win": "t", "eid": "main"}"#)
        XCTAssertEqual(hash.text, try s.store.windowHash(env: "main", window: "t"))
        let one = await s.post("/win_data", #"{"win": "t", "eid": "main"}"#)
        XCTAssertEqual(one.body, JSONWriter.bytes(try s.store.exportWindow(env: "main", window: "t")))
        let env = await s.post("/win_data", #"{"win": null, "eid": "main"}"#)
        XCTAssertEqual(env.body, JSONWriter.bytes(try s.store.windowData(env: "main")))
        let state = await s.post("/env_state", "{}")
        XCTAssertEqual(state.text, #"["main"]"#)
        let saved = await s.post("/save", #"{"data": ["main"]}"#)
        XCTAssertEqual(saved.text, #"["main"]"#)
        for (path, body) in [
            ("/win_data", #"{"win": "nope", "eid": "main"}"#), ("/win_hash", #"{"win": "t", "eid": "ghost"}"#),
            ("/win_exists", "{not json"), ("/save", "{}"),
        ] {
            let r = await s.post(path, body)
            XCTAssertEqual(r.status, 500, path)
            XCTAssertEqual(r.body, [], path)
        }
        XCTAssertEqual(try s.store.lastEpoch, 1)
    }

    func testWinDataWithDataSetsWindows() async throws {
        let s = try service()
        let window =
            #"{\"command\": \"window\", \"id\": \"w\", \"title\": \"\", \"i\": 0, \"type\": \"text\", \"content\": \"x\"}"#
        let set = await s.post("/win_data", #"{"win": "w", "eid": "other", "data": "\#(window)"}"#)
        XCTAssertEqual(set.status, 200)
        XCTAssertNotNil(set.epoch)
        XCTAssertEqual(try s.store.exportWindow(env: "other", window: "w")["content"], "x")
    }

    /// The client's first request, `/env/<env>` with `{"eid": env}`.
    func testEnvPostCreatesTheEnv() async throws {
        let s = try service()
        let r = await s.post("/env/run", #"{"eid": "run"}"#)
        XCTAssertEqual(r.status, 200)
        XCTAssertNotNil(r.epoch)
        XCTAssertEqual(try s.store.envState(), ["main", "run"])
        let page = await s.post("/env/run", #"{"sid": "x"}"#)
        XCTAssertEqual(page.status, 200)
        XCTAssertNil(page.epoch, "a page's request changes nothing")
    }

    func testStorageFailureIsA503AndNotApplied() async throws {
        let path = try temporaryStorePath(self)
        _ = try LogStore(path: path)
        let s = VisdomService(store: try LogStore(path: path, options: .init(readOnly: true)))
        let r = await s.post("/events", textWindow)
        XCTAssertEqual(r.status, 503)
        XCTAssertNil(r.epoch)
        let read = await s.post("/win_exists", #"{"win": "t", "eid": "main"}"#)
        XCTAssertEqual(read.text, "false", "reads still work on a read-only store")
    }

    /// Concurrent requests are each their own epoch, and every answered one is in the store.
    func testConcurrentWritesAreEachAnEpoch() async throws {
        let s = try service()
        _ = await s.post(
            "/events",
            #"{"data": [{"x": [0], "y": [0], "type": "scatter", "mode": "lines", "name": "a"}], "layout": {}, "win": "l", "eid": "main", "opts": {}}"#
        )
        let epochs = await withTaskGroup(of: Int64?.self) { group in
            for i in 1...64 {
                group.addTask {
                    await s.post(
                        "/update",
                        #"{"data": [{"x": [\#(i)], "y": [\#(i)], "name": "a"}], "win": "l", "eid": "main", "append": true}"#
                    ).epoch
                }
            }
            var all: [Int64] = []
            for await e in group { if let e { all.append(e) } }
            return all
        }
        XCTAssertEqual(Set(epochs).count, 64)
        let x = try s.store.exportWindow(env: "main", window: "l")["content"]?["data"]?.arrayValue?.first?["x"]?
            .arrayValue
        XCTAssertEqual(x?.count, 65)
    }
}

/// How often a callback ran, from any thread.
final class Calls: Sendable {
    let count = Mutex(0)
}
