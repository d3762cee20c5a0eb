"""Speed of the two halves of dedupe as `newscli export` runs them, on the same data in one run.

- prepare: normalize -> shingle -> sign -> band keys, per chunk of 200 records (what the worker
  processes do), MB/s of UTF-8 text on one core;
- main: `dedupe_records` given the prepared chunks (spool, exact groups, LSH, verification,
  clusters, kept copies, reading the records back and yielding them), MB/s on one core.

Both are reported as wall-clock and CPU (process) time; on a shared machine the CPU figure is the
one-core throughput. With ``--against REV`` the newscli/dedupe package of git revision REV is
extracted to a temporary directory and run interleaved with the working tree (A B A B ...), best of
``--runs``, so both see the same machine load; the ratio is the comparison.

    PYTHONPATH=. python bench/dedupe_phases.py [--limit 31525] [--corpus ant_multisource_2018] [--against 166f392]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import hashlib
import importlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "corpora"


def load(corpus: str, limit: int) -> list[dict]:
    path = next((SHARED / corpus).glob("*.jsonl.gz"))
    recs = []
    with gzip.open(path) as f:
        for line in f:
            r = orjson.loads(line)
            d = r.get("date")
            recs.append({"id": r.get("id"), "date": d if isinstance(d, str) else None, "text": r.get("text") or ""})
            if len(recs) >= limit:
                break
    return recs


def extract(rev: str, into: Path) -> str:
    """newscli/dedupe of ``rev`` as an importable package named dedupe_<rev>."""
    name = "dedupe_" + "".join(c for c in rev if c.isalnum())
    pkg = into / name
    pkg.mkdir()
    files = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", f"{rev}:newscli/dedupe"],
                           capture_output=True, text=True, check=True).stdout.split()
    for fn in files:
        if fn.endswith(".py"):
            src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:newscli/dedupe/{fn}"],
                                 capture_output=True, text=True, check=True).stdout
            (pkg / fn).write_text(src.replace("newscli.dedupe", name))
    return name


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=31525)
    ap.add_argument("--corpus", default="ant_multisource_2018")
    ap.add_argument("--against", help="git revision to compare with (same run, interleaved)")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    if not (SHARED / a.corpus).exists():
        print(f"corpus not found: {SHARED / a.corpus}", file=sys.stderr)
        return 2
    recs = load(a.corpus, a.limit)
    mb = sum(len(r["text"].encode()) for r in recs) / 1e6
    chunks = [recs[k : k + 200] for k in range(0, len(recs), 200)]
    mods = {"working tree": importlib.import_module("newscli.dedupe")}
    tmp = tempfile.TemporaryDirectory()
    if a.against:
        sys.path.insert(0, tmp.name)
        mods[a.against] = importlib.import_module(extract(a.against, Path(tmp.name)))
    best = {k: [float("inf")] * 4 for k in mods}
    digest = {}
    for run in range(a.runs):
        for name, mod in mods.items():
            opt = mod.DedupeOptions(emit="all")
            mod.prepare([c["text"] for c in chunks[0]], opt)  # tables built outside the timing
            gc.collect()
            t0, c0 = time.perf_counter(), time.process_time()
            signed = [mod.prepare([r["text"] for r in c], opt) for c in chunks]
            tp, cp = time.perf_counter() - t0, time.process_time() - c0
            work = [([dict(r) for r in c], s) for c, s in zip(chunks, signed)]
            del signed
            gc.collect()
            h = hashlib.sha1()
            t0, c0 = time.perf_counter(), time.process_time()
            for r in mod.dedupe_records(iter(work), opt):
                if run == 0:
                    h.update(orjson.dumps(r["dup"]))
            tm, cm = time.perf_counter() - t0, time.process_time() - c0
            del work
            if run == 0:
                digest[name] = h.hexdigest()[:12]
            best[name] = [min(x, y) for x, y in zip(best[name], (tp, cp, tm, cm))]
    print(f"{len(recs)} records of {a.corpus}, {mb:.1f} MB of UTF-8 text, chunks of 200; best of {a.runs} interleaved runs")
    print(f"{'code':<14} {'prepare MB/s (CPU / wall)':<28} {'main MB/s (CPU / wall)':<26} dup digest")
    for name, (tp, cp, tm, cm) in best.items():
        print(f"{name:<14} {mb / cp:>7.1f} / {mb / tp:<18.1f} {mb / cm:>7.1f} / {mb / tm:<16.1f} {digest[name]}")
    if a.against:
        w, o = best["working tree"], best[a.against]
        print(f"working tree vs {a.against} (CPU): prepare {o[1] / w[1]:.2f}x, main {o[3] / w[3]:.2f}x, "
              f"both halves {(o[1] + o[3]) / (w[1] + w[3]):.2f}x")
    print(f"rerun: PYTHONPATH=. python bench/dedupe_phases.py --limit {a.limit} --corpus {a.corpus}"
          + (f" --against {a.against}" if a.against else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
