"""How far can any rule over text-similarity features go on the labeled hard pairs?

bench/dedupe_pairs_eval.py scores newscli's verification rule and single thresholds on
bench/dedupe_pairs.tsv. This script asks the question behind the issue's targets (dup precision
>= 0.98, accuracy >= 0.97): is there *any* rule over the features a dedupe can compute that gets
there on this set? It computes, per pair, the exact char-5 Jaccard, containment (shared shingles
over the smaller set), size ratio, the lead's Jaccard and containment (first 200/400 normalized
characters), the MinHash similarity, agreeing/differing slots and days between the publication
dates, then fits classifiers in 5-fold cross-validation (the rule is learned on 4/5 of the pairs
and scored on the other 1/5): logistic regression, a depth-3 tree and gradient boosting. The best of
them is an optimistic ceiling for hand-written rules over the same features.

    PYTHONPATH=. python bench/dedupe_pairs_ceiling.py      # needs scikit-learn (the bench extra)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._pairs import load_pairs, records_by_id, shingle_set  # noqa: E402
from newscli.dedupe import DedupeOptions, compare_slots, normalize_for_dedupe, prepare, similarity  # noqa: E402
from newscli.dedupe.spool import date_key  # noqa: E402
from newscli.dedupe.verify import day_numbers  # noqa: E402
from newscli.records import parse_date  # noqa: E402

FEATURES = ("jaccard", "containment", "size_ratio", "lead200", "lead400", "lead_in_other200", "lead_in_other400",
            "minhash", "slots_agree", "slots_differ", "days_apart")


def _dates(pairs) -> dict:
    want: dict[str, set] = {}
    for p in pairs:
        want.setdefault(p.corpus, set()).update((p.id_a, p.id_b))
    return {(corpus, i): rec.get("date") for corpus, ids in want.items() for i, rec in records_by_id(corpus, ids).items()}


def features(pairs) -> np.ndarray:
    opt = DedupeOptions()
    a = prepare([p.text_a for p in pairs], opt)
    b = prepare([p.text_b for p in pairs], opt)
    agree, differ = compare_slots(a.slots, b.slots)
    sim = similarity(a.sig, b.sig)
    dates = _dates(pairs)
    days = np.abs(day_numbers([date_key(parse_date(dates[(p.corpus, p.id_a)])) for p in pairs])
                  - day_numbers([date_key(parse_date(dates[(p.corpus, p.id_b)])) for p in pairs]))
    rows = []
    for k, p in enumerate(pairs):
        ta, tb = normalize_for_dedupe(p.text_a), normalize_for_dedupe(p.text_b)
        sa, sb = shingle_set(p.text_a), shingle_set(p.text_b)
        inter = len(sa & sb)
        row = [inter / max(1, len(sa | sb)), inter / max(1, min(len(sa), len(sb))), min(len(sa), len(sb)) / max(1, len(sa), len(sb))]
        leads = []
        for n in (200, 400):
            la = {ta[i : i + 5] for i in range(max(0, min(n, len(ta)) - 4))}
            lb = {tb[i : i + 5] for i in range(max(0, min(n, len(tb)) - 4))}
            leads.append((len(la & lb) / max(1, len(la | lb)),
                          min(len(la & sb) / max(1, len(la)), len(lb & sa) / max(1, len(lb)))))
        row += [leads[0][0], leads[1][0], leads[0][1], leads[1][1]]
        row += [float(sim[k]), float(agree[k]), float(differ[k]), float(np.nan_to_num(days[k], nan=0.0))]
        rows.append(row)
    return np.array(rows)


def main() -> int:
    try:
        from sklearn.ensemble import GradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict
        from sklearn.tree import DecisionTreeClassifier
    except ImportError:
        print("needs scikit-learn: pip install '.[bench]'", file=sys.stderr)
        return 2
    pairs = [p for p in load_pairs() if p.label in ("dup", "distinct")]
    y = np.array([p.label == "dup" for p in pairs])
    X = features(pairs)
    print(f"{len(pairs)} labeled pairs ({int(y.sum())} dup, {int((~y).sum())} distinct); 5-fold cross-validation")
    sets = {"jaccard alone": ["jaccard"], "containment alone": ["containment"],
            "containment + slots + days": ["containment", "slots_differ", "days_apart"],
            "all features": list(FEATURES)}
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    for name, cols in sets.items():
        Xs = X[:, [FEATURES.index(c) for c in cols]]
        for mname, model in (("logistic", LogisticRegression(max_iter=2000)), ("tree d3", DecisionTreeClassifier(max_depth=3, random_state=0)),
                             ("boosting", GradientBoostingClassifier(random_state=0))):
            pred = cross_val_predict(model, Xs, y, cv=cv)
            tp, fp = int((pred & y).sum()), int((pred & ~y).sum())
            print(f"  {name:28} {mname:9} accuracy {float((pred == y).mean()):.3f}  dup precision {tp / max(1, tp + fp):.3f}  "
                  f"recall {tp / int(y.sum()):.3f}  (distinct pairs dropped {fp})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
