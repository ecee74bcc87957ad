import Foundation
import VisdomService

/// Where visdom's web page comes from: `--static DIR`, else the `static` folder of the visdom
/// package that `python3` (or `$LOGSTORE_PYTHON`) imports, where a visdom user already has the
/// page and the scripts visdom downloads on its first start.
enum StaticDirectory {
    /// The page's assets, or nil with the one line saying why there is no page.
    static func assets(_ explicit: String?, environment: [String: String]) -> (PageAssets?, String?) {
        let directory: String
        if let explicit {
            directory = explicit
        } else {
            let python = environment["LOGSTORE_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
            guard let found = visdomStatic(python: python) else {
                return (
                    nil,
                    "no web page: \(python) has no visdom package (pip install visdom==0.2.4, or pass --static DIR)"
                )
            }
            directory = found
        }
        do {
            let assets = try PageAssets(directory: directory)
            let missing = assets.missing
            guard !missing.isEmpty else { return (assets, nil) }
            return (
                assets,
                "the web page in \(directory) lacks \(missing.joined(separator: ", ")): start `python -m visdom.server` once with internet access (it downloads them there), or pass --static DIR"
            )
        } catch {
            return (nil, "no web page: \(error.description)")
        }
    }

    /// `python -c "import visdom"`'s static folder, nil when it cannot import visdom.
    static func visdomStatic(python: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            python, "-c", "import os, visdom; print(os.path.join(os.path.dirname(visdom.__file__), 'static'))",
        ]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }
}
