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
    /// Lowercased host names, without port, as bytes; "*" answers every `Host`.
    let hosts: [[UInt8]]
    /// Lowercased origins (`scheme://host[:port]`); "*" admits every `Origin`.
    let origins: [String]
    let anyHost: Bool
    let anyOrigin: Bool

    public init(boundHost: String, allowedHosts: [String] = [], allowedOrigins: [String] = []) {
        hosts = ([boundHost] + allowedHosts).map { Self.bare(Self.lowercased(Array($0.utf8))) }
        origins = allowedOrigins.map { Self.trimmedOrigin($0).lowercased() }
        anyHost = allowedHosts.contains("*")
        anyOrigin = origins.contains("*")
    }

    /// nil when the request may go on, else the 403 that refuses it.
    public func refusal(method: String, headers: [(name: String, value: String)], isUpgrade: Bool) -> VisdomResponse? {
        var host: String?
        var origin: String?
        var site: String?
        for h in headers {
            if Self.named(h.name, "host") {
                host = h.value
            } else if Self.named(h.name, "origin") {
                origin = h.value
            } else if Self.named(h.name, "sec-fetch-site") {
                site = h.value
            }
        }
        if let host, !admitsHost(host) {
            return Self.forbidden("Host '\(host)' is not a name of this server (see --allow-host)")
        }
        let reads = !isUpgrade && (method == "GET" || method == "HEAD")
        guard !reads else { return nil }
        if let site = site?.lowercased(), site == "cross-site" || site == "same-site", !anyOrigin {
            if let origin, origins.contains(Self.trimmedOrigin(origin).lowercased()) { return nil }
            return Self.forbidden("a request from another site (see --allow-origin)")
        }
        guard let origin else { return nil }
        if admitsOrigin(origin, host: host) { return nil }
        return Self.forbidden("Origin '\(origin)' is not this server (see --allow-origin)")
    }

    func admitsHost(_ value: String) -> Bool {
        if anyHost { return true }
        let name = Self.bare(Self.lowercased(Array(value.utf8)))
        if name.elementsEqual("localhost".utf8) || Self.endsWith(name, ".localhost") || Self.isIPLiteral(name) {
            return true
        }
        return hosts.contains(name)
    }

    func admitsOrigin(_ value: String, host: String?) -> Bool {
        if anyOrigin { return true }
        let origin = Self.trimmedOrigin(value).lowercased()
        if let host, origin == "http://" + host.lowercased() || origin == "https://" + host.lowercased() { return true }
        return origins.contains(origin)
    }

    /// Whether header `name` is `lower` (lowercase ASCII), ignoring ASCII case.
    static func named(_ name: String, _ lower: StaticString) -> Bool {
        let want = UnsafeBufferPointer(start: lower.utf8Start, count: lower.utf8CodeUnitCount)
        guard name.utf8.count == want.count else { return false }
        return zip(name.utf8, want).allSatisfy { a, b in a == b || (a >= 0x41 && a <= 0x5A && a + 0x20 == b) }
    }

    static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }

    static func endsWith(_ bytes: [UInt8], _ suffix: StaticString) -> Bool {
        let s = UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
        return bytes.count >= s.count && bytes[(bytes.count - s.count)...].elementsEqual(s)
    }

    /// A host without its port and without the brackets of an IPv6 literal, trimmed of spaces.
    static func bare(_ host: [UInt8]) -> [UInt8] {
        var h = host[...]
        while h.first == 0x20 { h = h.dropFirst() }
        while h.last == 0x20 { h = h.dropLast() }
        if h.first == UInt8(ascii: "[") {
            guard let close = h.firstIndex(of: UInt8(ascii: "]")) else { return Array(h) }
            return Array(h[(h.startIndex + 1)..<close])
        }
        if let colon = h.firstIndex(of: UInt8(ascii: ":")), h.lastIndex(of: UInt8(ascii: ":")) == colon {
            h = h[..<colon]
        }
        return Array(h)
    }

    static func trimmedOrigin(_ origin: String) -> String {
        var o = Substring(origin).trimmingSpaces
        while o.hasSuffix("/") { o = o.dropLast() }
        return String(o)
    }

    /// A dotted-quad IPv4 address or an IPv6 address (hex digits, colons, dots).
    static func isIPLiteral(_ name: [UInt8]) -> Bool {
        var parts = 0
        var digits = 0
        var value = 0
        var v4 = true
        for b in name {
            if b >= 0x30 && b <= 0x39, digits < 3 {
                digits += 1
                value = value * 10 + Int(b - 0x30)
            } else if b == UInt8(ascii: "."), digits > 0, value <= 255 {
                parts += 1
                digits = 0
                value = 0
            } else {
                v4 = false
                break
            }
        }
        if v4, digits > 0, value <= 255, parts == 3 { return true }
        let hex: (UInt8) -> Bool = {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x3A || $0 == 0x2E
        }
        return name.contains(UInt8(ascii: ":")) && name.allSatisfy(hex)
    }

    static func forbidden(_ reason: String) -> VisdomResponse {
        VisdomResponse(status: 403, text: "403 Forbidden: \(reason)\n")
    }
}
