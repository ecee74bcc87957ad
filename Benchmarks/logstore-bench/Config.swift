import Foundation

/// What one run measures, from the command line.
struct Config {
    var sizes = [1_000, 10_000, 100_000, 1_000_000]
    var quick = false
    var csv: String?
    var svg: String?
    var markdown: String?
    /// Envs in the open + list store.
    var envs = 1000
    /// Points of the peak-RSS ingest (default: the largest size).
    var rssPoints: Int?
    /// Steps per message of the bulk-ingest log.
    var stepsPerMessage = 128
    var scratch: String?
    var keep = false
    /// Measures to run (nil: all): ingest, live, snapshot, delta, materialize, openlist, rss.
    var only: Set<String>?

    func runs(_ measure: String) -> Bool { only?.contains(measure) ?? true }

    // Sample counts and time budgets (seconds) per measure.
    var deltaSamples = 1000
    var deltaFullSamples = 500
    var snapshotBudget = 3.0
    var snapshotMax = 200
    var materializeBudget = 2.0
    var bytesSaves = 1000
    /// The live (one step per message) ingest is measured up to this size.
    var liveIngestMax = 1_000_000
    /// Sizes from this one on get the scale run (`Measures.scale`) instead of the per-size measures.
    var scaleFrom = 20_000_000
    /// Points of the scale run's live-logged tail.
    var liveTail = 1_000_000

    static let usage = """
        usage: logstore-bench [--quick] [--sizes 1k,10k,100k,1M] [--csv FILE] [--svg FILE] [--markdown FILE]
                              [--envs N] [--rss-size N] [--steps-per-message N] [--scratch DIR] [--keep]
                              [--scale-from N] [--live-tail N]

        Measures snapshot (visdom's whole-env JSON save) against delta (one LogStore epoch) saves, bulk
        ingest against SQLite's raw insert floor, materialization, open + list, and the peak RSS of a
        bulk ingest, for each size (total points of a training-like env). Prints markdown tables and
        the targets met/missed on stdout, progress on stderr.

          --quick              sizes 1k,10k, fewer samples, 100k-point RSS ingest (under a minute)
          --sizes LIST         env sizes in points (k and M suffixes)
          --csv FILE           every figure as CSV: measure,variant,points,metric,value,unit
          --svg FILE           log-log chart of save cost against env size
          --markdown FILE      the report's tables, also written to FILE
          --envs N             envs in the open + list store (default 1000)
          --rss-size N         points of the peak-RSS ingest (default: the largest size below --scale-from)
          --steps-per-message N  steps per message in the bulk-ingest log (default 128)
          --scratch DIR        where stores and logs go (default: a new temporary directory)
          --keep               keep the scratch directory
          --only LIST          run only these measures (for profiling): ingest, live, snapshot, delta
                               (with the raw commits), materialize, openlist, rss, scale
          --scale-from N       sizes from N on (default 20M) get the scale run instead: bulk ingest in a
                               child process, open + list, export of one window, a live-logged tail,
                               one-point saves, compact (seal); each phase's peak RSS
          --live-tail N        points of the scale run's live-logged tail (default 1M)
        """

    static func parse(_ args: [String]) throws -> Config {
        var c = Config()
        var explicitSizes = false
        var explicitTail = false
        var it = args.makeIterator()
        func value(_ flag: String) throws -> String {
            guard let v = it.next() else { throw BenchError("\(flag) needs a value") }
            return v
        }
        func count(_ flag: String) throws -> Int {
            let v = try value(flag)
            guard let n = parseSize(Substring(v)) else { throw BenchError("\(flag): not a count: \(v)") }
            return n
        }
        while let a = it.next() {
            switch a {
            case "--quick": c.quick = true
            case "--sizes":
                let v = try value(a)
                let sizes = v.split(separator: ",").map { parseSize($0) }
                guard !sizes.isEmpty, sizes.allSatisfy({ $0 != nil }) else {
                    throw BenchError("--sizes: bad list: \(v)")
                }
                c.sizes = sizes.map { $0! }.sorted()
                explicitSizes = true
            case "--csv": c.csv = try value(a)
            case "--svg": c.svg = try value(a)
            case "--markdown": c.markdown = try value(a)
            case "--envs": c.envs = try count(a)
            case "--rss-size": c.rssPoints = try count(a)
            case "--steps-per-message": c.stepsPerMessage = try count(a)
            case "--scale-from": c.scaleFrom = try count(a)
            case "--live-tail":
                c.liveTail = try count(a)
                explicitTail = true
            case "--scratch": c.scratch = try value(a)
            case "--keep": c.keep = true
            case "--only": c.only = Set(try value(a).split(separator: ",").map(String.init))
            case "-h", "--help":
                print(usage)
                exit(0)
            default: throw BenchError("unknown argument \(a)")
            }
        }
        if c.quick {
            if !explicitSizes { c.sizes = [1_000, 10_000] }
            if c.rssPoints == nil { c.rssPoints = 100_000 }
            if !explicitTail { c.liveTail = 10_000 }
            c.deltaSamples = 200
            c.deltaFullSamples = 50
            c.snapshotBudget = 0.5
            c.snapshotMax = 50
            c.materializeBudget = 0.3
            c.bytesSaves = 100
        }
        return c
    }
}
