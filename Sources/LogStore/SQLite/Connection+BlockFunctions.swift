internal import CSQLite

/// The SQL functions every connection has, so queries can read the epochs of sealed blocks
/// (`BlockEpochs`) without leaving SQL:
///
/// - `logstore_block_count(epochs, first_epoch, lo, hi)`: the number of the block's values
///   written in epochs `lo ... hi`;
/// - `logstore_block_last(epochs, first_epoch, hi)`: the last epoch <= `hi` that wrote one of
///   its values, NULL if none.
///
/// Both are deterministic and raise an SQL error for corrupt epochs.
extension Connection {
    static func registerBlockFunctions(_ db: OpaquePointer) -> Int32 {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
        var rc = sqlite3_create_function_v2(
            db, "logstore_block_count", 4, flags, nil,
            { ctx, _, argv in
                guard let argv, let ctx else { return }
                let firstEpoch = sqlite3_value_int64(argv[1])
                let lo = sqlite3_value_int64(argv[2])
                let hi = sqlite3_value_int64(argv[3])
                if let result = try? Connection.blockEpochs(
                    argv[0], { try BlockEpochs.visible($0, firstEpoch: firstEpoch, from: lo, through: hi) })
                {
                    sqlite3_result_int64(ctx, result.count)
                } else {
                    sqlite3_result_error(ctx, "corrupt block epochs", -1)
                }
            }, nil, nil, nil)
        guard rc == SQLITE_OK else { return rc }
        rc = sqlite3_create_function_v2(
            db, "logstore_block_last", 3, flags, nil,
            { ctx, _, argv in
                guard let argv, let ctx else { return }
                let firstEpoch = sqlite3_value_int64(argv[1])
                let hi = sqlite3_value_int64(argv[2])
                if let result = try? Connection.blockEpochs(
                    argv[0], { try BlockEpochs.visible($0, firstEpoch: firstEpoch, through: hi) })
                {
                    if let last = result.last { sqlite3_result_int64(ctx, last) } else { sqlite3_result_null(ctx) }
                } else {
                    sqlite3_result_error(ctx, "corrupt block epochs", -1)
                }
            }, nil, nil, nil)
        return rc
    }

    private static func blockEpochs<R>(_ value: OpaquePointer?, _ body: (UnsafeRawBufferPointer) throws -> R) throws
        -> R
    {
        let n = Int(sqlite3_value_bytes(value))
        guard n > 0, let p = sqlite3_value_blob(value) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: p, count: n))
    }
}
