import LogStore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The calling thread's last error (`logstore_last_error_code`, `logstore_last_error_message`):
/// set by every failing call, untouched by successful ones, like `errno`.
final class LastError {
    var code: Int32 = 0
    /// NUL-terminated, malloc'd; owned by this box.
    var message: UnsafeMutablePointer<CChar>

    init() { message = strdup("")! }
    deinit { free(message) }

    /// One box per thread, released when the thread exits.
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { box in
            #if canImport(Glibc)
                guard let box else { return }
            #endif
            Unmanaged<LastError>.fromOpaque(box).release()
        }
        precondition(status == 0, "pthread_key_create failed")
        return key
    }()

    static var current: LastError {
        if let box = pthread_getspecific(key) { return Unmanaged<LastError>.fromOpaque(box).takeUnretainedValue() }
        let box = LastError()
        pthread_setspecific(key, Unmanaged.passRetained(box).toOpaque())
        return box
    }

    static func set(_ code: Int32, _ message: String) {
        let box = current
        free(box.message)
        box.message = strdup(message) ?? strdup("")!
        box.code = code
    }
}

/// The error codes of `logstore.h`.
enum CError {
    static let argument: Int32 = 13

    static func code(_ e: LogStoreError) -> Int32 {
        switch e {
        case .notAStore: return 1
        case .newerSchema: return 2
        case .noSuchEnv: return 3
        case .noSuchWindow: return 4
        case .noSuchEpoch: return 5
        case .compacted: return 6
        case .badInput: return 7
        case .readOnly: return 8
        case .full: return 9
        case .io: return 10
        case .sqlite: return 11
        case .corrupt: return 12
        case .envExists: return 14
        case .closed: return 15
        }
    }
}

/// A bad argument from the caller, reported as `LOGSTORE_E_ARGUMENT`.
struct ArgumentError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Records `error` as the thread's last error; returns its code.
@discardableResult
func record(_ error: Error) -> Int32 {
    let (code, message): (Int32, String) =
        switch error {
        case let e as LogStoreError: (CError.code(e), e.description)
        case let e as ArgumentError: (CError.argument, e.message)
        default: (CError.code(.corrupt("\(error)")), "\(error)")
        }
    LastError.set(code, message)
    return code
}

/// Runs `body`; on an error records it as the thread's last error and returns `failure`.
func guarded<R>(_ failure: R, _ body: () throws -> R) -> R {
    do { return try body() } catch {
        record(error)
        return failure
    }
}

/// Runs `body`: LOGSTORE_OK (0), or the code of the error it threw (recorded as the last error).
func guardedStatus(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        return record(error)
    }
}

@c public func logstore_last_error_code() -> Int32 { LastError.current.code }

@c public func logstore_last_error_message() -> UnsafePointer<CChar> { UnsafePointer(LastError.current.message) }
