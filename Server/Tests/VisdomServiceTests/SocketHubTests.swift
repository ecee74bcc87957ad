import LogStore
import XCTest

@testable import VisdomService

final class SocketHubTests: XCTestCase {
    func next(_ it: inout AsyncStream<String>.AsyncIterator) async throws -> JSONValue {
        let next = await it.next()
        let text = try XCTUnwrap(next)
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
        _ = await s.post("/events", #"{"data": [{"content": "hi", "type": "text"}], "win": "t", "eid": "main", "opts": {}}"#)
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

        await s.sockets.received(#"{"cmd": "forward_to_vis", "data": {"target": "t", "eid": "main", "event_type": "KeyPress", "key": "a"}}"#, from: .page)
        let event = try await next(&fromServer)
        XCTAssertEqual(event["event_type"], "KeyPress")
        XCTAssertEqual(event["key"], "a")
        XCTAssertEqual(event["pane_data"], try s.store.exportWindow(env: "main", window: "t"))

        await s.sockets.received(#"{"cmd": "forward_to_vis", "data": {"target": "t", "eid": "main", "pane_data": false}}"#, from: .page)
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
