#!/usr/bin/env python3
"""Writes Tests/LogStoreTests/Fixtures/python-json-dumps.txt: Python 3.11's verdict on tricky
JSON documents, for JSONReader/JSONWriter tests to compare byte for byte.

Each case is a block of sections; a section is a header line and the exact bytes that follow
it up to the next header, minus the single newline that ends every section:

    === <case name>
    --- input        the document, as bytes given to json.loads (decoded as strict UTF-8,
                     i.e. what `json.load` sees on a file opened in text mode)
    --- dumps        json.dumps(v)
    --- indent2      json.dumps(v, indent=2)
    --- unicode      json.dumps(v, ensure_ascii=False)
    --- compact      json.dumps(v, separators=(",", ":"))
or, when the document must be rejected,
    --- rejected     Python's error message (or why Swift cannot hold what Python accepts)

Deterministic; run from anywhere:  python3 scripts/gen-python-json-fixture.py
"""
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "Tests/LogStoreTests/Fixtures/python-json-dumps.txt"

ACCEPTED = {
    "scalars-null": b"null",
    "scalars-true": b"true",
    "scalars-false-with-whitespace": b" \t\r\n false \n",
    "scalars-string": b'"x"',
    "ints": b"[0, -0, 1, -1, 42, 9223372036854775807, -9223372036854775808]",
    "ints-just-past-int64": b"[9223372036854775808, -9223372036854775809, 18446744073709551616]",
    "big-int": b"[123456789012345678901234567890123456789, -98765432109876543210987654321]",
    "big-int-4300-digits": b"[" + b"7" * 4300 + b", -" + b"3" * 4300 + b"]",
    "floats": b"[1.0, -0.0, 0.1, 0.5, 100.0, 1e16, 1E+2, 1e-7, 1.5e-5, 0.0001, 123.456e2, 0.1e1]",
    "floats-extremes": b"[5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e-400, -1e-400]",
    "floats-overflow-to-infinity": b"[1e400, -1e400, 1.8e308]",
    "floats-long-literals": b"[0.1000000000000000055511151231257827021181583404541015625, "
                            b"123456789012345678901234567890.5, 9007199254740993.0, "
                            b"2.4703282292062327208828439643411068618252990130716238221279284125033775364e-324, "
                            b"1.00000000000000011102230246251565404236316680908203125]",
    "floats-integral-past-2-53": b"[9007199254740992.0, 9007199254740994.0, 9999999999999998.0, 1e15, 1e17]",
    "non-finite-tokens": b"[NaN, Infinity, -Infinity]",
    "strings-escapes": rb'["\"", "\\", "\/", "\b", "\f", "\n", "\r", "\t", "a\u0041b"]',
    "strings-control-chars": rb'"\u0000\u0001\u0002\u001f\u007f\u0080\u009f"',
    "strings-nul-in-key": rb'{"a\u0000b": "\u0000", "\u0000": 0}',
    "strings-raw-del-and-c1": "\"\x7f\u0085\u00a0\"".encode(),
    "unicode-bmp": '{"café": "é", "日本語": "テキスト", "line sep": "\u2028\u2029", "bom": "\ufeff"}'.encode(),
    "unicode-non-bmp-raw": '["😀", "𝄞", "\U0010ffff", "a😀b"]'.encode(),
    "unicode-non-bmp-escaped": rb'["\ud83d\ude00", "\uD834\uDD1E", "\udbff\udfff", "x\uD83D\uDE00y"]',
    "unicode-upper-and-lower-hex": rb'"\u00E9\u00e9\uABCD\uabcd"',
    "duplicate-keys": b'{"a": 1, "b": 2, "a": 3, "c": {"x": 1, "x": [2]}, "b": null}',
    "key-order-not-sorted": b'{"z": 1, "a": 2, "m": 3, "": 4}',
    "nested": b'{"a": [1, [2, [3, {"b": [[], {}], "c": {"d": [null, true, false]}}]]], "e": {}}',
    "empty-containers": b"[[], {}, [[]], [{}], {\"a\": []}, {\"a\": {}}]",
    "whitespace-everywhere": b' \r\n\t{ "a" : [ 1 , 2.5 , "x" ] , "b" : { } } \n',
    "deep-nesting-50": b"[" * 25 + b'{"k": ' * 25 + b"1" + b"}" * 25 + b"]" * 25,
    "printable-ascii": json.dumps("".join(chr(c) for c in range(32, 127))).encode(),
    "lone-high-surrogate": b'"\\ud800"',
    "lone-low-surrogate": b'"\\udc00"',
    "high-surrogate-then-bmp": b'"\\ud800\\u0041"',
    "reversed-surrogates": b'"\\udc00\\ud800"',
}

REJECTED = {
    "reject-empty": b"",
    "reject-only-whitespace": b" \n",
    "reject-truncated-array": b"[1, 2",
    "reject-truncated-after-comma": b"[1,",
    "reject-truncated-object": b'{"a": 1',
    "reject-truncated-key": b'{"a',
    "reject-truncated-colon": b'{"a":',
    "reject-truncated-string": b'"abc',
    "reject-truncated-escape": b'"abc\\',
    "reject-truncated-literal": b"tru",
    "reject-leading-zero": b"01",
    "reject-plus": b"+1",
    "reject-bare-fraction": b".5",
    "reject-trailing-dot": b"1.",
    "reject-bare-exponent": b"1e",
    "reject-minus-alone": b"-",
    "reject-double-minus": b"--1",
    "reject-lowercase-nan": b"nan",
    "reject-minus-nan": b"-NaN",
    "reject-infinity-suffix": b"Infinityx",
    "reject-trailing-comma-array": b"[1,]",
    "reject-trailing-comma-object": b'{"a": 1,}',
    "reject-unquoted-key": b"{a: 1}",
    "reject-single-quotes": b"'a'",
    "reject-raw-tab-in-string": b'"a\tb"',
    "reject-raw-newline-in-string": b'"a\nb"',
    "reject-bad-escape": b'"\\x41"',
    "reject-short-u-escape": b'"\\u12"',
    "reject-bad-hex-after-high-surrogate": b'"\\ud800\\uzzzz"',
    "reject-invalid-utf8-ff": b'"\xff"',
    "reject-truncated-utf8": b'"\xc3"',
    "reject-utf8-encoded-surrogate": b'"\xed\xa0\x80"',
    "reject-utf8-above-10ffff": b'"\xf4\x90\x80\x80"',
    "reject-overlong-utf8": b'"\xc0\x80"',
    "reject-utf8-bom": b"\xef\xbb\xbf[1]",
    "reject-extra-value": b"1 2",
    "reject-extra-bracket": b"[1]]",
    "reject-form-feed-whitespace": b"\x0c1",
    "reject-nbsp-whitespace": "\u00a01".encode(),
    "reject-comment": b"[1] // c",
    "reject-int-4301-digits": b"1" * 4301,
    "reject-negative-int-4301-digits": b"-" + b"1" * 4301,
}


def random_string(rng):
    pools = ["abc xyz", "\"\\/\b\f\n\r\t", "\x00\x01\x1f\x7f", "éü߀", "日本語", "😀𝄞\U0010ffff", "\u2028\ufeff\uffff"]
    return "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randrange(0, 12)))


def random_value(rng, depth):
    kind = rng.randrange(10 if depth < 5 else 7)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.randrange(-2 ** 70, 2 ** 70) if rng.random() < 0.2 else rng.randrange(-10 ** 6, 10 ** 6)
    if kind in (2, 3):
        import struct
        x = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        return rng.choice([x, round(rng.uniform(-100, 100), rng.randrange(6)), float("nan"), float("-inf")])
    if kind in (4, 5, 6):
        return random_string(rng)
    if kind in (7, 8):
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {random_string(rng): random_value(rng, depth + 1) for _ in range(rng.randrange(5))}


def verdict(data: bytes):
    """Python's result for `data`, or the reason it must be rejected."""
    try:
        v = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError is a ValueError
        return None, f"{type(e).__name__}: {e}"
    return v, None


def section(name: str, body: bytes) -> bytes:
    for line in body.split(b"\n"):
        assert not line.startswith((b"=== ", b"--- ")), (name, line)
    return b"--- " + name.encode() + b"\n" + body + b"\n"


def main():
    rng = random.Random(1729)
    cases = dict(ACCEPTED)
    for i in range(12):
        doc = random_value(rng, 0)
        cases[f"random-{i:02d}"] = json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode()
    out = []
    for name, data in list(cases.items()) + list(REJECTED.items()):
        v, error = verdict(data)
        expect_rejection = name.startswith("reject-")
        assert (error is not None) == expect_rejection, (name, error)
        out.append(b"=== " + name.encode() + b"\n")
        out.append(section("input", data))
        if error is not None:
            out.append(section("rejected", error.encode()))
            continue
        out.append(section("dumps", json.dumps(v).encode()))
        out.append(section("indent2", json.dumps(v, indent=2).encode()))
        # Python's ensure_ascii=False output keeps a lone surrogate raw, which UTF-8 cannot
        # encode; LogStore writes it as its \uXXXX escape there too (see LoneSurrogate.swift).
        unicode = json.dumps(v, ensure_ascii=False)
        unicode = "".join(f"\\u{ord(c):04x}" if 0xD800 <= ord(c) <= 0xDFFF else c for c in unicode)
        out.append(section("unicode", unicode.encode()))
        out.append(section("compact", json.dumps(v, separators=(",", ":")).encode()))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(b"".join(out))
    print(f"{OUT}: {len(cases)} accepted and {len(REJECTED)} rejected documents")


if __name__ == "__main__":
    main()
