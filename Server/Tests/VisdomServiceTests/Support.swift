import Foundation
import LogStore
import XCTest

@testable import VisdomService

func temporaryStorePath(_ test: XCTestCase) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visdom-service-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return dir.appendingPathComponent("test.db").path
}

extension VisdomService {
    /// POSTs a JSON body (given as text) to `path`.
    func post(_ path: String, _ body: String, headers: [(name: String, value: String)] = []) async -> VisdomResponse {
        await respond(method: "POST", path: path, headers: headers, body: Array(body.utf8))
    }
}

extension VisdomResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
