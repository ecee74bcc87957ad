/// Writes the rows of ONE epoch on the writer connection: visdom's state operations
/// (`VisdomState`) become new rows stamped with `epoch`. Never updates or deletes a log row.
///
/// Used inside a transaction (or savepoint) opened by the caller, so the epoch's rows become
/// visible together or not at all.
final class EpochWriter: VisdomState {
    let db: Connection
    /// The epoch being written; a writer's context writes each of its epochs with one
    /// `EpochWriter`, started anew per epoch (`start(_:)`).
    private(set) var epoch: Int64
    let seriesStore: SeriesStore
    private let catalog: Catalog
    /// Decodes heads, reusing panes decoded by earlier epochs on this connection.
    private let heads: HeadCache
    /// Heads of the windows whose pane a handler read in this epoch, to skip writing an
    /// unchanged head: the bytes of the window's current head row, and the pane they decode to
    /// (nil once a head written in this epoch replaced the loaded one). One entry per window,
    /// for the few windows a handler reads (visdom's handlers read one per message): a scan of
    /// a short array, where two dictionaries allocated their storage and hashed the id every
    /// epoch. A window written without being read is a new incarnation (a new id), written
    /// once per epoch, so it needs no entry.
    ///
    /// This and `changed` have unchecked exclusivity: only short, non-reentrant reads and writes
    /// in this class touch them, and the dynamic access checks cost ~75 instructions each,
    /// several times per epoch.
    @exclusivity(unchecked) private var loaded = LoadedHeads()

    private struct LoadedHead {
        let window: Int64
        var bytes: [UInt8]
        var pane: PaneValue?
    }

    /// The loaded heads in the order read. The first is held inline: most epochs read one
    /// window, and an array allocated its storage every epoch.
    private struct LoadedHeads {
        private var first: LoadedHead?
        private var rest: [LoadedHead] = []

        func index(of window: Int64) -> Int? {
            if first?.window == window { return 0 }
            return rest.firstIndex { $0.window == window }.map { $0 + 1 }
        }

        subscript(i: Int) -> LoadedHead {
            get { i == 0 ? first! : rest[i - 1] }
            _modify {
                if i == 0 { yield &first! } else { yield &rest[i - 1] }
            }
        }

        mutating func append(_ head: LoadedHead) {
            if first == nil { first = head } else { rest.append(head) }
        }
    }

    private func loadedIndex(_ window: Int64) -> Int? { loaded.index(of: window) }
    /// Windows whose content this epoch changed (wrote a head or segment row of);
    /// `insertEpochRow` records them.
    @exclusivity(unchecked) private var changed = NotedWindows()

    /// Windows in the order first noted, each once. The first is held inline: most epochs
    /// change one window, and an array allocated its storage every epoch. Past a few, a set
    /// tells which are noted (a fork of a large env): a scan of a short array costs less than
    /// hashing, a long one more.
    private struct NotedWindows {
        private(set) var first: Int64?
        private var rest: [Int64] = []
        private var set: Set<Int64>?

        var count: Int { first == nil ? 0 : 1 + rest.count }
        /// Every noted window, in order.
        var all: [Int64] { first.map { [$0] + rest } ?? [] }

        mutating func insert(_ window: Int64) {
            guard let first else {
                self.first = window
                return
            }
            if window == first { return }
            if set == nil && rest.count >= 16 { set = Set(rest) }
            if set != nil {
                if set!.insert(window).inserted { rest.append(window) }
            } else if !rest.contains(window) {
                rest.append(window)
            }
        }
    }
    /// Env and window incarnations already looked up: visdom's handlers ask for the same ones
    /// several times per message, and every message for the same ones as the one before.
    /// Every write of an env or window row clears them (see `CatalogLookups`).
    private let lookups: CatalogLookups
    /// On the writer, how often it seals epoch rows (`Writer.Context.epochRun`); nil elsewhere.
    private let epochRun: Int64?
    /// On the writer, the epoch rows it wrote last (`Writer.Context.recent`), which this epoch's
    /// row joins and its seal reads; nil elsewhere.
    private let recent: RecentEpochs?

    /// An epoch of a job on the writer: it uses, and keeps valid, the writer's caches (heads,
    /// series tails, env and window lookups), which every epoch written on the writer's
    /// connection must do (see `SeriesTails` and `CatalogLookups`), and seals epoch rows as
    /// the writer does (`insertEpochRow`).
    convenience init(_ ctx: Writer.Context, epoch: Int64) {
        self.init(
            ctx.db, epoch: epoch, heads: ctx.heads, tails: ctx.tails, lookups: ctx.lookups, epochRun: ctx.epochRun,
            recent: ctx.recent)
    }

    /// An epoch with caches of its own: only for a connection that no `Writer` owns.
    init(
        _ db: Connection, epoch: Int64, heads: HeadCache = HeadCache(capacity: 16), tails: SeriesTails? = nil,
        lookups: CatalogLookups = CatalogLookups(), epochRun: Int64? = nil, recent: RecentEpochs? = nil
    ) {
        self.db = db
        self.epoch = epoch
        self.epochRun = epochRun
        self.recent = recent
        self.heads = heads
        self.lookups = lookups
        lookups.trim()
        self.seriesStore = SeriesStore(db, tails: tails)
        self.catalog = Catalog(db: db, asOf: .max)
    }

    var series: SeriesSource { seriesStore }

    /// Makes this the writer of `epoch`, as a new one would be: no head loaded, no window
    /// changed yet (the caches it shares outlive epochs, as their own invariants say).
    func start(_ epoch: Int64) {
        self.epoch = epoch
        loaded = LoadedHeads()
        changed = NotedWindows()
        lookups.trim()
    }

    private func liveEnv(_ eid: String) throws -> Int64? {
        try lookups.env(eid, load: catalog.env)
    }

    private func liveWindow(_ wid: String, env: Int64) throws -> Catalog.WindowRow? {
        try lookups.window(wid, env: env, load: catalog.window)
    }

    // MARK: reads

    func envExists(_ eid: String) throws -> Bool { try liveEnv(eid) != nil }

    func windowIDs(_ eid: String) throws -> [String]? {
        guard let env = try liveEnv(eid) else { return nil }
        return try catalog.windows(ofEnv: env).map(\.wid)
    }

    func pane(_ wid: String, in eid: String) throws -> PaneValue? {
        guard let env = try liveEnv(eid), let w = try liveWindow(wid, env: env),
            let bytes = try headBytes(w.windowID)
        else { return nil }
        let pane = try heads.pane(window: w.windowID, bytes: bytes)
        let entry = LoadedHead(window: w.windowID, bytes: bytes, pane: pane)
        if let i = loadedIndex(w.windowID) { loaded[i] = entry } else { loaded.append(entry) }
        return pane
    }

    /// The window's current head bytes. A cached array is the one HeadCache compared last
    /// time, so comparing them again is one identity check.
    private func headBytes(_ window: Int64) throws -> [UInt8]? {
        if let known = lookups.head(window) { return known }
        let bytes = try catalog.headBytes(window)
        lookups.setHead(window, bytes)
        return bytes
    }

    // MARK: writes

    func createEnv(_ eid: String) throws {
        try db.run("INSERT INTO env(name, epoch) VALUES (?, ?)", [.text(eid), .integer(epoch)])
        forgetLookups()
    }

    func storePane(_ pane: consuming PaneValue, id wid: String, in eid: String, replacing: Bool) throws {
        guard let env = try liveEnv(eid) else { throw StoreInvariantError("env \(eid) vanished mid-epoch") }
        let current = try liveWindow(wid, env: env)
        let windowID: Int64
        if let current, !replacing {
            windowID = current.windowID
        } else {
            let slot: Int64
            if let current {
                try endWindow(current.windowID)
                slot = current.slot
            } else {
                slot = (try db.int("SELECT max(slot) FROM window WHERE env_id = ?", [.integer(env)]) ?? -1) + 1
            }
            windowID = try insertWindow(env: env, wid: wid, slot: slot)
        }
        try writeHead(consume pane, window: windowID)
    }

    func storeAppends(_ appends: PendingAppends, id wid: String, in eid: String) throws {
        guard let env = try liveEnv(eid), let window = try liveWindow(wid, env: env)?.windowID else {
            throw StoreInvariantError("window \(wid) of env \(eid) vanished mid-epoch")
        }
        // As `writeHead` writes a pane's pending appends (`PanePersister`), in the same order.
        let rowsBefore = db.totalChanges
        try seriesStore.write(appends, window: window, epoch: epoch)
        if db.totalChanges != rowsBefore { noteChanged(window) }
    }

    func removeWindow(_ wid: String, in eid: String) throws {
        guard let env = try liveEnv(eid), let w = try liveWindow(wid, env: env) else { return }
        try endWindow(w.windowID)
    }

    func deleteEnv(_ eid: String) throws {
        guard let env = try liveEnv(eid) else { return }
        try db.run("INSERT INTO env_end(env_id, epoch) VALUES (?, ?)", [.integer(env), .integer(epoch)])
        forgetLookups()
    }

    func forkEnv(_ from: String, to: String) throws { try forkEnv(from, to: to, asOf: .max) }

    /// visdom's fork_env, from the env as it was after epoch `asOf`.
    func forkEnv(_ from: String, to: String, asOf: Int64) throws {
        let catalog = Catalog(db: db, asOf: asOf)
        guard let source = try catalog.env(from) else { return }
        let windows = try catalog.windows(ofEnv: source)
        let reload = try catalog.reload(source)
        if try liveEnv(to) != nil { try deleteEnv(to) }
        try createEnv(to)
        guard let target = try liveEnv(to) else { return }
        try setReload(reload, env: target)
        for w in windows {
            guard var head = try catalog.head(w.windowID) else { continue }
            let copy = try insertWindow(env: target, wid: w.wid, slot: w.slot)
            try SeriesPositions.forEach(in: &head) { value, _ in
                if case .series(let slot) = value {
                    value = .series(
                        SeriesSlot(
                            id: try seriesStore.copy(slot.id, kind: slot.kind, asOf: asOf, to: copy, epoch: epoch),
                            kind: slot.kind))
                }
            }
            try writeHead(head, window: copy)
        }
    }

    func replaceWindows(_ windows: [(String, PaneValue)], in eid: String) throws {
        guard let env = try liveEnv(eid) else { return }
        for w in try catalog.windows(ofEnv: env) { try endWindow(w.windowID) }
        for (wid, pane) in windows {
            try storePane(pane, id: wid, in: eid, replacing: true)
        }
    }

    func setReload(_ reload: PaneValue, in eid: String) throws {
        guard let env = try liveEnv(eid) else { return }
        var doc: [UInt8] = []
        ValueCodec.encode(reload.plainJSON ?? .null, into: &doc)
        // A fork in the same epoch may have copied the source's reload already: this one wins.
        try db.run(
            "INSERT OR REPLACE INTO env_reload(env_id, epoch, doc) VALUES (?, ?, ?)",
            [.integer(env), .integer(epoch), .blob(doc)])
    }

    func setPageLayouts(_ layouts: PaneValue) throws {
        var doc: [UInt8] = []
        ValueCodec.encode(layouts.plainJSON ?? .null, into: &doc)
        try db.run("INSERT OR REPLACE INTO page_layout(epoch, doc) VALUES (?, ?)", [.integer(epoch), .blob(doc)])
    }

    /// Replaces env `name` wholesale with `windows` and `reload` (an env file import).
    func importEnv(_ name: String, windows: JSONObject, reload: JSONValue) throws {
        if try liveEnv(name) != nil { try deleteEnv(name) }
        try createEnv(name)
        guard let env = try liveEnv(name) else { return }
        try setReload(reload, env: env)
        for (slot, (wid, window)) in windows.pairs.enumerated() {
            let id = try insertWindow(env: env, wid: wid, slot: Int64(slot))
            try writeHead(PaneValue(window), window: id)
        }
    }

    // MARK: rows

    private func insertWindow(env: Int64, wid: String, slot: Int64) throws -> Int64 {
        try db.run(
            "INSERT INTO window(env_id, wid, slot, epoch) VALUES (?, ?, ?, ?)",
            [.integer(env), .text(wid), .integer(slot), .integer(epoch)])
        let id = db.lastInsertRowID
        forgetLookups()
        return id
    }

    private func endWindow(_ window: Int64) throws {
        try db.run("INSERT INTO window_end(window_id, epoch) VALUES (?, ?)", [.integer(window), .integer(epoch)])
        forgetLookups()
    }

    private func forgetLookups() { lookups.removeAll() }

    private func setReload(_ reload: JSONValue, env: Int64) throws {
        if case .object(let o) = reload, o.isEmpty { return }
        var doc: [UInt8] = []
        ValueCodec.encode(reload, into: &doc)
        try db.run(
            "INSERT INTO env_reload(env_id, epoch, doc) VALUES (?, ?, ?)",
            [.integer(env), .integer(epoch), .blob(doc)])
    }

    /// Persists the pane's series and, if it changed, its head; notes the window as changed
    /// if either wrote a row.
    private func writeHead(_ pane: consuming PaneValue, window: Int64) throws {
        let rowsBefore = db.totalChanges
        let head = try PanePersister(series: seriesStore, window: window, epoch: epoch).persist(consume pane)
        // An append usually leaves the head as it was loaded: comparing the panes tells so
        // without encoding the new one (its bytes would equal the loaded ones).
        let i = loadedIndex(window)
        let unchanged = i.flatMap { loaded[$0].pane }.map { ValueCodec.sameEncoding(head, $0) } ?? false
        if !unchanged {
            let bytes = ValueCodec.encodePane(head)
            if i.map({ loaded[$0].bytes }) != bytes {
                try db.run(
                    "INSERT OR REPLACE INTO head(window_id, epoch, doc) VALUES (?, ?, ?)",
                    [.integer(window), .integer(epoch), .blob(bytes)])
                if let i {
                    loaded[i].bytes = bytes
                    loaded[i].pane = nil
                }
                lookups.setHead(window, bytes)
            }
        }
        if db.totalChanges != rowsBefore { noteChanged(window) }
    }

    private func noteChanged(_ window: Int64) { changed.insert(window) }

    /// What the epoch row says besides the epoch's number and the windows it changed.
    struct EpochRow {
        var time: Int64
        var source: String
        var endpoint: String
        var env: String?
        var win: String?
        var status = "ok"
        var detail = ""

        /// The most bytes a refused or failed epoch keeps of its env, window and detail. Such
        /// a request changed nothing, so these are only its description in the log; bounding
        /// them bounds what a refused request costs on disk (a 1 MB name is not kept).
        static let refusedTextLimit = 1024

        /// The row as it is written: a refused or failed epoch's texts cut to
        /// `refusedTextLimit` bytes (at a character boundary, with "…" and the full length).
        var bounded: EpochRow {
            guard status != "ok" else { return self }
            var r = self
            r.env = env.map(Self.cut)
            r.win = win.map(Self.cut)
            r.detail = Self.cut(detail)
            return r
        }

        static func cut(_ text: String) -> String {
            let n = text.utf8.count
            guard n > refusedTextLimit else { return text }
            var kept = 0
            var prefix = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                kept += scalar.utf8.count
                if kept > refusedTextLimit - 32 { break }
                prefix.append(scalar)
            }
            return String(prefix) + "… (\(n) bytes)"
        }
    }

    private static let insertEpochSQL =
        "INSERT INTO epoch(epoch, time_ms, source, endpoint, env, win, status, detail, window_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    /// The epoch row's INSERT, held: one per epoch. Unchecked exclusivity: only
    /// `writeEpochRow` touches it, between its other calls.
    @exclusivity(unchecked) private var insertEpoch = HeldStatement(insertEpochSQL)

    /// Writes this epoch's row, last, once every other row of the epoch is written: the one
    /// window it changed goes in the row's `window_id`, two or more get `window_change` rows
    /// (schema.sql explains why). On the writer, every `epochRun`-th epoch then seals the
    /// epoch rows before it (`EpochSealer.sealRecent`), in the same transaction or savepoint:
    /// the seal commits with this epoch or is rolled back with it.
    func insertEpochRow(_ row: EpochRow) throws {
        // Only a refused or failed row is copied to be bounded: an "ok" row is written as given.
        if row.status != "ok" { return try writeEpochRow(row.bounded) }
        try writeEpochRow(row)
    }

    private func writeEpochRow(_ row: borrowing EpochRow) throws {
        // Bound value by value on the cached statement, as `SeriesStore` binds a segment: one
        // row per epoch, and an array of `SQLValue`s cost an allocation and a copy of each text.
        let st = try insertEpoch.statement(on: db)
        defer { st.reset() }
        try st.bind(epoch, at: 1)
        try st.bind(row.time, at: 2)
        // The texts and the window are mostly those of the previous epoch: bound again only
        // when they differ.
        try st.bind(keeping: row.source, at: 3)
        try st.bind(keeping: row.endpoint, at: 4)
        if let env = row.env { try st.bind(keeping: env, at: 5) } else { try st.bindNull(at: 5) }
        if let win = row.win { try st.bind(keeping: win, at: 6) } else { try st.bindNull(at: 6) }
        try st.bind(keeping: row.status, at: 7)
        try st.bind(keeping: row.detail, at: 8)
        let windowID = changed.count == 1 ? changed.first : nil
        if let windowID { try st.bind(keeping: windowID, at: 9) } else { try st.bindNull(at: 9) }
        while try st.step() {}
        if changed.count > 1 {
            for window in changed.all {
                try db.run(
                    "INSERT INTO window_change(window_id, epoch) VALUES (?, ?)", [.integer(window), .integer(epoch)])
            }
        }
        if let every = epochRun, EpochSealer.writerSeals(epoch: epoch, every: every) {
            _ = try EpochSealer(db: db).sealRecent(newest: epoch, every: every, recent: recent)
        }
        // Noted after its seal, which ends before it: the row as written.
        if let recent, recent.capacity > 0 {
            if row.status.utf8.count == 2, row.status == "ok" {  // byte for byte, as the seal compares
                recent.note(
                    RecentEpochs.Epoch(
                        epoch: epoch, timeMS: row.time, ok: true, source: row.source, endpoint: row.endpoint,
                        env: row.env, win: row.win, detail: row.detail, windowID: windowID))
            } else {
                recent.note(RecentEpochs.Epoch(epoch: epoch, timeMS: row.time, ok: false))
            }
        }
    }
}

/// A broken internal assumption; never expected, reported instead of crashing.
struct StoreInvariantError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
