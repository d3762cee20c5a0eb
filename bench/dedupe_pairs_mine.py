"""Mine candidate near-duplicate pairs from the shared corpora for labeling (bench/dedupe_pairs.tsv).

Candidates come from three places, per corpus:
- the current `newscli.dedupe` clusters (threshold 0.5, default options, emit=all): every pair of
  members of a cluster (sampled in large clusters). The current clustering chains, so pairs of
  members far from each other are a rich source of hard negatives;
- MinHash/LSH at a lower threshold than the tool's (42 bands of 3 rows of newscli's own 128-value
  signatures; a pair at Jaccard 0.3 is a candidate with p ~ 0.68), for the 0.25-0.5 band the tool
  never sees;
- records sharing a title but not a body (re-crawls with an edited body, updates).
Each candidate gets its exact char-5-gram Jaccard (bench/_pairs.jaccard) and whether the current
dedupe puts both in one cluster. Exact copies (Jaccard 1.0) are kept only as a small sample.

    PYTHONPATH=. python bench/dedupe_pairs_mine.py mine [--out /tmp/dlabel]   # candidates per corpus
    PYTHONPATH=. python bench/dedupe_pairs_mine.py show CORPUS ID_A ID_B       # a pair, diffed, to read

The labels themselves are decided by reading each pair (see the header of bench/dedupe_pairs.tsv);
`bench/_pairs.py` loads the labeled set with its texts.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._pairs import CORPORA, corpus_path, jaccard, load_pairs, iter_pairs, records_by_id  # noqa: E402,F401
from newscli.dedupe import DedupeOptions, DedupeStats, dedupe_records, prepare  # noqa: E402

__all__ = ["load_pairs", "iter_pairs", "mine", "current_clusters"]


def read_corpus(corpus: str) -> list[dict]:
    recs = []
    with gzip.open(corpus_path(corpus)) as fh:
        for line in fh:
            r = orjson.loads(line)
            d = r.get("date")
            recs.append({"id": r["id"], "source": r.get("source") or "", "title": (r.get("title") or "").strip(),
                         "date": d if isinstance(d, str) and d[:4].isdigit() else None, "text": r.get("text") or ""})
    return recs


def current_clusters(recs: list[dict], opt: DedupeOptions | None = None) -> dict[str, int]:
    """id -> cluster number under the current newscli.dedupe (default options unless given)."""
    opt = opt or DedupeOptions(emit="all")
    chunks = [([dict(r) for r in recs[i : i + 2000]], None) for i in range(0, len(recs), 2000)]
    return {r["id"]: r["dup"]["cluster"] for r in dedupe_records(chunks, opt, DedupeStats())}


def _lsh_pairs(sig: np.ndarray, ok: np.ndarray, rows: int = 3, max_bucket: int = 40) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    n, k = sig.shape
    idx = np.flatnonzero(ok)
    for b in range(k // rows):
        band = sig[idx, b * rows : (b + 1) * rows].astype(np.uint64)
        key = (band[:, 0] * np.uint64(0x9E3779B97F4A7C15)) ^ (band[:, 1] << np.uint64(21)) ^ (band[:, 2] * np.uint64(0xC2B2AE3D27D4EB4F))
        order = np.argsort(key, kind="stable")
        ks = key[order]
        cuts = np.flatnonzero(np.diff(ks)) + 1
        for grp in np.split(order, cuts):
            if 2 <= len(grp) <= max_bucket:
                m = idx[grp]
                for i in range(len(m)):
                    for j in range(i + 1, len(m)):
                        pairs.add((int(m[i]), int(m[j])))
    return pairs


def mine(corpus: str, out: Path, rnd: random.Random) -> Path:
    recs = read_corpus(corpus)
    texts = [r["text"] for r in recs]
    opt = DedupeOptions(emit="all")
    signed = prepare(texts, opt)
    sig, exact, nchars = signed.sig, signed.exact, signed.nchars
    ok = nchars >= 200
    cl = current_clusters(recs)
    cand: dict[tuple[int, int], str] = {}
    # 1. pairs inside current clusters
    members = defaultdict(list)
    for i, r in enumerate(recs):
        members[cl[r["id"]]].append(i)
    for m in members.values():
        if len(m) < 2:
            continue
        allp = [(m[i], m[j]) for i in range(len(m)) for j in range(i + 1, len(m))]
        for p in rnd.sample(allp, min(60, len(allp))):
            cand[p] = "cluster"
    # 2. LSH at a lower threshold
    for p in _lsh_pairs(sig, ok):
        cand.setdefault(p, "lsh")
    # 3. same title, other body
    by_title = defaultdict(list)
    for i, r in enumerate(recs):
        if len(r["title"]) >= 15:
            by_title[r["title"]].append(i)
    for m in by_title.values():
        for i in range(len(m)):
            for j in range(i + 1, min(len(m), i + 4)):
                cand.setdefault((m[i], m[j]), "title")
    rows = []
    for (i, j), how in cand.items():
        if not (ok[i] and ok[j]):
            continue
        est = float((sig[i] == sig[j]).mean())
        if est < 0.15 and how != "title":
            continue
        if exact[i] == exact[j]:
            if rnd.random() > 0.02:
                continue
            jac = 1.0
        else:
            jac = jaccard(texts[i], texts[j])
        if jac < 0.2:
            continue
        a, b = recs[i], recs[j]
        rows.append((corpus, a["id"], b["id"], f"{jac:.3f}", how, int(cl[a["id"]] == cl[b["id"]]), a["source"], b["source"],
                     int(a["title"] == b["title"]), a["date"] or "", b["date"] or "", len(a["text"]), len(b["text"])))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"cands_{corpus}.tsv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("corpus\tid_a\tid_b\tjaccard\thow\tsame_cluster\tsrc_a\tsrc_b\tsame_title\tdate_a\tdate_b\tlen_a\tlen_b\n")
        for r in sorted(rows, key=lambda r: float(r[3])):
            fh.write("\t".join(map(str, r)) + "\n")
    print(f"{corpus}: {len(recs)} records, {len(cand)} candidates, {len(rows)} kept -> {path}", file=sys.stderr)
    return path


_WORD = re.compile(r"\S+")


def show(corpus: str, id_a: str, id_b: str, width: int = 6) -> str:
    """A pair for reading: headers, then a word diff (shared runs shortened to their ends)."""
    r = records_by_id(corpus, {id_a, id_b})
    a, b = r[id_a], r[id_b]
    wa, wb = _WORD.findall(a.get("text") or ""), _WORD.findall(b.get("text") or "")
    lines = [f"J={jaccard(a.get('text') or '', b.get('text') or ''):.3f}",
             f"A {id_a} [{a.get('source')}] {a.get('date')} {len(wa)}w T: {a.get('title')}",
             f"B {id_b} [{b.get('source')}] {b.get('date')} {len(wb)}w T: {b.get('title')}"]
    sm = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            seg = wa[i1:i2]
            lines.append("  = " + (" ".join(seg) if len(seg) <= 2 * width else " ".join(seg[:width]) + f" …[{len(seg)}w]… " + " ".join(seg[-width:])))
        else:
            if i2 > i1:
                lines.append("  A " + " ".join(wa[i1:i2]))
            if j2 > j1:
                lines.append("  B " + " ".join(wb[j1:j2]))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mine")
    m.add_argument("--out", default="/tmp/dlabel")
    m.add_argument("--only")
    m.add_argument("--seed", type=int, default=12)
    s = sub.add_parser("show")
    s.add_argument("corpus")
    s.add_argument("id_a")
    s.add_argument("id_b")
    a = ap.parse_args()
    if a.cmd == "mine":
        rnd = random.Random(a.seed)
        for c in CORPORA:
            if a.only and c != a.only:
                continue
            mine(c, Path(a.out), rnd)
    else:
        print(show(a.corpus, a.id_a, a.id_b))
    return 0


if __name__ == "__main__":
    sys.exit(main())
