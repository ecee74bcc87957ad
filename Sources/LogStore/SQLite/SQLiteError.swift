internal import CSQLite

/// An error reported by SQLite, or by this wrapper when it refuses a call SQLite would
/// misinterpret (those carry `SQLITE_MISUSE`).
///
/// Invariants:
/// - `extendedCode` is the *extended* result code (https://sqlite.org/rescode.html): every
///   connection is opened with `SQLITE_OPEN_EXRESCODE`, so SQLite never hands back a bare
///   primary code where an extended one exists;
/// - `resultCode` is always `extendedCode & 0xff`, so `SQLITE_CONSTRAINT_PRIMARYKEY` (1555)
///   is also a `SQLITE_CONSTRAINT` (19);
/// - `message` is SQLite's own text for the failing call (`sqlite3_errmsg`), or the generic
///   text of the code (`sqlite3_errstr`) when the connection holds no matching message;
/// - `sql` is the text of the one statement that failed, when a statement was involved.
public struct SQLiteError: Error, Sendable, Equatable {
    /// The extended result code, e.g. 1555 for `SQLITE_CONSTRAINT_PRIMARYKEY`.
    public let extendedCode: Int32
    /// SQLite's English message, e.g. `UNIQUE constraint failed: t.id`.
    public let message: String
    /// The SQL of the failing statement, if any.
    public let sql: String?

    /// The primary result code: the least significant 8 bits of `extendedCode`.
    public var resultCode: Int32 { extendedCode & 0xff }

    init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// Builds an error for a failure this wrapper detects before SQLite could
    /// (a closed connection, a script passed where one statement is expected, ...).
    static func misuse(_ message: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(extendedCode: SQLITE_MISUSE, message: message, sql: sql)
    }

    /// The only place that turns a C result code into a Swift error.
    ///
    /// `db` is the connection the failing call was made on. Its recorded error is used only
    /// if it is the error of *this* call (same primary code): https://sqlite.org/c3ref/errcode.html
    /// says "If an interface fails with SQLITE_MISUSE, that means the interface was invoked
    /// incorrectly by the application. In that case, the error code and message may or may
    /// not be set." Otherwise the message falls back to `sqlite3_errstr`, which "returns the
    /// English-language text that describes the result code".
    init(code: Int32, db: OpaquePointer?, sql: String?) {
        if let db, sqlite3_errcode(db) & 0xff == code & 0xff {
            // "The sqlite3_extended_errcode() interface is the same except that it always
            // returns the extended result code even when extended result codes are disabled."
            let recorded = sqlite3_extended_errcode(db)
            self.init(
                extendedCode: code > 0xff ? code : recorded,
                message: String(cString: sqlite3_errmsg(db)),
                sql: sql)
        } else {
            self.init(extendedCode: code, message: String(cString: sqlite3_errstr(code)), sql: sql)
        }
    }

    /// The choke point for every C call whose success is `SQLITE_OK`: returns on
    /// `SQLITE_OK`, otherwise throws `SQLiteError(code:db:sql:)`.
    @inline(__always)
    static func check(_ code: Int32, db: OpaquePointer?, sql: String? = nil) throws(SQLiteError) {
        if code != SQLITE_OK {
            throw SQLiteError(code: code, db: db, sql: sql)
        }
    }
}

// MARK: - Classification

extension SQLiteError {
    /// `SQLITE_BUSY*`: another connection holds a conflicting lock past the busy timeout.
    public var isBusy: Bool { resultCode == SQLITE_BUSY }
    /// `SQLITE_LOCKED*`: a conflict inside this same connection (or shared cache).
    public var isLocked: Bool { resultCode == SQLITE_LOCKED }
    /// `SQLITE_FULL`: the disk is full or `PRAGMA max_page_count` was reached.
    public var isFull: Bool { resultCode == SQLITE_FULL }
    /// `SQLITE_READONLY*`: a write on a read-only connection or file.
    public var isReadOnly: Bool { resultCode == SQLITE_READONLY }
    /// A read-only connection met what a crashed writer left, which only a read-write
    /// connection can roll back or recover: a hot journal or a WAL index to rebuild.
    var needsWriterRepair: Bool {
        [Code.readOnlyRollback, Code.readOnlyRecovery, Code.readOnlyCantInit].contains(extendedCode)
    }
    /// `SQLITE_NOTADB`: the file is not an SQLite database (its header is wrong).
    public var isNotADatabase: Bool { resultCode == SQLITE_NOTADB }
    /// `SQLITE_CORRUPT*`: the file is a database whose content is malformed.
    public var isCorrupt: Bool { resultCode == SQLITE_CORRUPT }
    /// `SQLITE_CONSTRAINT*`: see `extendedCode` for which constraint.
    public var isConstraint: Bool { resultCode == SQLITE_CONSTRAINT }
    /// `SQLITE_CANTOPEN*`: the file (or its journal) could not be opened.
    public var isCantOpen: Bool { resultCode == SQLITE_CANTOPEN }
    /// `SQLITE_IOERR*`: the operating system reported an I/O error.
    public var isIOError: Bool { resultCode == SQLITE_IOERR }
    /// `SQLITE_MISUSE`: the API was called incorrectly (a bug in the caller).
    public var isMisuse: Bool { resultCode == SQLITE_MISUSE }
}

// MARK: - Codes

extension SQLiteError {
    /// Result codes the storage layer compares `extendedCode` or `resultCode` with, so that it
    /// never has to import CSQLite. The extended codes are spelled out because Swift cannot
    /// import sqlite3.h's `(SQLITE_X | (n<<8))` macros (https://sqlite.org/rescode.html).
    public enum Code {
        public static let error: Int32 = SQLITE_ERROR
        public static let abort: Int32 = SQLITE_ABORT
        public static let busy: Int32 = SQLITE_BUSY
        public static let locked: Int32 = SQLITE_LOCKED
        public static let readOnly: Int32 = SQLITE_READONLY
        public static let interrupt: Int32 = SQLITE_INTERRUPT
        public static let ioError: Int32 = SQLITE_IOERR
        public static let corrupt: Int32 = SQLITE_CORRUPT
        public static let full: Int32 = SQLITE_FULL
        public static let cantOpen: Int32 = SQLITE_CANTOPEN
        public static let tooBig: Int32 = SQLITE_TOOBIG
        public static let constraint: Int32 = SQLITE_CONSTRAINT
        public static let mismatch: Int32 = SQLITE_MISMATCH
        public static let misuse: Int32 = SQLITE_MISUSE
        public static let range: Int32 = SQLITE_RANGE
        public static let notADatabase: Int32 = SQLITE_NOTADB

        public static let constraintCheck: Int32 = SQLITE_CONSTRAINT | (1 << 8)
        public static let constraintForeignKey: Int32 = SQLITE_CONSTRAINT | (3 << 8)
        public static let constraintNotNull: Int32 = SQLITE_CONSTRAINT | (5 << 8)
        public static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)
        public static let constraintTrigger: Int32 = SQLITE_CONSTRAINT | (7 << 8)
        public static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
        public static let constraintRowID: Int32 = SQLITE_CONSTRAINT | (10 << 8)
        public static let constraintDataType: Int32 = SQLITE_CONSTRAINT | (12 << 8)
        public static let busyRecovery: Int32 = SQLITE_BUSY | (1 << 8)
        public static let busySnapshot: Int32 = SQLITE_BUSY | (2 << 8)
        public static let busyTimeout: Int32 = SQLITE_BUSY | (3 << 8)
        public static let readOnlyRecovery: Int32 = SQLITE_READONLY | (1 << 8)
        public static let readOnlyRollback: Int32 = SQLITE_READONLY | (3 << 8)
        public static let readOnlyDatabaseMoved: Int32 = SQLITE_READONLY | (4 << 8)
        public static let readOnlyCantInit: Int32 = SQLITE_READONLY | (5 << 8)
        public static let abortRollback: Int32 = SQLITE_ABORT | (2 << 8)
    }

    /// Names of the codes worth naming in a log line, extended ones included.
    private static let names: [Int32: String] = {
        var names: [Int32: String] = [
            SQLITE_ERROR: "SQLITE_ERROR", SQLITE_INTERNAL: "SQLITE_INTERNAL",
            SQLITE_PERM: "SQLITE_PERM", SQLITE_ABORT: "SQLITE_ABORT", SQLITE_BUSY: "SQLITE_BUSY",
            SQLITE_LOCKED: "SQLITE_LOCKED", SQLITE_NOMEM: "SQLITE_NOMEM",
            SQLITE_READONLY: "SQLITE_READONLY", SQLITE_INTERRUPT: "SQLITE_INTERRUPT",
            SQLITE_IOERR: "SQLITE_IOERR", SQLITE_CORRUPT: "SQLITE_CORRUPT",
            SQLITE_FULL: "SQLITE_FULL", SQLITE_CANTOPEN: "SQLITE_CANTOPEN",
            SQLITE_PROTOCOL: "SQLITE_PROTOCOL", SQLITE_SCHEMA: "SQLITE_SCHEMA",
            SQLITE_TOOBIG: "SQLITE_TOOBIG", SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT",
            SQLITE_MISMATCH: "SQLITE_MISMATCH", SQLITE_MISUSE: "SQLITE_MISUSE",
            SQLITE_RANGE: "SQLITE_RANGE", SQLITE_NOTADB: "SQLITE_NOTADB",
        ]
        let extended: [(Int32, [(Int32, String)])] = [
            (SQLITE_ABORT, [(2, "ROLLBACK")]),
            (SQLITE_BUSY, [(1, "RECOVERY"), (2, "SNAPSHOT"), (3, "TIMEOUT")]),
            (SQLITE_LOCKED, [(1, "SHAREDCACHE"), (2, "VTAB")]),
            (
                SQLITE_READONLY,
                [
                    (1, "RECOVERY"), (2, "CANTLOCK"), (3, "ROLLBACK"),
                    (4, "DBMOVED"), (5, "CANTINIT"), (6, "DIRECTORY"),
                ]
            ),
            (SQLITE_CORRUPT, [(1, "VTAB"), (2, "SEQUENCE"), (3, "INDEX")]),
            (
                SQLITE_CANTOPEN,
                [
                    (1, "NOTEMPDIR"), (2, "ISDIR"), (3, "FULLPATH"),
                    (4, "CONVPATH"), (6, "SYMLINK"),
                ]
            ),
            (
                SQLITE_CONSTRAINT,
                [
                    (1, "CHECK"), (2, "COMMITHOOK"), (3, "FOREIGNKEY"),
                    (4, "FUNCTION"), (5, "NOTNULL"), (6, "PRIMARYKEY"),
                    (7, "TRIGGER"), (8, "UNIQUE"), (9, "VTAB"), (10, "ROWID"),
                    (11, "PINNED"), (12, "DATATYPE"),
                ]
            ),
            (
                SQLITE_IOERR,
                [
                    (1, "READ"), (2, "SHORT_READ"), (3, "WRITE"), (4, "FSYNC"),
                    (5, "DIR_FSYNC"), (6, "TRUNCATE"), (7, "FSTAT"), (8, "UNLOCK"),
                    (9, "RDLOCK"), (10, "DELETE"), (12, "NOMEM"), (13, "ACCESS"),
                    (14, "CHECKRESERVEDLOCK"), (15, "LOCK"), (16, "CLOSE"),
                    (18, "SHMOPEN"), (19, "SHMSIZE"), (20, "SHMLOCK"), (21, "SHMMAP"),
                    (22, "SEEK"), (23, "DELETE_NOENT"), (24, "MMAP"),
                    (25, "GETTEMPPATH"), (32, "DATA"), (33, "CORRUPTFS"),
                ]
            ),
        ]
        for (primary, suffixes) in extended {
            for (n, suffix) in suffixes {
                names[primary | (n << 8)] = "\(names[primary]!)_\(suffix)"
            }
        }
        return names
    }()

    /// `SQLITE_CONSTRAINT_PRIMARYKEY`, or for a code missing from the table the primary name
    /// and `sqlite3_errstr`'s text, e.g. `SQLITE_IOERR/4874: disk I/O error`.
    public var codeName: String {
        if let name = Self.names[extendedCode] { return name }
        let generic = String(cString: sqlite3_errstr(extendedCode))
        return "\(Self.names[resultCode] ?? "code \(resultCode)")/\(extendedCode): \(generic)"
    }
}

extension SQLiteError: CustomStringConvertible {
    /// `SQLite error 19 (SQLITE_CONSTRAINT_PRIMARYKEY): UNIQUE constraint failed: t.id —
    /// while executing "INSERT INTO t VALUES (?)"`.
    public var description: String {
        var text = "SQLite error \(resultCode) (\(codeName)): \(message)"
        if let sql { text += " — while executing \"\(sql)\"" }
        return text
    }
}
