import Foundation
import LogStore

// `logstore`: a thin shell over the LogStore library. Exit codes: 0 success, 1 error,
// 64 usage error (as sysexits' EX_USAGE). Errors are one line on stderr: "Error: …".

let exitCode = CLI.run(Array(CommandLine.arguments.dropFirst()))
exit(exitCode)
