"""Dedupe on real corpora: counts and a sample of clusters to check by eye.

- egypt_news_credibility_2013_week: every group of byte-identical bodies must end in one cluster;
- saudinewsnet: cross-outlet syndicated copies (clusters spanning sources);
- ant_multisource_2018: five outlets covering the same events in their own words: cross-outlet
  clusters should be rare (each one printed for checking).

    PYTHONPATH=. python bench/dedupe_real.py [--threshold 0.5] [--sample 6]
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
from collections import defaultdict
from pathlib import Path

import orjson

from newscli.dedupe import DedupeOptions, DedupeStats, dedupe_records

C = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora"
CORPORA = {
    "egypt": C / "egypt_news_credibility_2013_week" / "egypt_news_2013-03-20_to_26.jsonl.gz",
    "saudinewsnet": C / "saudinewsnet" / "saudinewsnet.jsonl.gz",
    "ant_multisource": C / "ant_multisource_2018" / "ant_multisource_2018.jsonl.gz",
}


def load(path):
    with gzip.open(path) as f:
        for line in f:
            r = orjson.loads(line)
            d = r.get("date")
            yield {"id": r["id"], "source": r.get("source"), "text": r.get("text") or "", "date": d if isinstance(d, str) and d[:4].isdigit() else None, "dup": None}


def run(name, opt, sample, rnd):
    recs = list(load(CORPORA[name]))
    st = DedupeStats()
    chunks = [(recs[i : i + 2000], None) for i in range(0, len(recs), 2000)]
    out = list(dedupe_records(chunks, opt, st))
    clusters = defaultdict(list)
    for r in out:
        if r["dup"]["size"] > 1:
            clusters[r["dup"]["cluster"]].append(r)
    cross = {c: m for c, m in clusters.items() if len({r["source"] for r in m}) > 1}
    print(f"\n== {name}: {st.records} records, {st.clusters} clusters, {st.duplicates} duplicates "
          f"({st.exact_duplicates} exact, {st.near_duplicates} near), largest cluster {st.largest_cluster}, "
          f"{len(cross)} cross-source clusters; candidates {st.candidate_pairs}, rejected {st.rejected_pairs} "
          f"({st.rejected_by_slots} by slots or dates), large buckets {st.large_buckets}, largest bucket {st.largest_bucket}")
    if name == "egypt":
        by_body = defaultdict(set)
        for r in out:
            if r["text"].strip():
                by_body[r["text"]].add(r["dup"]["cluster"])
        groups = [b for b in by_body if sum(1 for r in out if False) == 0]
        multi = sum(1 for r in by_body.values() if len(r) > 1)
        counts = defaultdict(int)
        for r in out:
            if r["text"].strip():
                counts[r["text"]] += 1
        n_groups = sum(1 for t, k in counts.items() if k > 1)
        print(f"identical-body groups: {n_groups}; split across clusters: {multi} (must be 0)")
    if name == "ant_multisource":
        pick = sorted(cross)
    else:
        pick = sorted(cross) if name == "saudinewsnet" else sorted(clusters)
    pick = rnd.sample(pick, min(sample, len(pick)))
    for c in pick:
        m = clusters[c]
        print(f"-- cluster {c} ({len(m)} members)")
        for r in m[:4]:
            t = r["text"].replace("\n", " ")
            print(f"   {r['id']} [{r['source']}] of={r['dup']['of']} sim={r['dup']['sim']}: {t[:110]}")
    return st, len(cross)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=DedupeOptions.threshold)
    ap.add_argument("--sample", type=int, default=6)
    ap.add_argument("--only")
    a = ap.parse_args()
    opt = DedupeOptions(threshold=a.threshold, emit="all")
    rnd = random.Random(3)
    for name, path in CORPORA.items():
        if a.only and name != a.only:
            continue
        if not path.exists():
            print(f"skip {name}: {path} absent")
            continue
        run(name, opt, a.sample, rnd)
    print(f"\nrerun: PYTHONPATH=. python bench/dedupe_real.py --threshold {a.threshold}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
