"""The hand labels of bench/clean_labels*.tsv and the scorer bench/clean_real.py.

The label files hold ids and line numbers only (no corpus text); the checks against the corpora
skip when ../shared is absent.
"""

from __future__ import annotations

import collections
import gzip
import importlib.util
import json

import pytest

from newscli import chars
from _support import REPO, shared_path

LABELS = REPO / "bench" / "clean_labels.tsv"
FIELDS = REPO / "bench" / "clean_labels_fields.tsv"


def _load_scorer():
    spec = importlib.util.spec_from_file_location("clean_real", REPO / "bench" / "clean_real.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


cr = _load_scorer()


def test_label_files_hold_no_corpus_text():
    arabic = set(chars.ARABIC_LETTERS)
    for path in (LABELS, FIELDS):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not arabic & set(line), f"{path.name}:{n} holds Arabic text"


def test_label_rows_are_well_formed_and_cover_enough_records():
    labels, notes, fields = cr.load_labels()
    rows = cr.read_tsv(LABELS)
    assert len(rows) == sum(len(v) for v in labels.values()), "duplicate (corpus, id, line) rows"
    assert {c for c, _ in labels} == set(cr.CORPUS_FILES)
    assert {lab for v in labels.values() for lab in v.values()} <= {"body", "boilerplate", "unsure"}
    assert {x for v in notes.values() for x in v.values()} <= {"mixed"}
    with_residue = [k for k, v in labels.items() if "boilerplate" in v.values()]
    assert len(labels) >= 150 and len(with_residue) >= 80
    assert set(fields) == set(labels)
    for key, f in fields.items():
        assert set(f) == set(cr.FIELD_NAMES), key
        for name, line in f.items():
            assert line in (0, -1) or labels[key].get(line) == "body", (key, name, line)


def test_labels_match_the_corpora():
    labels, _, _ = cr.load_labels()
    want = collections.defaultdict(set)
    for corpus, rid in labels:
        want[corpus].add(rid)
    for corpus, ids in want.items():
        path = shared_path("corpora", cr.CORPUS_FILES[corpus])
        seen = collections.Counter()
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for raw in fh:
                rec = json.loads(raw)
                seen[rec["id"]] += 1
                if rec["id"] not in ids:
                    continue
                nonblank = {i for i, x in enumerate((rec.get("text") or "").split("\n"), 1) if x.strip()}
                assert set(labels[(corpus, rec["id"])]) == nonblank, (corpus, rec["id"])
        assert all(seen[i] == 1 for i in ids), f"{corpus}: a labeled id is missing or not unique"


@pytest.mark.parametrize("line, dropped", [
    ("أعلنت الوزارة اليوم عن خطة جديدة لدعم المزارعين.", None),
    ("هل تنجح الخطة الجديدة في دعم المزارعين هذا العام؟", None),
    ("قال الوزير إن «الخطة ستبدأ في الربيع المقبل.»", None),
    ("المجموعة الأولى", "c4-words"),
    ("أعلنت الوزارة اليوم عن خطة جديدة لدعم المزارعين", "c4-punct"),
    ("يستخدم الموقع ملفات تعريف الارتباط لتحسين تجربتك.", "c4-badword"),
    ("Please enable JavaScript to view the comments powered by Disqus.", "c4-badword"),
])
def test_c4_baseline_rule(line, dropped):
    assert cr.c4_drops(line) == dropped


def test_scores_body_and_removal_figures_and_fields():
    text = "محليات\nعنوان الخبر\nنص الخبر الأول.\nسطر آخر من النص.\nاقرأ أيضا: خبر آخر"
    labels = {("c", "r"): {1: "body", 2: "body", 3: "body", 4: "body", 5: "boilerplate"}}
    fields = {("c", "r"): {"title": 2, "section": 1, "dateline": 0}}

    def system(_text):
        # removes line 4 (a body line) and keeps line 5; line 1/2 become section/title
        got = {"title": "عنوان الخبر", "section": "محليات", "dateline": None, "_lines": {1: "section", 2: "title"}}
        return {4: "tail-short"}, got

    res = cr.score(system, labels, fields, {("c", "r"): text}, None)
    f = cr.figures(res["all"])
    assert (f["body_R"], f["body_P"], f["rm_R"], f["rm_P"]) == (0.75, 0.75, 0.0, 0.0)
    assert f["title"] == f["section"] == f["dateline"] == 1.0 and f["to_field"] == 0
    assert res["errors"]["body_removed"] == [("c", "r", 4, "tail-short")]
