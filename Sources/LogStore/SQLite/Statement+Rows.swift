internal import CSQLite

// MARK: - Columns

/// Column readers. They are valid only while `step()`'s last result was `true`; the index must
/// be in `0..<columnCount` (checked: both conditions otherwise make SQLite's result
/// "undefined", https://sqlite.org/c3ref/column_blob.html).
///
/// Like SQLite's own accessors, the typed readers convert: a NULL reads as `0`, `0.0`, `""`
/// or `[]`. Use `isNull(_:)` or `value(_:)` where NULL matters.
extension Statement {
    /// The number of columns in the result (0 for statements that return no data).
    var columnCount: Int32 { sqlite3_column_count(handle) }

    func columnName(_ index: Int32) -> String {
        guard let name = sqlite3_column_name(handle, index) else { return "" }
        return String(cString: name)
    }

    func int64(_ index: Int32) -> Int64 {
        checkColumn(index)
        return sqlite3_column_int64(handle, index)
    }

    func double(_ index: Int32) -> Double {
        checkColumn(index)
        return sqlite3_column_double(handle, index)
    }

    /// The column as UTF-8 text, sized by byte count so embedded NUL and every Unicode scalar
    /// survive. "The safest policy is to invoke these routines in one of the following ways:
    /// sqlite3_column_text() followed by sqlite3_column_bytes() [...]" — in that order, so the
    /// byte count is that of the text conversion. Invalid UTF-8 (possible only for BLOBs read
    /// as text) is repaired with U+FFFD.
    func text(_ index: Int32) -> String {
        checkColumn(index)
        guard let bytes = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The column's bytes, copied.
    func blob(_ index: Int32) -> [UInt8] {
        withBlob(index) { [UInt8]($0) }
    }

    /// Lends the column's bytes without copying. The buffer is SQLite's and is valid only
    /// inside `body`: "The pointers returned are valid until a type conversion occurs [...],
    /// or until sqlite3_step() or sqlite3_reset() or sqlite3_finalize() is called"; so `body`
    /// must not let it escape, step or reset this statement, or read this column another way.
    func withBlob<R>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        checkColumn(index)
        // Blob first, then bytes (see text(_:)). "The return value from sqlite3_column_blob()
        // for a zero-length BLOB is a NULL pointer", hence the empty buffer.
        let base = sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        return try body(UnsafeRawBufferPointer(start: count > 0 ? base : nil, count: count))
    }

    func isNull(_ index: Int32) -> Bool {
        checkColumn(index)
        return sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    /// The column in its own storage class. The type is read before any conversion: "The value
    /// returned by sqlite3_column_type() is only meaningful if no automatic type conversions
    /// have occurred for the value in question."
    func value(_ index: Int32) -> SQLValue {
        checkColumn(index)
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: return .text(text(index))
        case SQLITE_BLOB: return .blob(blob(index))
        default: return .null
        }
    }

    /// "If prepared statement P does not have results ready to return (via calls to the
    /// sqlite3_column() family of interfaces) then sqlite3_data_count(P) returns 0", so one
    /// comparison rejects both a bad index and a read with no current row.
    @inline(__always)
    private func checkColumn(_ index: Int32) {
        precondition(
            index >= 0 && index < sqlite3_data_count(handle),
            "column \(index) read without a current row or out of range in \"\(sql)\"")
    }
}

// MARK: - Conveniences

/// Helpers that leave the statement reset when they return or throw, so it holds no lock and
/// can be reused. Each one starts with `reset()`; when `values` are given it binds exactly them
/// (`bind(_:)` checks the count), and with no values it keeps the current bindings, which lets
/// a caller bind by hand (e.g. `bind(blob:at:)`) and then use the helper.
extension Statement {
    /// Runs the statement to completion, discarding any rows.
    func run(_ values: SQLValue...) throws(SQLiteError) {
        try run(values)
    }

    func run(_ values: [SQLValue]) throws(SQLiteError) {
        try rewind(binding: values)
        defer { reset() }
        while try step() {}
    }

    /// `body` applied to the first row, or nil when there is none.
    @discardableResult
    func firstRow<R>(_ values: SQLValue..., row body: (Statement) throws -> R) throws -> R? {
        try firstRow(values, row: body)
    }

    @discardableResult
    func firstRow<R>(_ values: [SQLValue], row body: (Statement) throws -> R) throws -> R? {
        try rewind(binding: values)
        defer { reset() }
        return try step() ? body(self) : nil
    }

    /// Calls `body` once per row, in order.
    func forEachRow(_ values: SQLValue..., row body: (Statement) throws -> Void) throws {
        try forEachRow(values, row: body)
    }

    func forEachRow(_ values: [SQLValue], row body: (Statement) throws -> Void) throws {
        try rewind(binding: values)
        defer { reset() }
        while try step() {
            try body(self)
        }
    }

    /// Column 0 of the first row as an integer; nil when there is no row or the value is NULL.
    func scalarInt64(_ values: SQLValue...) throws(SQLiteError) -> Int64? {
        try scalarInt64(values)
    }

    func scalarInt64(_ values: [SQLValue]) throws(SQLiteError) -> Int64? {
        try rewind(binding: values)
        defer { reset() }
        return try step() && !isNull(0) ? int64(0) : nil
    }

    /// Column 0 of the first row in its storage class; nil when there is no row.
    func scalar(_ values: SQLValue...) throws(SQLiteError) -> SQLValue? {
        try scalar(values)
    }

    func scalar(_ values: [SQLValue]) throws(SQLiteError) -> SQLValue? {
        try rewind(binding: values)
        defer { reset() }
        return try step() ? value(0) : nil
    }

    private func rewind(binding values: [SQLValue]) throws(SQLiteError) {
        reset()
        if !values.isEmpty {
            try bind(values)
        }
    }
}

// MARK: - Reading a row in column order

/// Reads the current row's columns left to right, so that a row type decodes the columns its
/// SELECT lists in the order it lists them, naming no column by number. It holds only the
/// statement and a position: reading through it costs what the numbered readers cost.
struct ColumnReader {
    let statement: Statement
    private var index: Int32 = 0

    init(_ statement: Statement) { self.statement = statement }

    mutating func int64() -> Int64 {
        defer { index += 1 }
        return statement.int64(index)
    }

    /// nil for NULL.
    mutating func optionalInt64() -> Int64? {
        defer { index += 1 }
        return statement.isNull(index) ? nil : statement.int64(index)
    }

    mutating func text() -> String {
        defer { index += 1 }
        return statement.text(index)
    }

    /// nil for NULL.
    mutating func optionalText() -> String? {
        defer { index += 1 }
        return statement.isNull(index) ? nil : statement.text(index)
    }

    mutating func blob() -> [UInt8] {
        defer { index += 1 }
        return statement.blob(index)
    }

    /// nil for NULL.
    mutating func optionalBlob() -> [UInt8]? {
        defer { index += 1 }
        return statement.isNull(index) ? nil : statement.blob(index)
    }

    /// The column's bytes lent to `body` (see `Statement.withBlob`).
    mutating func withBlob<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        defer { index += 1 }
        return try statement.withBlob(index, body)
    }

    /// The column's bytes lent to `body`, nil for NULL.
    mutating func withOptionalBlob<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        defer { index += 1 }
        return statement.isNull(index) ? try body(nil) : try statement.withBlob(index, body)
    }
}

extension Statement {
    /// The current row, to be read in column order.
    var columns: ColumnReader { ColumnReader(self) }

    /// The first column of a one-column row, as text.
    var firstText: String { text(0) }

    /// The first column of a one-column row, as an integer.
    var firstInt64: Int64 { int64(0) }
}
