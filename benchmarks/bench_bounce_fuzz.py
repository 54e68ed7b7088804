"""Hostile-input behaviour of the bounce classifier: N mutated samples, worst time, rate.

Mutates the samples of tests/data/bounces (seeded): truncation, bit flips, inserted and
duplicated runs, 200-level multipart nesting, 1 MB header lines, broken base64, a 20 MB
message; classifies each in this process and prints crashes, the slowest inputs (CPU
seconds) and messages/second. Issue 15's goal: 0 crashes, worst <= 0.5 s, >= 1,000 msg/s.

Run: .venv/bin/python benchmarks/bench_bounce_fuzz.py [--count 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.services.bounce import model, parser  # noqa: E402

SAMPLES = ROOT / "tests" / "data" / "bounces"


def _nest(depth: int) -> bytes:
    head = b"From: MAILER-DAEMON@x.example\nContent-Type: multipart/mixed; boundary=n0\n\n"
    return head + b"".join(b"--n%d\nContent-Type: multipart/mixed; boundary=n%d\n\n" % (i, i + 1)
                           for i in range(depth)) + b"<a@b.example>: 550 5.1.1 unknown\n"


def mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    # Mostly the damage real files suffer; one input in 25 is a deliberate monster.
    small = ["cut", "flip", "insert", "dup"]
    op = rng.choice(small) if rng.random() < 0.96 else rng.choice(
        ["nest", "long-header", "base64", "huge"])
    if op == "cut" and buf:
        del buf[rng.randrange(len(buf)):]
    elif op == "flip":
        for _ in range(rng.randint(1, 50)):
            if buf:
                buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif op == "insert":
        pos = rng.randrange(len(buf) + 1)
        buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    elif op == "dup" and buf:
        pos = rng.randrange(len(buf))
        buf[pos:pos] = buf[pos:pos + rng.randint(1, 2000)] * rng.randint(2, 50)
    elif op == "nest":
        return _nest(200)
    elif op == "long-header":
        name = rng.choice([b"Subject", b"From", b"References", b"Content-Type"])
        value = rng.choice([b"=?utf-8?b?w6nDqQ==?= ", b"a", b'; boundary="x', b"<m@x> "])
        return name + b": " + value * (1_000_000 // len(value)) + b"\n" + data
    elif op == "base64":
        return (b"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
                + b"QUJD!*=" * 150_000)
    elif op == "huge":
        return data + b"\n" + b"x" * 20_000_000
    return bytes(buf)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    samples = [p.read_bytes() for p in sorted(SAMPLES.rglob("*.eml"))]
    crashes, times = 0, []
    for index in range(args.count):
        raw = mutate(rng, rng.choice(samples))
        started = time.process_time()
        try:
            parser._parse(raw[:model.MAX_MESSAGE])  # noqa: SLF001 - under parse()'s safety net
        except Exception as exc:  # noqa: BLE001 - counted, shown, the run goes on
            crashes += 1
            if crashes <= 5:
                print(f"crash on input {index}: {type(exc).__name__}: {exc}")
        times.append((time.process_time() - started, index, len(raw)))
    total = sum(spent for spent, _, _ in times)
    times.sort(reverse=True)
    print(f"{args.count} mutated inputs, seed {args.seed}: {crashes} crashes, "
          f"{args.count / total:,.0f} msg/s (CPU time spent classifying)")
    for spent, index, size in times[:5]:
        print(f"  slowest: input {index} ({size:,} bytes) {spent * 1000:.0f} ms")
    print(f"inputs over 0.5 s: {sum(1 for t, _, _ in times if t > 0.5)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
