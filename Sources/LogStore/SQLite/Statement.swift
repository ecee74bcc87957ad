internal import CSQLite

/// One prepared statement (`sqlite3_stmt`), created only by a `Connection`.
///
/// Invariants:
/// - the statement owns its `sqlite3_stmt` and finalizes it exactly once, in `deinit`;
/// - it belongs to the connection that prepared it and shares that connection's single owner
///   (see `Connection`): it is not `Sendable`, and must not be used after that connection is
///   closed. It holds no reference to the `Connection` object, only to the C handle, so the
///   statement cache creates no retain cycle; a statement that outlives `Connection.close()`
///   keeps the C connection alive as a "zombie" until it is released (https://sqlite.org/c3ref/close.html);
/// - after a failed `step()` the statement is already reset and `stepFailed` stays true, which
///   makes `Connection.cachedStatement(_:)` prepare a fresh one instead of handing it out again.
final class Statement {
    /// The SQL text this statement was prepared from.
    let sql: String
    /// The C statement; internal only so that `Statement+Rows.swift` can read columns.
    let handle: OpaquePointer
    /// The connection handle, for error messages: "The sqlite3_db_handle interface returns
    /// the database connection handle to which a prepared statement belongs."
    private let db: OpaquePointer?
    /// True once any `step()` failed; the statement cache evicts such statements.
    private(set) var stepFailed = false
    /// Whether `step()` ran since the last `reset()`. Resetting a statement that has not stepped
    /// since changes nothing, yet `sqlite3_reset` still costs ~70 instructions, and most resets
    /// are of statements already reset (the cache resets what it hands out, every helper resets
    /// before and after). Unchecked exclusivity, as `kept`.
    @exclusivity(unchecked) private var stepped = false
    /// By parameter index: the text or integer a `bind(keeping:at:)` bound there, while that
    /// binding is still the parameter's (any other bind at the index, and `clearBindings()`,
    /// forget it). Unchecked exclusivity: every bind looks at it, and a dynamic access check
    /// cost more than the look; only this class's short, non-reentrant methods touch it.
    @exclusivity(unchecked) private var kept: [Kept?] = []

    /// A value `bind(keeping:at:)` bound.
    private enum Kept {
        case text(String)
        case integer(Int64)
    }

    /// Takes ownership of `handle`, which must come from `sqlite3_prepare_v3` and must not be
    /// finalized by anyone else.
    init(adopting handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
        self.db = sqlite3_db_handle(handle)
    }

    deinit {
        // https://sqlite.org/c3ref/finalize.html: "If the most recent evaluation of statement S
        // failed, then sqlite3_finalize(S) returns the appropriate error code" — an error
        // already thrown by step(), so the code is not reported a second time.
        sqlite3_finalize(handle)
    }

    // MARK: Execution

    /// Advances to the next row: true when a row is available, false when the statement has
    /// run to completion.
    ///
    /// On error the statement is reset before the error is thrown, so a retry starts from the
    /// beginning, and `stepFailed` becomes true. Because statements are prepared with the "v2"
    /// interfaces, "When an error occurs, sqlite3_step() will return one of the detailed error
    /// codes or extended error codes" (https://sqlite.org/c3ref/prepare.html).
    func step() throws(SQLiteError) -> Bool {
        stepped = true
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            // Built before the reset, while sqlite3_errmsg still describes this failure.
            let error = SQLiteError(code: code, db: db, sql: sql)
            stepFailed = true
            reset()
            throw error
        }
    }

    /// Rewinds the statement to its first row, keeping its bindings, and releases the locks
    /// and read transaction that an unfinished statement holds.
    ///
    /// Never throws: https://sqlite.org/c3ref/reset.html says "If the most recent call to
    /// sqlite3_step(S) for the prepared statement S indicated an error, then sqlite3_reset(S)
    /// returns an appropriate error code" and otherwise `SQLITE_OK` — so its only errors
    /// repeat a failure `step()` has already thrown.
    func reset() {
        guard stepped else { return }
        stepped = false
        sqlite3_reset(handle)
    }

    /// Sets every parameter back to NULL. "Contrary to the intuition of many, sqlite3_reset()
    /// does not reset the bindings on a prepared statement." (https://sqlite.org/c3ref/clear_bindings.html)
    func clearBindings() throws(SQLiteError) {
        kept.removeAll()
        try SQLiteError.check(sqlite3_clear_bindings(handle), db: db, sql: sql)
    }

    // MARK: Binding
    //
    // Indexes start at 1. "If any of the sqlite3_bind_*() routines are called [...] with a
    // prepared statement for which sqlite3_step() has been called more recently than
    // sqlite3_reset(), then the call will return SQLITE_MISUSE" (https://sqlite.org/c3ref/bind_blob.html):
    // reset before binding a statement that has been stepped.

    /// The number of parameters (`?`, `?NNN`, `:name`, ...) in the statement.
    var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    /// Virtual-machine operations the statement has run since it was prepared
    /// (`SQLITE_STMTSTATUS_VM_STEP`): grows with the index entries and rows a query walks, so
    /// a test can tell a seek from a scan without timing anything.
    var virtualMachineSteps: Int32 { sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_VM_STEP, 0) }

    /// The index of the named parameter (`":id"`, including its prefix), or nil.
    func parameterIndex(_ name: String) -> Int32? {
        let index = sqlite3_bind_parameter_index(handle, name)
        return index == 0 ? nil : index
    }

    func bind(_ value: SQLValue, at index: Int32) throws(SQLiteError) {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v): try bind(v, at: index)
        }
    }

    /// Binds `values` to parameters 1...n; their count must equal `parameterCount`, so that a
    /// forgotten argument is an error rather than a silent NULL.
    func bind(_ values: [SQLValue]) throws(SQLiteError) {
        guard values.count == Int(parameterCount) else {
            throw SQLiteError(
                extendedCode: SQLITE_RANGE,
                message: "\(values.count) values for \(parameterCount) parameters", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    func bindNull(at index: Int32) throws(SQLiteError) {
        forgetKept(index)
        try SQLiteError.check(sqlite3_bind_null(handle, index), db: db, sql: sql)
    }

    func bind(_ value: Int64, at index: Int32) throws(SQLiteError) {
        forgetKept(index)
        try SQLiteError.check(sqlite3_bind_int64(handle, index, value), db: db, sql: sql)
    }

    func bind(_ value: Int, at index: Int32) throws(SQLiteError) {
        try bind(Int64(value), at: index)
    }

    /// Binds a REAL. **Trap:** SQLite stores a NaN as NULL — its `sqlite3VdbeMemSetDouble`
    /// leaves the value NULL when the double is NaN, and its arithmetic likewise turns NaN
    /// results into NULL. A caller that must round-trip NaN encodes it itself (as text or
    /// as the bit pattern in an INTEGER). Infinities and `-0.0` are stored as REAL.
    func bind(_ value: Double, at index: Int32) throws(SQLiteError) {
        forgetKept(index)
        try SQLiteError.check(sqlite3_bind_double(handle, index, value), db: db, sql: sql)
    }

    /// Binds TEXT by UTF-8 byte count, so embedded NUL survives: "If a non-negative fourth
    /// parameter is provided to sqlite3_bind_text() [...] If any NUL characters occurs at
    /// byte offsets less than the value of the fourth parameter then the resulting string
    /// value will contain embedded NULs." `SQLITE_TRANSIENT` makes SQLite "copy [the object]
    /// prior to the return from sqlite3_bind_*()", so the Swift buffer need not outlive the call.
    func bind(_ value: String, at index: Int32) throws(SQLiteError) {
        forgetKept(index)
        var value = value
        let code = value.withUTF8 { utf8 -> Int32 in
            // "If the third parameter to sqlite3_bind_text() [...] is a NULL pointer then the
            // fourth parameter is ignored and the end result is the same as sqlite3_bind_null()",
            // so an empty string must still come with a non-null pointer.
            guard let base = utf8.baseAddress, utf8.count > 0 else {
                return sqlite3_bind_text64(
                    handle, index, "", 0, logstore_sqlite_transient(), UInt8(SQLITE_UTF8))
            }
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
                sqlite3_bind_text64(
                    handle, index, chars, sqlite3_uint64(utf8.count),
                    logstore_sqlite_transient(), UInt8(SQLITE_UTF8))
            }
        }
        try SQLiteError.check(code, db: db, sql: sql)
    }

    /// Binds `value` as TEXT, unless the parameter still holds the same bytes from this
    /// method's last call at `index`: "Bindings are not cleared by the sqlite3_reset()
    /// routine" (https://sqlite.org/c3ref/reset.html), so a statement run again and again
    /// with mostly the same texts (the epoch row's source, endpoint, env, window, status)
    /// skips SQLite's copy of each. The parameter's value is the same either way.
    func bind(keeping value: String, at index: Int32) throws(SQLiteError) {
        let i = Int(index)
        if i < kept.count, case .text(let text)? = kept[i], ExactKey.equal(text, value) { return }
        try bind(value, at: index)
        keep(.text(value), at: i)
    }

    /// Binds `value` as an INTEGER, unless the parameter still holds it from this method's
    /// last call at `index` (as `bind(keeping:at:)` for texts): for a parameter that is mostly
    /// the same from one run to the next (the window appended to), one comparison, not a call
    /// into SQLite.
    func bind(keeping value: Int64, at index: Int32) throws(SQLiteError) {
        let i = Int(index)
        if i < kept.count, case .integer(let n)? = kept[i], n == value { return }
        try bind(value, at: index)
        keep(.integer(value), at: i)
    }

    private func keep(_ value: Kept, at i: Int) {
        guard i >= 0 else { return }
        if kept.count <= i { kept.append(contentsOf: repeatElement(nil, count: i + 1 - kept.count)) }
        kept[i] = value
    }

    /// Only writes when there is something to forget: most binds are of parameters that never
    /// held a kept value, and a write would check the array's uniqueness and release the old value.
    @inline(__always)
    private func forgetKept(_ index: Int32) {
        let i = Int(index)
        if i < kept.count, i >= 0, kept[i] != nil { kept[i] = nil }
    }

    func bind(_ bytes: [UInt8], at index: Int32) throws(SQLiteError) {
        forgetKept(index)
        let code = bytes.withUnsafeBytes { Self.bindBlob(handle, index, $0) }
        try SQLiteError.check(code, db: db, sql: sql)
    }

    /// Binds a BLOB copied out of `bytes` (`SQLITE_TRANSIENT`), so the buffer need only be
    /// valid during the call. A 0-byte buffer binds an empty BLOB, never NULL.
    func bind(blob bytes: UnsafeRawBufferPointer, at index: Int32) throws(SQLiteError) {
        forgetKept(index)
        try SQLiteError.check(Self.bindBlob(handle, index, bytes), db: db, sql: sql)
    }

    private static func bindBlob(
        _ handle: OpaquePointer, _ index: Int32, _ bytes: UnsafeRawBufferPointer
    ) -> Int32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            // A NULL data pointer would bind NULL (see bind(_:at:) for String); instead
            // "The sqlite3_bind_zeroblob() routine binds a BLOB of length N that is filled
            // with zeroes" — with N = 0, an empty BLOB.
            return sqlite3_bind_zeroblob(handle, index, 0)
        }
        return sqlite3_bind_blob64(
            handle, index, base, sqlite3_uint64(bytes.count), logstore_sqlite_transient())
    }
}

@available(*, unavailable, message: "a Statement belongs to its connection's single owner")
extension Statement: Sendable {}
