import XCTest

@testable import LogStore

final class WindowHashTests: XCTestCase {
    /// The page's hash is over what JavaScript's json-stable-stringify writes of the parsed
    /// window (the expected text is what chromium's `JSON.stringify` prints for these values,
    /// with the keys in JavaScript's default sort order: UTF-16 code units, so U+1F600 sorts
    /// before U+FF61).
    func testPageHashIsOverJavaScriptsStableStringify() throws {
        let window: JSONValue = [
            "｡": false, "😀": .null, "é": true,
            "a": .string("é\n\u{1F}\""),
            "B": .array([
                .int(1), .double(1.5), .double(1e-7), .double(0.000001), .double(1e20), .double(1e21), .double(123e-20),
                .double(-0.0), .double(.nan), .double(-.infinity), .double(-2.5), .int(9_007_199_254_740_993),
                .bigInt("100000000000000000000"),
            ]),
        ]
        let expected =
            #"{"B":[1,1.5,1e-7,0.000001,100000000000000000000,1e+21,1.23e-18,0,null,null,-2.5,9007199254740992,100000000000000000000],"a":"é\n\u001f\"","é":true,"😀":null,"｡":false}"#
        var bytes: [UInt8] = []
        WindowHash.pageStringify(window, to: &bytes)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), expected)
        XCTAssertEqual(WindowHash.pageHash(window), "203aafc11825ef4bd7422f5ca17e8135")  // hashlib.md5 of the text
        // visdom's Python hash of the same window is another text (json.dumps, ASCII escapes)
        XCTAssertNotEqual(WindowHash.pageHash(["a": 0.00001]), WindowHash.hash(["a": 0.00001]))
        XCTAssertEqual(WindowHash.pageHash(["a": 0.5]), WindowHash.hash(["a": 0.5]))
    }
}
