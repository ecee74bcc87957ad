/// A tree the JSON reader can build: one case per kind of JSON value. `JSONValue` is the
/// reader's own; a caller that wants its own tree (the visdom rules' `PaneValue`) has the
/// reader build it directly, instead of building a `JSONValue` and converting it.
///
/// Invariant: parsing a document into any conforming tree gives, case for case and payload for
/// payload, the `JSONValue` that `JSONReader.parse` returns for it.
protocol JSONTree: Sendable {
    static var null: Self { get }
    static func bool(_ value: Bool) -> Self
    static func int(_ value: Int64) -> Self
    static func bigInt(_ digits: String) -> Self
    static func double(_ value: Double) -> Self
    static func string(_ value: String) -> Self
    static func array(_ elements: [Self]) -> Self
    static func object(_ members: PyDict<Self>) -> Self
}

extension JSONValue: JSONTree {}
