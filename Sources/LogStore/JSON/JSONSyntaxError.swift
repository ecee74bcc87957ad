/// Why a document was rejected by `JSONReader`, and where.
///
/// `offset` counts bytes of the UTF-8 input (Python's messages count characters, so the two
/// differ after non-ASCII text). It points at the first byte that cannot be accepted: the
/// unexpected byte, the start of an ill-formed UTF-8 sequence, the backslash of a bad escape,
/// the opening quote of an unterminated string, the first byte of a number that is out of range,
/// or the input length when the document ends too early.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
