"""Would the date finder's dates help dedupe's verification? Counts on the labeled real pairs.

For every dup/distinct pair of bench/dedupe_pairs.tsv (or --tsv), the explicit day dates of both
texts (`newscli.dates.find_dates` with the record's publication date for yearless days) are
compared: none (a text has no day date), equal, overlap, disjoint. The counts are split by what
the default rule does with the pair (accepted; rejected with similarity >= 0.5; below 0.5) and by
label. A date rule could only help where it separates labels inside one of these bands.

    python bench/dedupe_pairs_dates.py [--tsv bench/dedupe_pairs_random.tsv]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dedupe_pairs_eval as E  # noqa: E402

from newscli.dates import find_dates  # noqa: E402
from newscli.dedupe import DedupeOptions  # noqa: E402
from newscli.records import parse_date  # noqa: E402


def day_dates(rec: dict) -> set[str]:
    pub = parse_date(rec.get("date"))
    found = find_dates(rec.get("text") or "", pub_date=pub[:10] if pub else None)
    return {d["iso"] for d in found if d["iso"] and len(d["iso"]) == 10}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tsv", type=Path, default=E.BENCH / "dedupe_pairs.tsv")
    args = ap.parse_args()
    rows = [r for r in E.read_tsv(args.tsv) if r["label"] in ("dup", "distinct")]
    opt = DedupeOptions()
    f = E.features(rows, opt)
    tx = E.texts(rows)
    pred = E.rule(f, opt.threshold, opt.slot_threshold, opt.max_days, opt.single_slot_threshold,
                  opt.new_lead_threshold, opt.new_lead_below)
    counts: Counter = Counter()
    for k, r in enumerate(rows):
        a, b = day_dates(tx[(r["corpus"], r["a"])]), day_dates(tx[(r["corpus"], r["b"])])
        how = "none" if not a or not b else "disjoint" if not a & b else "equal" if a == b else "overlap"
        band = "accepted" if pred[k] else "rejected, sim >= 0.5" if f["sim"][k] >= 0.5 else "sim < 0.5"
        counts[(band, how, r["label"])] += 1
    print(f"{len(rows)} pairs from {args.tsv.name}; explicit day dates of both texts, by the default rule's band")
    print(f"  {'band':<22} {'dates':<9} {'dup':>5} {'distinct':>9}")
    for band in ("accepted", "rejected, sim >= 0.5", "sim < 0.5"):
        for how in ("none", "equal", "overlap", "disjoint"):
            print(f"  {band:<22} {how:<9} {counts[(band, how, 'dup')]:>5} {counts[(band, how, 'distinct')]:>9}")


if __name__ == "__main__":
    main()
