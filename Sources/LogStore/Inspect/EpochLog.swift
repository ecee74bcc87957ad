/// One row of the epoch log: an accepted message (or the store's creation, epoch 0), as the
/// `epoch` table records it. Refused and failed messages are epochs too (docs/FORMAT.md,
/// "What an epoch guarantees").
public struct EpochRecord: Sendable, Equatable {
    public let epoch: Int64
    /// Wall time when the epoch was written, in milliseconds since 1970-01-01 UTC.
    public let timeMS: Int64
    /// Where the message came from: `FILE:LINE` for a replay log, the file for an env file,
    /// `api` for `LogStore.apply`, `init` for epoch 0.
    public let source: String
    /// The visdom endpoint (`events`, `update`, `close`, `delete_env`, `fork_env`,
    /// `win_data`), `env_file` for an env file import, `create` for epoch 0.
    public let endpoint: String
    /// The env the message addressed, as visdom escapes it; nil when it named none.
    public let env: String?
    /// The window id the message addressed; nil when it named none.
    public let window: String?
    /// visdom's answer: `ok`, `refused` (200 with a message) or `failed` (500).
    public let status: String
    /// visdom's answer body for `ok`; the refusal or the error raised otherwise.
    public let detail: String

    public init(
        epoch: Int64, timeMS: Int64, source: String, endpoint: String, env: String?, window: String?,
        status: String, detail: String
    ) {
        self.epoch = epoch
        self.timeMS = timeMS
        self.source = source
        self.endpoint = endpoint
        self.env = env
        self.window = window
        self.status = status
        self.detail = detail
    }
}

/// Which epochs a log read selects: all of them, or those whose message addressed env `env`
/// (by name, whichever incarnation), after epoch `after`, up to epoch `through`, written at or
/// after `fromTimeMS` and at or before `toTimeMS`, at most `limit` of them (nil: no limit; 0 or
/// less: none). Every bound is optional.
public struct EpochFilter: Sendable, Equatable {
    public var env: String?
    public var after: Int64?
    public var through: Int64?
    public var fromTimeMS: Int64?
    public var toTimeMS: Int64?
    public var limit: Int?

    public init(
        env: String? = nil, after: Int64? = nil, through: Int64? = nil, fromTimeMS: Int64? = nil,
        toTimeMS: Int64? = nil, limit: Int? = nil
    ) {
        self.env = env
        self.after = after
        self.through = through
        self.fromTimeMS = fromTimeMS
        self.toTimeMS = toTimeMS
        self.limit = limit
    }
}

/// The longest source, endpoint, env and window among the epochs a filter selects, in UTF-8
/// bytes (a bound on their display width, control characters aside), and the greatest epoch.
public struct EpochFieldLengths: Sendable, Equatable {
    public var source = 0, endpoint = 0, env = 0, window = 0
    public var maxEpoch: Int64 = 0
}

extension LogStore {
    /// The epochs, newest first: all of them, or those whose message addressed env `env`
    /// (by name, whichever incarnation), only those after epoch `since` when given, at most
    /// `limit` of them (nil: no limit; 0 or less: none).
    public func epochs(env: String? = nil, since: Int64? = nil, limit: Int? = nil) throws(LogStoreError)
        -> [EpochRecord]
    {
        var records: [EpochRecord] = []
        try forEachEpoch(EpochFilter(env: env, after: since, limit: limit), changes: false) { r, _ in records.append(r)
        }
        return records
    }

    /// Calls `body` with each epoch `filter` selects, newest first, as it is read: the first
    /// epochs reach `body` before the later ones are read, so a reader of a long log (a pager,
    /// `head`) sees the start at once. With `changes`, each epoch comes with what it changed
    /// (`EpochChange`), worked out for a few hundred epochs at a time from the rows they wrote.
    /// One read transaction: every epoch is seen as of the moment the read began.
    public func forEachEpoch(
        _ filter: EpochFilter, changes: Bool,
        _ body: (EpochRecord, [EpochChange]) -> Void
    ) throws(LogStoreError) {
        try read(asOf: nil) { db, _ in
            var changeReader = changes ? try EpochChangeReader(db: db) : nil
            var batch: [(EpochRecord, Int64?)] = []
            func emit() throws {
                let found = try changeReader?.changes(of: batch) ?? [:]
                for (r, _) in batch { body(r, found[r.epoch] ?? []) }
                batch.removeAll(keepingCapacity: true)
            }
            try EpochTable.forEachRecord(filter, db) { record, window in
                batch.append((record, window))
                if batch.count >= EpochChangeReader.batchSize { try emit() }
            }
            try emit()
        }
    }

    /// The lengths of the fields of the epochs `filter` selects (one pass over their rows,
    /// reading no points), so that a table of them can be aligned before it is streamed.
    public func epochFieldLengths(_ filter: EpochFilter) throws(LogStoreError) -> EpochFieldLengths {
        try read(asOf: nil) { db, _ in try EpochTable.fieldLengths(filter, db) }
    }
}
