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
                if name == "index.html" { throw PageTemplate.Failure("\(path): cannot be read (not a visdom static directory)") }
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
        templates[name]?.render(values, staticURL: { file in
            values.baseURL + "/static/" + file + (versions[file].map { "?v=" + $0 } ?? "")
        })
    }

    /// A file below the directory, nil for anything else (no `..`, no hidden files).
    func file(_ relative: String) -> (bytes: [UInt8], contentType: String)? {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty, !parts.contains(where: { $0.isEmpty || $0.hasPrefix(".") }) else { return nil }
        var isDir: ObjCBool = false
        let path = directory + "/" + relative
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        return (Array(data), Self.contentType(relative))
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
            guard let close = after.dropFirst().firstRange(of: closer) else { throw Failure("\(name): an unclosed {\(kind)") }
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
                guard Values().value(arg, item: "") != nil else { throw Failure("\(name): unknown name in {{ \(expr) }}") }
                stack[stack.count - 1].append(.value(arg, escapedTwice: true))
            } else {
                guard Values().value(expr, item: "") != nil else { throw Failure("\(name): unknown expression {{ \(expr) }}") }
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
