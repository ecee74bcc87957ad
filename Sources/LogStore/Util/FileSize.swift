import Foundation

/// The size in bytes of the file at `path`; nil when it cannot be read (missing, no permission).
func fileSize(atPath path: String) -> Int64? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
}
