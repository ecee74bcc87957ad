/// One value in one of SQLite's five storage classes (https://sqlite.org/datatype3.html):
/// "NULL. INTEGER. REAL. TEXT. BLOB."
///
/// Invariants:
/// - `.text` is UTF-8 text that may contain NUL and any Unicode scalar; it is bound with its
///   byte count and read back with its byte count, never through a C string;
/// - `.blob([])` is an empty BLOB, distinct from `.null` (see `Statement.bind(blob:at:)`);
/// - `.real(.nan)` cannot be stored: SQLite turns a bound NaN into NULL (see
///   `Statement.bind(_:at:)` for `Double`), so callers that must keep NaN encode it themselves.
///
/// `==` is identity of values: reals compare by bit pattern (so NaN equals the same NaN and
/// `-0.0` differs from `0.0`) and text compares by UTF-8 bytes (so precomposed and decomposed
/// `é` differ), matching what SQLite stores.
enum SQLValue: Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: Equatable {
    static func == (lhs: SQLValue, rhs: SQLValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.integer(let a), .integer(let b)): return a == b
        case (.real(let a), .real(let b)): return a.bitPattern == b.bitPattern
        case (.text(let a), .text(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.blob(let a), .blob(let b)): return a == b
        default: return false
        }
    }
}

extension SQLValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
    init(integerLiteral value: Int64) { self = .integer(value) }
    init(floatLiteral value: Double) { self = .real(value) }
    init(stringLiteral value: String) { self = .text(value) }
}

extension SQLValue {
    var isNull: Bool { if case .null = self { return true } else { return false } }

    var int64Value: Int64? { if case .integer(let v) = self { return v } else { return nil } }

    var doubleValue: Double? { if case .real(let v) = self { return v } else { return nil } }

    var textValue: String? { if case .text(let v) = self { return v } else { return nil } }

    var blobValue: [UInt8]? { if case .blob(let v) = self { return v } else { return nil } }
}
