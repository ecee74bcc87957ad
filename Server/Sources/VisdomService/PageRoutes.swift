import Foundation
import LogStore

/// How the server serves visdom's web page.
public struct PageSettings: Sendable {
    /// The page's files; nil: no page (`/` says so).
    public var assets: PageAssets?
    public var display: PageDisplay
    /// The base URL (`--base-url`), "" for none.
    public var baseURL: String
    /// `USER` on the page: `getpass.getuser()`.
    public var user: String
    /// `/user/style.css`: visdom's `~/.config/visdom/style.css`.
    public var userCSS: String
    /// visdom's `-use_frontend_client_polling`: the page polls `/socket_wrap`.
    public var usePolling: Bool

    public init(
        assets: PageAssets? = nil, display: PageDisplay = PageDisplay(), baseURL: String = "", user: String = "",
        userCSS: String = "", usePolling: Bool = false
    ) {
        self.assets = assets
        self.display = display
        self.baseURL = baseURL
        self.user = user
        self.userCSS = userCSS
        self.usePolling = usePolling
    }

    /// `getpass.getuser()`: the first of LOGNAME, USER, LNAME, USERNAME that is set.
    public static func user(environment: [String: String]) -> String {
        for k in ["LOGNAME", "USER", "LNAME", "USERNAME"] { if let v = environment[k], !v.isEmpty { return v } }
        return ""
    }

    /// visdom's `load_user_settings`: `$XDG_CONFIG_HOME/visdom/style.css` (or `~/.config/…`).
    public static func userCSS(environment: [String: String]) -> String {
        let base = environment["XDG_CONFIG_HOME"] ?? ((environment["HOME"] ?? "") + "/.config")
        guard let css = try? String(contentsOfFile: base + "/visdom/style.css", encoding: .utf8) else { return "" }
        return "\n" + css
    }
}

extension VisdomService {
    /// The GET requests answered without authentication: the page's files (tornado's static
    /// handler and `UserSettingsHandler` check nothing) and, with a login, the login page.
    func openPageFile(_ route: Route, query: String, headers: [(name: String, value: String)]) async -> VisdomResponse?
    {
        switch route {
        case .staticFile(let file):
            guard let found = page.assets?.file(file) else { return VisdomResponse(status: 404) }
            return found.response(query: query, headers: headers)
        case .userSettings(let file):
            guard file == "style.css" else { return .ok("") }
            return VisdomResponse(status: 200, body: Array(page.userCSS.utf8), headers: [("Content-Type", "text/css")])
        case .index where access.login != nil && access.refusal(headers: headers) != nil:
            guard let assets = page.assets,
                let html = assets.render("login.html", values: .init(user: page.user, baseURL: page.baseURL))
            else { return nil }
            return VisdomResponse(status: 200, body: html)
        default:
            return nil
        }
    }

    /// `IndexHandler.get`, `EnvHandler.get`, `CompareHandler.get`: `index.html` with the env
    /// list and the env(s) the URL names (those that exist). `/env/ENV?as_of=N` names
    /// `ENV?as_of=N`, so the page's own request for the env carries the epoch.
    func pageHTML(_ route: Route, query: String) async -> VisdomResponse {
        guard let assets = page.assets else {
            return .ok(
                "LogStore serves visdom's API for clients; start it with --static DIR (a visdom static directory) to serve visdom's web page.\n"
            )
        }
        let store = self.store
        let envs: [String]
        do {
            envs = try await reads.run { try store.envState() }.sorted {
                $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars)
            }
        } catch {
            return storageFailure("the page", error)
        }
        func exists(_ e: String) -> Bool { envs.contains { $0.utf8.elementsEqual(e.utf8) } }
        var active = ""
        switch route {
        case .env(let raw):
            let eid = Route.unescape(raw)
            if exists(eid) { active = Route.asOf(query).map { eid + "?as_of=\($0)" } ?? eid }
        case .compare(let raw):
            active = Route.unescape(raw).split(separator: "+", omittingEmptySubsequences: false).map(String.init)
                .filter(exists).joined(separator: "+")
        default:
            break
        }
        let values = PageTemplate.Values(
            items: envs, activeItem: active, user: page.user, wrapSocket: page.usePolling, baseURL: page.baseURL)
        return VisdomResponse(status: 200, body: assets.render("index.html", values: values) ?? [])
    }

    /// `/socket_wrap`, the page's socket by polling: GET opens one (`{"success": true, "sid"}`);
    /// POST `{"message_type": "query"|"send", "sid", "message"}` fetches its frames or sends one.
    func socketWrap(method: String, body: [UInt8]) async -> VisdomResponse {
        if method == "GET" {
            let (sid, _) = await sockets.open(.page, polling: true)
            return .ok(JSONWriter.string(["success": true, "sid": .string(sid)]))
        }
        do {
            let args = try RequestBody(json: body)
            guard case .string(let sid) = try args.member("sid"), await sockets.isPage(sid) else {
                return .ok(JSONWriter.string(["success": false, "reason": "closed"]))
            }
            switch try args.member("message_type")?.stringValue {
            case "query":
                let frames = await sockets.poll(sid) ?? []
                return .ok(JSONWriter.string(["success": true, "messages": .array(frames.map(JSONValue.string))]))
            case "send":
                let message = try args.member("message") ?? .null
                if message.isNull { return .ok(JSONWriter.string(["success": false, "reason": "no msg"])) }
                await sockets.received(message.stringValue ?? JSONWriter.string(message), from: .page, sid: sid)
                return .ok(JSONWriter.string(["success": true]))
            default:
                return .ok(JSONWriter.string(["success": false, "reason": "invalid"]))
            }
        } catch {
            log("/socket_wrap raised \(error)")
            return .raised
        }
    }
}
