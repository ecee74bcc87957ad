/// What changed in an env after an epoch, for servers that push live updates and clients that
/// catch up after a reconnect without re-reading whole windows.
///
/// A window whose head did not change and whose series only grew at the end since the epoch
/// reports just the new values of each series; any other change reports the window's whole JSON
/// (or a tombstone when it was closed). Cost: the changed windows' new segments, plus one index
/// probe per window of the env.
public struct EnvChanges: Sendable, Equatable {
    public let env: String
    public let since: Int64
    /// The answer covers every epoch up to and including this one.
    public let upTo: Int64
    /// The env was deleted after `since` (and not re-created).
    public let envDeleted: Bool
    public let windows: [WindowChange]

    /// The changes as one JSON document (what `logstore export --since` prints):
    /// `{"env", "since", "up_to", "deleted", "windows": {WIN: {"append": [{"path": [...],
    /// "values": [...]}]} | {"window": ...} | {"closed": true}}}`.
    public var json: JSONValue {
        var out = JSONObject()
        for w in windows {
            switch w.kind {
            case .closed: out[w.window] = ["closed": true]
            case .window(let json): out[w.window] = .object(JSONObject([("window", json)]))
            case .appended(let appends):
                let list: [JSONValue] = appends.map {
                    .object(JSONObject([("path", .array($0.path)), ("values", .array($0.values))]))
                }
                out[w.window] = .object(JSONObject([("append", .array(list))]))
            }
        }
        return .object(
            JSONObject([
                ("env", .string(env)), ("since", .int(since)), ("up_to", .int(upTo)), ("deleted", .bool(envDeleted)),
                ("windows", .object(out)),
            ]))
    }
}

public struct WindowChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Values appended to the window's series, in order.
        case appended([SeriesAppend])
        /// The window as it is now (created, replaced, or changed in its head).
        case window(JSONValue)
        case closed
    }
    public let window: String
    public let kind: Kind
}

/// Values appended to the array at `path` inside the window JSON
/// (e.g. `["content", "data", 0, "y"]`).
public struct SeriesAppend: Sendable, Equatable {
    public let path: [JSONValue]
    public let values: [JSONValue]
}

struct ChangeReader {
    let db: Connection
    let since: Int64

    func changes(env name: String) throws -> EnvChanges {
        let upTo = try EpochTable.latest(db) ?? 0
        guard since <= upTo, since >= 0 else { throw LogStoreError.noSuchEpoch(since) }
        let now = Catalog(db: db, asOf: .max)
        let then = Catalog(db: db, asOf: since)
        let envNow = try now.env(name)
        let envThen = try then.env(name)
        guard let envNow else {
            if envThen == nil { throw LogStoreError.noSuchEnv(name) }
            return EnvChanges(env: name, since: since, upTo: upTo, envDeleted: true, windows: [])
        }
        let materializer = Materializer(db: db, asOf: .max)
        var changes: [WindowChange] = []
        let before = try envThen.map { try then.windows(ofEnv: $0) } ?? []
        let current = try now.windows(ofEnv: envNow)
        let currentIDs = Set(current.map(\.windowID))
        for w in current {
            if envThen == envNow, before.contains(where: { $0.windowID == w.windowID }) {
                guard try now.lastChange(w.windowID) > since else { continue }
                if let appended = try appendsOnly(w.windowID, then: then, now: now) {
                    changes.append(WindowChange(window: w.wid, kind: .appended(appended)))
                    continue
                }
            }
            changes.append(WindowChange(window: w.wid, kind: .window(try materializer.window(w))))
        }
        for w in before
        where !currentIDs.contains(w.windowID) && !current.contains(where: { ExactKey.equal($0.wid, w.wid) }) {
            changes.append(WindowChange(window: w.wid, kind: .closed))
        }
        return EnvChanges(env: name, since: since, upTo: upTo, envDeleted: false, windows: changes)
    }

    /// The values appended since `since`, if that is all that happened to the window.
    func appendsOnly(_ window: Int64, then: Catalog, now: Catalog) throws -> [SeriesAppend]? {
        guard let headThen = try then.headBytes(window), let headNow = try now.headBytes(window), headThen == headNow,
            let head = try now.head(window)
        else { return nil }
        var out: [SeriesAppend] = []
        for (path, slot) in head.seriesPaths {
            let (newest, reachedSince) = try SeriesStore(db).segments(
                of: slot.id, window: window, writtenAfter: since)
            if newest.contains(where: { $0.op != 0 }) { return nil }
            var values: [JSONValue] = []
            if !reachedSince {
                // Sealed blocks come before the segments: their values written after `since`.
                for block in try SealedBlock.of(series: slot.id, window: window, asOf: .max, db)
                where block.lastEpoch > since {
                    var bytes: [UInt8] = []
                    try block.values(into: &bytes)
                    var all: [JSONValue] = []
                    try bytes.withUnsafeBytes { try ValueCodec.decodeValues($0, into: &all) }
                    values.append(contentsOf: all.dropFirst(Int(try block.visible(asOf: since))))
                }
            }
            for seg in newest.reversed() {
                try seg.data.withUnsafeBytes { try ValueCodec.decodeValues($0, into: &values) }
            }
            if !values.isEmpty { out.append(SeriesAppend(path: path, values: values)) }
        }
        return out
    }
}
