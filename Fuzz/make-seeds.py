#!/usr/bin/env python3
"""Writes the seed corpus of a fuzz target into Fuzz/corpus/<target>/seeds (one file per
distinct input, named by its SHA-1), from the recorded visdom replay logs:

  ../shared/visdom-corpus/*/log.jsonl and Tests/Fixtures/scenarios/*/log.jsonl

fuzz-message gets every log line, and each log cut into runs of consecutive lines of at most
4 KiB (so that updates come with the window they update). fuzz-json gets the single lines plus
the env files those
scenarios expect (expected/*.json) and the inputs of the Python json fixture
(Tests/LogStoreTests/Fixtures/python-json-dumps.txt). Inputs longer than --max-len bytes are
left out (libFuzzer would truncate them). The directory is generated; never commit it.
"""
import argparse
import glob
import hashlib
import os
import shutil

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)


def log_files():
    patterns = [os.path.join(root, "..", "shared", "visdom-corpus", "*", "log.jsonl"),
                os.path.join(root, "Tests", "Fixtures", "scenarios", "*", "log.jsonl")]
    return sorted(p for pattern in patterns for p in glob.glob(pattern))


def lines_of(path):
    with open(path, "rb") as f:
        return [line.rstrip(b"\n") for line in f if line.strip()]


def log_lines():
    for path in log_files():
        yield from lines_of(path)


def log_runs(limit=4096):
    """Each log as consecutive runs of lines, each run at most `limit` bytes."""
    for path in log_files():
        run = []
        for line in lines_of(path):
            if run and sum(len(l) + 1 for l in run) + len(line) > limit:
                yield b"\n".join(run)
                run = []
            run.append(line)
        if len(run) > 1:
            yield b"\n".join(run)


def json_documents():
    patterns = [os.path.join(root, "..", "shared", "visdom-corpus", "*", "expected", "*.json"),
                os.path.join(root, "Tests", "Fixtures", "scenarios", "*", "expected", "*.json")]
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            with open(path, "rb") as f:
                yield f.read()
    fixture = os.path.join(root, "Tests", "LogStoreTests", "Fixtures", "python-json-dumps.txt")
    if os.path.exists(fixture):
        # Sections: "=== name", "--- input", input lines, "--- dumps", ...
        with open(fixture, "rb") as f:
            section, lines = None, []
            for raw in f.read().split(b"\n") + [b"=== end"]:
                if raw.startswith(b"=== ") or raw.startswith(b"--- "):
                    if section == b"--- input" and lines:
                        yield b"\n".join(lines)
                    section, lines = raw if raw.startswith(b"--- ") else None, []
                elif section is not None:
                    lines.append(raw)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("target", choices=["fuzz-json", "fuzz-message"])
    parser.add_argument("--max-len", type=int, default=8192)
    args = parser.parse_args()
    out = os.path.join(here, "corpus", args.target, "seeds")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    inputs = list(log_lines())
    if args.target == "fuzz-json":
        inputs += list(json_documents())
    else:
        inputs += list(log_runs())
    written = skipped = 0
    for data in inputs:
        if len(data) > args.max_len:
            skipped += 1
            continue
        name = os.path.join(out, hashlib.sha1(data).hexdigest())
        if not os.path.exists(name):
            with open(name, "wb") as f:
                f.write(data)
            written += 1
    print(f"{args.target}: {written} distinct seeds in {os.path.relpath(out)} "
          f"({skipped} inputs over {args.max_len} bytes left out)")


if __name__ == "__main__":
    main()
