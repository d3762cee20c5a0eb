"""End-to-end dedupe speed and memory: newscli vs datasketch vs rensa, same run, same settings.

Each engine runs in its own subprocess (so peak RSS is its own): read JSONL.gz -> normalize
(the same `normalize_for_dedupe` for all engines) -> char:5 shingles -> MinHash 128 -> LSH 32x4 ->
clusters (newscli: leader clustering over verified pairs; peers: union-find over verified candidate pairs; threshold
0.5) -> write JSONL with `dup`.
newscli gets its records in chunks of 200 (as `newscli export` hands them over) and prepares them
in-process. Peers: datasketch MinHash + MinHashLSH(num_perm=128, params=(32, 4)), rensa RMinHash +
RMinHashLSH(threshold, 128, 32). Peers keep their own index in RAM as their users do.

    PYTHONPATH=. python bench/dedupe_speed.py [--limit 20000] [--engines newscli,rensa,datasketch]
    PYTHONPATH=. python bench/dedupe_speed.py --growth   # = bench/dedupe_memory.py (RSS vs N)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "saudinewsnet" / "saudinewsnet.jsonl.gz"
THR, PERM, BANDS = 0.5, 128, 32


def read(limit: int, repeat: int = 1):
    n = 0
    for rep in range(repeat):
        with gzip.open(CORPUS) as f:
            for line in f:
                r = orjson.loads(line)
                rec = {"id": f"{r['id']}#{rep}", "source": r.get("source"), "text": r.get("text") or "", "date": (r.get("date") or "")[:10] or None, "dup": None}
                if rep:  # a copy with a small change, so repeats are near (not exact) duplicates
                    rec["text"] = rec["text"] + f" {rep}"
                yield rec
                n += 1
                if n >= limit:
                    return


def engine_newscli(limit, out, repeat=1):
    from newscli.dedupe import DedupeOptions, dedupe_records

    opt = DedupeOptions(threshold=THR, num_perm=PERM, bands=BANDS, emit="all")

    def chunks():
        buf = []
        for r in read(limit, repeat):
            buf.append(r)
            if len(buf) == 200:
                yield buf, None
                buf = []
        if buf:
            yield buf, None

    with open(out, "wb") as f:
        for r in dedupe_records(chunks(), opt):
            f.write(orjson.dumps(r) + b"\n")


def _uf_peer(recs_count, pairs_fn):
    parent = list(range(recs_count))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs_fn():
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(recs_count)]


def engine_peer(name, limit, out, repeat=1):
    from newscli.dedupe import normalize_batch

    def normalized(limit, repeat):
        # the same normalization as newscli, batched like newscli does it (fair to the peers)
        buf = []
        for r in read(limit, repeat):
            buf.append(r)
            if len(buf) == 500:
                b = normalize_batch([x["text"] for x in buf])
                yield from ((x, b.text(k)) for k, x in enumerate(buf))
                buf = []
        if buf:
            b = normalize_batch([x["text"] for x in buf])
            yield from ((x, b.text(k)) for k, x in enumerate(buf))

    def shingle_set(t):
        return {t[i : i + 5] for i in range(len(t) - 4)}

    recs, mhs = [], []
    if name == "datasketch":
        from datasketch import MinHash, MinHashLSH

        lsh = MinHashLSH(num_perm=PERM, params=(BANDS, PERM // BANDS))
        for i, (r, t) in enumerate(normalized(limit, repeat)):
            m = MinHash(num_perm=PERM)
            m.update_batch([s.encode("utf-8") for s in shingle_set(t)])
            lsh.insert(i, m)
            mhs.append(m)
            recs.append(r)
    else:
        from rensa import RMinHash, RMinHashLSH

        lsh = RMinHashLSH(THR, PERM, BANDS)
        for i, (r, t) in enumerate(normalized(limit, repeat)):
            m = RMinHash(PERM, 42)
            m.update(list(shingle_set(t)))
            lsh.insert(i, m)
            mhs.append(m)
            recs.append(r)

    def pairs():  # both peers: query the index, verify against the threshold
        for i, m in enumerate(mhs):
            for j in lsh.query(m):
                if j > i and m.jaccard(mhs[j]) >= THR:
                    yield i, j

    roots = _uf_peer(len(recs), pairs)
    with open(out, "wb") as f:
        for i, r in enumerate(recs):
            r["dup"] = {"cluster": roots[i]}
            f.write(orjson.dumps(r) + b"\n")


def child(args):
    t0 = time.perf_counter()
    out = f"/tmp/dedupe_speed_{args.child}.jsonl"
    if args.child == "newscli":
        engine_newscli(args.limit, out, args.repeat)
    else:
        engine_peer(args.child, args.limit, out, args.repeat)
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    n = sum(1 for _ in open(out, "rb"))
    clusters = None
    if args.child == "newscli":
        clusters = sum(1 for l in open(out, "rb") if orjson.loads(l)["dup"]["of"] is not None)
    os.unlink(out)
    print(json.dumps({"engine": args.child, "docs": n, "seconds": dt, "peak_rss": rss, "dups": clusters}))


def baseline_rss() -> int:
    code = "import numpy, orjson, xxhash, gzip, resource; import newscli.dedupe; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss*1024)"
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout)


def run_child(engine, limit, repeat=1):
    p = subprocess.run([sys.executable, __file__, "--child", engine, "--limit", str(limit), "--repeat", str(repeat)],
                       capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if p.returncode:
        raise SystemExit(p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--engines", default="newscli,rensa,datasketch")
    ap.add_argument("--child")
    ap.add_argument("--growth", action="store_true")
    a = ap.parse_args()
    if a.child:
        child(a)
        return 0
    if not CORPUS.exists():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2
    if a.growth:  # superseded by bench/dedupe_memory.py (peak RSS, anonymous and file-backed, vs N)
        subprocess.run([sys.executable, str(ROOT / "bench" / "dedupe_memory.py")], env={**os.environ, "PYTHONPATH": str(ROOT)})
        return 0
    base = baseline_rss()
    mb = sum(len(r["text"].encode()) for r in read(a.limit)) / 1e6
    res = {}
    print(f"{a.limit} SaudiNewsNet docs, {mb:.1f} MB of text; baseline RSS {base / 1e6:.0f} MB; threshold {THR}, {PERM} perm, {BANDS} bands")
    print("engine      docs/s    MB/s   peak RSS MB  RAM/doc over baseline")
    for e in a.engines.split(","):
        r = res[e] = run_child(e, a.limit)
        print(f"{e:<11} {r['docs'] / r['seconds']:<9.0f} {mb / r['seconds']:<6.2f} {r['peak_rss'] / 1e6:<12.0f} {(r['peak_rss'] - base) / r['docs']:.0f} B")
    if "newscli" in res:
        for e in res:
            if e != "newscli":
                print(f"newscli speed / {e}: {res[e]['seconds'] / res['newscli']['seconds']:.2f}x")
    print(f"rerun: PYTHONPATH=. python bench/dedupe_speed.py --limit {a.limit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
