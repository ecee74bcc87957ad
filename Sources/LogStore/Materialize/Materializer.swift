import Foundation

/// Rebuilds visdom's JSON from rows, as of an epoch: a window is its head with every series
/// reference replaced by the series' elements; an env is `{"jsons": {...}, "reload": {...}}`
/// with its windows in dict order.
///
/// `contentID` is not stored: it is derived from the window incarnation and the last epoch
/// that changed it, so it changes exactly when the window's content changes.
struct Materializer {
    let db: Connection
    let asOf: Int64

    var catalog: Catalog { Catalog(db: db, asOf: asOf) }

    /// The window's JSON; `transform` may first edit its head (e.g. swap series for some of
    /// their points).
    func window(_ row: Catalog.WindowRow, transform: ((inout PaneValue, SeriesStore) throws -> Void)? = nil) throws
        -> JSONValue
    {
        guard var head = try catalog.head(row.windowID) else {
            throw StoreInvariantError("window \(row.wid) has no head")
        }
        let series = try SeriesStore(
            db, asOf: asOf, readingWindow: row.windowID,
            series: head.seriesPaths.map(\.slot.id))
        try transform?(&head, series)
        var json = try head.json(resolving: series)
        if case .object(var o) = json, o.contains("contentID") {
            json = .null
            o["contentID"] = .string(Self.contentID(window: row.windowID, epoch: try catalog.lastChange(row.windowID)))
            json = .object(o)
        }
        return json
    }

    func env(_ env: Int64) throws -> JSONValue {
        var jsons = JSONObject()
        for row in try catalog.windows(ofEnv: env) { jsons[row.wid] = try window(row) }
        return ["jsons": .object(jsons), "reload": try catalog.reload(env)]
    }

    /// A uuid-shaped id that is a function of (window incarnation, epoch).
    static func contentID(window: Int64, epoch: Int64) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in [UInt64(bitPattern: window), UInt64(bitPattern: epoch)] {
            for i in 0..<8 {
                h ^= (v >> (8 * UInt64(i))) & 0xff
                h = h &* 0x100_0000_01b3
            }
        }
        let a = h
        let b = h &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: epoch)
        return String(
            format: "%08x-%04x-4%03x-%04x-%012llx",
            UInt32(truncatingIfNeeded: a >> 32), UInt32(truncatingIfNeeded: a >> 16) & 0xffff,
            UInt32(truncatingIfNeeded: a) & 0xfff, (UInt32(truncatingIfNeeded: b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff)
    }
}
