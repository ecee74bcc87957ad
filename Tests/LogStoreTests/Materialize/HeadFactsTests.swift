import XCTest

@testable import LogStore

/// `HeadFacts` reads what a listing needs from encoded head bytes; it must agree with the
/// decoded head on heads of every shape, odd ones included.
final class HeadFactsTests: XCTestCase {
    func facts(_ head: PaneValue) throws -> HeadFacts {
        try ValueCodec.encodePane(head).withUnsafeBytes { try HeadFacts($0) }
    }

    func pane(_ text: String) throws -> PaneValue { PaneValue(try json(text)) }

    /// A plot head: `{"type": "plot", "content": {"data": traces}}`.
    func plot(_ traces: [PaneValue]) -> PaneValue {
        .object(PyDict([("type", .string("plot")), ("content", .object(PyDict([("data", .array(traces))])))]))
    }

    /// What a listing shows of a head, computed from the decoded head as `WindowSummary` and
    /// `PointSeries.of` compute it.
    struct Expected: Equatable {
        var type: String
        var traces: Int
        var title: String?
        var sources: [PointSeries.Source]

        init(_ head: PaneValue) {
            type = head.objectValue?["type"]?.stringValueIfString ?? "?"
            traces = 0
            if type == "plot", case .object(let content)? = head.objectValue?["content"],
                case .array(let data)? = content["data"]
            {
                traces = data.count
                if let t = data.first?.objectValue?["type"]?.stringValueIfString { type = "plot/\(t)" }
            }
            title = head.objectValue?["title"]?.stringValueIfString
            sources = PointSeries.of(head)
        }

        init(_ facts: HeadFacts) {
            type = facts.summaryType
            traces = facts.traceCount
            title = facts.title
            sources = facts.pointSources
        }
    }

    func assertAgrees(_ head: PaneValue, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(Expected(try facts(head)), Expected(head), "\(head)", file: file, line: line)
    }

    /// On any bytes, `HeadFacts` throws exactly when decoding throws, and otherwise agrees
    /// with the decoded head.
    func assertAgrees(bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let decoded = Result { try bytes.withUnsafeBytes { try ValueCodec.decodePane($0) } }
        let read = Result { try bytes.withUnsafeBytes { try HeadFacts($0) } }
        switch (decoded, read) {
        case (.success(let head), .success(let facts)):
            XCTAssertEqual(Expected(facts), Expected(head), "\(bytes)", file: file, line: line)
        case (.failure, .failure(let error)):
            XCTAssert(error is ValueCodec.DecodeError, "\(error)", file: file, line: line)
        case (.success, .failure(let error)):
            XCTFail("HeadFacts threw \(error) on bytes that decode: \(bytes)", file: file, line: line)
        case (.failure, .success):
            XCTFail("HeadFacts read bytes that do not decode: \(bytes)", file: file, line: line)
        }
    }

    func testFactsAgreeWithTheDecodedHead() throws {
        let list = SeriesSlot(id: 7, kind: .list)
        let text = SeriesSlot(id: 8, kind: .text)
        var heads: [PaneValue] = [
            .null, .int(3), .array([.string("plot")]),
            try pane(#"{"type": 3, "title": ["x"]}"#),
            try pane(#"{"type": "plot", "title": "t", "content": {"data": 5}}"#),
            try pane(#"{"type": "plot", "content": {"data": [1, {"type": "bar", "x": [1, 2, 3]}]}}"#),
            try pane(#"{"type": "plot", "content": {"data": [{"type": "heatmap", "z": [[1], [2]], "y": [1]}]}}"#),
            try pane(#"{"type": "plot", "content": {"data": [{"x": [1, 2], "z": [1]}, {"type": 1, "z": [[1]]}]}}"#),
            try pane(#"{"type": "plot", "content": {"data": []}, "title": null}"#),
            try pane(#"{"type": "image_history", "content": [1, 2, 3]}"#),
            try pane(#"{"type": "image_history", "content": {"data": []}}"#),
            try pane(#"{"type": "text", "content": "hello"}"#),
            try pane(#"{"content": {"data": [{"type": "scatter", "y": [1]}]}, "title": "late type", "type": "plot"}"#),
        ]
        let series: [(String, PaneValue)] = [("x", .series(list)), ("y", .series(text)), ("z", .series(list))]
        heads.append(
            plot([
                .object(PyDict([("type", .string("scatter"))] + series)),
                .object(PyDict([("y", .series(list))])),
                .object(PyDict([("type", .string("heatmap")), ("z", .series(text))])),
            ]))
        heads.append(.object(PyDict([("type", .string("image_history")), ("content", .series(list))])))
        heads.append(.object(PyDict([("type", .string("text")), ("content", .series(text)), ("title", .string("é"))])))
        for head in heads { try assertAgrees(head) }
        // spot checks, so that agreement is not agreement on nothing
        XCTAssertEqual(try facts(heads[5]).pointSources, [.inline(3)])
        XCTAssertEqual(try facts(heads[5]).summaryType, "plot")
        XCTAssertEqual(try facts(heads[heads.count - 3]).pointSources, [.series(7), .series(7)])
        XCTAssertEqual(try facts(heads[heads.count - 3]).summaryType, "plot/scatter")
    }

    func testARepeatedKeyKeepsItsLastValueAsDecodingDoes() throws {
        // An object with "type" twice: built by hand, PyDict never encodes one.
        var bytes: [UInt8] = [ValueCodec.Tag.object.rawValue, 2]
        for value in ["text", "plot"] {
            bytes +=
                [4] + Array("type".utf8) + [ValueCodec.Tag.string.rawValue, UInt8(value.utf8.count)] + Array(value.utf8)
        }
        let decoded = try bytes.withUnsafeBytes { try ValueCodec.decodePane($0) }
        let f = try bytes.withUnsafeBytes { try HeadFacts($0) }
        XCTAssertEqual(f.type, decoded.objectValue?["type"]?.stringValueIfString)
        XCTAssertEqual(f.type, "plot")
    }

    /// A head as the benchmark store holds them: two scatter traces with series references.
    func realHead() throws -> [UInt8] {
        var head = try pane(
            #"""
            {"command": "window", "id": "loss", "title": "loss", "inflate": true, "width": null,
             "height": null, "contentID": null, "content": {"data": [], "layout": {"showlegend": true,
             "title": "loss", "margin": {"l": 60, "r": 60, "t": 60, "b": 60},
             "xaxis": {"title": "step"}, "yaxis": {"title": "cross-entropy"}}},
             "type": "plot", "i": 0, "width2": 0.5, "big": 123456789012345678901234567890}
            """#)
        var traces: [PaneValue] = []
        for (i, name) in ["train", "val"].enumerated() {
            var t = try pane(
                #"""
                {"name": "n", "type": "scatter", "mode": "lines", "textposition": "right", "line": {},
                 "marker": {"size": 10, "symbol": "dot", "line": {"color": "#000000", "width": 0.5}}}
                """#
            ).objectValue!
            t["x"] = .series(SeriesSlot(id: Int64(2 * i + 1), kind: .list))
            t["y"] = .series(SeriesSlot(id: Int64(2 * i + 200), kind: .list))
            t["name"] = .string(name)
            traces.append(.object(t))
        }
        var o = head.objectValue!
        var content = o["content"]!.objectValue!
        content["data"] = .array(traces)
        o["content"] = .object(content)
        head = .object(o)
        let facts = try facts(head)
        XCTAssertEqual(facts.pointSources, [.series(200), .series(202)])
        XCTAssertEqual(facts.summaryType, "plot/scatter")
        return ValueCodec.encodePane(head)
    }

    func testVarintsOfSeveralBytesAreReadAsTheDecoderReadsThem() throws {
        let long = String(repeating: "é", count: 150)  // 300 bytes: a two-byte length
        var many = PyDict<PaneValue>()
        for i in 0..<140 { many["k\(i)"] = .int(Int64(i) << 20) }
        many["type"] = .string("plot")
        many["title"] = .string(long)
        var traces: [PaneValue] = []
        for i in 0..<130 {
            let x: [PaneValue] = (0..<(i * 3)).map { PaneValue.int(Int64($0)) }
            let y = SeriesSlot(id: Int64(i) * 1_000_003 + 128, kind: .list)
            let type: PaneValue = .string(i == 0 ? long : "scatter")
            traces.append(.object(PyDict([("type", type), ("x", .array(x)), ("y", .series(y))])))
        }
        many["content"] = .object(PyDict([("data", .array(traces))]))
        let head = PaneValue.object(many)
        try assertAgrees(head)
        let f = try facts(head)
        XCTAssertEqual(f.title, long)
        XCTAssertEqual(f.traceCount, 130)
        XCTAssertEqual(f.summaryType, "plot/\(long)")
        XCTAssertEqual(f.pointSources.last, .series(129 * 1_000_003 + 128))
        // An inline array of 200 elements, as a heatmap's z, and a series id of Int64.max.
        let heatmap = plot([
            .object(
                PyDict([
                    ("type", .string("heatmap")), ("z", .array(Array(repeating: .array([.double(1)]), count: 200))),
                ])),
            .object(PyDict([("y", .series(SeriesSlot(id: .max, kind: .list)))])),
        ])
        try assertAgrees(heatmap)
        XCTAssertEqual(try facts(heatmap).pointSources, [.inline(200), .series(.max)])
    }

    func testAHeatmapTypeIsComparedAsAStringIsCompared() throws {
        for type in ["heatmap", "heatmaq", "heatma", "heatmapp", "héatmap", "heatmap\u{301}", "\u{FFFD}"] {
            let head = plot([
                .object(PyDict([("type", .string("bar"))])),
                .object(
                    PyDict([
                        ("type", .string(type)), ("y", .array([.int(1)])), ("z", .array([.int(1), .int(2)])),
                    ])),
            ])
            try assertAgrees(head)
        }
        // Invalid UTF-8 in a trace type: decoded with replacement characters, as the decoder does.
        var bytes: [UInt8] = [ValueCodec.Tag.object.rawValue, 2, 4] + Array("type".utf8)
        bytes += [ValueCodec.Tag.string.rawValue, 4] + Array("plot".utf8)
        bytes += [7] + Array("content".utf8) + [ValueCodec.Tag.object.rawValue, 1, 4] + Array("data".utf8)
        bytes += [ValueCodec.Tag.array.rawValue, 2, ValueCodec.Tag.object.rawValue, 0]
        bytes += [ValueCodec.Tag.object.rawValue, 2, 4] + Array("type".utf8) + [ValueCodec.Tag.string.rawValue, 3]
        bytes += [0xff, 0x80, 0x41, 1] + Array("z".utf8) + [ValueCodec.Tag.array.rawValue, 0]
        assertAgrees(bytes: bytes)
        XCTAssertEqual(try bytes.withUnsafeBytes { try HeadFacts($0) }.pointSources, [.inline(0)])
    }

    func testEveryTruncationOfAHeadThrowsAsDecodingDoes() throws {
        let bytes = try realHead()
        assertAgrees(bytes: bytes)
        for cut in 0..<bytes.count {
            let prefix = Array(bytes[..<cut])
            XCTAssertThrowsError(try prefix.withUnsafeBytes { try HeadFacts($0) }, "cut at \(cut)")
            assertAgrees(bytes: prefix)
        }
        // Bytes after the head are ignored, as decoding ignores them.
        assertAgrees(bytes: bytes + [0xff, 0xff])
    }

    func testEveryChangedByteOfAHeadIsReadAsDecodingReadsIt() throws {
        let bytes = try realHead()
        var rng = SplitMix64(seed: 19)
        for i in bytes.indices {
            for value in [0, 1, 5, 7, 8, 9, 0x7f, 0x80, 0xff, UInt8.random(in: 0...255, using: &rng)] {
                var changed = bytes
                changed[i] = UInt8(value)
                assertAgrees(bytes: changed)
            }
        }
    }

    func testRandomBytesNeverCrashAndAgreeWithDecoding() {
        var rng = SplitMix64(seed: 7)
        // Small bytes, likely tags and lengths, so that random bytes often hold values.
        let alphabet: [UInt8] = [0, 1, 2, 3, 4, 5, 7, 8, 9, 0x80, 0xff, 1, 2, 4] + Array("xyztype".utf8)
        for _ in 0..<20_000 {
            var bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            if !bytes.isEmpty, Bool.random(using: &rng) { bytes[0] = ValueCodec.Tag.object.rawValue }
            assertAgrees(bytes: bytes)
        }
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            assertAgrees(bytes: bytes)
        }
    }

    func testDeeplyNestedValuesAreSteppedOver() throws {
        for depth in [1, 31, 32, 33, 64, 65, 100] {
            var deep = PaneValue.array([.int(1), .series(SeriesSlot(id: 300, kind: .text))])
            for level in 0..<depth {
                deep = level % 2 == 0 ? .object(PyDict([("k", deep), ("n", .null)])) : .array([deep, .string("s")])
            }
            let trace = PaneValue.object(
                PyDict([("x", .array([deep, deep])), ("deep", deep), ("type", .string("bar"))]))
            let head = PaneValue.object(
                PyDict([
                    ("layout", deep), ("type", .string("plot")),
                    ("content", .object(PyDict([("data", .array([trace, deep]))]))), ("title", .string("t")),
                ]))
            try assertAgrees(head)
            XCTAssertEqual(try facts(head).pointSources, [.inline(2)], "depth \(depth)")
            XCTAssertEqual(try facts(head).title, "t", "depth \(depth)")
            let bytes = ValueCodec.encodePane(head)
            for cut in stride(from: 0, to: bytes.count, by: 7) { assertAgrees(bytes: Array(bytes[..<cut])) }
        }
    }
}
