/// Which requests a browser may make on someone else's behalf: the defence against DNS
/// rebinding and cross-site requests (docs/SECURITY.md).
///
/// - `Host`: a page on another site that rebinds its own name to 127.0.0.1 reaches this server
///   with that name in `Host`. Only loopback names (`localhost`, `*.localhost`), IP literals
///   (a rebinding page cannot choose one: its name is what the browser sends), the bound
///   address and the `--allow-host` names are answered; others get 403. A request without
///   `Host` (HTTP/1.0) is answered.
/// - `Origin`: a browser names the page that makes a request. A request that is not a plain
///   read (anything but GET and HEAD: visdom's API changes state by POST) and every websocket
///   upgrade must come from this server's own origin (`http://` + its `Host`) or an
///   `--allow-origin` one, or carry no `Origin` (the Python client sends none); others get 403.
///   `Origin: null` (a sandboxed or `file:` page) is foreign. A request a browser marks
///   `Sec-Fetch-Site: cross-site` or `same-site` is foreign too, whatever its `Origin`.
public struct OriginPolicy: Sendable {
    /// Lowercased host names, without port; "*" answers every `Host`.
    let hosts: [String]
    /// Lowercased origins (`scheme://host[:port]`); "*" admits every `Origin`.
    let origins: [String]

    public init(boundHost: String, allowedHosts: [String] = [], allowedOrigins: [String] = []) {
        hosts = ([Self.bare(boundHost)] + allowedHosts.map(Self.bare)).map { $0.lowercased() }
        origins = allowedOrigins.map { Self.trimmedOrigin($0).lowercased() }
    }

    /// nil when the request may go on, else the 403 that refuses it.
    public func refusal(method: String, headers: [(name: String, value: String)], isUpgrade: Bool) -> VisdomResponse? {
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value
        }
        if let host = header("host"), !admitsHost(host) {
            return Self.forbidden("Host '\(host)' is not a name of this server (see --allow-host)")
        }
        let reads = !isUpgrade && (method == "GET" || method == "HEAD")
        guard !reads else { return nil }
        if let site = header("sec-fetch-site")?.lowercased(), site == "cross-site" || site == "same-site",
            !origins.contains("*")
        {
            if let origin = header("origin"), origins.contains(Self.trimmedOrigin(origin).lowercased()) { return nil }
            return Self.forbidden("a request from another site (see --allow-origin)")
        }
        guard let origin = header("origin") else { return nil }
        if admitsOrigin(origin, host: header("host")) { return nil }
        return Self.forbidden("Origin '\(origin)' is not this server (see --allow-origin)")
    }

    func admitsHost(_ value: String) -> Bool {
        if hosts.contains("*") { return true }
        let name = Self.bare(value).lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || Self.isIPLiteral(name) { return true }
        return hosts.contains(name)
    }

    func admitsOrigin(_ value: String, host: String?) -> Bool {
        if origins.contains("*") { return true }
        let origin = Self.trimmedOrigin(value).lowercased()
        if let host, origin == "http://" + host.lowercased() || origin == "https://" + host.lowercased() { return true }
        return origins.contains(origin)
    }

    /// A host without its port and without the brackets of an IPv6 literal.
    static func bare(_ host: String) -> String {
        var h = Substring(host).trimmingSpaces
        if h.hasPrefix("[") {
            guard let close = h.firstIndex(of: "]") else { return String(h) }
            return String(h[h.index(after: h.startIndex)..<close])
        }
        if h.utf8.filter({ $0 == UInt8(ascii: ":") }).count == 1, let colon = h.firstIndex(of: ":") {
            h = h[..<colon]
        }
        return String(h)
    }

    static func trimmedOrigin(_ origin: String) -> String {
        var o = Substring(origin).trimmingSpaces
        while o.hasSuffix("/") { o = o.dropLast() }
        return String(o)
    }

    /// A dotted-quad IPv4 address or an IPv6 address (hex digits, colons, dots).
    static func isIPLiteral(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCIIDigit) && Int(p)! <= 255 }) {
            return true
        }
        return name.contains(":") && name.allSatisfy { $0 == ":" || $0 == "." || $0.isHexDigit }
    }

    static func forbidden(_ reason: String) -> VisdomResponse {
        VisdomResponse(status: 403, text: "403 Forbidden: \(reason)\n")
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
