"""Evaluate newscli.clean: line-level precision/recall on the hand-written cases, and rule counts
plus a random sample of removals on the shared real corpora (skipped when ../shared is absent).

    python bench/clean_eval.py [--sample 40] [--limit 0] [--seed 7] [--rule RULE]

Precision/recall treat "boilerplate" as the positive class: a case line counts as boilerplate
when the case's expected `removed` list holds it, as body when the expected `text` holds it.
Structure lines (section/title/dateline) are scored separately as exact matches.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newscli.clean import CleanOptions, clean_record, clean_text  # noqa: E402
from newscli.normalize import normalize  # noqa: E402

SHARED = ROOT / ".." / "shared"
CORPORA = {
    "ant_multisource": SHARED / "corpora/ant_multisource_2018/ant_multisource_2018.jsonl.gz",
    "saudinewsnet": SHARED / "corpora/saudinewsnet/saudinewsnet.jsonl.gz",
    "egypt_week": SHARED / "corpora/egypt_news_credibility_2013_week/egypt_news_2013-03-20_to_26.jsonl.gz",
}
STRUCT = ("section", "title", "dateline", "outlet", "place")


def load_cases() -> list[dict]:
    cases = []
    for p in sorted((ROOT / "tests/clean/cases").glob("*.json")):
        data = json.loads(p.read_text(encoding="utf-8"))
        for c in data if isinstance(data, list) else [data]:
            c["_file"] = p.name
            cases.append(c)
    return cases


def run_case(case: dict) -> dict:
    opts = CleanOptions(**case.get("options", {}))
    if "record" in case:
        return clean_record(dict(case["record"]), opts)
    r = clean_text(case["input"], opts)
    return {**{k: getattr(r, k) for k in STRUCT}, "text": "\n".join(r.body), "removed": r.removed}


def eval_cases() -> None:
    cases = load_cases()
    tp = fp = fn = tn = 0
    struct_ok = collections.Counter()
    struct_n = collections.Counter()
    failing = []
    for c in cases:
        exp = c["expected"]
        got = run_case(c)
        exp_removed = collections.Counter(normalize(x) for x in exp.get("removed", []))
        exp_body = collections.Counter(x for x in normalize(exp.get("text", "")).split("\n") if x)
        got_removed = collections.Counter(got["removed"])
        got_body = collections.Counter(x for x in got["text"].split("\n") if x)
        tp += sum((exp_removed & got_removed).values())
        fp += sum((got_removed - exp_removed).values())
        fn += sum((exp_removed - got_removed).values())
        tn += sum((exp_body & got_body).values())
        for k in STRUCT:
            if k in exp:
                struct_n[k] += 1
                struct_ok[k] += got.get(k) == exp[k]
        ok = all(got.get(k) == v for k, v in exp.items())
        if not ok:
            failing.append((c["_file"], c.get("name", ""), c.get("expect", "pass")))
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    print(f"== cases: {len(cases)} (tests/clean/cases/*.json)")
    print(f"boilerplate lines: precision {prec:.3f}  recall {rec:.3f}  (tp {tp}, fp {fp}, fn {fn}; body lines kept {tn})")
    for k in STRUCT:
        if struct_n[k]:
            print(f"{k:9s} exact: {struct_ok[k]}/{struct_n[k]}")
    print(f"cases not fully matching: {len(failing)}")
    for f in failing:
        print("   ", *f)


def iter_corpus(path: Path, limit: int):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit and n >= limit:
                break
            yield json.loads(line)


def eval_corpora(sample: int, limit: int, seed: int, only_rule: str | None) -> None:
    rng = random.Random(seed)
    opts = CleanOptions(explain=True)
    for name, path in CORPORA.items():
        if not path.exists():
            print(f"== {name}: skipped ({path} absent)")
            continue
        t0 = time.perf_counter()
        counts: collections.Counter[str] = collections.Counter()
        docs_touched = 0
        lines_total = 0
        records = 0
        empty = 0
        not_idempotent = 0
        reservoir: dict[str, list] = collections.defaultdict(list)
        seen: collections.Counter[str] = collections.Counter()
        for rec in iter_corpus(path, limit):
            records += 1
            base = {"id": rec.get("id"), "title": rec.get("title") or None, "text": rec.get("text") or "",
                    "section": None, "dateline": None, "outlet": None, "place": None, "removed": []}
            lines_total += sum(1 for x in base["text"].split("\n") if x.strip())
            out = clean_record(base, opts)
            if clean_record(out, opts) != out:
                not_idempotent += 1
            if base["text"].strip() and not out["text"]:
                empty += 1
            touched = False
            for e in out["explain"]:
                counts[e["rule"]] += 1
                if e["rule"] in ("section", "title", "dateline"):
                    continue
                touched = True
                if only_rule and e["rule"] != only_rule:
                    continue
                seen[e["rule"]] += 1
                bucket = reservoir[e["rule"]]
                item = (rec.get("id"), e["rule"], e["text"][:160])
                k = max(2, sample // 8)
                if len(bucket) < k:
                    bucket.append(item)
                else:
                    j = rng.randrange(seen[e["rule"]])
                    if j < k:
                        bucket[j] = item
            docs_touched += touched
        dt = time.perf_counter() - t0
        print(f"== {name}: {records} records, {lines_total} non-blank lines, {docs_touched} records with removals, "
              f"{empty} emptied, {not_idempotent} not idempotent on a second pass ({dt:.1f}s)")
        for rule, c in counts.most_common():
            print(f"   {rule:11s} {c}")
        picks = [x for b in reservoir.values() for x in b]
        rng.shuffle(picks)
        print(f"   -- random sample of removals ({min(sample, len(picks))}):")
        for rid, rule, text in sorted(picks[:sample], key=lambda x: x[1]):
            print(f"   [{rule}] {rid}: {text}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--limit", type=int, default=0, help="records per corpus (0 = all)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rule", default=None, help="sample only this rule")
    ap.add_argument("--no-corpora", action="store_true")
    a = ap.parse_args()
    eval_cases()
    if not a.no_corpora:
        eval_corpora(a.sample, a.limit, a.seed, a.rule)
    print("rerun: python bench/clean_eval.py --sample 40")


if __name__ == "__main__":
    main()
