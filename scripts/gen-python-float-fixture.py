#!/usr/bin/env python3
"""Writes Tests/LogStoreTests/Fixtures/python-float-repr.txt: one double per line as
`HEX16 repr`, where HEX16 is the IEEE 754 bit pattern (16 lowercase hex digits) and repr is
Python's repr(float). PythonFloatTests checks PythonFloat.repr against every line.

Deterministic (fixed seed); run from anywhere with Python 3.11:
    python3 scripts/gen-python-float-fixture.py
"""
import math
import random
import struct
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "Tests/LogStoreTests/Fixtures/python-float-repr.txt"


def bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(b: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def with_neighbours(x: float):
    yield x
    yield math.nextafter(x, math.inf)
    yield math.nextafter(x, -math.inf)


def values(rng: random.Random):
    # Fixed points: zeros, extremes, subnormal edges.
    yield from [0.0, -0.0, 5e-324, -5e-324, sys.float_info.max, -sys.float_info.max,
                sys.float_info.min, math.nextafter(sys.float_info.min, 0.0), 1.0, -1.0,
                0.1, 0.2, 0.3, 1 / 3, 2 / 3, 0.5, 1.5, 100.0, 123.456, 2.0 ** 53, 2.0 ** 53 + 2,
                9007199254740993.0, 9999999999999998.0, 1e22, 1e23, 4.35e-5]
    # Boundaries of Python's fixed/exponent switch, with their neighbours.
    for x in [1e-5, 1e-4, 1e-3, 1e15, 1e16, 1e17, 9.999999999999999e15, 9.5e15, 0.00009999999999999999]:
        yield from with_neighbours(x)
        yield from with_neighbours(-x)
    # Powers of ten, with neighbours (the decimal that must be chosen among close candidates).
    for k in range(-323, 309):
        yield from with_neighbours(float(f"1e{k}"))
    # Every power of two (exponent boundaries, where the rounding interval is asymmetric).
    for k in range(-1074, 1024):
        yield 2.0 ** k
    # Integers past 2^53 below 1e16: Swift switches to exponent notation there, Python does not.
    for _ in range(2000):
        yield float(rng.randrange(2 ** 53, 10 ** 16))
    # Subnormals.
    for _ in range(500):
        yield from_bits(rng.randrange(1, 2 ** 52))
    # Short decimals, as data usually holds.
    for _ in range(1500):
        yield round(rng.uniform(-1000, 1000), rng.randrange(0, 7))
    # Random bit patterns (NaN excluded; infinities are written by the JSON writer, not repr).
    n = 0
    while n < 12000:
        x = from_bits(rng.getrandbits(64))
        if math.isfinite(x):
            n += 1
            yield x


def main():
    rng = random.Random(20240611)
    seen = set()
    lines = []
    for x in values(rng):
        b = bits(x)
        if b in seen:
            continue
        seen.add(b)
        lines.append(f"{b:016x} {x!r}\n")
    text = "".join(lines)
    assert len(text) < 1_000_000, len(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="ascii")
    print(f"{OUT}: {len(lines)} doubles, {len(text)} bytes")


if __name__ == "__main__":
    main()
