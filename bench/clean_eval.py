"""Evaluate newscli.clean: line-level precision/recall on the hand-written cases, and rule counts
plus a random sample of removals on the shared real corpora (skipped when ../shared is absent).

    python bench/clean_eval.py [--sample 40] [--limit 0] [--seed 7] [--rule RULE] [--against REV]

--against REV runs git revision REV's clean (bench/clean_rev.py) in the same run: the case
figures and, per corpus, the removals by rule of both, the records whose output differs, and the
lines the short-line rules removed (head-short/tail-short before, head-name/tail-name after).

Case figures: body lines are the positive class. Body precision = expected body lines kept /
all lines kept; body recall = expected body lines kept / all expected body lines (multisets of
normalized lines). Boilerplate precision/recall are given too. Structure lines
(section/title/dateline) are scored separately as exact matches.
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

import newscli.clean as _CURRENT  # noqa: E402
from newscli.clean import CleanOptions, clean_record  # noqa: E402
from newscli.normalize import normalize  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from clean_rev import load_rev  # noqa: E402

SHARED = ROOT / ".." / "shared"
CORPORA = {
    "ant_multisource": SHARED / "corpora/ant_multisource_2018/ant_multisource_2018.jsonl.gz",
    "saudinewsnet": SHARED / "corpora/saudinewsnet/saudinewsnet.jsonl.gz",
    "egypt_week": SHARED / "corpora/egypt_news_credibility_2013_week/egypt_news_2013-03-20_to_26.jsonl.gz",
    "jawharafm": SHARED / "corpora/ant_jawharafm_tunisia/ant_jawharafm_v1_1.jsonl.gz",
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


def run_case(case: dict, mod=None) -> dict:
    m = mod or _CURRENT
    opts = m.CleanOptions(**{k: tuple(v) if isinstance(v, list) else v for k, v in case.get("options", {}).items()})
    if "record" in case:
        return m.clean_record(dict(case["record"]), opts)
    r = m.clean_text(case["input"], opts)
    return {**{k: getattr(r, k) for k in STRUCT}, "text": "\n".join(r.body), "removed": r.removed}


def eval_cases(mod, label: str) -> None:
    cases = load_cases()
    tp = fp = fn = body_ok = body_exp = kept = 0
    struct_ok = collections.Counter()
    struct_n = collections.Counter()
    failing = []
    for c in cases:
        exp = c["expected"]
        try:
            got = run_case(c, mod)
        except Exception as exc:  # an old revision may reject new options (user patterns)
            got = {"text": "", "removed": [], "error": repr(exc)}
        exp_removed = collections.Counter(normalize(x) for x in exp.get("removed", []))
        exp_body = collections.Counter(x for x in normalize(exp.get("text", "")).split("\n") if x)
        got_removed = collections.Counter(normalize(x) for x in got["removed"])
        got_body = collections.Counter(x for x in got["text"].split("\n") if x)
        tp += sum((exp_removed & got_removed).values())
        fp += sum((got_removed - exp_removed).values())
        fn += sum((exp_removed - got_removed).values())
        body_ok += sum((exp_body & got_body).values())
        body_exp += sum(exp_body.values())
        kept += sum(got_body.values())
        for k in STRUCT:
            if k in exp:
                struct_n[k] += 1
                struct_ok[k] += got.get(k) == exp[k]
        if not all(got.get(k) == v for k, v in exp.items()):
            failing.append((c["_file"], c.get("name", "")[:70], c.get("expect", "pass")))
    bp = body_ok / kept if kept else 1.0
    br = body_ok / body_exp if body_exp else 1.0
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    print(f"== cases, {label}: {len(cases)} cases (tests/clean/cases/*.json)")
    print(f"   body lines: precision {bp:.3f}  recall {br:.3f}  ({body_ok} of {body_exp} body lines kept, {kept} kept)")
    print(f"   boilerplate lines: precision {prec:.3f}  recall {rec:.3f}  (tp {tp}, fp {fp}, fn {fn})")
    print("   exact: " + ", ".join(f"{k} {struct_ok[k]}/{struct_n[k]}" for k in STRUCT if struct_n[k]))
    print(f"   cases not fully matching: {len(failing)}")
    for f in failing[:12]:
        print("     ", *f)


def iter_corpus(path: Path, limit: int):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit and n >= limit:
                break
            yield json.loads(line)


SHORT_RULES = ("head-short", "tail-short", "head-name", "tail-name")


def _counts(mod, base: dict) -> tuple[dict, collections.Counter]:
    out = mod.clean_record(dict(base), mod.CleanOptions(explain=True))
    return out, collections.Counter(e["rule"] for e in out["explain"])


def eval_corpora(sample: int, limit: int, seed: int, only_rule: str | None, old=None, rev: str = "") -> None:
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
        old_counts: collections.Counter[str] = collections.Counter()
        differ = 0
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
            if old is not None:
                o_out, o_counts = _counts(old, base)
                old_counts.update(o_counts)
                differ += (o_out["text"], o_out["title"], o_out["dateline"]) != (out["text"], out["title"], out["dateline"])
        dt = time.perf_counter() - t0
        print(f"== {name}: {records} records, {lines_total} non-blank lines, {docs_touched} records with removals, "
              f"{empty} emptied, {not_idempotent} not idempotent on a second pass ({dt:.1f}s)")
        if old is None:
            for rule, c in counts.most_common():
                print(f"   {rule:11s} {c}")
        else:
            print(f"   removals by rule: current vs {rev} ({differ} records differ in text/title/dateline)")
            for rule in sorted(set(counts) | set(old_counts), key=lambda r: -(counts[r] + old_counts[r])):
                print(f"   {rule:11s} {counts[rule]:7d} {old_counts[rule]:7d}")
            print("   short-line rules (lines removed for being short): current "
                  + ", ".join(f"{r} {counts[r]}" for r in SHORT_RULES if counts[r])
                  + f"; {rev} " + ", ".join(f"{r} {old_counts[r]}" for r in SHORT_RULES if old_counts[r]))
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
    ap.add_argument("--against", metavar="REV", help="also run git revision REV's clean in the same run")
    a = ap.parse_args()
    old = load_rev(a.against) if a.against else None
    eval_cases(_CURRENT, "current")
    if old is not None:
        eval_cases(old, a.against)
    if not a.no_corpora:
        eval_corpora(a.sample, a.limit, a.seed, a.rule, old, a.against or "")
    print("rerun: python bench/clean_eval.py --sample " + str(a.sample) + (f" --against {a.against}" if a.against else "")
          + (f" --limit {a.limit}" if a.limit else ""))


if __name__ == "__main__":
    main()
