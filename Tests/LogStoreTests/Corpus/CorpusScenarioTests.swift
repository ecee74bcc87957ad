import Foundation
import XCTest

@testable import LogStore

/// Replays every recorded visdom scenario — the public corpus in ../shared/visdom-corpus and
/// our own recordings in Tests/Fixtures/scenarios — through the library, in both of the
/// corpus's modes, and compares with what the real visdom 0.2.4 server held (strict numbers).
///
/// Under CI=true a missing public corpus fails the run instead of skipping.
final class CorpusScenarioTests: XCTestCase {
    static var corpusDirectories: [URL] {
        let env = ProcessInfo.processInfo.environment
        var dirs: [URL] = []
        if let custom = env["LOGSTORE_CORPUS"] { dirs.append(URL(fileURLWithPath: custom)) }
        dirs.append(repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/visdom-corpus"))
        return dirs
    }

    func scenarios(in dir: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }.filter {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("manifest.json").path)
        }
    }

    func testPublicCorpusScenariosMatchVisdomInBothModes() throws {
        guard let dir = Self.corpusDirectories.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("the public visdom corpus is missing (looked in \(Self.corpusDirectories.map(\.path)))")
                return
            }
            throw XCTSkip("public visdom corpus not found")
        }
        let all = scenarios(in: dir)
        XCTAssertFalse(all.isEmpty, "no scenarios in \(dir.path)")
        for s in all { try check(scenario: s) }
    }

    func testOwnRecordedScenariosMatchVisdomInBothModes() throws {
        let dir = repositoryRoot.appendingPathComponent("Tests/Fixtures/scenarios")
        let all = scenarios(in: dir)
        XCTAssertFalse(all.isEmpty, "no scenarios in \(dir.path)")
        for s in all { try check(scenario: s) }
    }

    func check(scenario: URL) throws {
        let name = scenario.lastPathComponent
        let manifest = try JSONReader.parse([UInt8](Data(contentsOf: scenario.appendingPathComponent("manifest.json"))))
        let modes = manifest["modes"]?.arrayValue?.compactMap(\.stringValue) ?? ["log", "envfile"]
        guard case .object(let envs)? = manifest["envs"] else { return XCTFail("\(name): manifest has no envs") }

        if modes.contains("log") {
            let store = try temporaryStore(self)
            _ = try Importer(store: store).importFile(scenario.appendingPathComponent("log.jsonl").path)
            for (env, info) in envs.pairs {
                if case .bool(false)? = info["exists"] {
                    XCTAssertThrowsError(try store.exportEnv(env), "\(name) [log]: env \(env) should not exist")
                    continue
                }
                try compareEnv(store, env, scenario, "\(name) [log]")
            }
        }
        if modes.contains("envfile") {
            for (env, info) in envs.pairs {
                if case .bool(false)? = info["exists"] { continue }
                let store = try temporaryStore(self)
                let file = try temporaryDirectory(self).appendingPathComponent("\(env).json")
                try FileManager.default.copyItem(at: scenario.appendingPathComponent("expected/\(env).json"), to: file)
                _ = try Importer(store: store).importFile(file.path)
                try compareEnv(store, env, scenario, "\(name) [envfile]")
            }
        }
    }

    func compareEnv(_ store: LogStore, _ env: String, _ scenario: URL, _ label: String) throws {
        let expected = try JSONReader.parse(
            [UInt8](Data(contentsOf: scenario.appendingPathComponent("expected/\(env).json"))))
        let got = try store.exportEnv(env)
        if let d = visdomDifference(expected: expected, got: got) { XCTFail("\(label) env=\(env): \(d)") }
        guard case .object(let windows)? = expected["jsons"] else { return }
        for (wid, window) in windows.pairs {
            let one = try store.exportWindow(env: env, window: wid)
            if let d = visdomDifference(expected: window, got: one) {
                XCTFail("\(label) env=\(env) window=\(wid): \(d)")
            }
        }
    }
}
