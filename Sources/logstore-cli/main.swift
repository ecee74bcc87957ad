import Glibc

// `logstore`: a thin shell over the LogStore library (see CLI.swift for its contract).
exit(CLI.run(Array(CommandLine.arguments.dropFirst())))
