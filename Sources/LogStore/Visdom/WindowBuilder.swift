import Foundation

/// visdom 0.2.4's `window(args)` (utils/server_utils.py): the pane an `/events` message (or an
/// append to a missing window) creates. Key order matches visdom's dict, because an exported
/// env is written in that order.
enum WindowBuilder {
    /// A fresh visdom-style window id (`window_<uuid4>`), used when a message names none.
    static func newWindowID() -> String { "window_" + UUID().uuidString.lowercased() }

    /// A fresh `contentID`, in the format visdom gives it (a uuid4 string).
    static func newContentID() -> String { UUID().uuidString.lowercased() }

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
        p["contentID"] = .string(newContentID())

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
