import XCTest

@testable import LogStore

/// `HeadFacts` reads what a listing needs from encoded head bytes; it must agree with the
/// decoded head on heads of every shape, odd ones included.
final class HeadFactsTests: XCTestCase {
    func facts(_ head: PaneValue) throws -> HeadFacts {
        try ValueCodec.encodePane(head).withUnsafeBytes { try HeadFacts($0) }
    }

    func pane(_ text: String) throws -> PaneValue { PaneValue(try json(text)) }

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
            .object(
                PyDict([
                    ("type", .string("plot")),
                    (
                        "content",
                        .object(
                            PyDict([
                                (
                                    "data",
                                    .array([
                                        .object(PyDict([("type", .string("scatter"))] + series)),
                                        .object(PyDict([("y", .series(list))])),
                                        .object(PyDict([("type", .string("heatmap")), ("z", .series(text))])),
                                    ])
                                )
                            ]))
                    ),
                ])))
        heads.append(.object(PyDict([("type", .string("image_history")), ("content", .series(list))])))
        heads.append(.object(PyDict([("type", .string("text")), ("content", .series(text)), ("title", .string("é"))])))
        for head in heads {
            let f = try facts(head)
            XCTAssertEqual(f.pointSources, PointSeries.of(head), "\(head)")
            var type = head.objectValue?["type"]?.stringValueIfString ?? "?"
            var traces = 0
            if type == "plot", case .object(let content)? = head.objectValue?["content"],
                case .array(let data)? = content["data"]
            {
                traces = data.count
                if let t = data.first?.objectValue?["type"]?.stringValueIfString { type = "plot/\(t)" }
            }
            XCTAssertEqual(f.summaryType, type, "\(head)")
            XCTAssertEqual(f.traceCount, traces, "\(head)")
            XCTAssertEqual(f.title ?? "", head.objectValue?["title"]?.stringValueIfString ?? "", "\(head)")
        }
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
}
