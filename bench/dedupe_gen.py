"""Labelled near-duplicate benchmark built from SaudiNewsNet; pairwise precision / recall / F1.

Originals: SaudiNewsNet articles (>= 400 characters) with no near neighbour in the corpus (no other
article at estimated similarity >= 0.3 under char:5). Each original gets 1-3 variants, each made by
1-3 random edits: boilerplate added, boilerplate-like first/last paragraph removed, paragraphs
swapped, a paragraph dropped, 1-10% word edits (replace/delete/insert), orthographic noise
(أ/ا, ى/ي, ة/ه, diacritics, tatweel), whitespace and digit-script changes, truncation to 75-95%.
Unrelated distractors (other no-neighbour articles) are mixed in. A predicted pair is two records
in one cluster; a true pair is two records from one original.

    PYTHONPATH=. python bench/dedupe_gen.py [--originals 1500] [--distractors 3000] [--grid]
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import time
from collections import Counter
from pathlib import Path

import orjson

from newscli.dedupe import DedupeOptions, DedupeStats, dedupe_records, prepare

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "saudinewsnet" / "saudinewsnet.jsonl.gz"

# boilerplate written for this benchmark (not taken from the corpus)
BOILER_TOP = ["الرياض - واس", "جدة - خاص", "متابعات - صحيفة الأخبار اليومية", "حرر بواسطة المحرر الاقتصادي"]
BOILER_BOTTOM = [
    "تابعونا على تويتر وفيسبوك لمعرفة آخر الأخبار",
    "اقرأ أيضاً: تطورات جديدة في أسعار النفط العالمية",
    "جميع الحقوق محفوظة للصحيفة © 2015",
    "سمات السعودية الاقتصاد أخبار محلية",
    "للاشتراك في خدمة الأخبار العاجلة أرسل رقم 1 إلى الرقم المختصر",
]
FILLER = ["كما", "وقد", "أيضا", "الذي", "هذا", "في", "على", "مع", "حيث", "إلى", "بعد", "المملكة", "اليوم", "الجديد"]
HARAKAT = "\u064e\u064f\u0650\u0652\u0651\u064b"
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def paragraphs(t: str) -> list[str]:
    return [p for p in t.split("\n") if p.strip()]


def op_boiler_add(t, r):
    ps = paragraphs(t)
    if r.random() < 0.5:
        ps.insert(0, r.choice(BOILER_TOP))
    else:
        ps.append(r.choice(BOILER_BOTTOM))
    return "\n".join(ps)


def op_boiler_remove(t, r):
    ps = paragraphs(t)
    if len(ps) < 3:
        return op_boiler_add(t, r)
    return "\n".join(ps[1:] if r.random() < 0.5 else ps[:-1])


def op_swap(t, r):
    ps = paragraphs(t)
    if len(ps) < 2:
        return op_words(t, r)
    i = r.randrange(len(ps) - 1)
    ps[i], ps[i + 1] = ps[i + 1], ps[i]
    return "\n".join(ps)


def op_drop(t, r):
    ps = paragraphs(t)
    if len(ps) < 4:
        return op_words(t, r)
    del ps[r.randrange(1, len(ps))]
    return "\n".join(ps)


def op_words(t, r):
    lines = [l.split(" ") for l in t.split("\n")]
    words = [(i, j) for i, l in enumerate(lines) for j in range(len(l))]
    k = max(1, int(len(words) * r.uniform(0.01, 0.10)))
    for i, j in r.sample(words, min(k, len(words))):
        x = r.random()
        if x < 0.4:
            lines[i][j] = r.choice(FILLER)
        elif x < 0.7:
            lines[i][j] = ""
        else:
            lines[i][j] = lines[i][j] + " " + r.choice(FILLER)
    return "\n".join(" ".join(w for w in l if w) for l in lines)


def op_ortho(t, r):
    out = []
    for ch in t:
        x = r.random()
        if ch in "أإآ" and x < 0.5:
            ch = "ا"
        elif ch == "ا" and x < 0.05:
            ch = "أ"
        elif ch == "ي" and x < 0.3:
            ch = "ى"
        elif ch == "ى" and x < 0.5:
            ch = "ي"
        elif ch == "ة" and x < 0.3:
            ch = "ه"
        out.append(ch)
        if "\u0621" <= ch <= "\u064a":
            y = r.random()
            if y < 0.08:
                out.append(r.choice(HARAKAT))
            elif y < 0.09 and ch not in "اأإآدذرزوؤة":
                out.append("\u0640")
    return "".join(out)


def op_space_digits(t, r):
    t = t.replace(" ", "  ", r.randrange(1, 6))
    if r.random() < 0.7:
        t = t.translate(EASTERN)
    return t.replace("\n", "\n\n")


def op_truncate(t, r):
    return t[: int(len(t) * r.uniform(0.75, 0.95))]


OPS = [op_boiler_add, op_boiler_remove, op_swap, op_drop, op_words, op_ortho, op_space_digits, op_truncate]


def load(limit: int | None = None) -> list[dict]:
    out = []
    with gzip.open(CORPUS) as f:
        for line in f:
            r = orjson.loads(line)
            out.append({"id": r["id"], "text": r.get("text") or "", "date": None})
            if limit and len(out) >= limit:
                break
    return out


def no_neighbour(recs: list[dict]) -> list[dict]:
    opt = DedupeOptions(threshold=0.3, bands=64, emit="all", slot_threshold=0.3, new_lead_threshold=0.3)
    chunks = ((recs[i : i + 2000], None) for i in range(0, len(recs), 2000))
    return [r for r in dedupe_records(chunks, opt) if r["dup"]["size"] == 1 and len(r["text"]) >= 400]


def build(pool: list[dict], n_orig: int, n_distr: int, seed: int = 7):
    r = random.Random(seed)
    r.shuffle(pool)
    originals, distractors = pool[:n_orig], pool[n_orig : n_orig + n_distr]
    docs, group = [], []
    for g, o in enumerate(originals):
        docs.append(o["text"])
        group.append(g)
        for v in range(r.randint(1, 3)):
            t = o["text"]
            for op in r.sample(OPS, r.randint(1, 3)):
                t = op(t, r)
            docs.append(t)
            group.append(g)
    for k, d in enumerate(distractors):
        docs.append(d["text"])
        group.append(n_orig + k)
    order = list(range(len(docs)))
    r.shuffle(order)
    return [docs[i] for i in order], [group[i] for i in order]


def pairs(counter) -> int:
    return sum(c * (c - 1) // 2 for c in counter.values())


def score(pred: list[int], truth: list[int]) -> tuple[float, float, float]:
    tp = pairs(Counter(zip(pred, truth)))
    pp, tt = pairs(Counter(pred)), pairs(Counter(truth))
    p = tp / pp if pp else 1.0
    r = tp / tt if tt else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(docs, truth, opt: DedupeOptions, signed_cache: dict) -> tuple[float, float, float, DedupeStats]:
    key = (opt.shingle, opt.num_perm, opt.seed)
    if key not in signed_cache:
        signed_cache[key] = [prepare(docs[i : i + 1000], opt) for i in range(0, len(docs), 1000)]
    recs = [{"id": str(i), "text": d, "date": None} for i, d in enumerate(docs)]
    chunks = [(recs[i : i + 1000], s) for i, s in zip(range(0, len(docs), 1000), signed_cache[key])]
    st = DedupeStats()
    pred = [r["dup"]["cluster"] for r in dedupe_records(chunks, opt, st)]
    return (*score(pred, truth), st)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--originals", type=int, default=1500)
    ap.add_argument("--distractors", type=int, default=3000)
    ap.add_argument("--pool", type=int, default=12000, help="corpus records scanned for no-neighbour articles")
    ap.add_argument("--grid", action="store_true")
    a = ap.parse_args()
    if not CORPUS.exists():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2
    t0 = time.time()
    pool = no_neighbour(load(a.pool))
    docs, truth = build(pool, a.originals, a.distractors)
    print(f"benchmark: {len(docs)} docs, {a.originals} originals with variants, {a.distractors} distractors, "
          f"{pairs(Counter(truth))} true pairs (built in {time.time() - t0:.1f}s)")
    cache: dict = {}
    d = DedupeOptions(emit="all")
    p, r, f, st = run(docs, truth, d, cache)
    print(f"DEFAULT threshold={d.threshold} shingle={d.shingle} {d.bands}x{d.rows}: P={p:.4f} R={r:.4f} F1={f:.4f} "
          f"(rejected {st.rejected_pairs} candidates, {st.rejected_by_slots} by slots)")
    if a.grid:
        print("threshold shingle   bands x rows  slot_thr  P      R      F1")
        for sh in ("char:5", "word:3"):
            for thr in (0.5, 0.6, 0.7, 0.8):
                for slot in (0.9, 1.0):
                    if slot == 1.0 and sh != "char:5":
                        continue
                    o = DedupeOptions(threshold=thr, shingle=sh, emit="all", slot_threshold=max(slot, thr))
                    p, r, f, _ = run(docs, truth, o, cache)
                    print(f"{thr:<9} {sh:<9} {o.bands:>3} x {o.rows:<5}  {o.slot_threshold:<8}  {p:.4f} {r:.4f} {f:.4f}")
    print(f"rerun: PYTHONPATH=. python bench/dedupe_gen.py{' --grid' if a.grid else ''}  ({time.time() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
