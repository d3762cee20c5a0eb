"""Dedupe's verification rule on real labeled pairs (bench/dedupe_pairs.tsv), beside a single
Jaccard threshold chosen after the fact, in the same run.

The TSV holds ids only (columns documented in its header: corpus, id_a, id_b, label, kind,
jaccard, note); texts are read from ../shared/corpora. For every dup/distinct pair it computes what
dedupe verifies: the MinHash similarity estimate (128 permutations, char:5) and the slot comparison
(agreeing/differing slots, `newscli.dedupe.slots`), then scores:

- the rule (`newscli.dedupe.verify.accept`): ``sim >= threshold`` with no differing slot,
  ``>= single_slot_threshold`` with exactly one, ``>= slot_threshold`` with two or more or with
  publication dates more than max_days apart, ``>= new_lead_threshold`` when the leads differ
  (lead similarity below new_lead_below, or with `lead_outcomes` one lead naming an outcome the
  other text never names: `newscli.dedupe.outcomes`); over grids (the first grids without the
  lead check);
- the baseline: one threshold on the exact Jaccard (TSV column), best accuracy after the fact.

"dup precision" = labeled dup among pairs predicted dup; accuracy over all scored pairs.

    python bench/dedupe_pairs_eval.py [--tsv bench/dedupe_pairs.tsv] [--errors]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._pairs import records_by_id  # noqa: E402
from newscli.dedupe import DedupeOptions, compare_slots, prepare, similarity  # noqa: E402
from newscli.dedupe.spool import date_key  # noqa: E402
from newscli.dedupe.outcomes import new_outcome  # noqa: E402
from newscli.dedupe.signing import lead_similarity  # noqa: E402
from newscli.dedupe.verify import DATES_FAR, NEW_LEAD, accept, day_numbers  # noqa: E402
from newscli.records import parse_date  # noqa: E402

BENCH = Path(__file__).resolve().parent


def read_tsv(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        if f[0] == "corpus":
            continue
        rows.append({"corpus": f[0], "a": f[1], "b": f[2], "label": f[3], "kind": f[4], "jaccard": float(f[5]), "note": f[6] if len(f) > 6 else ""})
    return rows


def texts(rows: list[dict]) -> dict[tuple[str, str], dict]:
    want: dict[str, set] = {}
    for r in rows:
        want.setdefault(r["corpus"], set()).update((r["a"], r["b"]))
    return {(corpus, i): rec for corpus, ids in want.items() for i, rec in records_by_id(corpus, ids).items()}


def features(rows: list[dict], opt: DedupeOptions) -> dict[str, np.ndarray]:
    tx = texts(rows)
    ra = [tx[(r["corpus"], r["a"])] for r in rows]
    rb = [tx[(r["corpus"], r["b"])] for r in rows]
    a = prepare([x.get("text") or "" for x in ra], opt)
    b = prepare([x.get("text") or "" for x in rb], opt)
    agree, differ = compare_slots(a.slots, b.slots)
    # dates as the pipeline gives them to dedupe (records.from_object: ISO via parse_date)
    days = np.abs(day_numbers([date_key(parse_date(x.get("date"))) for x in ra])
                  - day_numbers([date_key(parse_date(x.get("date"))) for x in rb]))
    return {"sim": similarity(a.sig, b.sig), "agree": agree, "differ": differ, "exact": a.exact == b.exact, "days": days,
            "lead": lead_similarity(a.lead, b.lead), "outcome": new_outcome(a.outcomes, b.outcomes),
            "jac": np.array([r["jaccard"] for r in rows]), "dup": np.array([r["label"] == "dup" for r in rows])}


def score(pred: np.ndarray, dup: np.ndarray) -> dict:
    tp = int((pred & dup).sum())
    fp = int((pred & ~dup).sum())
    fn = int((~pred & dup).sum())
    return {"prec": tp / (tp + fp) if tp + fp else 1.0, "rec": tp / (tp + fn) if tp + fn else 1.0,
            "acc": float((pred == dup).mean()), "fp": fp, "fn": fn}


def rule(f, thr: float, slot_thr: float, max_days: float = float("inf"), single: float | None = None,
         lead_thr: float | None = None, lead_below: float = 0.4, outcomes: bool = True) -> np.ndarray:
    """The verification rule of `newscli.dedupe.verify.accept` on the pairs' features (the lead
    check only when lead_thr is given; its outcome words when ``outcomes``)."""
    opt = DedupeOptions(threshold=thr, slot_threshold=slot_thr if slot_thr <= 1 else 1.0,
                        single_slot_threshold=min(1.0, slot_thr if single is None else single),
                        new_lead_threshold=thr if lead_thr is None else max(thr, lead_thr), new_lead_below=lead_below)
    with np.errstate(invalid="ignore"):  # as verify.check_pairs: one slot on another day is far too
        far = (f["days"] > max_days) | ((f["differ"] == 1) & (f["days"] >= opt.single_slot_days))
    new_lead = (f["lead"] < lead_below - 1e-9) | (f["outcome"] & outcomes)
    flags = far.astype(np.uint8) * DATES_FAR | new_lead.astype(np.uint8) * NEW_LEAD
    ok = accept(f["sim"], f["differ"], flags, opt)
    if slot_thr > 1:  # the grid's "no slot acceptance at all" column
        ok &= (f["differ"] == 0) & ~(f["days"] > max_days)
    return ok | f["exact"]


def fmt(s: dict) -> str:
    return f"prec {s['prec']:.3f}  rec {s['rec']:.3f}  acc {s['acc']:.3f}  (fp {s['fp']}, fn {s['fn']})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tsv", type=Path, default=BENCH / "dedupe_pairs.tsv")
    ap.add_argument("--errors", action="store_true", help="list the pairs the default rule gets wrong")
    args = ap.parse_args()
    rows = [r for r in read_tsv(args.tsv) if r["label"] in ("dup", "distinct")]
    opt = DedupeOptions()
    f = features(rows, opt)
    dup = f["dup"]
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[f"{r['label']}/{r['kind']}"] = kinds.get(f"{r['label']}/{r['kind']}", 0) + 1
    print(f"{len(rows)} labeled pairs ({int(dup.sum())} dup, {int((~dup).sum())} distinct) from {args.tsv.name}")
    print("  " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print("\nbaseline: one threshold on exact char-5 Jaccard, chosen after the fact (best accuracy)")
    best = max((score(f["jac"] >= t, dup)["acc"], t) for t in np.arange(0.05, 1.0, 0.01))
    print(f"  jaccard >= {best[1]:.2f}: {fmt(score(f['jac'] >= best[1], dup))}")
    bests = max((score(f["sim"] >= t, dup)["acc"], t) for t in np.arange(0.05, 1.0, 0.01))
    print(f"  minhash >= {bests[1]:.2f}: {fmt(score(f['sim'] >= bests[1], dup))}")
    for t in (0.5, 0.6, 0.7, 0.8):
        print(f"  jaccard >= {t:.2f}: {fmt(score(f['jac'] >= t, dup))}")
    for t in (0.5, 0.7, 0.8):
        print(f"  newscli minhash >= {t:.2f}, no slot or date rule: {fmt(score((f['sim'] >= t - 1e-9) | f['exact'], dup))}")
    print("\nnewscli rule: sim >= threshold and (no differing slot or sim >= slot_threshold); grid")
    slot_thrs = (0.85, 0.9, 0.95, 1.01)
    print("  thr   " + "  ".join(f"slot>={s:<4}" + " " * 26 for s in slot_thrs))
    for thr in np.arange(0.3, 0.81, 0.05):
        cells = []
        for s in slot_thrs:
            sc = score(rule(f, thr, s), dup)
            cells.append(f"p {sc['prec']:.3f} r {sc['rec']:.3f} a {sc['acc']:.3f}      ")
        print(f"  {thr:.2f}  " + "  ".join(cells))
    print("\nwith publication dates more than max_days apart counted as a differing slot")
    for days in (1.0, 2.0, 3.0, 7.0):
        for thr in (0.5, 0.6, 0.7, 0.8):
            cells = [f"slot>={s}: " + fmt(score(rule(f, thr, s, days), dup)) for s in (0.9, 0.95)]
            print(f"  days>{days:<4} thr {thr:.2f}  " + "   ".join(cells))
    print("\none differing slot (single_slot_threshold), threshold 0.7, slot_threshold 0.95, max_days 2")
    for single in (0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        print(f"  single_slot_threshold {single:.2f}: {fmt(score(rule(f, 0.7, 0.95, 2.0, single), dup))}")
    nolead = score(rule(f, opt.threshold, opt.slot_threshold, opt.max_days, opt.single_slot_threshold), dup)
    print(f"\nthe lead check (new_lead_threshold when the leads' similarity is below new_lead_below), "
          f"threshold {opt.threshold}, slots and dates as the defaults; without it: {fmt(nolead)}")
    for below in (0.3, 0.4, 0.5):
        for lt in (0.85, 0.9, 0.95):
            for oc in (False, True):
                print(f"  new_lead_below {below:.2f} new_lead_threshold {lt:.2f} outcome words {'on ' if oc else 'off'}: "
                      f"{fmt(score(rule(f, opt.threshold, opt.slot_threshold, opt.max_days, opt.single_slot_threshold, lt, below, oc), dup))}")
    print(f"  pairs whose lead names an outcome the other text never names: {int((f['outcome'] & dup).sum())} dup, "
          f"{int((f['outcome'] & ~dup).sum())} distinct; at sim >= {opt.threshold}: "
          f"{int((f['outcome'] & dup & (f['sim'] >= opt.threshold)).sum())} dup, {int((f['outcome'] & ~dup & (f['sim'] >= opt.threshold)).sum())} distinct")
    d = score(rule(f, opt.threshold, opt.slot_threshold, opt.max_days, opt.single_slot_threshold,
                   opt.new_lead_threshold, opt.new_lead_below, opt.lead_outcomes), dup)
    print(f"\ndefault (threshold {opt.threshold}, single_slot_threshold {opt.single_slot_threshold}, "
          f"slot_threshold {opt.slot_threshold}, max_days {opt.max_days}, new_lead_threshold {opt.new_lead_threshold}, "
          f"new_lead_below {opt.new_lead_below}, lead_outcomes {opt.lead_outcomes}): {fmt(d)}")
    print(f"  differing slots among distinct pairs with sim >= {opt.threshold}: "
          f"{int(((f['differ'] > 0) & ~dup & (f['sim'] >= opt.threshold)).sum())} of {int((~dup & (f['sim'] >= opt.threshold)).sum())}; "
          f"among dup pairs: {int(((f['differ'] > 0) & dup).sum())} of {int(dup.sum())}")
    if args.errors:
        pred = rule(f, opt.threshold, opt.slot_threshold, opt.max_days, opt.single_slot_threshold,
                    opt.new_lead_threshold, opt.new_lead_below, opt.lead_outcomes)
        for k in np.flatnonzero(pred != dup):
            r = rows[k]
            print(f"  {'FP' if pred[k] else 'FN'} {r['corpus'][:12]} {r['a']} {r['b']} {r['kind']:<11} jac {r['jaccard']:.3f} "
                  f"sim {f['sim'][k]:.3f} lead {f['lead'][k]:.2f} agree {f['agree'][k]} differ {f['differ'][k]}  {r['note'][:70]}")


if __name__ == "__main__":
    main()
