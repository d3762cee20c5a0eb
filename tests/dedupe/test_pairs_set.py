"""The labeled real pair set bench/dedupe_pairs.tsv: well-formed, ids only, and resolvable in the corpora."""

from __future__ import annotations

import re
import sys
from collections import Counter

import pytest

from _support import REPO

sys.path.insert(0, str(REPO / "bench"))  # bench helpers are scripts, not part of the package
from _pairs import COLUMNS, CORPORA, SHARED, TSV, corpus_path, jaccard, load_pairs, read_tsv

KINDS = {
    "dup": {"agency_copy", "update", "shortened", "recrawl"},
    "distinct": {"cable", "weather", "market", "attack", "template", "same_event", "followup", "other"},
}
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def test_tsv_is_well_formed():
    rows = read_tsv(TSV)
    header = [line for line in TSV.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")][0]
    assert header.split("\t") == list(COLUMNS)
    assert len(rows) >= 300
    seen = set()
    for p in rows:
        assert p.corpus in CORPORA
        assert p.label in ("dup", "distinct", "unsure")
        if p.label != "unsure":
            assert p.kind in KINDS[p.label], (p.id_a, p.id_b, p.kind)
        assert 0.0 <= p.jaccard <= 1.0
        assert p.note and not ARABIC.search(p.note), f"note must be English, no article text: {p.note!r}"
        key = (p.corpus, *sorted((p.id_a, p.id_b)))
        assert key not in seen, key
        assert p.id_a != p.id_b
        seen.add(key)


def test_tsv_has_the_required_hard_pairs():
    rows = read_tsv(TSV)
    labels = Counter(p.label for p in rows)
    hard_distinct = sum(1 for p in rows if p.label == "distinct" and 0.3 <= p.jaccard <= 0.8)
    assert labels["dup"] >= 100
    assert hard_distinct >= 100
    assert labels["dup"] + labels["distinct"] >= 300
    # no text of any article is kept: every field but the note is an id, a label or a number
    for p in rows:
        for field in (p.corpus, p.id_a, p.id_b, p.label, p.kind):
            assert not ARABIC.search(field)


def test_ids_resolve_and_jaccard_column_matches():
    missing = [c for c in CORPORA if not corpus_path(c, SHARED).exists()]
    if missing:
        pytest.skip(f"../shared/corpora not available ({', '.join(missing)})")
    pairs = list(load_pairs(TSV, SHARED, labels=("dup", "distinct", "unsure")))  # raises on an unknown id
    assert len(pairs) == len(read_tsv(TSV))
    for p in pairs[::15]:  # the column is what bench/_pairs.jaccard computes (3 decimals)
        assert abs(jaccard(p.text_a, p.text_b) - p.jaccard) <= 0.0015, (p.id_a, p.id_b)


def test_lead_reads_are_ids_and_labels_only():
    """bench/dedupe_lead_reads.tsv (the records read for the lead check) holds ids, numbers and
    English notes only, and its counts are the ones docs/dedupe.md reports."""
    path = REPO / "bench" / "dedupe_lead_reads.tsv"
    lines = [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln and not ln.startswith("#")]
    assert lines[0].split("\t") == ["sample", "corpus", "id", "kept_id", "sim", "lead", "flagged", "label", "note"]
    rows = [ln.split("\t") for ln in lines[1:]]
    assert all(len(r) == 9 and r[7] in ("distinct", "unsure", "copy") and not ARABIC.search(ln)
               for r, ln in zip(rows, lines[1:]))
    counted = Counter(r[7] for r in rows if r[0].startswith("released") and r[6] == "yes")
    assert counted == {"distinct": 13, "unsure": 13, "copy": 23}
    assert Counter(r[7] for r in rows if r[0] == "newly_dropped") == {"copy": 23, "unsure": 2}
    assert Counter(r[7] for r in rows if r[0] == "final_near_drops") == {"copy": 38, "unsure": 1, "distinct": 1}
    assert Counter(r[7] for r in rows if r[0] == "heldout_final") == {"copy": 58, "unsure": 1, "distinct": 1}
    assert Counter((r[6], r[7]) for r in rows if r[0] == "outcome_flagged") == {
        ("yes", "distinct"): 12, ("yes", "unsure"): 1, ("yes", "copy"): 1, ("no", "copy"): 21}
