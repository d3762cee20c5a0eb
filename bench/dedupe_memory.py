"""Resident memory of `dedupe_records` vs corpus size (peak RSS, anonymous and file-backed).

Each size runs in its own subprocess: the four shared JSONL corpora concatenated (ant_jawharafm,
ant_multisource, egypt_news_credibility, saudinewsnet: 93,779 records) and, beyond that, repeated
with a deterministic letter substitution (copy r rotates 27 Arabic letters by r places, so a copy
has the same lengths, words and duplicate structure as the original but shares no shingles with
it). Records go through `prepare` in chunks of 200 (as `newscli export` does in its workers) and
then `dedupe_records` (emit=all; records are consumed and dropped).

A sampler thread reads /proc/self/status every 10 ms: peak VmRSS, peak RssAnon (heap, numpy
arrays) and peak RssFile (mapped file pages) over the run. "per record" is the slope between two
sizes, which removes the fixed part (interpreter, tables, chunk working set).

    PYTHONPATH=. python bench/dedupe_memory.py [25000 50000 100000 200000]
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import JSONL_CORPORA, SHARED_CORPORA as SHARED  # noqa: E402

CORPORA = sorted(JSONL_CORPORA)  # the order the memory figures were measured in
_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"  # letters the dedupe fold maps to themselves


def _cipher(rep: int) -> dict:
    k = rep % len(_LETTERS)
    return str.maketrans(_LETTERS, _LETTERS[k:] + _LETTERS[:k])


def records(limit: int):
    """The concatenated corpora, then copies with letter substitution, up to ``limit`` records."""
    n, rep = 0, 0
    while True:
        table = _cipher(rep) if rep else None
        for name in CORPORA:
            with gzip.open(SHARED / name) as f:
                for line in f:
                    r = orjson.loads(line)
                    text = r.get("text") or ""
                    date = r.get("date")
                    rec = {"id": f"{r.get('id')}#{rep}", "date": date if isinstance(date, str) else None,
                           "text": text.translate(table) if table else text}
                    yield rec
                    n += 1
                    if n >= limit:
                        return
        rep += 1


def _status() -> dict:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"):
                out[k] = int(v.split()[0]) * 1024
    return out


def child(n: int) -> None:
    from newscli.dedupe import DedupeOptions, DedupeStats, dedupe_records, prepare

    opt = DedupeOptions(emit="all")
    peak = {"VmRSS": 0, "RssAnon": 0, "RssFile": 0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            s = _status()
            for k in peak:
                peak[k] = max(peak[k], s.get(k, 0))
            time.sleep(0.01)

    mb = 0

    def chunks():
        nonlocal mb
        buf = []
        for r in records(n):
            buf.append(r)
            mb += len(r["text"].encode())
            if len(buf) == 200:
                yield buf, prepare([x["text"] for x in buf], opt)
                buf = []
        if buf:
            yield buf, prepare([x["text"] for x in buf], opt)

    prepare(["تمهيد"], opt)  # build the tables before the baseline
    base = _status()
    th = threading.Thread(target=sample, daemon=True)
    th.start()
    st = DedupeStats()
    t0 = time.perf_counter()
    out = 0
    for rec in dedupe_records(chunks(), opt, st):
        out += 1
    dt = time.perf_counter() - t0
    stop.set()
    th.join()
    end = _status()
    print(json.dumps({"docs": out, "mb": mb / 1e6, "seconds": dt, "base": base["VmRSS"], "hwm": end["VmHWM"],
                      "peak": peak, "clusters": st.clusters, "duplicates": st.duplicates}))


def run_child(n: int) -> dict:
    p = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    if p.returncode:
        raise SystemExit(p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        return 0
    if not all((SHARED / c).exists() for c in CORPORA):
        print(f"corpora not found under {SHARED}", file=sys.stderr)
        return 2
    sizes = [int(x) for x in sys.argv[1:]] or [25000, 50000, 100000, 200000]
    print("docs      MB text  seconds  clusters  baseline MB  peak RSS MB  peak anon MB  peak file MB")
    res = []
    for n in sizes:
        r = run_child(n)
        res.append(r)
        p = r["peak"]
        print(f"{r['docs']:<9} {r['mb']:<8.0f} {r['seconds']:<8.1f} {r['clusters']:<9} {r['base'] / 1e6:<12.0f} "
              f"{max(r['hwm'], p['VmRSS']) / 1e6:<12.0f} {p['RssAnon'] / 1e6:<13.0f} {p['RssFile'] / 1e6:.0f}", flush=True)
    for a, b in zip(res, res[1:]):
        dn = b["docs"] - a["docs"]
        d_rss = (max(b["hwm"], b["peak"]["VmRSS"]) - max(a["hwm"], a["peak"]["VmRSS"])) / dn
        d_anon = (b["peak"]["RssAnon"] - a["peak"]["RssAnon"]) / dn
        print(f"slope {a['docs']}->{b['docs']}: peak RSS {d_rss:.0f} B/record, peak anon {d_anon:.0f} B/record")
    print(f"rerun: PYTHONPATH=. python bench/dedupe_memory.py {' '.join(map(str, sizes))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
