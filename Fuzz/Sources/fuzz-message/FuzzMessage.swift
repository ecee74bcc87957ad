import Foundation
import LogStore

#if canImport(Glibc)
    import Glibc
#endif

/// The store lives in memory-backed /dev/shm when there is one; it is recreated every
/// `recycleEvery` inputs and removed at exit.
private let storeDirectory: URL = {
    let base =
        FileManager.default.fileExists(atPath: "/dev/shm")
        ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
    return base.appendingPathComponent("logstore-fuzz-message-\(getpid())")
}()

private nonisolated(unsafe) let oracle: MessageOracle = {
    let recycle = ProcessInfo.processInfo.environment["FUZZ_RECYCLE_EVERY"].flatMap { Int($0) } ?? 16
    atexit { try? FileManager.default.removeItem(at: storeDirectory) }
    return MessageOracle(directory: storeDirectory, recycleEvery: recycle)
}()

private nonisolated(unsafe) var reportedStorageErrors = 0

/// libFuzzer entry point: the input is a replay log line, or a few. See `MessageOracle.check`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = Array(UnsafeBufferPointer(start: data, count: size))[...]
    do {
        try oracle.check(line)
    } catch {
        fatalError("message oracle violated: \(error)")
    }
    // Storage errors are allowed outcomes, but worth seeing: print the first few.
    while reportedStorageErrors < min(oracle.storageErrors.count, 20) {
        FileHandle.standardError.write(
            Data("storage error (allowed): \(oracle.storageErrors[reportedStorageErrors])\n".utf8))
        reportedStorageErrors += 1
    }
    return 0
}
