import LogStore

/// libFuzzer entry point: the input is a JSON document. See `JSONOracle.check`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        try JSONOracle.check(UnsafeRawBufferPointer(start: data, count: size))
    } catch {
        fatalError("JSON oracle violated: \(error)")
    }
    return 0
}
