"""Baselines on the labeled real pairs of bench/dedupe_pairs.tsv (dup / distinct; unsure excluded).

Three verdicts per pair, side by side in one run:
- **containment threshold**, the same with |A & B| / min(|A|, |B|) (a second single-number peer);
- **Jaccard threshold** (the peer a tuned dedupe must beat): a pair is a dup when the exact char-5-gram
  Jaccard of the normalized texts (bench/_pairs.jaccard) is >= t. The best t is chosen *after the
  fact* on this very set (the most favourable single threshold), and the sweep is printed;
- **newscli.dedupe, pair alone**: the current `dedupe_records` (default options) on just the two
  records: are they put in one cluster?
- **newscli.dedupe, whole corpus**: the current `dedupe_records` (default options) over the whole
  corpus the pair comes from (what a user running `newscli dedupe` gets, chaining included): are
  both records in one cluster?

Dup precision = of the pairs a method merges, the share labeled dup; accuracy over dup+distinct.

    PYTHONPATH=. python bench/dedupe_pairs_baseline.py [--no-corpus] [--tsv bench/dedupe_pairs.tsv]

The corpora are read from ../shared/corpora (absent corpora are skipped with a note).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._measure import machine  # noqa: E402
from bench._pairs import TSV, corpus_path, jaccard, load_pairs, shingle_set  # noqa: E402
from newscli.dedupe import DedupeOptions, DedupeStats, dedupe_records  # noqa: E402


def scores(pred: list[bool], gold: list[bool]) -> dict:
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    tn = len(gold) - tp - fp - fn
    return {
        "acc": (tp + tn) / len(gold) if gold else 0.0,
        "prec": tp / (tp + fp) if tp + fp else 1.0,
        "rec": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
    }


def fmt(s: dict) -> str:
    return (f"accuracy {s['acc']:.3f}  dup precision {s['prec']:.3f}  dup recall {s['rec']:.3f}  "
            f"(merged dup {s['tp']}, merged distinct {s['fp']}, missed dup {s['fn']}, kept distinct {s['tn']})")


def sweep(js: list[float], gold: list[bool]) -> list[tuple[float, dict]]:
    out = []
    for t in sorted(set(round(j, 3) for j in js) | {0.5, 0.7, 0.8, 0.9}):
        out.append((t, scores([j >= t for j in js], gold)))
    return out


def pair_alone(text_a: str, text_b: str, opt: DedupeOptions) -> bool:
    recs = [{"id": "a", "text": text_a, "date": None}, {"id": "b", "text": text_b, "date": None}]
    out = list(dedupe_records([(recs, None)], opt, DedupeStats()))
    return out[0]["dup"]["cluster"] == out[1]["dup"]["cluster"]


def corpus_clusters(corpus: str, opt: DedupeOptions) -> dict[str, int]:
    import gzip

    import orjson

    recs = []
    with gzip.open(corpus_path(corpus)) as fh:
        for line in fh:
            r = orjson.loads(line)
            d = r.get("date")
            recs.append({"id": r["id"], "text": r.get("text") or "", "date": d if isinstance(d, str) and d[:4].isdigit() else None})
    chunks = [(recs[i : i + 2000], None) for i in range(0, len(recs), 2000)]
    return {r["id"]: r["dup"]["cluster"] for r in dedupe_records(chunks, opt, DedupeStats())}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tsv", default=str(TSV))
    ap.add_argument("--no-corpus", action="store_true", help="skip the whole-corpus dedupe runs (about 2 minutes)")
    a = ap.parse_args()
    t0 = time.perf_counter()
    pairs = list(load_pairs(Path(a.tsv)))
    if not pairs:
        print("no labeled pairs could be loaded (is ../shared/corpora present?)")
        return 1
    gold = [p.label == "dup" for p in pairs]
    js = [jaccard(p.text_a, p.text_b) for p in pairs]
    drift = sum(abs(j - p.jaccard) > 0.0015 for j, p in zip(js, pairs))
    print(f"machine: {machine()}")
    print(f"pairs: {len(pairs)} ({sum(gold)} dup, {len(gold) - sum(gold)} distinct; unsure excluded); "
          f"TSV jaccard column disagrees with a recomputation on {drift}")
    by = Counter((p.corpus, p.label) for p in pairs)
    for c in sorted({p.corpus for p in pairs}):
        print(f"  {c}: {by[(c, 'dup')]} dup, {by[(c, 'distinct')]} distinct")
    print("  kinds: " + ", ".join(f"{k}:{n}" for k, n in sorted(Counter((p.label, p.kind) for p in pairs).items())))

    sw = sweep(js, gold)
    best_t, best = max(sw, key=lambda x: (x[1]["acc"], x[1]["prec"]))
    print("\n== single Jaccard threshold (char-5 shingles, exact), chosen after the fact on this set")
    print(f"best accuracy at t={best_t:.3f}: {fmt(best)}")
    for t_fixed in (0.5, 0.7, 0.8, 0.9):
        s = dict(sw)[t_fixed]
        print(f"  t={t_fixed:.1f}: {fmt(s)}")
    hp = [(t, s) for t, s in sw if s["prec"] >= 0.98 and s["tp"] > 0]
    if hp:
        t98, s98 = min(hp, key=lambda x: x[0])
        print(f"lowest t with dup precision >= 0.98: t={t98:.3f}: {fmt(s98)}")

    # a second single-number peer: containment |A & B| / min(|A|, |B|) (shortened copies score high)
    cont = []
    for p in pairs:
        sa, sb = shingle_set(p.text_a), shingle_set(p.text_b)
        cont.append(len(sa & sb) / min(len(sa), len(sb)) if sa and sb else 0.0)
    csw = sweep(cont, gold)
    ct, cs = max(csw, key=lambda x: (x[1]["acc"], x[1]["prec"]))
    print(f"(peer 2) single containment threshold, chosen after the fact: t={ct:.3f}: {fmt(cs)}")

    opt = DedupeOptions(emit="all")
    alone = [pair_alone(p.text_a, p.text_b, opt) for p in pairs]
    print("\n== current newscli.dedupe (default options), the two records alone")
    print(fmt(scores(alone, gold)))

    whole = None
    if not a.no_corpus:
        whole = []
        cl: dict[str, dict[str, int]] = {}
        for c in sorted({p.corpus for p in pairs}):
            cl[c] = corpus_clusters(c, opt)
        whole = [cl[p.corpus][p.id_a] == cl[p.corpus][p.id_b] for p in pairs]
        print("\n== current newscli.dedupe (default options), whole corpus (as a user runs it; clusters chain)")
        print(fmt(scores(whole, gold)))

    print("\n== per kind: pairs, share merged by [t_best | dedupe alone" + (" | dedupe corpus]" if whole else "]"))
    groups = defaultdict(list)
    for i, p in enumerate(pairs):
        groups[(p.label, p.kind)].append(i)
    for (lab, kind), idx in sorted(groups.items()):
        merged_t = sum(js[i] >= best_t for i in idx) / len(idx)
        merged_a = sum(alone[i] for i in idx) / len(idx)
        line = f"  {lab:8} {kind:12} n={len(idx):3}  merged {merged_t:.2f} | {merged_a:.2f}"
        if whole:
            line += f" | {sum(whole[i] for i in idx) / len(idx):.2f}"
        print(line)

    print("\n== Jaccard bands: dup / distinct counts")
    for lo, hi in ((0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        d = sum(1 for j, g in zip(js, gold) if lo <= j < hi and g)
        n = sum(1 for j, g in zip(js, gold) if lo <= j < hi and not g)
        print(f"  [{lo:.1f}, {min(hi, 1.0):.1f}{')' if hi < 1 else ']'}: {d} dup, {n} distinct")
    print(f"\nwall {time.perf_counter() - t0:.0f} s; rerun: PYTHONPATH=. python bench/dedupe_pairs_baseline.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
