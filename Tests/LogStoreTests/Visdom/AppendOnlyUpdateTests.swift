import XCTest

@testable import LogStore

/// `AppendOnlyUpdate` against the rules it stands for: on every combination of window and
/// update body below (values of every kind, names, opts, layouts, markers, flags, malformed
/// parts), whenever it answers, `UpdateRules.update` then `contentID = None` must succeed and
/// leave the pane as it was except for exactly these appends, pending in this order. And the
/// store writes the same rows whichever path a message takes.
final class AppendOnlyUpdateTests: XCTestCase {
    /// Series held in memory, as a store would hold them.
    final class MemorySeries: SeriesSource {
        var lists: [Int64: [JSONValue]] = [:]
        func count(of id: Int64) throws -> Int { lists[id]?.count ?? 0 }
        func first(of id: Int64) throws -> JSONValue? { lists[id]?.first }
        func elements(of id: Int64) throws -> [JSONValue] { lists[id] ?? [] }
    }

    func json(_ text: String) throws -> JSONValue { try JSONReader.parse(text) }

    /// `window` as the store holds its head: every array at a series position a series, and
    /// contentID None.
    func head(_ window: JSONValue, _ src: MemorySeries) throws -> PaneValue {
        var p = PaneValue(window)
        if case .object(var o) = p, o.contains("contentID") {
            o["contentID"] = .null
            p = .object(o)
        }
        try SeriesPositions.forEach(in: &p) { v, kind in
            let id = Int64(src.lists.count + 1)
            switch (v, kind) {
            case (.array(let items), .list): src.lists[id] = items.map { $0.plainJSON! }
            case (.string(let s), .text): src.lists[id] = [.string(s)]
            default: return
            }
            v = .series(SeriesSlot(id: id, kind: kind))
        }
        return p
    }

    /// The windows: made by the real handlers (visdom's `line`, `scatter`, `heatmap`, `text`
    /// window JSON), then varied.
    func windows() throws -> [JSONValue] {
        let store = try temporaryStore(self)
        func make(_ wid: String, _ body: String) throws -> JSONValue {
            _ = try store.apply(.events, body)
            return try store.exportWindow(env: "main", window: wid)
        }
        let marker = #""marker": {"size": 10, "symbol": "dot", "line": {"color": "black", "width": 0.5}}"#
        let line = try make(
            "line",
            #"{"eid": "main", "win": "line", "data": [{"x": [0.0], "y": [1.5], "name": "train", "type": "scatter", "mode": "lines", \#(marker)}], "layout": {"title": "t"}, "opts": {"markers": false, "mode": "lines", "markersize": 10}}"#
        )
        let two = try make(
            "two",
            #"{"eid": "main", "win": "two", "data": [{"x": [1], "y": [2], "name": "a", "type": "scatter", \#(marker)}, {"x": [1], "y": [3], "name": "b", "type": "scatter"}], "layout": {}, "opts": {}}"#
        )
        let noName = try make(
            "noname",
            #"{"eid": "main", "win": "noname", "data": [{"x": [1], "y": [2], "type": "scattergl"}], "layout": {}, "opts": {}}"#
        )
        let colored = try make(
            "colored",
            #"{"eid": "main", "win": "colored", "data": [{"x": [1], "y": [2], "name": "c", "type": "custom", "marker": {"color": ["red"]}}], "layout": {}, "opts": {}}"#
        )
        let heat = try make(
            "heat",
            #"{"eid": "main", "win": "heat", "data": [{"z": [[1, 2], [3, 4]], "x": ["a", "b"], "y": ["c", "d"], "type": "heatmap", "name": "h"}], "layout": {}, "opts": {}}"#
        )
        let text = try make("text", #"{"eid": "main", "win": "text", "data": [{"content": "hi", "type": "text"}]}"#)
        var out = [line, two, noName, colored, heat, text]
        // Varied: contentID kept, no contentID, a trace without x, a heatmap second trace, no
        // traces, a bar trace, a trace that is not a dict, a pane that is not a plot.
        func edit(_ w: JSONValue, _ change: (inout JSONObject) -> Void) -> JSONValue {
            guard case .object(var o) = w else { return w }
            change(&o)
            return .object(o)
        }
        func editTraces(_ w: JSONValue, _ change: (inout [JSONValue]) -> Void) -> JSONValue {
            edit(w) { o in
                guard case .object(var c)? = o["content"], case .array(var d)? = c["data"] else { return }
                change(&d)
                c["data"] = .array(d)
                o["content"] = .object(c)
            }
        }
        out.append(edit(line) { $0["contentID"] = "kept" })
        out.append(edit(line) { $0["contentID"] = nil })
        out.append(
            editTraces(two) { d in
                if case .object(var t) = d[1] {
                    t["x"] = nil
                    d[1] = .object(t)
                }
            })
        out.append(editTraces(two) { d in d.append(heat["content"]!["data"]!.arrayValue![0]) })
        out.append(editTraces(line) { d in d = [] })
        out.append(
            editTraces(line) { d in
                if case .object(var t) = d[0] {
                    t["type"] = "bar"
                    d[0] = .object(t)
                }
            })
        out.append(editTraces(two) { d in d[1] = 7 })
        out.append(
            editTraces(line) { d in
                if case .object(var t) = d[0] {
                    t["type"] = nil
                    d[0] = .object(t)
                }
            })
        out.append(edit(line) { $0["type"] = "image_history" })
        return out
    }

    func bodies() throws -> [JSONValue] {
        let datas = [
            #"[{"x": [5.0], "y": [0.25]}]"#,
            #"[{"x": [5], "y": [7], "marker": {"size": 3}}]"#,
            #"[{"x": [1, 2.5, 18446744073709551616], "y": [NaN, Infinity, -Infinity]}]"#,
            #"[{"x": [null], "y": [1]}]"#,
            #"[{"x": [true], "y": [1]}]"#,
            #"[{"x": [NaN, NaN], "y": [1, 2]}]"#,
            #"[{"x": [], "y": []}]"#,
            #"[{"x": ["s"], "y": [{"a": 1}]}]"#,
            #"[{"x": 5, "y": [1]}]"#,
            #"[{"x": [1], "y": 2}]"#,
            #"[{"x": [1]}]"#,
            #"[{"y": [1]}]"#,
            #"[{"x": [1], "y": [2], "marker": {"color": ["blue"]}}]"#,
            #"[{"x": [1], "y": [2], "marker": "has color"}]"#,
            #"[{"x": [1], "y": [2], "marker": 3}]"#,
            #"[{"x": [1], "y": [2]}, {"x": [3], "y": [4]}]"#,
            #"[{"x": [1], "y": [2]}, {"x": [NaN], "y": [4]}]"#,
            #"[]"#,
            #"[7]"#,
            #"{"x": [1]}"#,
            #"null"#,
        ]
        // "h" names the heatmap trace: the first of the heat window, the third of the window
        // with a heatmap after two scatter traces.
        let names = [nil, #""train""#, #""a""#, #""b""#, #""h""#, #""zzz""#, "null", "1"]
        let opts = [
            nil, "{}", "null", "[]", #"{"title": "", "inflate": true}"#, #"{"inflate": 1}"#, #"{"width": null}"#,
            #"{"title": "x"}"#, #"{"title": null}"#, #"{"legend": ["x"]}"#, #"{"new": 1}"#,
        ]
        let layouts = [nil, "{}", #"{"title": null}"#, #"{"title": "t"}"#, "null"]
        let flags = [
            #""append": true"#, #""append": 1"#, #""append": false"#, "", #""append": true, "delete": true"#,
            #""append": "yes""#,
        ]
        func body(_ d: String, _ n: String?, _ o: String?, _ l: String?, _ f: String) throws -> JSONValue {
            var parts = [#""data": \#(d)"#]
            if let n { parts.append(#""name": \#(n)"#) }
            if let o { parts.append(#""opts": \#(o)"#) }
            if let l { parts.append(#""layout": \#(l)"#) }
            if !f.isEmpty { parts.append(f) }
            return try json("{" + parts.joined(separator: ", ") + "}")
        }
        // Every data with every name and flag; every opts and layout with every flag.
        var out: [JSONValue] = []
        for d in datas {
            for n in names {
                for f in flags { out.append(try body(d, n, #"{"title": ""}"#, "{}", f)) }
            }
        }
        for o in opts {
            for l in layouts {
                for f in flags {
                    for n in [nil, #""train""#] { out.append(try body(datas[0], n, o, l, f)) }
                }
            }
        }
        return out
    }

    func testAnswersOnlyWhereTheRulesOnlyAppendAndThenAsTheyDo() throws {
        let src = MemorySeries()
        let heads = try windows().map { try head($0, src) }
        let bodies = try bodies()
        var answered = 0
        for (w, p) in heads.enumerated() {
            for body in bodies {
                let args = PaneValue(body)
                guard let appends = AppendOnlyUpdate.appends(to: p, args, src) else { continue }
                answered += 1
                let what = "window \(w), body \(String(decoding: JSONWriter.bytes(body), as: UTF8.self))"
                var q = p
                do {
                    try UpdateRules.update(&q, args, src)
                    try q.setItem("contentID", WindowBuilder.contentIDPlaceholder)
                } catch {
                    XCTFail("the rules raised \(error) where the fast path answered: \(what)")
                    continue
                }
                XCTAssertTrue(ValueCodec.sameEncoding(q, p), "the rules changed the head: \(what)")
                var pending: [(Int64, [SeriesSlot.Operation])] = []
                try SeriesPositions.forEach(in: &q) { v, _ in
                    if case .series(let s) = v, !s.pending.isEmpty { pending.append((s.id, s.pending)) }
                }
                XCTAssertEqual(pending.map(\.0), appends.map(\.series), what)
                for (found, append) in zip(pending, appends) {
                    XCTAssertEqual(found.1.count, 1, what)
                    XCTAssertFalse(append.operation.prepend, what)
                    XCTAssertEqual(found.1.first?.prepend, false, what)
                    XCTAssertTrue(
                        PaneValue.array(found.1.first?.values ?? []).isSameValue(as: .array(append.operation.values)),
                        what)
                }
            }
        }
        // The fast path is taken where it should be: plain appends to the line, the two traces
        // and the unnamed one, with or without their name, opts and layout.
        XCTAssertGreaterThan(answered, 500)  // 606 of the 25,020 combinations
        let plain = try json(
            #"{"data": [{"x": [5.0], "y": [0.25]}], "name": "train", "opts": {"title": "", "inflate": true}, "layout": {}, "append": true}"#
        )
        XCTAssertEqual(AppendOnlyUpdate.appends(to: heads[0], PaneValue(plain), src)?.count, 2)
        let both = try json(#"{"data": [{"x": [1], "y": [2]}, {"x": [3], "y": [4]}], "append": true}"#)
        XCTAssertEqual(AppendOnlyUpdate.appends(to: heads[1], PaneValue(both), src)?.count, 4)
        XCTAssertNil(AppendOnlyUpdate.appends(to: heads[2], PaneValue(plain), src), "no trace named train")
    }

    /// The rows: one store gets plain appends (the fast path), the other the same appends with
    /// a layout entry equal to what the window holds, which sends them through the rules; the
    /// rows of both stores are the same, and so are their exports.
    func testTheStoreWritesTheSameRowsEitherWay() throws {
        let fast = try temporaryStore(self)
        let rules = try temporaryStore(self)
        let create =
            #"{"eid": "main", "win": "w", "data": [{"x": [0], "y": [0.5], "name": "a", "type": "scatter", "marker": {"size": 1}}, {"x": [0], "y": [1], "name": "b", "type": "scatter"}], "layout": {"title": "t"}, "opts": {"mode": "lines"}}"#
        // The first update adds the opt to the window, through the rules in both stores.
        let first =
            #"{"eid": "main", "win": "w", "data": [{"x": [0], "y": [0]}, {"x": [0], "y": [0]}], "opts": {"mode": "lines"}, "append": true}"#
        for s in [fast, rules] {
            XCTAssertEqual(try s.apply(.events, create), .ok("w"))
            XCTAssertEqual(try s.apply(.update, first), .ok("w"))
        }
        let values = ["1", "2.5", "NaN", "Infinity", "-Infinity", "-0.0", "18446744073709551616", "1e308", "0.1"]
        for (i, v) in values.enumerated() {
            for name in [#""name": "a","#, #""name": "b","#, ""] {
                let data =
                    name.isEmpty
                    ? #"[{"x": [\#(i + 1)], "y": [\#(v)]}, {"x": [\#(i + 1)], "y": [\#(v), 2]}]"#
                    : #"[{"x": [\#(i + 1), \#(i + 2)], "y": [\#(v), null]}]"#
                let plain =
                    #"{"eid": "main", "win": "w", \#(name) "data": \#(data), "opts": {"mode": "lines"}, "append": true}"#
                let viaRules =
                    #"{"eid": "main", "win": "w", \#(name) "data": \#(data), "opts": {"mode": "lines"}, "layout": {"title": "t"}, "append": true}"#
                XCTAssertNotNil(
                    AppendOnlyUpdate.appends(to: try storedHead(fast), PaneValue(try json(plain)), NoSeries()))
                XCTAssertNil(
                    AppendOnlyUpdate.appends(to: try storedHead(rules), PaneValue(try json(viaRules)), NoSeries()))
                XCTAssertEqual(try fast.apply(.update, plain), .ok("w"))
                XCTAssertEqual(try rules.apply(.update, viaRules), .ok("w"))
            }
        }
        XCTAssertEqual(try rows(fast), try rows(rules))
        XCTAssertEqual(
            JSONWriter.bytes(try fast.exportWindow(env: "main", window: "w")),
            JSONWriter.bytes(try rules.exportWindow(env: "main", window: "w")))
    }

    struct NoSeries: SeriesSource {
        func count(of id: Int64) throws -> Int { 0 }
        func first(of id: Int64) throws -> JSONValue? { nil }
        func elements(of id: Int64) throws -> [JSONValue] { [] }
    }

    /// The head of window w of env main, as the writer reads it.
    func storedHead(_ store: LogStore) throws -> PaneValue {
        let db = try Connection(path: store.path, mode: .readOnly)
        defer { try? db.close() }
        let catalog = Catalog(db: db, asOf: .max)
        let env = try XCTUnwrap(try catalog.env("main"))
        let window = try XCTUnwrap(try catalog.window("w", env: env))
        return try XCTUnwrap(try catalog.head(window.windowID))
    }

    /// Every row of the tables a save writes, but the epoch's time.
    func rows(_ store: LogStore) throws -> [[SQLValue]] {
        let db = try Connection(path: store.path, mode: .readOnly)
        defer { try? db.close() }
        var out: [[SQLValue]] = []
        for sql in [
            "SELECT * FROM segment ORDER BY rowid", "SELECT * FROM block ORDER BY rowid",
            "SELECT * FROM head ORDER BY window_id, epoch",
            "SELECT * FROM series ORDER BY rowid",
            "SELECT epoch, source, endpoint, env, win, status, detail, window_id FROM epoch ORDER BY epoch",
        ] {
            try db.prepare(sql).forEachRow { st in out.append((0..<st.columnCount).map { st.value($0) }) }
        }
        return out
    }
}
