import LogStore

/// Who may use the server. With neither a token nor a login every request is served (the server
/// binds 127.0.0.1 by default, so that means: every user of this machine).
///
/// - `bearerToken`: every request, websocket upgrades included, must carry
///   `Authorization: Bearer <token>`; others get 401.
/// - `login`: visdom's `-enable_login`. The client logs in by POSTing `{"username", "password"}`
///   (the password as the client's sha256 hex) to the base URL and gets the session cookie
///   `user_password`; requests without it get visdom's 400, and sockets without it are closed.
///   The cookie is a random secret of this server process, `HttpOnly` (no script reads it)
///   and `SameSite=Strict` (a browser sends it only with requests from this server's pages).
public struct AccessPolicy: Sendable {
    public struct Login: Sendable {
        public let username: String
        /// sha256(sha256(password)) as hex, as visdom stores it.
        let storedHash: String
        public init(username: String, password: String) {
            self.username = username
            self.storedHash = SHA256.hex(SHA256.hex(password))
        }
    }

    public let bearerToken: String?
    public let login: Login?
    let session: String

    public init(bearerToken: String? = nil, login: Login? = nil) {
        self.bearerToken = bearerToken
        self.login = login
        var rng = SystemRandomNumberGenerator()
        session = (0..<4).map { _ in String(rng.next() as UInt64, radix: 16) }.joined()
    }

    public var isOpen: Bool { bearerToken == nil && login == nil }

    /// nil when the request may go on, else the answer that refuses it.
    public func refusal(headers: [(name: String, value: String)]) -> VisdomResponse? {
        if let refusal = tokenRefusal(headers: headers) { return refusal }
        if login != nil {
            guard cookie("user_password", in: headers).map({ constantTimeEqual($0, session) }) ?? false else {
                return VisdomResponse(status: 400)
            }
        }
        return nil
    }

    /// nil when the request carries the bearer token (or none is required), else the 401. A
    /// login (`POST` to the base URL) must pass this too: the token guards every request.
    public func tokenRefusal(headers: [(name: String, value: String)]) -> VisdomResponse? {
        guard let token = bearerToken else { return nil }
        let given = headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        guard constantTimeEqual(given, "Bearer " + token) else {
            return VisdomResponse(status: 401, headers: [("WWW-Authenticate", "Bearer")])
        }
        return nil
    }

    /// `IndexHandler.post`: a login. Without `-enable_login` visdom raises (500), as here.
    func login(body: [UInt8]) -> VisdomResponse {
        guard let login, let args = try? RequestBody(json: body),
            case .string(let user)? = try? args.member("username"),
            case .string(let password)? = try? args.member("password")
        else { return .raised }
        // Byte for byte, as Python compares `str` (Swift's `==` is canonical equivalence).
        guard constantTimeEqual(user, login.username), constantTimeEqual(SHA256.hex(password), login.storedHash) else {
            return VisdomResponse(status: 400)
        }
        return VisdomResponse(
            status: 200, headers: [("Set-Cookie", "user_password=\(session); Path=/; HttpOnly; SameSite=Strict")])
    }

    func cookie(_ name: String, in headers: [(name: String, value: String)]) -> String? {
        for h in headers where h.name.lowercased() == "cookie" {
            for part in h.value.split(separator: ";") {
                let kv = part.split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0].trimmingSpaces == name { return String(kv[1].trimmingSpaces) }
            }
        }
        return nil
    }

    /// Compares without stopping at the first difference, so timing does not reveal a prefix.
    func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
