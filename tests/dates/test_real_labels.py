"""The hand labels of real paragraphs (bench/dates_labels.jsonl) are well formed, and scoreable.

The structure checks run everywhere; the paragraph checks read ../shared/corpora and skip without it.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter

import pytest

from _support import REPO

LABELS = REPO / "bench" / "dates_labels.jsonl"
ISO = re.compile(r"\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?")
KINDS = {"range", "hijri", "maghrebi", "glued", "none", "yearless", "double", "levantine", "egyptian",
         "numeric", "ordinal", "trap", "relword", "boundary"}
CORPORA = {"saudinewsnet", "ant_multisource_2018", "ant_jawharafm_tunisia", "egypt_news_credibility_2013_week"}


def _labels() -> list[dict]:
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows[0].get("_header") and rows[0]["conventions"], "first line must hold the conventions"
    return rows[1:]


def _bench_module():
    spec = importlib.util.spec_from_file_location("dates_real", REPO / "bench" / "dates_real.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_label_is_well_formed_and_unique():
    labels = _labels()
    assert len(labels) >= 200
    keys = Counter((lab["corpus"], lab["id"], lab["para"]) for lab in labels)
    assert [k for k, n in keys.items() if n > 1] == []
    for lab in labels:
        where = f"{lab['corpus']}:{lab['id']}:{lab['para']}"
        assert lab["corpus"] in CORPORA, where
        assert isinstance(lab["para"], int) and lab["para"] >= 0, where
        assert set(lab["kinds"]) <= KINDS, where
        assert all(ISO.fullmatch(iso) for iso in lab["expected"]), where
        # "none" is exactly the paragraphs without any date
        assert ("none" in lab["kinds"]) == (lab["expected"] == []), where
        assert lab.get("needs_year") or re.fullmatch(r"\d{4}-\d{2}-\d{2}", lab["pub_date"]), where


def test_label_set_covers_the_shapes_the_issue_asks_for():
    kinds = Counter(k for lab in _labels() for k in lab["kinds"])
    assert kinds["range"] >= 40 and kinds["hijri"] >= 30 and kinds["maghrebi"] >= 30
    assert kinds["glued"] >= 20 and kinds["none"] >= 30


def test_scoring_counts_a_multiset_of_iso_dates():
    mod = _bench_module()
    labels = [{"expected": ["2017-01-15", "2017-01-16"], "kinds": ["range"]},
              {"expected": [], "kinds": ["none"]}]
    got = [["2017-01-16", "2017-01-16"], []]
    s = mod.score(labels, got)
    assert (s["exact"], s["precision"], s["recall"]) == (0.5, 0.5, 0.5)


def test_entry_shapes_old_and_new_give_iso_lists():
    mod = _bench_module()
    assert mod._isos_of_entry({"iso": "2017-01-15", "match": "x"}) == ["2017-01-15"]
    assert mod._isos_of_entry({"iso": None, "error": "out of table"}) == []
    assert mod._isos_of_entry({"iso": "2009-04-08/2009-04-10"}) == ["2009-04-08", "2009-04-10"]


def test_labelled_paragraphs_exist_unchanged_in_the_corpora():
    mod = _bench_module()
    if not mod.SHARED.exists():
        pytest.skip(f"../shared not available ({mod.SHARED})")
    labels = mod.load_labels(LABELS)
    paras = mod.load_paragraphs(labels, mod.SHARED)  # raises SystemExit on a missing paragraph
    import hashlib
    changed = [lab for lab in labels
               if hashlib.sha1(paras[(lab["corpus"], lab["id"], lab["para"])].encode()).hexdigest()[:12]
               != lab["para_sha1"]]
    assert changed == []
