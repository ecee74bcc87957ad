import XCTest

@testable import LogStore

/// Sealed blocks' epochs: runs of segments that give back each segment's epoch and count.
final class BlockEpochsTests: XCTestCase {
    typealias Segment = BlockEpochs.Segment

    func decoded(_ segments: [Segment]) throws -> [Segment] {
        let bytes = BlockEpochs.encode(segments, firstEpoch: segments[0].epoch)
        return try bytes.withUnsafeBytes { try BlockEpochs.decode($0, firstEpoch: segments[0].epoch) }
    }

    func testATrainingLoopIsTwoRunsWhateverItsLength() throws {
        let segments = (0..<100_000).map { Segment(epoch: 5 + 3 * Int64($0), count: 1) }
        XCTAssertEqual(BlockEpochs.encode(segments, firstEpoch: 5), [1, 0, 1, 0x9F, 0x8D, 0x06, 3, 1])
        XCTAssertEqual(try decoded(segments), segments)
    }

    func testIrregularEpochsAndCountsRoundTrip() throws {
        var rng = SplitMix64(seed: 3)
        var epoch: Int64 = 10
        var segments: [Segment] = []
        for _ in 0..<1000 {
            epoch += Int64(rng.next() % 3)  // several segments of one epoch too
            segments.append(Segment(epoch: epoch, count: Int64(1 + rng.next() % 4)))
        }
        XCTAssertEqual(try decoded(segments), segments)
    }

    func testVisibleCountsTheValuesOfEpochsInARange() throws {
        let segments = [
            Segment(epoch: 2, count: 1), Segment(epoch: 4, count: 2), Segment(epoch: 4, count: 1),
            Segment(epoch: 9, count: 5),
        ]
        let bytes = BlockEpochs.encode(segments, firstEpoch: 2)
        try bytes.withUnsafeBytes { b in
            XCTAssertEqual(try BlockEpochs.visible(b, firstEpoch: 2, through: 1).count, 0)
            XCTAssertNil(try BlockEpochs.visible(b, firstEpoch: 2, through: 1).last)
            XCTAssertEqual(try BlockEpochs.visible(b, firstEpoch: 2, through: 4).count, 4)
            XCTAssertEqual(try BlockEpochs.visible(b, firstEpoch: 2, through: 8).last, 4)
            XCTAssertEqual(try BlockEpochs.visible(b, firstEpoch: 2, from: 3, through: 100).count, 8)
        }
    }

    func testTruncatedEpochsAreAnError() {
        XCTAssertThrowsError(try [UInt8]([1, 0]).withUnsafeBytes { try BlockEpochs.decode($0, firstEpoch: 0) })
        XCTAssertThrowsError(try [UInt8]([0, 0, 1]).withUnsafeBytes { try BlockEpochs.decode($0, firstEpoch: 0) })
    }
}
