import Foundation
import LogStore

/// visdom's web page as files: a visdom `static` directory (`index.html`, `login.html`, `js/`,
/// `css/`, `fonts/`) served under `/static/`, and its two tornado templates rendered with the
/// few expressions they use.
public struct PageAssets: Sendable {
    public let directory: String
    /// tornado's `static_url` version hashes (md5 of the file), for the files the templates
    /// name; computed once, as tornado does outside debug mode.
    let versions: [String: String]
    let templates: [String: PageTemplate]

    /// Reads the templates in `directory`; throws a one-line reason when it is not a visdom
    /// static directory or a template uses what is not rendered here.
    public init(directory: String) throws(PageTemplate.Failure) {
        self.directory = directory
        var templates: [String: PageTemplate] = [:]
        var versions: [String: String] = [:]
        for name in ["index.html", "login.html"] {
            let path = directory + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                if name == "index.html" {
                    throw PageTemplate.Failure("\(path): cannot be read (not a visdom static directory)")
                }
                continue
            }
            let template = try PageTemplate(text, name: path)
            for file in template.staticFiles where versions[file] == nil {
                if let bytes = FileManager.default.contents(atPath: directory + "/" + file) {
                    versions[file] = MD5.hexDigest(Array(bytes))
                }
            }
            templates[name] = template
        }
        self.templates = templates
        self.versions = versions
    }

    /// Files the templates name that the directory lacks (a visdom install whose first start
    /// could not download its scripts).
    public var missing: [String] {
        templates.values.flatMap(\.staticFiles).filter { versions[$0] == nil && !$0.hasPrefix("../") }
            .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    /// Renders template `name` (`index.html` or `login.html`).
    func render(_ name: String, values: PageTemplate.Values) -> [UInt8]? {
        templates[name]?.render(
            values,
            staticURL: { file in
                values.baseURL + "/static/" + file + (versions[file].map { "?v=" + $0 } ?? "")
            })
    }

    /// A file below the directory, nil for anything else (no `..`, no hidden files).
    func file(_ relative: String) -> StaticFile? {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty, !parts.contains(where: { $0.isEmpty || $0.hasPrefix(".") }) else { return nil }
        var isDir: ObjCBool = false
        let path = directory + "/" + relative
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
            let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        let modified = (attributes[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
        return StaticFile(bytes: Array(data), contentType: Self.contentType(relative), modified: modified)
    }

    static func contentType(_ path: String) -> String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html": return "text/html; charset=UTF-8"
        case "js": return "application/javascript"
        case "css": return "text/css"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "svg": return "image/svg+xml"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "ttf": return "font/ttf"
        case "eot": return "application/vnd.ms-fontobject"
        case "map", "json": return "application/json"
        default: return "application/octet-stream"
        }
    }
}

/// One file of the static directory with what tornado's `StaticFileHandler` sends along: an
/// `Etag` (here the file's modification time and size, which change whenever its bytes do),
/// `Last-Modified`, and for a versioned URL (`?v=HASH`, as `static_url` writes them)
/// `Cache-Control: max-age=315360000`, so a reload takes the page's scripts from the browser's
/// cache. A request whose `If-None-Match` (or, without one, `If-Modified-Since`) still holds is
/// answered 304 without the bytes.
struct StaticFile {
    let bytes: [UInt8]
    let contentType: String
    let modified: Date

    /// tornado's `CACHE_MAX_AGE`: ten years.
    static let maxAge = 86400 * 365 * 10

    var etag: String {
        let ns = Int64((modified.timeIntervalSince1970 * 1e9).rounded())
        return "\"" + String(ns, radix: 16) + "-" + String(bytes.count, radix: 16) + "\""
    }

    /// The answer to a GET with `query` and the request's `headers`.
    func response(query: String, headers: [(name: String, value: String)], now: Date = Date()) -> VisdomResponse {
        var out: [(name: String, value: String)] = [
            ("Content-Type", contentType), ("Etag", etag), ("Last-Modified", Self.httpDate(modified)),
        ]
        if query.split(separator: "&").contains(where: { $0 == "v" || $0.hasPrefix("v=") }) {
            out.append(("Expires", Self.httpDate(now.addingTimeInterval(Double(Self.maxAge)))))
            out.append(("Cache-Control", "max-age=\(Self.maxAge)"))
        }
        let unchanged = notModified(headers)
        return VisdomResponse(status: unchanged ? 304 : 200, body: unchanged ? [] : bytes, headers: out)
    }

    private func notModified(_ headers: [(name: String, value: String)]) -> Bool {
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        if let match = header("if-none-match") {
            let tags = match.split(separator: ",").map { t -> Substring in
                let t = t.trimmingCharacters(in: .whitespaces)[...]
                return t.hasPrefix("W/") ? t.dropFirst(2) : t
            }
            return tags.contains { $0 == "*" || $0 == etag }
        }
        guard let since = header("if-modified-since").flatMap(Self.parseHTTPDate) else { return false }
        return since >= modified.timeIntervalSince1970.rounded(.down)
    }

    private static func formatter() -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f
    }

    static func httpDate(_ date: Date) -> String { formatter().string(from: date) }

    static func parseHTTPDate(_ text: String) -> Double? { formatter().date(from: text)?.timeIntervalSince1970 }
}

/// The subset of tornado's template language visdom's `index.html` and `login.html` use:
/// `{{ static_url("…") }}`, `{{escape(NAME)}}`, `{{NAME}}` and `{% for item in items %}…{% end %}`.
/// Every `{{ }}` is autoescaped (tornado's `xhtml_escape`), so `escape(…)` escapes twice, as
/// tornado does.
public struct PageTemplate: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ d: String) { description = d }
    }

    /// What `IndexHandler`/`EnvHandler` pass to `render`.
    struct Values {
        var items: [String] = []
        var activeItem = ""
        var user = ""
        var wrapSocket = false
        var baseURL = ""

        func value(_ name: String, item: String?) -> String? {
            switch name {
            case "item": return item
            case "active_item": return activeItem
            case "user": return user
            case "wrap_socket": return wrapSocket ? "True" : "False"
            case "base_url": return baseURL.isEmpty ? "/" : baseURL
            default: return nil
            }
        }
    }

    enum Part: Sendable {
        case text(String)
        case staticURL(String)
        /// `escape(NAME)` (escaped twice) or `NAME`.
        case value(String, escapedTwice: Bool)
        case forItems([Part])
    }

    let parts: [Part]

    var staticFiles: [String] {
        func files(_ parts: [Part]) -> [String] {
            parts.flatMap { p -> [String] in
                switch p {
                case .staticURL(let f): return [f]
                case .forItems(let body): return files(body)
                default: return []
                }
            }
        }
        return files(parts)
    }

    init(_ text: String, name: String) throws(Failure) {
        var stack: [[Part]] = [[]]
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{") {
            let after = rest[open.upperBound...]
            guard let kind = after.first, kind == "{" || kind == "%" else {
                stack[stack.count - 1].append(.text(String(rest[..<open.upperBound])))
                rest = after
                continue
            }
            stack[stack.count - 1].append(.text(String(rest[..<open.lowerBound])))
            let closer = kind == "{" ? "}}" : "%}"
            guard let close = after.dropFirst().firstRange(of: closer) else {
                throw Failure("\(name): an unclosed {\(kind)")
            }
            let expr = after.dropFirst()[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = after[close.upperBound...]
            if kind == "%" {
                if expr == "for item in items" {
                    stack.append([])
                } else if expr == "end", stack.count > 1 {
                    let body = stack.removeLast()
                    stack[stack.count - 1].append(.forItems(body))
                } else {
                    throw Failure("\(name): the template statement {% \(expr) %} is not supported")
                }
                continue
            }
            if expr.hasPrefix("static_url("), expr.hasSuffix(")") {
                let arg = expr.dropFirst("static_url(".count).dropLast()
                guard arg.count >= 2, let q = arg.first, q == "\"" || q == "'", arg.last == q else {
                    throw Failure("\(name): static_url needs a quoted path: {{ \(expr) }}")
                }
                stack[stack.count - 1].append(.staticURL(String(arg.dropFirst().dropLast())))
            } else if expr.hasPrefix("escape("), expr.hasSuffix(")") {
                let arg = String(expr.dropFirst("escape(".count).dropLast())
                guard Values().value(arg, item: "") != nil else {
                    throw Failure("\(name): unknown name in {{ \(expr) }}")
                }
                stack[stack.count - 1].append(.value(arg, escapedTwice: true))
            } else {
                guard Values().value(expr, item: "") != nil else {
                    throw Failure("\(name): unknown expression {{ \(expr) }}")
                }
                stack[stack.count - 1].append(.value(expr, escapedTwice: false))
            }
        }
        stack[stack.count - 1].append(.text(String(rest)))
        guard stack.count == 1 else { throw Failure("\(name): a {% for %} without {% end %}") }
        parts = stack[0]
    }

    func render(_ values: Values, staticURL: (String) -> String) -> [UInt8] {
        var out = ""
        func emit(_ parts: [Part], item: String?) {
            for p in parts {
                switch p {
                case .text(let t): out += t
                case .staticURL(let f): out += Self.xhtmlEscape(staticURL(f))
                case .value(let name, let twice):
                    let v = values.value(name, item: item) ?? ""
                    out += Self.xhtmlEscape(twice ? Self.xhtmlEscape(v) : v)
                case .forItems(let body):
                    for i in values.items { emit(body, item: i) }
                }
            }
        }
        emit(parts, item: nil)
        return Array(out.utf8)
    }

    /// tornado's `xhtml_escape`.
    static func xhtmlEscape(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            default: out.append(u)
            }
        }
        return String(out)
    }
}
