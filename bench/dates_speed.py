"""Throughput of the dates step on real article text, against an earlier revision of
newscli.dates in the same run (interleaved rounds, best of N; the other core is shared).

For each corpus: the first --docs records; MB/s of UTF-8 `text` through `date_record` (with the
record's `date` as given, so yearless dates use its year as the hint), and through
`find_dates(text)` without a hint. The baseline is `git archive REV newscli/dates` imported as a
separate package; both must give identical entries (checked, differences counted).

Run:  PYTHONPATH=. python bench/dates_speed.py [--rev 6972256] [--docs 3000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import newscli.dates as new

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "corpora"
CORPORA = {
    "ant_multisource": "ant_multisource_2018/ant_multisource_2018.jsonl.gz",
    "saudinewsnet": "saudinewsnet/saudinewsnet.jsonl.gz",
    "ant_jawharafm_tunisia": "ant_jawharafm_tunisia/ant_jawharafm_v1_1.jsonl.gz",
}


def baseline(rev: str, tmp: str):
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "newscli/dates"], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(tmp, filter="data")
    pkg = Path(tmp) / "dates_base"
    (Path(tmp) / "newscli" / "dates").rename(pkg)
    for f in pkg.glob("*.py"):
        f.write_text(f.read_text("utf-8").replace('"newscli.dates"', '"dates_base"'), "utf-8")
    sys.path.insert(0, tmp)
    return importlib.import_module("dates_base")


def load(path: Path, n: int) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if len(out) >= n:
                break
    return out


def best(fn, recs, rounds_out: list[float]) -> None:
    t0 = time.perf_counter()
    fn(recs)
    rounds_out.append(time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rev", default="6972256", help="baseline git revision of newscli/dates")
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = baseline(args.rev, tmp)
        for mod in (old, new):
            mod.find_dates("تهيئة 8 يناير 2020")  # build the scanners outside the timing
        for name, rel in CORPORA.items():
            path = SHARED / rel
            if not path.exists():
                print(f"== {name}: absent, skipped")
                continue
            recs = load(path, args.docs)
            texts = [r.get("text") or "" for r in recs]
            mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
            diffs = sum(old.date_record(r) != new.date_record(r) for r in recs)
            diffs += sum(old.find_dates(t) != new.find_dates(t) for t in texts)
            times: dict[str, list[float]] = {}
            jobs = {
                "date_record": lambda mod: lambda rs: [mod.date_record(r) for r in rs],
                "find_dates": lambda mod: lambda rs: [mod.find_dates(t) for t in texts],
            }
            for _ in range(args.rounds):
                for job, make in jobs.items():
                    for label, mod in (("base", old), ("new", new)):
                        best(make(mod), recs, times.setdefault(f"{job}/{label}", []))
            print(f"== {name}: {len(recs)} docs, {mb:.1f} MB text, entries differing from {args.rev}: {diffs}")
            for job in jobs:
                b, n = min(times[f"{job}/base"]), min(times[f"{job}/new"])
                print(f"  {job:12s} base {mb / b:6.1f} MB/s   new {mb / n:6.1f} MB/s   ratio {b / n:4.1f}x")
    print("rerun: PYTHONPATH=. python bench/dates_speed.py")


if __name__ == "__main__":
    main()
