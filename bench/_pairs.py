"""The labeled real pair set of bench/dedupe_pairs.tsv: reading it and resolving its ids.

The TSV keeps record ids only (never article text). `load_pairs()` reads it, opens the shared
corpora (../shared/corpora, never shipped) and yields one `Pair` per labeled row whose ids resolve::

    from bench._pairs import load_pairs
    for p in load_pairs():                  # labels "dup" and "distinct" only (unsure skipped)
        p.text_a, p.text_b, p.label, p.kind  # also p.corpus, p.id_a, p.id_b, p.jaccard, p.note

`iter_pairs()` yields the bare tuples (text_a, text_b, label, kind). `jaccard(a, b)` is the
similarity the TSV's ``jaccard`` column holds: exact Jaccard of the char-5-gram shingle sets of
`newscli.dedupe.normalize_for_dedupe` (newscli.normalize + the search fold, words joined by one
space), shingles as strings (no hashing).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import orjson

from newscli.dedupe import normalize_for_dedupe

BENCH = Path(__file__).resolve().parent
TSV = BENCH / "dedupe_pairs.tsv"


def _find_shared() -> Path:
    """../shared/corpora next to the repository (or next to an ancestor: git worktrees live deeper)."""
    for up in BENCH.parents:
        if (up / "shared" / "corpora").is_dir():
            return up / "shared" / "corpora"
    return BENCH.parents[1] / "shared" / "corpora"


SHARED = _find_shared()
# corpus name in the TSV -> JSONL.gz under ../shared/corpora (every record has a unique "id")
CORPORA = {
    "saudinewsnet": "saudinewsnet/saudinewsnet.jsonl.gz",
    "ant_multisource_2018": "ant_multisource_2018/ant_multisource_2018.jsonl.gz",
    "egypt_news_credibility_2013_week": "egypt_news_credibility_2013_week/egypt_news_2013-03-20_to_26.jsonl.gz",
    "ant_jawharafm_tunisia": "ant_jawharafm_tunisia/ant_jawharafm_v1_1.jsonl.gz",
}
COLUMNS = ("corpus", "id_a", "id_b", "label", "kind", "jaccard", "note")


@dataclass(frozen=True)
class Pair:
    corpus: str
    id_a: str
    id_b: str
    label: str  # "dup" | "distinct" | "unsure"
    kind: str
    jaccard: float
    note: str
    text_a: str = ""
    text_b: str = ""


def shingle_set(text: str, n: int = 5) -> set[str]:
    t = normalize_for_dedupe(text or "")
    return {t[i : i + n] for i in range(len(t) - n + 1)}


def jaccard(a: str, b: str, n: int = 5) -> float:
    sa, sb = shingle_set(a, n), shingle_set(b, n)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def read_tsv(path: Path = TSV) -> list[Pair]:
    """The rows of the TSV (without texts); lines starting with '#' are comments."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            f = line.split("\t")
            if f[0] == "corpus":  # the column header
                continue
            if len(f) != len(COLUMNS):
                raise ValueError(f"{path}:{lineno}: expected {len(COLUMNS)} tab-separated fields, got {len(f)}")
            rows.append(Pair(f[0], f[1], f[2], f[3], f[4], float(f[5]), f[6]))
    return rows


def corpus_path(corpus: str, shared: Path = SHARED) -> Path:
    return shared / CORPORA[corpus]


def records_by_id(corpus: str, ids: set[str], shared: Path = SHARED) -> dict[str, dict]:
    """The records of `corpus` whose id is in `ids` (one pass over the file)."""
    out = {}
    with gzip.open(corpus_path(corpus, shared)) as fh:
        for line in fh:
            r = orjson.loads(line)
            if r["id"] in ids:
                out[r["id"]] = r
    return out


def load_pairs(path: Path = TSV, shared: Path = SHARED, labels=("dup", "distinct")) -> Iterator[Pair]:
    """Labeled pairs with their texts (corpora that are absent are skipped; an unresolvable id raises)."""
    rows = [p for p in read_tsv(path) if p.label in labels]
    by_corpus: dict[str, set[str]] = {}
    for p in rows:
        by_corpus.setdefault(p.corpus, set()).update((p.id_a, p.id_b))
    recs = {}
    for corpus, ids in by_corpus.items():
        if not corpus_path(corpus, shared).exists():
            continue
        recs[corpus] = records_by_id(corpus, ids, shared)
        missing = ids - recs[corpus].keys()
        if missing:
            raise KeyError(f"{corpus}: ids not found: {sorted(missing)[:5]}")
    for p in rows:
        if p.corpus in recs:
            r = recs[p.corpus]
            yield Pair(**{**p.__dict__, "text_a": r[p.id_a].get("text") or "", "text_b": r[p.id_b].get("text") or ""})


def iter_pairs(path: Path = TSV, shared: Path = SHARED) -> Iterator[tuple[str, str, str, str]]:
    """(text_a, text_b, label, kind) for every dup/distinct pair of the TSV."""
    for p in load_pairs(path, shared):
        yield p.text_a, p.text_b, p.label, p.kind
