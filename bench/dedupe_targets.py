"""Issue 12's three targets side by side, one configuration per row, in one run: dup precision /
recall / accuracy on the hard labeled pairs (bench/dedupe_pairs.tsv) and on the uniform sample
(bench/dedupe_pairs_random.tsv), each pair scored alone with the verification rule, and P / R / F1
on the synthetic bench (bench/dedupe_gen.py), for thresholds 0.5 and 0.7 with the slot and date
rules and the lead check on or off (and 0.3, 0.4 without them) (docs/dedupe.md, "Why no setting meets every target").

A rule is turned off by setting its bar to the threshold (slot_threshold, single_slot_threshold,
new_lead_threshold; lead_outcomes=False); dates apart only raise the bar through slot_threshold.

    PYTHONPATH=. python bench/dedupe_targets.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.dedupe_gen import build, load, no_neighbour, run  # noqa: E402
from bench.dedupe_pairs_eval import features, read_tsv, rule, score  # noqa: E402
from newscli.dedupe import DedupeOptions  # noqa: E402

BENCH = Path(__file__).resolve().parent


def configs():
    for thr in (0.3, 0.4):
        yield thr, "no slot, date or lead rule", dict(slot_threshold=thr, single_slot_threshold=thr, new_lead_threshold=thr, lead_outcomes=False)
    for thr in (0.5, 0.7):
        yield thr, "no slot, date or lead rule", dict(slot_threshold=thr, single_slot_threshold=thr, new_lead_threshold=thr, lead_outcomes=False)
        yield thr, "slot and date rules", dict(new_lead_threshold=thr, lead_outcomes=False)
        yield thr, "lead check", dict(slot_threshold=thr, single_slot_threshold=thr)
        yield thr, "all rules", {}


def labeled(f, opt: DedupeOptions) -> dict:
    days = opt.max_days if opt.slot_threshold > opt.threshold else float("inf")
    lead = opt.new_lead_threshold if opt.new_lead_threshold > opt.threshold else None
    return score(rule(f, opt.threshold, opt.slot_threshold, days, opt.single_slot_threshold, lead,
                      opt.new_lead_below, opt.lead_outcomes), f["dup"])


def main() -> int:
    sets = {}
    for name in ("dedupe_pairs.tsv", "dedupe_pairs_random.tsv"):
        rows = [r for r in read_tsv(BENCH / name) if r["label"] in ("dup", "distinct")]
        sets[name] = features(rows, DedupeOptions())
    docs, truth = build(no_neighbour(load(12000)), 1500, 3000)
    cache: dict = {}
    print("threshold, rules | hard set prec / rec / acc (distinct dropped) | uniform sample prec / rec / acc (dropped) | synthetic P / R / F1")
    for thr, label, kw in configs():
        opt = DedupeOptions(threshold=thr, emit="all", **kw)
        cells = []
        for f in sets.values():
            s = labeled(f, opt)
            cells.append(f"{s['prec']:.3f} / {s['rec']:.3f} / {s['acc']:.3f} ({s['fp']})")
        p, r, f1, _ = run(docs, truth, opt, cache)
        print(f"{thr}, {label} | " + " | ".join(cells) + f" | {p:.3f} / {r:.3f} / {f1:.3f}", flush=True)
    print("rerun: PYTHONPATH=. python bench/dedupe_targets.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
