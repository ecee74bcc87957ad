import Foundation
import LogStore
import XCTest

@testable import VisdomService

final class PageAssetsTests: XCTestCase {
    func staticDir(_ index: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("js"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try index.write(to: dir.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try "x()".write(to: dir.appendingPathComponent("js/main.js"), atomically: true, encoding: .utf8)
        return dir.path
    }

    /// tornado's rendering of visdom's index.html: static URLs with the file's md5, env names
    /// escaped twice (`{{escape(item)}}` under autoescape), missing files without a version.
    func testRendersVisdomsTemplate() throws {
        let dir = try staticDir(
            """
            <script src={{ static_url("js/main.js") }}></script><link href={{static_url('css/gone.css')}}>
            var ENV_LIST = [{% for item in items %}'{{escape(item)}}',{% end %}];
            var ACTIVE_ENV = '{{escape(active_item)}}'; var USER = '{{escape(user)}}';
            var USE_POLLING = ('{{wrap_socket}}' == 'True');
            """)
        let assets = try PageAssets(directory: dir)
        XCTAssertEqual(assets.missing, ["css/gone.css"])
        let html = String(
            decoding: try XCTUnwrap(
                assets.render(
                    "index.html",
                    values: .init(
                        items: ["main", "a'b"], activeItem: "main", user: "me", wrapSocket: true, baseURL: "/v"))),
            as: UTF8.self)
        XCTAssertTrue(
            html.contains("<script src=/v/static/js/main.js?v=\(MD5.hexDigest(Array("x()".utf8)))></script>"), html)
        XCTAssertTrue(html.contains("<link href=/v/static/css/gone.css>"), html)
        XCTAssertTrue(html.contains("var ENV_LIST = ['main','a&amp;#39;b',];"), html)
        XCTAssertTrue(html.contains("var ACTIVE_ENV = 'main'; var USER = 'me';"), html)
        XCTAssertTrue(html.contains("('True' == 'True')"), html)
    }

    func testRefusesWhatItCannotRender() throws {
        XCTAssertThrowsError(try PageAssets(directory: try staticDir("{{ handler.settings }}")))
        XCTAssertThrowsError(try PageAssets(directory: try staticDir("{% if x %}")))
        XCTAssertThrowsError(try PageAssets(directory: "/nonexistent"))
    }

    func testServesFilesBelowTheDirectoryOnly() throws {
        let assets = try PageAssets(directory: try staticDir("hi"))
        XCTAssertEqual(assets.file("js/main.js")?.contentType, "application/javascript")
        XCTAssertNil(assets.file("../index.html"))
        XCTAssertNil(assets.file("js/../index.html"))
        XCTAssertNil(assets.file("js"))
        XCTAssertNil(assets.file("/etc/passwd"))
    }

    /// tornado's `StaticFileHandler`: a versioned URL is cached for ten years, every file has
    /// validators, and a request whose validator still holds gets a 304 without the bytes.
    func testStaticFilesAreCachedAsTornadoCachesThem() async throws {
        let dir = try staticDir("hi")
        let s = VisdomService(
            store: try LogStore(path: try temporaryStorePath(self)),
            page: PageSettings(assets: try PageAssets(directory: dir)))
        func header(_ r: VisdomResponse, _ name: String) -> String? { r.headers.first { $0.name == name }?.value }
        var r = await s.respond(method: "GET", path: "/static/js/main.js", query: "v=abc", headers: [], body: [])
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.text, "x()")
        XCTAssertEqual(header(r, "Cache-Control"), "max-age=315360000")
        XCTAssertNotNil(header(r, "Expires"))
        let etag = try XCTUnwrap(header(r, "Etag"))
        let modified = try XCTUnwrap(header(r, "Last-Modified"))
        XCTAssertTrue(modified.hasSuffix(" GMT"), modified)
        r = await s.respond(method: "GET", path: "/static/js/main.js", headers: [], body: [])
        XCTAssertNil(header(r, "Cache-Control"), "an unversioned URL is revalidated")
        XCTAssertEqual(header(r, "Etag"), etag)
        r = await s.respond(
            method: "GET", path: "/static/js/main.js", headers: [("If-None-Match", "\"other\", " + etag)], body: [])
        XCTAssertEqual(r.status, 304)
        XCTAssertEqual(r.body, [])
        r = await s.respond(
            method: "GET", path: "/static/js/main.js", headers: [("if-modified-since", modified)], body: [])
        XCTAssertEqual(r.status, 304)
        r = await s.respond(
            method: "GET", path: "/static/js/main.js", headers: [("If-None-Match", "\"other\"")], body: [])
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.text, "x()")
        // the file changes: its validator no longer holds
        try Data("y();".utf8).write(to: URL(fileURLWithPath: dir + "/js/main.js"))
        r = await s.respond(method: "GET", path: "/static/js/main.js", headers: [("If-None-Match", etag)], body: [])
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.text, "y();")
        XCTAssertNotEqual(header(r, "Etag"), etag)
    }

    func testPageRoutes() async throws {
        let dir = try staticDir("[{% for item in items %}{{item}} {% end %}] '{{escape(active_item)}}'")
        let s = VisdomService(
            store: try LogStore(path: try temporaryStorePath(self)),
            page: PageSettings(assets: try PageAssets(directory: dir), userCSS: "body{}"))
        _ = await s.post("/events", #"{"data": [{"content": "x", "type": "text"}], "win": "t", "eid": "a b"}"#)
        var r = await s.respond(method: "GET", path: "/", headers: [], body: [])
        XCTAssertEqual(r.text, "[a b main ] ''")
        r = await s.respond(method: "GET", path: "/env/a%20b", query: "as_of=1", headers: [], body: [])
        XCTAssertEqual(r.text, "[a b main ] 'a b?as_of=1'")
        r = await s.respond(method: "GET", path: "/env/missing", headers: [], body: [])
        XCTAssertEqual(r.text, "[a b main ] ''")
        r = await s.respond(method: "GET", path: "/compare/main+nope+a%20b", headers: [], body: [])
        XCTAssertEqual(r.text, "[a b main ] 'main+a b'")
        r = await s.respond(method: "GET", path: "/static/js/main.js", headers: [], body: [])
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.headers.first?.value, "application/javascript")
        r = await s.respond(method: "GET", path: "/static/nope.js", headers: [], body: [])
        XCTAssertEqual(r.status, 404)
        r = await s.respond(method: "GET", path: "/user/style.css", headers: [], body: [])
        XCTAssertEqual(r.text, "body{}")
    }
}
