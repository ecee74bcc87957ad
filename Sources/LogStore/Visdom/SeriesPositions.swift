/// Where a visdom window keeps the arrays that visdom's update rules grow, and so where
/// LogStore keeps points out of the window's head:
///
/// - `plot` panes: each trace's `x`, `y`, `z` and `marker.color` (a heatmap's `x`/`y` are
///   row/column names that the rules search, so they stay in the head);
/// - `text` panes: `content` (a text series: chunks joined);
/// - `image_history` panes: `content` (the list of images).
///
/// Everything else (opts, layout, trace styles, other pane types) is head.
enum SeriesPositions {
    /// Calls `visit` with each series position present in `pane` and the kind of series it
    /// holds. `visit` may replace the value in place.
    static func forEach(in pane: inout PaneValue, _ visit: (inout PaneValue, SeriesSlot.Kind) throws -> Void) throws {
        guard case .object(var p) = pane, case .string(let type)? = p["type"] else { return }
        pane = .null
        defer { pane = .object(p) }
        switch type {
        case "text":
            _ = try p.modify("content") { v in
                switch v {
                case .string, .series: try visit(&v, .text)
                default: break
                }
            }
        case "image_history":
            _ = try p.modify("content") { v in
                switch v {
                case .array, .series: try visit(&v, .list)
                default: break
                }
            }
        case "plot":
            _ = try p.modify("content") { content in
                guard case .object(var c) = content else { return }
                content = .null
                defer { content = .object(c) }
                _ = try c.modify("data") { data in
                    guard case .array(var traces) = data else { return }
                    data = .null
                    defer { data = .array(traces) }
                    for i in traces.indices { try visitTrace(&traces[i], visit) }
                }
            }
        default:
            return
        }
    }

    private static func visitTrace(_ trace: inout PaneValue, _ visit: (inout PaneValue, SeriesSlot.Kind) throws -> Void)
        throws
    {
        guard case .object(var t) = trace else { return }
        trace = .null
        defer { trace = .object(t) }
        let isHeatmap: Bool = if case .string("heatmap")? = t["type"] { true } else { false }
        for key in isHeatmap ? ["z"] : ["x", "y", "z"] {
            _ = try t.modify(key) { v in try visitList(&v, visit) }
        }
        _ = try t.modify("marker") { marker in
            guard case .object(var m) = marker else { return }
            marker = .null
            defer { marker = .object(m) }
            _ = try m.modify("color") { v in try visitList(&v, visit) }
        }
    }

    private static func visitList(_ v: inout PaneValue, _ visit: (inout PaneValue, SeriesSlot.Kind) throws -> Void)
        throws
    {
        switch v {
        case .array, .series: try visit(&v, .list)
        default: break
        }
    }
}
