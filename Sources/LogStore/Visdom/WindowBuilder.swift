import Foundation

/// visdom 0.2.4's `window(args)` (utils/server_utils.py): the pane an `/events` message (or an
/// append to a missing window) creates. Key order matches visdom's dict, because an exported
/// env is written in that order.
enum WindowBuilder {
    /// A fresh visdom-style window id (`window_<uuid4>`), used when a message names none.
    static func newWindowID() -> String { "window_" + uuid4() }

    /// What the rules put where visdom puts a fresh uuid4 `contentID` (window creation and every
    /// update). LogStore never stores a contentID: it derives one on read from the window's last
    /// change (`Materializer.contentID`), so drawing random bytes here would cost two system
    /// calls per message for a value the persister drops. The key keeps its place in the pane.
    static let contentIDPlaceholder = PaneValue.null

    /// A random (version 4) UUID as lowercase text, like Python's `str(uuid.uuid4())`. Drawn from
    /// the system generator directly: Foundation's `UUID()` opens /dev/urandom on every call on
    /// Linux.
    static func uuid4() -> String {
        var g = SystemRandomNumberGenerator()
        let halves: (UInt64, UInt64) = (g.next(), g.next())
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for i in 0..<16 {
            var b = UInt8(truncatingIfNeeded: (i < 8 ? halves.0 : halves.1) >> (8 * UInt64(i % 8)))
            if i == 6 { b = b & 0x0F | 0x40 }  // version 4
            if i == 8 { b = b & 0x3F | 0x80 }  // RFC 4122 variant
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func window(_ args: PaneValue, _ source: SeriesSource) throws -> PaneValue {
        var uid = try pyDictGet(args, "win", .null)
        if case .object(let o) = args, !o.contains("win") { uid = .string(newWindowID()) }
        if uid.isNone { uid = .string(newWindowID()) }
        let opts = try pyDictGet(args, "opts", .object(PyDict()))

        let data0 = try pyIndex(try pyGet(args, "data"), 0, source)
        let ptype = try pyGet(data0, "type")

        var p = PyDict<PaneValue>()
        p["command"] = .string("window")
        p["id"] = .string(pyStr(uid))
        p["title"] = try pyDictGet(opts, "title", .string(""))
        p["inflate"] = try pyDictGet(opts, "inflate", .bool(true))
        p["width"] = try pyDictGet(opts, "width", .null)
        p["height"] = try pyDictGet(opts, "height", .null)
        p["contentID"] = contentIDPlaceholder

        let typeName: String? = if case .string(let s) = ptype { s } else { nil }
        switch typeName {
        case "image_history":
            p["content"] = .array([try pyGet(data0, "content")])
            p["selected"] = .int(0)
            p["type"] = ptype
            p["show_slider"] = try pyDictGet(opts, "show_slider", .bool(true))
        case "image", "text", "properties":
            p["content"] = try pyGet(data0, "content")
            p["type"] = ptype
        case "network":
            p["content"] = try pyGet(data0, "content")
            p["type"] = ptype
            p["directed"] = try pyDictGet(opts, "directed", .bool(false))
            p["showEdgeLabels"] = try pyDictGet(opts, "showEdgeLabels", .string("hover"))
            p["showVertexLabels"] = try pyDictGet(opts, "showVertexLabels", .string("hover"))
        case "embeddings":
            p["content"] = try pyGet(data0, "content")
            p["type"] = ptype
            p["old_content"] = .array([])
            var pane = PaneValue.object(p)
            try pane.modifyItem("content") { try $0.setItem("has_previous", .bool(false)) }
            return pane
        default:
            var content = PyDict<PaneValue>()
            content["data"] = try pyGet(args, "data")
            content["layout"] = try pyGet(args, "layout")
            p["content"] = .object(content)
            p["type"] = .string("plot")
        }
        return .object(p)
    }
}
