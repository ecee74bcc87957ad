import Foundation
import XCTest

@testable import LogStore

final class PanePersisterTests: XCTestCase {
    /// One stored series at two positions, both with the same pending append (a trace whose
    /// x and y share a series): the first position keeps the series, the second gets a copy,
    /// and both read as the stored values plus the append once.
    func testASeriesAtTwoPositionsGetsItsPendingValuesOnceInEach() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("p.db").path
        let db = try Connection(path: path, mode: .readWriteCreate)
        defer { try? db.close() }
        try Schema.create(on: db, time: 0)
        let store = SeriesStore(db)
        let id = try store.create(window: 1, kind: .list, epoch: 0)
        try store.write([.init(prepend: false, values: [.int(1), .int(2)])], to: id, window: 1, epoch: 0)
        var slot = SeriesSlot(id: id, kind: .list)
        slot.pending = [.init(prepend: false, values: [.int(3)])]
        var trace = PaneValue(try json(#"{"type": "scatter", "x": null, "y": null}"#))
        try trace.setItem("x", .series(slot))
        try trace.setItem("y", .series(slot))
        var pane = PaneValue(try json(#"{"type": "plot", "content": {"data": [null]}}"#))
        try pane.modifyItem("content") { content in
            try content.setItem("data", .array([trace]))
        }

        let head = try PanePersister(series: store, window: 1, epoch: 1).persist(pane)

        guard case .object(let content)? = head.objectValue?["content"], case .array(let traces)? = content["data"],
            case .object(let stored)? = traces.first, case .series(let x)? = stored["x"],
            case .series(let y)? = stored["y"]
        else { return XCTFail("\(head)") }
        XCTAssertEqual(x.id, id)
        XCTAssertNotEqual(y.id, id, "the second position gets a series of its own")
        XCTAssertTrue(x.pending.isEmpty && y.pending.isEmpty)
        XCTAssertEqual(try store.elements(of: x.id), [.int(1), .int(2), .int(3)])
        XCTAssertEqual(try store.elements(of: y.id), [.int(1), .int(2), .int(3)])
    }
}
