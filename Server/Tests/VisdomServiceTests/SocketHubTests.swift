import LogStore
import XCTest

@testable import VisdomService

final class SocketHubTests: XCTestCase {
    func next(_ it: inout AsyncStream<SocketHub.Frame>.AsyncIterator) async throws -> JSONValue {
        let next = await it.next()
        guard case .text(let text)? = next else {
            throw XCTSkip("expected a text frame, got \(String(describing: next))")
        }
        return try JSONReader.parse(text)
    }

    func testClientSocketHandshakeAndEcho() async throws {
        let s = VisdomService(store: try LogStore(path: try temporaryStorePath(self)))
        let (_, messages) = await s.sockets.open(.source)
        var it = messages.makeAsyncIterator()
        let alive = try await next(&it)
        XCTAssertEqual(alive, ["command": "alive", "data": "vis_alive"])
        await s.sockets.received(#"{"cmd": "echo", "data": 1}"#, from: .source)
        let echo = try await next(&it)
        XCTAssertEqual(echo, ["cmd": "echo", "data": 1])
    }

    /// A page's `forward_to_vis` reaches the client with the window's current JSON: how a
    /// window event reaches `register_event_handler`.
    func testForwardToVisCarriesThePane() async throws {
        let s = VisdomService(store: try LogStore(path: try temporaryStorePath(self)))
        _ = await s.post(
            "/events", #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "main", "opts": {}}"#)
        let (sourceID, source) = await s.sockets.open(.source)
        var fromServer = source.makeAsyncIterator()
        _ = try await next(&fromServer)
        let (_, page) = await s.sockets.open(.page)
        var toPage = page.makeAsyncIterator()
        let register = try await next(&toPage)
        XCTAssertEqual(register["command"], "register")
        XCTAssertEqual(register["readonly"], false)
        _ = try await next(&toPage)
        let envs = try await next(&toPage)
        XCTAssertEqual(envs, ["command": "env_update", "data": ["main"]])

        await s.sockets.received(
            #"{"cmd": "forward_to_vis", "data": {"target": "t", "eid": "main", "event_type": "KeyPress", "key": "a"}}"#,
            from: .page)
        let event = try await next(&fromServer)
        XCTAssertEqual(event["event_type"], "KeyPress")
        XCTAssertEqual(event["key"], "a")
        XCTAssertEqual(event["pane_data"], try s.store.exportWindow(env: "main", window: "t"))

        await s.sockets.received(
            #"{"cmd": "forward_to_vis", "data": {"target": "t", "eid": "main", "pane_data": false}}"#, from: .page)
        let bare = try await next(&fromServer)
        XCTAssertEqual(bare["pane_data"], false)

        await s.sockets.received(#"{"cmd": "close", "data": "t", "eid": "main"}"#, from: .page)
        let closed = try await next(&fromServer)
        XCTAssertEqual(closed["event_type"], "close")
        XCTAssertEqual(closed["pane_data"]?["content"], "hi")
        XCTAssertFalse(try s.store.windowExists(env: "main", window: "t"))

        await s.sockets.close(.source, sid: sourceID)
        let counts = await s.sockets.counts
        XCTAssertEqual(counts.sources, 0)
        XCTAssertEqual(counts.pages, 1)
        let after = await fromServer.next()
        XCTAssertNil(after, "a closed connection's stream ends")
    }
}

/// The page's side of `/socket`: env loading, what a page hears of other clients' writes, its
/// own commands, polling, and connections that do not read.
final class PageSocketTests: XCTestCase {
    func next(_ it: inout AsyncStream<SocketHub.Frame>.AsyncIterator) async throws -> JSONValue {
        let next = await it.next()
        guard case .text(let text)? = next else {
            throw XCTSkip("expected a text frame, got \(String(describing: next))")
        }
        return try JSONReader.parse(text)
    }

    /// The next frame whose command is not `command`.
    func nextNot(_ command: JSONValue, _ it: inout AsyncStream<SocketHub.Frame>.AsyncIterator) async throws -> JSONValue
    {
        while true {
            let f = try await next(&it)
            if f["command"] != command { return f }
        }
    }

    func openPage(_ s: VisdomService) async throws -> (String, AsyncStream<SocketHub.Frame>.AsyncIterator) {
        let (sid, stream) = await s.sockets.open(.page)
        var it = stream.makeAsyncIterator()
        for _ in 0..<3 { _ = try await next(&it) }  // register, layout_update, env_update
        return (sid, it)
    }

    func testAPageIsSentItsEnvAndFollowsWrites() async throws {
        let s = VisdomService(
            store: try LogStore(path: try temporaryStorePath(self)),
            page: PageSettings(display: PageDisplay(maxPoints: 100)))
        let ys = (1...200).map(String.init).joined(separator: ", ")
        let xs = (0..<200).map(String.init).joined(separator: ", ")
        _ = await s.post(
            "/events",
            #"{"data": [{"x": [\#(xs)], "y": [\#(ys)], "name": "1", "type": "scatter"}], "layout": {}, "win": "p", "eid": "e", "opts": {}}"#
        )
        var (sid, page) = try await openPage(s)
        _ = await s.post("/env/e", #"{"sid": "\#(sid)"}"#)
        let reload = try await next(&page)
        XCTAssertEqual(reload["command"], "reload")
        let window = try await next(&page)
        XCTAssertEqual(window["id"], "p")
        let drawn = window["content"]?["data"]?.arrayValue?.first?["y"]?.arrayValue?.count ?? 0
        XCTAssertTrue((26...100).contains(drawn), "thinned for drawing: \(drawn) points (buckets of 8: 25 of them)")
        let layout = try await next(&page)
        XCTAssertEqual(layout, ["command": "layout"])

        // another client appends: the page gets the window again
        _ = await s.post(
            "/update",
            #"{"data": [{"y": [8], "x": [200], "name": "1", "type": "scatter"}], "win": "p", "eid": "e", "append": true, "layout": {}, "opts": {}}"#
        )
        let updated = try await nextNot("env_update", &page)
        XCTAssertEqual(updated["id"], "p")
        XCTAssertEqual(
            try s.store.exportWindow(env: "e", window: "p")["content"]?["data"]?.arrayValue?.first?["y"]?.arrayValue?
                .count, 201,
            "the store keeps every point")
        // a window of another env is not sent; one of this env is
        _ = await s.post("/events", #"{"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "other"}"#)
        _ = await s.post("/events", #"{"data": [{"content": "y", "type": "text"}], "win": "t2", "eid": "e"}"#)
        let got = try await nextNot("env_update", &page)
        XCTAssertEqual(got["id"], "t2")
        // a client's close reaches the page
        _ = await s.post("/close", #"{"win": "t2", "eid": "e"}"#)
        let closed = try await nextNot("env_update", &page)
        XCTAssertEqual(closed, ["command": "close", "data": "t2"])
        // delete_env: the env list
        _ = await s.post("/delete_env", #"{"eid": "other"}"#)
        let envs = try await next(&page)
        XCTAssertEqual(envs, ["command": "env_update", "data": ["main", "e"]])
    }

    /// A write skips the socket actor while no page is open and none was sent an env list
    /// (`hearsChanges`); the env list pages were last sent is forgotten once no page is open
    /// to hear a change, so a page opened later hears an env come back.
    func testWritesNoPageCanHearSkipTheHub() async throws {
        continueAfterFailure = false  // a page that missed its env_update would wait for it forever
        let s = VisdomService(store: try LogStore(path: try temporaryStorePath(self)))
        let text = #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "x"}"#
        XCTAssertFalse(s.sockets.hearsChanges)
        _ = await s.post("/events", text)
        XCTAssertFalse(s.sockets.hearsChanges)
        var (sid, page) = try await openPage(s)
        XCTAssertTrue(s.sockets.hearsChanges)
        _ = await s.post("/events", text.replacingOccurrences(of: #""x""#, with: #""y""#))
        let listed = try await next(&page)
        XCTAssertEqual(listed, ["command": "env_update", "data": ["main", "x", "y"]])
        await s.sockets.close(.page, sid: sid)
        XCTAssertTrue(s.sockets.hearsChanges, "the env list last sent is still kept")
        _ = await s.post("/delete_env", #"{"eid": "y"}"#)
        XCTAssertFalse(s.sockets.hearsChanges, "no page heard that change: the list is forgotten")
        (sid, page) = try await openPage(s)
        _ = await s.post("/events", text.replacingOccurrences(of: #""x""#, with: #""y""#))
        let back = try await next(&page)
        XCTAssertEqual(back, ["command": "env_update", "data": ["main", "x", "y"]])
        await s.sockets.close(.page, sid: sid)
    }

    /// Appends to a trace thinned for drawing reach an open page as small `window_update`
    /// patches: the display buckets an append leaves alone are not sent again, and the new
    /// point (a spike, then ordinary ones, each a new value) is added to what the page holds.
    func testAppendsToAThinnedTraceArePatches() async throws {
        let s = VisdomService(
            store: try LogStore(path: try temporaryStorePath(self)),
            page: PageSettings(display: PageDisplay(maxPoints: 100)))
        let n = 3000
        let ys = (0..<n).map { String(sin(Double($0) / 40)) }.joined(separator: ", ")
        let xs = (0..<n).map(String.init).joined(separator: ", ")
        _ = await s.post(
            "/events",
            #"{"data": [{"x": [\#(xs)], "y": [\#(ys)], "name": "1", "type": "scatter"}], "layout": {}, "win": "p", "eid": "e", "opts": {}}"#
        )
        var (sid, page) = try await openPage(s)
        _ = await s.post("/env/e", #"{"sid": "\#(sid)"}"#)
        _ = try await next(&page)  // reload
        let window = try await next(&page)
        let sent = window["content"]?["data"]?.arrayValue?.first?["y"]?.arrayValue?.count ?? 0
        XCTAssertTrue((2...100).contains(sent), "thinned: \(sent) points")
        _ = try await next(&page)  // layout
        for i in 0..<8 {
            let y = i == 0 ? "1000.5" : String(0.25 + Double(i) / 1024)
            _ = await s.post(
                "/update",
                #"{"data": [{"y": [\#(y)], "x": [\#(n + i)], "name": "1", "type": "scatter"}], "win": "p", "eid": "e", "append": true, "layout": {}, "opts": {}}"#
            )
            let update = try await nextNot("env_update", &page)
            XCTAssertEqual(update["command"], "window_update", "append \(i)")
            XCTAssertEqual(update["win"], "p")
            let ops = update["content"]?.arrayValue ?? []
            XCTAssertLessThan(ops.count, 30, "append \(i): a few operations, not the window")
            XCTAssertTrue(
                ops.contains { $0["op"] == "add" && $0["value"] == .double(Double(y)!) },
                "append \(i): the new point is added")
        }
        let fresh = try XCTUnwrap(try s.store.pageWindow(env: "e", window: "p", maxPoints: 100))
        XCTAssertEqual(fresh["content"]?["data"]?.arrayValue?.first?["y"]?.arrayValue?.last, .double(0.25 + 7.0 / 1024))
        XCTAssertTrue(fresh["content"]?["data"]?.arrayValue?.first?["y"]?.arrayValue?.contains(1000.5) == true)
    }

    /// visdom's page posts `/env/ENV` twice as it opens; the second ask, made while the first
    /// is not answered yet, sends nothing again (a change made meanwhile still arrives).
    func testAnEnvAskedForTwiceWhileLoadingIsSentOnce() async throws {
        let s = VisdomService(store: try LogStore(path: try temporaryStorePath(self)))
        _ = await s.post("/events", #"{"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "e"}"#)
        var (sid, page) = try await openPage(s)
        let (gate, open) = AsyncStream<Void>.makeStream()
        s.sockets.feed.enqueue { for await _ in gate { break } }  // holds the feed: both asks wait
        _ = await s.post("/env/e", #"{"sid": "\#(sid)"}"#)
        _ = await s.post("/env/e", #"{"sid": "\#(sid)"}"#)
        _ = await s.post("/events", #"{"data": [{"content": "y", "type": "text"}], "win": "t2", "eid": "e"}"#)
        open.yield(())
        var commands: [JSONValue] = []
        while commands.filter({ $0 == "t2" }).count < 2 {
            let f = try await next(&page)
            commands.append(f["command"] == "window" ? f["id"] ?? .null : f["command"] ?? .null)
        }
        XCTAssertEqual(
            commands.filter { $0 != "env_update" }, ["reload", "t", "t2", "layout", "t2"],
            "one load (which already holds t2), then the change to t2")
    }

    func testThePagesCommandsReachTheStore() async throws {
        let s = VisdomService(store: try LogStore(path: try temporaryStorePath(self)))
        _ = await s.post("/events", #"{"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "e"}"#)
        var (sid, page) = try await openPage(s)
        await s.sockets.received(
            #"{"cmd": "save", "data": {"t": {"x": 1}}, "prev_eid": "e", "eid": "copy"}"#, from: .page, sid: sid)
        let list = try await next(&page)
        XCTAssertEqual(list, ["command": "env_update", "data": ["main", "e", "copy"]])
        XCTAssertEqual(try s.store.exportEnv("copy")["reload"], ["t": ["x": 1]])
        await s.sockets.received(#"{"cmd": "save_layouts", "data": "{\"e\": {}}"}"#, from: .page, sid: sid)
        var layouts = try await next(&page)
        // the save made the page show the copy: it is loaded again
        while layouts["command"] != "layout_update" { layouts = try await next(&page) }
        XCTAssertEqual(layouts["data"], #"{"e": {}}"#)
        await s.sockets.received(#"{"cmd": "delete_env", "eid": "copy"}"#, from: .page, sid: sid)
        var after = try await next(&page)
        while after["command"] != "env_update" { after = try await next(&page) }
        XCTAssertEqual(after["data"], ["main", "e"])
        XCTAssertFalse(try s.store.envExists("copy"))
    }

    /// `/env/ENV?as_of=N`: the env as it was, and the page is read-only.
    func testAPageOfThePastIsReadOnly() async throws {
        let s = VisdomService(store: try LogStore(path: try temporaryStorePath(self)))
        _ = await s.post("/events", #"{"data": [{"content": "old", "type": "text"}], "win": "t", "eid": "e"}"#)
        _ = await s.post("/events", #"{"data": [{"content": "new", "type": "text"}], "win": "t", "eid": "e"}"#)
        var (sid, page) = try await openPage(s)
        _ = await s.respond(
            method: "POST", path: "/env/e", query: "as_of=1", headers: [], body: Array(#"{"sid": "\#(sid)"}"#.utf8))
        _ = try await next(&page)
        let window = try await next(&page)
        XCTAssertEqual(window["content"], "old")
        await s.sockets.received(#"{"cmd": "delete_env", "eid": "e"}"#, from: .page, sid: sid)
        _ = await s.post("/env_state", "{}")  // let the feed run
        try await Task.sleep(nanoseconds: 200_000_000)
        XCTAssertTrue(try s.store.envExists("e"))
    }

    func testPollingPages() async throws {
        let s = VisdomService(store: try LogStore(path: try temporaryStorePath(self)))
        let opened = await s.respond(method: "GET", path: "/socket_wrap", headers: [], body: [])
        let sid = try XCTUnwrap(try JSONReader.parse(opened.body)["sid"]?.stringValue)
        let (fed, done) = AsyncStream<Void>.makeStream()
        s.sockets.feed.enqueue { done.yield(()) }  // runs after the page's greeting was queued
        for await _ in fed { break }
        let r = await s.post("/socket_wrap", #"{"message_type": "query", "sid": "\#(sid)"}"#)
        let messages = try JSONReader.parse(r.body)["messages"]?.arrayValue ?? []
        XCTAssertEqual(
            messages.compactMap { try? JSONReader.parse($0.stringValue ?? "")["command"] },
            ["env_update", "layout_update", "register"],
            "newest first, as visdom pops them")
        let again = await s.post("/socket_wrap", #"{"message_type": "query", "sid": "\#(sid)"}"#)
        XCTAssertEqual(again.text, #"{"success": true, "messages": []}"#)
        let closed = await s.post("/socket_wrap", #"{"message_type": "query", "sid": "nope"}"#)
        XCTAssertEqual(closed.text, #"{"success": false, "reason": "closed"}"#)
    }

    /// A connection that does not read is closed with 1008 once its queue passes the limit,
    /// instead of buffering without bound or silently dropping messages.
    func testASlowConsumerIsClosed() async throws {
        let store = try LogStore(path: try temporaryStorePath(self))
        let hub = SocketHub(store: store, display: PageDisplay(), limits: .init(queuedBytes: 10_000), log: { _ in })
        let (_, stream) = await hub.open(.source)
        let big = #"{"cmd": "echo", "data": ""# + String(repeating: "x", count: 3000) + #""}"#
        for _ in 0..<10 { await hub.received(big, from: .source) }
        var frames: [SocketHub.Frame] = []
        for await f in stream { frames.append(f) }
        XCTAssertEqual(frames.last, .close(code: 1008, reason: "too many unread messages"))
        XCTAssertEqual(frames.count, 5, "alive, three echoes within 10,000 bytes, then the close")
        let counts = await hub.counts
        XCTAssertEqual(counts.sources, 0)
    }

    /// A page load goes whole to a page that is not a slow consumer, even when its windows
    /// add up to more than the limit (a large env); a second one to a page that has not read
    /// the first closes it. (The second is of the env as of an epoch: the same env asked for
    /// again while it loads is one load, `testAnEnvAskedForTwiceWhileLoadingIsSentOnce`.)
    func testAPageLoadIsSentWholeOnce() async throws {
        let store = try LogStore(path: try temporaryStorePath(self))
        let s = VisdomService(store: store)
        for w in 0..<3 {
            _ = await s.post(
                "/events",
                #"{"data": [{"content": "\#(String(repeating: "x", count: 1000))", "type": "text"}], "win": "t\#(w)", "eid": "e"}"#
            )
        }
        let hub = SocketHub(store: store, display: PageDisplay(), limits: .init(queuedBytes: 2_000), log: { _ in })
        let (sid, stream) = await hub.open(.page)
        await hub.load(env: "e", asOf: nil, for: sid)
        var commands: [String] = []
        var last: SocketHub.Frame?
        for await f in stream {
            last = f
            guard case .text(let text) = f else { continue }
            commands.append(try JSONReader.parse(text)["command"]?.stringValue ?? "")
            // the first load is delivered (none of it read): a second one now
            if commands.last == "layout" { await hub.load(env: "e", asOf: try store.lastEpoch, for: sid) }
        }
        XCTAssertEqual(
            commands, ["register", "layout_update", "env_update", "reload", "window", "window", "window", "layout"])
        XCTAssertEqual(last, .close(code: 1008, reason: "too many unread messages"))
    }
}
