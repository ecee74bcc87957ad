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

    public init(epoch: Int64, timeMS: Int64, source: String, endpoint: String, env: String?, window: String?,
                status: String, detail: String) {
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

extension LogStore {
    /// The epochs, newest first: all of them, or those whose message addressed env `env`
    /// (by name, whichever incarnation), only those after epoch `since` when given, at most
    /// `limit` of them (nil: no limit; 0 or less: none).
    public func epochs(env: String? = nil, since: Int64? = nil, limit: Int? = nil) throws(LogStoreError) -> [EpochRecord] {
        let sqlLimit: Int64 = limit.map { Int64(max($0, 0)) } ?? -1  // SQLite: a negative LIMIT is none
        return try read(asOf: nil) { db, _ in
            var records: [EpochRecord] = []
            try db.forEach(
                """
                SELECT epoch, time_ms, source, endpoint, env, win, status, detail FROM epoch
                WHERE (?1 IS NULL OR env = ?1) AND epoch > ?3 ORDER BY epoch DESC LIMIT ?2
                """, [env.map(SQLValue.text) ?? .null, .integer(sqlLimit), .integer(since ?? -1)]) { st in
                records.append(EpochRecord(
                    epoch: st.int64(0), timeMS: st.int64(1), source: st.text(2), endpoint: st.text(3),
                    env: st.isNull(4) ? nil : st.text(4), window: st.isNull(5) ? nil : st.text(5),
                    status: st.text(6), detail: st.text(7)))
            }
            return records
        }
    }
}
