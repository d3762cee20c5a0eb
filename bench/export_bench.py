"""Throughput and memory of `newscli export` against the I/O floor, measured in the same run.

    python bench/export_bench.py [--runs 3] [--jobs 1,2] [--plain] [INPUT ...]

Default inputs: the four JSONL corpora in ../shared/corpora (about 94k articles, 280 MB).
For each input: the floor (bench/io_floor.py: orjson read + rewrite), then `newscli export -j N` for
each N, interleaved run by run; medians of wall time, MB/s (uncompressed input bytes), records/s,
peak RSS, and the ratio of each to the floor. --plain adds the plumbing alone
(--no-clean --no-dates --no-dedupe).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import JSONL_CORPORA as DEFAULT  # noqa: E402
from _measure import SHARED_CORPORA as CORPORA  # noqa: E402
from _measure import interleaved, machine, median  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def size_and_count(path: str) -> tuple[int, int]:
    n = size = 0
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as fh:
        for line in fh:
            size += len(line)
            n += line.strip() != b""
    return size, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--plain", action="store_true", help="also time the plumbing alone")
    ap.add_argument("--concat", action="store_true", help="concatenate the inputs into one file first")
    args = ap.parse_args()
    inputs = args.inputs or [str((CORPORA / p).resolve()) for p in DEFAULT]
    missing = [p for p in inputs if not os.path.exists(p)]
    if missing:
        sys.exit(f"missing inputs (is ../shared there?): {missing}")
    tmpdir = tempfile.mkdtemp()
    if args.concat:
        joined = os.path.join(tmpdir, "all.jsonl.gz")
        with open(joined, "wb") as out:
            for p in inputs:
                out.write(Path(p).read_bytes())  # gzip members concatenate
        inputs = [joined]
    py = sys.executable
    print(f"machine: {machine()}")
    print(f"runs: {args.runs} (+1 warm-up), interleaved; figures are medians\n")
    for path in inputs:
        size, count = size_and_count(path)
        cmds = {"floor (orjson read+write)": [py, str(REPO / "bench" / "io_floor.py"), path]}
        if args.plain:
            cmds["export plumbing only"] = [py, "-m", "newscli", "-q", "export", "--no-clean", "--no-dates",
                                            "--no-dedupe", path, "-o", os.devnull]
        for j in args.jobs.split(","):
            cmds[f"export -j {j}"] = [py, "-m", "newscli", "-q", "export", "-j", j, path, "-o", os.devnull]
        res = interleaved(cmds, args.runs)
        floor = median([r[0] for r in res["floor (orjson read+write)"]])
        print(f"{Path(path).name}: {count:,} records, {size / 1e6:.1f} MB uncompressed")
        print(f"  {'command':28} {'wall s':>7} {'MB/s':>7} {'rec/s':>8} {'RSS MiB':>8} {'x floor time':>12}")
        for name, runs in res.items():
            wall = median([r[0] for r in runs])
            rss = max(r[2] for r in runs)
            print(f"  {name:28} {wall:7.2f} {size / 1e6 / wall:7.1f} {count / wall:8,.0f} {rss:8d} {wall / floor:12.1f}")
        base = res.get("export -j 1")
        if base and "export -j 2" in res:
            pairs = [a[0] / b[0] for a, b in zip(base, res["export -j 2"])]
            print(f"  speed-up -j 2 over -j 1 (pairwise median): {median(pairs):.2f}x")
        print()


if __name__ == "__main__":
    main()
