/// Parses JSON exactly as Python 3.11's `json.loads` does with its defaults (strict mode).
///
/// Accepted: the RFC 8259 grammar plus the bare tokens `NaN`, `Infinity` and `-Infinity`, in
/// UTF-8. A `\uXXXX` escape of an unpaired surrogate, which Python keeps and Swift cannot
/// hold, is kept as described in `LoneSurrogate`; the UTF-8 encoding of a surrogate is invalid
/// UTF-8 and rejected, as Python's text decoding rejects it. A leading byte order mark is
/// rejected as Python rejects it in `str` input (a file opened in text mode, as visdom reads).
///
/// Results match Python's: integer literals stay integers (`.bigInt` past 64 bits, `-0` is the
/// integer 0), other numbers are correctly rounded doubles (overflowing to ±Infinity), and a
/// duplicate object key keeps its first position and takes its last value.
///
/// Nesting is tracked on a heap stack, never the call stack, so any input depth is safe; more
/// than `maxDepth` open arrays/objects is an error.
public enum JSONReader {
    /// The deepest request body visdom 0.2.4's server decodes: Python's recursion limit (1000)
    /// less the frames of tornado's handler stack. Measured against the real server: a body
    /// 983 arrays/objects deep is answered, 984 deep raises (500). For the server's bodies and
    /// the JSON text a `win_data` carries, which visdom decodes with the same limit.
    public static let visdomRequestMaxDepth = 983

    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 512) throws(JSONSyntaxError) -> JSONValue
    {
        try parse(bytes, maxDepth: maxDepth, as: JSONValue.self)
    }

    /// The document as another kind of tree (see `JSONTree`), with the same rules and errors.
    static func parse<Value: JSONTree>(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 512, as: Value.Type)
        throws(JSONSyntaxError) -> Value
    {
        var parser = JSONParser<Value>(bytes, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    public static func parse(_ bytes: [UInt8], maxDepth: Int = 512) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONSyntaxError) in try parse(raw, maxDepth: maxDepth) }
        }
        return try result.get()
    }

    public static func parse(_ string: String, maxDepth: Int = 512) throws(JSONSyntaxError) -> JSONValue {
        var string = string
        let result = string.withUTF8 { utf8 in
            Result { () throws(JSONSyntaxError) in try parse(UnsafeRawBufferPointer(utf8), maxDepth: maxDepth) }
        }
        return try result.get()
    }
}
