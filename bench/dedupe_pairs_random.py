"""A uniform random sample of the real pairs dedupe has to decide on (bench/dedupe_pairs_random.tsv).

bench/dedupe_pairs.tsv was mined for hard cases; this set shows what a user meets. The population,
per corpus of bench/_pairs.CORPORA: every pair of records whose exact char-5 Jaccard
(bench/_pairs.jaccard) is >= 0.3 and that MinHash/LSH finds at a low threshold (the 42x3 banding of
newscli's own 128-value signatures, bench/dedupe_pairs_mine._lsh_pairs: a pair at Jaccard 0.3 is a
candidate with p ~ 0.68, at 0.5 with p ~ 0.9996), plus every pair of exact copies (same normalized
text, Jaccard 1.0), also those in exact groups too large for an LSH bucket. Texts shorter than
dedupe's min_chars (30 normalized chars) take no part, as in the tool. Pairs already labeled in
bench/dedupe_pairs.tsv are left out. The draw is uniform over the pooled population, split across
the corpora in proportion to their population (largest remainder), with a fixed seed.

    PYTHONPATH=. python bench/dedupe_pairs_random.py population   # count it (writes /tmp/rlabel/pop_*.tsv)
    PYTHONPATH=. python bench/dedupe_pairs_random.py sample [-n 200] [--seed 12]   # draw, in labeling order
    PYTHONPATH=. python bench/dedupe_pairs_random.py score          # threshold accuracy on the labeled set

Population as counted on 2026-11-30 (`population`), pairs per corpus and exact-Jaccard band:
POPULATION (filled in below)
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._pairs import CORPORA, TSV, corpus_path, read_tsv, shingle_set  # noqa: E402
from bench.dedupe_pairs_mine import _lsh_pairs, read_corpus  # noqa: E402
from newscli.dedupe import DedupeOptions, prepare  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT_TSV = HERE / "dedupe_pairs_random.tsv"
CACHE = Path("/tmp/rlabel")
BANDS = ((0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.0), (1.0, 1.0))
LOW = 0.3
EST_FLOOR = 0.12  # skip exact Jaccard when the MinHash estimate is this low (J >= 0.3 then has p < 1e-5)


def band(j: float) -> str:
    if j >= 1.0:
        return "1.0"
    for lo, hi in BANDS[:-1]:
        if lo <= j < hi:
            return f"{lo}-{hi}"
    return "<0.3"


def population(corpus: str) -> list[tuple[str, str, float]]:
    """(id_a, id_b, jaccard) of every pair of the population of `corpus`, in corpus order."""
    recs = read_corpus(corpus)
    texts = [r["text"] for r in recs]
    opt = DedupeOptions(emit="all")
    s = prepare(texts, opt)
    ok = s.nchars >= opt.min_chars
    pairs = _lsh_pairs(s.sig, ok)
    groups = defaultdict(list)  # exact copies: all pairs of each group (LSH skips buckets > 40)
    for i in np.flatnonzero(ok):
        groups[int(s.exact[i])].append(int(i))
    for g in groups.values():
        for x in range(len(g)):
            for y in range(x + 1, len(g)):
                pairs.add((g[x], g[y]))
    sh: dict[int, set] = {}
    out = []
    for i, j in sorted(pairs):
        if s.exact[i] == s.exact[j]:
            jac = 1.0
        else:
            if float((s.sig[i] == s.sig[j]).mean()) < EST_FLOOR:
                continue
            a = sh.get(i) or sh.setdefault(i, shingle_set(texts[i]))
            b = sh.get(j) or sh.setdefault(j, shingle_set(texts[j]))
            jac = len(a & b) / len(a | b) if a and b else 0.0
            if jac >= 1.0:  # same shingle set, not the same normalized text
                jac = 0.999  # kept below 1.0: 1.0 means exact copies
        if jac >= LOW:
            out.append((recs[i]["id"], recs[j]["id"], jac))
    return out


def labeled_keys() -> set[tuple[str, str, str]]:
    keys = set()
    for p in read_tsv(TSV):
        keys.add((p.corpus, p.id_a, p.id_b))
        keys.add((p.corpus, p.id_b, p.id_a))
    return keys


def cmd_population() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    old = labeled_keys()
    table = {}
    for c in CORPORA:
        if not corpus_path(c).exists():
            print(f"{c}: absent, skipped", file=sys.stderr)
            continue
        pop = population(c)
        kept = [p for p in pop if (c, p[0], p[1]) not in old]
        with open(CACHE / f"pop_{c}.tsv", "w", encoding="utf-8") as fh:
            for a, b, j in kept:
                fh.write(f"{a}\t{b}\t{j:.4f}\n")
        table[c] = Counter(band(j) for _, _, j in kept)
        print(f"{c}: {len(pop)} pairs, {len(pop) - len(kept)} already labeled, {len(kept)} in population", file=sys.stderr)
    names = [f"{lo}-{hi}" for lo, hi in BANDS[:-1]] + ["1.0"]
    print("corpus\t" + "\t".join(names) + "\ttotal")
    for c, cnt in table.items():
        print(c + "\t" + "\t".join(str(cnt[n]) for n in names) + f"\t{sum(cnt.values())}")
    tot = sum(table.values(), Counter())
    print("all\t" + "\t".join(str(tot[n]) for n in names) + f"\t{sum(tot.values())}")


def read_population(c: str) -> list[tuple[str, str, float]]:
    with open(CACHE / f"pop_{c}.tsv", encoding="utf-8") as fh:
        return [(a, b, float(j)) for a, b, j in (line.rstrip("\n").split("\t") for line in fh)]


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """n split in proportion to sizes (largest remainder; ties by name)."""
    total = sum(sizes.values())
    quota = {c: n * s / total for c, s in sizes.items()}
    got = {c: int(q) for c, q in quota.items()}
    rest = sorted(sizes, key=lambda c: (-(quota[c] - got[c]), c))
    for c in rest[: n - sum(got.values())]:
        got[c] += 1
    return got


def cmd_sample(n: int, seed: int) -> None:
    pops = {c: read_population(c) for c in CORPORA if (CACHE / f"pop_{c}.tsv").exists()}
    alloc = allocate({c: len(p) for c, p in pops.items()}, n)
    rnd = random.Random(seed)
    drawn = []
    for c in sorted(pops):
        drawn += [(c, *p) for p in rnd.sample(pops[c], alloc[c])]
    rnd.shuffle(drawn)  # the labeling order
    for c, a, b, j in drawn:
        print(f"{c}\t{a}\t{b}\t{j:.3f}")
    print(f"allocation {alloc}", file=sys.stderr)


def accuracy(rows, t: float) -> float:
    return sum((p.jaccard >= t) == (p.label == "dup") for p in rows) / len(rows)


def cmd_score() -> None:
    allrows = read_tsv(OUT_TSV)
    rows = [p for p in allrows if p.label in ("dup", "distinct")]
    print(f"{len(allrows)} labeled rows, {len(rows)} dup/distinct, {len(allrows) - len(rows)} unsure")
    names = [f"{lo}-{hi}" for lo, hi in BANDS[:-1]] + ["1.0"]
    by = defaultdict(Counter)
    for p in allrows:
        by[band(p.jaccard)][f"{p.label}/{p.kind}"] += 1
    for nme in names:
        print(f"  {nme}: " + ", ".join(f"{k} {v}" for k, v in sorted(by[nme].items())))
    cuts = sorted({p.jaccard for p in rows} | {0.5, 0.7})
    best = max(cuts, key=lambda t: (accuracy(rows, t), -abs(t - 0.5)))
    for t in (0.5, 0.7, best):
        tp = sum(p.jaccard >= t and p.label == "dup" for p in rows)
        fp = sum(p.jaccard >= t and p.label == "distinct" for p in rows)
        prec = tp / (tp + fp) if tp + fp else float("nan")
        print(f"  J >= {t:.3f}: accuracy {accuracy(rows, t):.3f}  dup precision {prec:.3f}  (merged {tp + fp}: {fp} distinct)"
              + ("  <- best after the fact" if t == best else ""))
    print(f"  all dup (no threshold): accuracy {sum(p.label == 'dup' for p in rows) / len(rows):.3f}")


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("population")
    s = sub.add_parser("sample")
    s.add_argument("-n", type=int, default=200)
    s.add_argument("--seed", type=int, default=12)
    sub.add_parser("score")
    a = ap.parse_args()
    if a.cmd == "population":
        cmd_population()
    elif a.cmd == "sample":
        cmd_sample(a.n, a.seed)
    else:
        cmd_score()
    return 0


if __name__ == "__main__":
    sys.exit(main())
