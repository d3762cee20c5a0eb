"""find_dates over the shared corpora: hits per system per corpus and a random sample of each
system's hits with context, to check by eye for false hits. Skips absent corpora.

Run:  PYTHONPATH=. python bench/dates_corpus.py [--docs N] [--sample K] [--seed S]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from collections import Counter, defaultdict
from pathlib import Path

from newscli.dates import find_dates

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora"
CORPORA = {
    "saudinewsnet": "saudinewsnet/saudinewsnet.jsonl.gz",
    "ant_multisource": "ant_multisource_2018/ant_multisource_2018.jsonl.gz",
    "ant_jawharafm_tunisia": "ant_jawharafm_tunisia/ant_jawharafm_v1_1.jsonl.gz",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=0, help="documents per corpus (0: all)")
    ap.add_argument("--sample", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    for name, rel in CORPORA.items():
        path = SHARED / rel
        if not path.exists():
            print(f"== {name}: absent, skipped")
            continue
        counts: Counter[str] = Counter()
        errors = 0
        samples: dict[str, list[str]] = defaultdict(list)
        seen: Counter[str] = Counter()
        docs = chars = 0
        t0 = time.perf_counter()
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                text = rec.get("text") or ""
                docs += 1
                chars += len(text)
                for e in find_dates(text):
                    sysname = e["system"]
                    counts[sysname] += 1
                    errors += e["iso"] is None
                    seen[sysname] += 1
                    # reservoir sample per system
                    item = f"{e['iso']}  «{e['match']}»  …{text[max(0, e['start'] - 40):e['end'] + 30]}…".replace("\n", " ")
                    if len(samples[sysname]) < args.sample:
                        samples[sysname].append(item)
                    else:
                        k = rng.randrange(seen[sysname])
                        if k < args.sample:
                            samples[sysname][k] = item
                if args.docs and docs >= args.docs:
                    break
        dt = time.perf_counter() - t0
        print(f"== {name}: {docs} docs, {chars / 1e6:.1f} M chars, {dt:.1f} s (incl. JSON/gzip), "
              f"{sum(counts.values())} dates, {errors} not convertible")
        for sysname, c in counts.most_common():
            print(f"  {sysname:12s} {c}")
        for sysname in counts:
            print(f"  -- sample {sysname}")
            for item in samples[sysname]:
                print("    " + item)
    print("rerun: PYTHONPATH=. python bench/dates_corpus.py")


if __name__ == "__main__":
    main()
