"""A uniform random sample of the real pairs dedupe has to decide on (bench/dedupe_pairs_random.tsv).

bench/dedupe_pairs.tsv was mined for hard cases; this set shows what a user meets. The population,
per corpus of bench/_pairs.CORPORA: every pair of records whose exact char-5 Jaccard
(bench/_pairs.jaccard) is >= 0.3 and that MinHash/LSH finds at a low threshold (the 42x3 banding of
newscli's own 128-value signatures, bench/dedupe_pairs_mine._lsh_pairs: a pair at Jaccard 0.3 is a
candidate with p ~ 0.68, at 0.5 with p ~ 0.996; buckets of more than 40 records are skipped, so
big template families are under-counted), plus every pair of exact copies (same normalized
text, Jaccard 1.0), also those in exact groups too large for an LSH bucket. Texts shorter than
dedupe's min_chars (30 normalized chars) take no part, as in the tool. Pairs already labeled in
bench/dedupe_pairs.tsv are left out. The draw is uniform over the pooled population, split across
the corpora in proportion to their population (largest remainder), with a fixed seed.

    PYTHONPATH=. python bench/dedupe_pairs_random.py population   # count it (writes /tmp/rlabel/pop_*.tsv)
    PYTHONPATH=. python bench/dedupe_pairs_random.py sample [-n 200] [--seed 12]   # draw, in labeling order
    PYTHONPATH=. python bench/dedupe_pairs_random.py score [--tool] [--tsv bench/dedupe_pairs.tsv]
        # labels per band and corpus; accuracy of a single Jaccard threshold (and of the current dedupe)

Population as counted on 2026-11-30 (`population`), pairs per corpus and exact-Jaccard band:
    corpus                            0.3-0.5  0.5-0.7  0.7-0.9  0.9-1.0    1.0   total
    saudinewsnet                        14618     8669     6755     4469   1040   35551
    ant_multisource_2018                 3894     1002      415      164   1545    7020
    egypt_news_credibility_2013_week     6715     4140     3535     2408   2681   19479
    ant_jawharafm_tunisia                2670      166       20       10    179    3045
    all                                 27897    13977    10725     7051   5445   65095
(0.9-1.0 excludes exact copies; 1.0 = exact copies, same normalized text. 400 pairs found are in
bench/dedupe_pairs.tsv and are left out: 163, 84, 106, 47 per corpus. The MinHash pre-filter skips a pair whose
signature agreement is < 0.12 before computing its exact Jaccard; at J = 0.3 that loses p < 1e-5.)
The pair population over-weights large template families (n reports of one template give n(n-1)/2
pairs): the drawn 200 hold 8 pairs of one relief-flight template, for instance.
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


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a proportion k/n."""
    if n == 0:
        return float("nan"), float("nan")
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / d
    return c - h, c + h


def _verdict_line(name: str, rows, merged) -> str:
    """Accuracy and dup precision of a merge decision (merged: pair -> bool) over dup/distinct rows."""
    ok = sum(merged(p) == (p.label == "dup") for p in rows)
    tp = sum(merged(p) and p.label == "dup" for p in rows)
    fp = sum(merged(p) and p.label == "distinct" for p in rows)
    lo, hi = wilson(ok, len(rows))
    prec = f"{tp / (tp + fp):.3f}" if tp + fp else "n/a"
    ndup = sum(p.label == "dup" for p in rows)
    return (f"  {name}: accuracy {ok / len(rows):.3f} [{lo:.2f}-{hi:.2f}]  dup precision {prec}  dup recall "
            f"{tp / ndup if ndup else float('nan'):.3f}  (merged {tp + fp}: {fp} distinct)")


def tool_merged(rows) -> dict[tuple[str, str, str], bool]:
    """(corpus, id_a, id_b) -> True when the current newscli dedupe (default options) puts both
    records in one cluster, i.e. keeps at most one of them."""
    from bench.dedupe_pairs_mine import current_clusters

    out = {}
    for c in sorted({p.corpus for p in rows}):
        cl = current_clusters(read_corpus(c), DedupeOptions(emit="all"))
        for p in rows:
            if p.corpus == c:
                out[(c, p.id_a, p.id_b)] = cl[p.id_a] == cl[p.id_b]
    return out


def cmd_score(tool: bool, path: Path = OUT_TSV) -> None:
    allrows = read_tsv(path)
    print(f"{path.name}:")
    rows = [p for p in allrows if p.label in ("dup", "distinct")]
    print(f"{len(allrows)} labeled rows, {len(rows)} dup/distinct, {len(allrows) - len(rows)} unsure")
    names = ["<0.3"] * any(p.jaccard < LOW for p in allrows) + [f"{lo}-{hi}" for lo, hi in BANDS[:-1]] + ["1.0"]
    by = defaultdict(Counter)
    for p in allrows:
        by[band(p.jaccard)][f"{p.label}/{p.kind}"] += 1
    print("labels per Jaccard band:")
    for nme in names:
        cnt = by[nme]
        tot = Counter(k.split("/")[0] for k in cnt.elements())
        print(f"  {nme}: {sum(cnt.values())} pairs (dup {tot['dup']}, distinct {tot['distinct']}, unsure {tot['unsure']}): "
              + ", ".join(f"{k} {v}" for k, v in sorted(cnt.items())))
    print("labels per corpus:")
    for c in CORPORA:
        cnt = Counter(p.label for p in allrows if p.corpus == c)
        print(f"  {c}: " + ", ".join(f"{k} {v}" for k, v in sorted(cnt.items())))
    cuts = sorted({p.jaccard for p in rows} | {0.5, 0.7})
    best = max(cuts, key=lambda t: (accuracy(rows, t), -abs(t - 0.5)))
    print("a single exact-Jaccard threshold (merge when J >= t):")
    for t in (0.5, 0.7, best):
        print(_verdict_line(f"J >= {t:.3f}" + (" (best after the fact)" if t == best else ""), rows, lambda p, t=t: p.jaccard >= t))
    print(_verdict_line("merge every labeled pair", rows, lambda p: True))
    if tool:
        m = tool_merged(rows)
        print("the current newscli dedupe, default options (same cluster = merged):")
        print(_verdict_line("newscli dedupe", rows, lambda p: m[(p.corpus, p.id_a, p.id_b)]))
        for nme in names:
            b = [p for p in rows if band(p.jaccard) == nme]
            d = [p for p in b if p.label == "dup"]
            fp = sum(m[(p.corpus, p.id_a, p.id_b)] for p in b if p.label == "distinct")
            print(f"    {nme}: merged {sum(m[(p.corpus, p.id_a, p.id_b)] for p in d)} of {len(d)} dup, {fp} of {len(b) - len(d)} distinct")


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("population")
    s = sub.add_parser("sample")
    s.add_argument("-n", type=int, default=200)
    s.add_argument("--seed", type=int, default=12)
    sc = sub.add_parser("score")
    sc.add_argument("--tool", action="store_true", help="also run the current newscli dedupe on the four corpora")
    sc.add_argument("--tsv", type=Path, default=OUT_TSV, help="score another labeled set (e.g. bench/dedupe_pairs.tsv)")
    a = ap.parse_args()
    if a.cmd == "population":
        cmd_population()
    elif a.cmd == "sample":
        cmd_sample(a.n, a.seed)
    else:
        cmd_score(a.tool, a.tsv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
