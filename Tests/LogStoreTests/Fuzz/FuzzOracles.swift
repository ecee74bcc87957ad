import Foundation
import LogStore

/// The checks that the libFuzzer targets in `Fuzz/` run on every input, shared verbatim with
/// `FuzzRegressionTests` (the fuzz package compiles this same file through a symlink), so a
/// saved crash input is replayed through exactly the oracle that found it.
///
/// A check returns normally when the input was handled correctly, and throws `FuzzViolation`
/// when the library produced a wrong result. A crash or a hang is its own finding.
struct FuzzViolation: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum JSONOracle {
    /// The writer's option sets that the round trip is checked under.
    static let writerOptions: [JSONWriter.Options] = [
        .init(),
        .init(ensureASCII: false),
        .init(pretty: true),
        .init(ensureASCII: false, compact: true),
    ]

    /// `JSONReader.parse` on `bytes`. A rejection must be a `JSONSyntaxError` whose offset lies
    /// inside the input. An accepted document must survive the writer under every option set:
    /// reading the written bytes gives a value `==` to the first (doubles bit for bit), and
    /// writing that value again gives the same bytes. When `bytes` are valid UTF-8, the
    /// `String` entry point must agree with the byte entry point.
    static func check(_ bytes: UnsafeRawBufferPointer) throws(FuzzViolation) {
        let parsed: Result<JSONValue, JSONSyntaxError>
        do throws(JSONSyntaxError) { parsed = .success(try JSONReader.parse(bytes)) } catch { parsed = .failure(error) }

        if let text = String(validating: bytes, as: UTF8.self) {
            let viaString: Result<JSONValue, JSONSyntaxError>
            do throws(JSONSyntaxError) { viaString = .success(try JSONReader.parse(text)) } catch {
                viaString = .failure(error)
            }
            switch (parsed, viaString) {
            case (.success(let a), .success(let b)) where a == b: break
            case (.failure(let a), .failure(let b)) where a == b: break
            default: throw FuzzViolation("bytes and String entry points disagree: \(parsed) vs \(viaString)")
            }
        }

        switch parsed {
        case .failure(let error):
            guard error.offset >= 0 && error.offset <= bytes.count else {
                throw FuzzViolation("error offset \(error.offset) outside an input of \(bytes.count) bytes: \(error)")
            }
        case .success(let value):
            try roundTrip(value)
        }
    }

    /// The writer/reader round trip for a value the reader produced (or the store exported).
    ///
    /// `maxDepth` is the reader's limit when reading the written bytes back. An exported env
    /// nests a message's values up to 5 levels deeper than the message itself (env, jsons,
    /// window, content, layout), so a message at the reader's 512-level limit exports as a
    /// document that the reader refuses with its default limit, as Python's json, whose
    /// recursion limit is at about 995 levels, refuses an env visdom saved from a message at
    /// its limit. Exports are checked with a limit that leaves room for those levels.
    static func roundTrip(_ value: JSONValue, maxDepth: Int = 512, options: [JSONWriter.Options] = writerOptions)
        throws(FuzzViolation)
    {
        for options in options {
            let written = JSONWriter.bytes(value, options: options)
            let reread: JSONValue
            do throws(JSONSyntaxError) { reread = try JSONReader.parse(written, maxDepth: maxDepth) } catch {
                throw FuzzViolation("writer output (\(describe(options))) does not parse: \(error)\n\(show(written))")
            }
            guard reread == value else {
                throw FuzzViolation(
                    "writer output (\(describe(options))) reads back as a different value\n\(show(written))\nfirst:  \(value)\nreread: \(reread)"
                )
            }
            let rewritten = JSONWriter.bytes(reread, options: options)
            guard rewritten == written else {
                throw FuzzViolation(
                    "writing the reread value (\(describe(options))) gives different bytes\n\(show(written))\n\(show(rewritten))"
                )
            }
        }
    }

    static func describe(_ o: JSONWriter.Options) -> String {
        "pretty=\(o.pretty) ensureASCII=\(o.ensureASCII) compact=\(o.compact)"
    }

    static func show(_ bytes: [UInt8]) -> String {
        bytes.count > 2000 ? "<\(bytes.count) bytes>" : String(decoding: bytes, as: UTF8.self).debugDescription
    }
}

/// Decodes an input as replay log lines and applies them to a store, then exports every env
/// and every window. An input is one line, or several separated by `\n` (so that the fuzzer can
/// create a window and update it in one input); each line is decoded by
/// `LogStore.Message.decode(logLine:place:)` and, if it decodes, applied on its own.
///
/// Outcomes that are fine: a line is rejected with `LogStoreError.badInput`; a message is
/// refused or fails the way visdom would (`Outcome.refused`, `Outcome.failed(PyError)`, visdom's
/// 500); `apply` throws a storage error (`.sqlite`, `.io`; counted in `storageErrorCount`).
/// Everything else is a violation: another error from decode, apply or an export, an export
/// whose window differs from the same window inside its env, or an exported env that does not
/// survive the JSON round trip.
final class MessageOracle {
    let directory: URL
    /// Inputs applied to one store before it is thrown away, to keep it small and fast.
    let recycleEvery: Int
    private var store: LogStore?
    private var used = 0
    private var generation = 0
    /// Storage errors `apply` threw (allowed outcomes): how many, and the first few.
    private(set) var storageErrorCount = 0
    private(set) var storageErrors: [LogStoreError] = []

    init(directory: URL, recycleEvery: Int = 16) {
        self.directory = directory
        self.recycleEvery = recycleEvery
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    private func currentStore() throws(FuzzViolation) -> LogStore {
        if let store, used < recycleEvery {
            used += 1
            return store
        }
        store = nil  // closes the old store's connections before its files go
        try? FileManager.default.removeItem(at: directory)
        generation += 1
        used = 1
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let s = try LogStore(path: directory.appendingPathComponent("fuzz-\(generation).db").path)
            store = s
            return s
        } catch {
            throw FuzzViolation("cannot create the fuzz store: \(error)")
        }
    }

    /// Runs one input; returns the outcomes of the messages applied.
    @discardableResult
    func check(_ input: ArraySlice<UInt8>) throws(FuzzViolation) -> [Outcome] {
        var outcomes: [Outcome] = []
        var store: LogStore?
        for (n, line) in input.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
            let message: LogStore.Message
            do throws(LogStoreError) {
                message = try LogStore.Message.decode(logLine: line, place: "fuzz:\(n + 1)")
            } catch {
                guard case .badInput = error else { throw FuzzViolation("decode threw a non-input error: \(error)") }
                continue
            }
            if store == nil { store = try currentStore() }
            do throws(LogStoreError) {
                outcomes.append(try store!.apply(message).outcome)
            } catch {
                switch error {
                case .sqlite, .io:
                    storageErrorCount += 1
                    if storageErrors.count < 20 { storageErrors.append(error) }
                default:
                    throw FuzzViolation("apply of line \(n + 1) threw \(error)")
                }
            }
        }
        if let store { try Self.exportEverything(store) }
        return outcomes
    }

    /// Exports every env and every window of `store`, checking each against the others.
    static func exportEverything(_ store: LogStore) throws(FuzzViolation) {
        let names: [String]
        do { names = try store.envNames() } catch { throw FuzzViolation("envNames threw \(error)") }
        for name in names {
            let env: JSONValue
            do { env = try store.exportEnv(name) } catch {
                throw FuzzViolation("exportEnv(\(name.debugDescription)) threw \(error)")
            }
            guard case .object(let jsons)? = env["jsons"], env["reload"] != nil else {
                throw FuzzViolation("exportEnv(\(name.debugDescription)) is not {jsons, reload}: \(env)")
            }
            try JSONOracle.roundTrip(env, maxDepth: 1024, options: [.init()])
            for (wid, window) in jsons.pairs {
                let alone: JSONValue
                do { alone = try store.exportWindow(env: name, window: wid) } catch {
                    throw FuzzViolation(
                        "exportWindow(\(name.debugDescription), \(wid.debugDescription)) threw \(error)")
                }
                guard alone == window else {
                    throw FuzzViolation(
                        "window \(wid.debugDescription) of env \(name.debugDescription) differs from its env export\n\(alone)\n\(window)"
                    )
                }
            }
        }
    }
}
