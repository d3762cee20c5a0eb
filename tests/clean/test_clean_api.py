"""API details: options validation, boilerplate files, explain, format_text, record handling."""

from __future__ import annotations

import pytest

from newscli.clean import RULES, CleanOptions, clean_record, clean_text, format_text, load_boilerplate_file

BODY = "أعلنت البلدية عن افتتاح حديقة عامة جديدة في وسط المدينة بعد عامين من أعمال التطوير والتشجير."


def test_unknown_fold_rejected():
    with pytest.raises(ValueError, match="unknown fold"):
        CleanOptions(folds=("nope",))


def test_load_boilerplate_file(tmp_path):
    p = tmp_path / "b.txt"
    p.write_text("# عبارات الموقع\n\nتابعوا قناتنا\r\nإعلان مدفوع  \n", encoding="utf-8")
    assert load_boilerplate_file(p) == ("تابعوا قناتنا", "إعلان مدفوع")


def test_load_boilerplate_file_errors(tmp_path):
    with pytest.raises(ValueError, match="cannot read") as e:
        load_boilerplate_file(tmp_path / "missing.txt")
    assert "\n" not in str(e.value)
    bad = tmp_path / "bad.txt"
    bad.write_bytes("إعلان".encode("cp1256"))
    with pytest.raises(ValueError, match="not UTF-8"):
        load_boilerplate_file(bad)
    with pytest.raises(ValueError, match="cannot read"):
        load_boilerplate_file(tmp_path)  # a directory


def test_explain_lines_and_rules():
    text = "محلي\n\nافتتاح حديقة عامة\n\n" + BODY + "\n\nشارك\n\nإغلاق"
    res = clean_text(text, CleanOptions(explain=True))
    assert res.explain == [
        {"line": 1, "rule": "section", "text": "محلي"},
        {"line": 3, "rule": "title", "text": "افتتاح حديقة عامة"},
        {"line": 7, "rule": "phrase", "text": "شارك"},
        {"line": 9, "rule": "phrase", "text": "إغلاق"},
    ]
    assert all(e["rule"] in RULES for e in res.explain)


def test_clean_record_keeps_existing_fields_and_extends_removed():
    rec = {"id": "1", "source": "f.jsonl:1", "section": "رياضة", "title": "عنوان موجود", "dateline": None,
           "outlet": None, "place": None, "text": "عين اليوم – جدة\n" + BODY + "\nشارك", "date": None,
           "dates": [], "removed": ["سطر سابق"], "dup": None, "url": "http://example.com/1"}
    out = clean_record(rec, CleanOptions(explain=True))
    assert out["section"] == "رياضة" and out["title"] == "عنوان موجود"
    assert (out["dateline"], out["outlet"], out["place"]) == ("عين اليوم – جدة", "عين اليوم", "جدة")
    assert out["text"] == BODY
    assert out["removed"] == ["سطر سابق", "شارك"]
    assert out["url"] == "http://example.com/1"
    assert list(out)[:3] == ["id", "source", "section"]
    assert rec["text"].endswith("شارك")  # input not mutated
    assert "explain" not in clean_record(rec)


def test_structure_off_only_removes_boilerplate():
    res = clean_text("محلي\n\nعنوان طويل عن افتتاح حديقة عامة في المدينة\n\n" + BODY + "\nإغلاق", CleanOptions(structure=False))
    assert res.section is None and res.title is None
    assert res.removed == ["محلي", "إغلاق"]


def test_format_text_layout():
    rec = {"section": "محلي", "title": "عنوان", "dateline": "أوج – أنقرة", "text": BODY + "\n" + BODY}
    assert format_text(rec) == "محلي\n\nعنوان\n\nأوج – أنقرة\n" + BODY + "\n\n" + BODY + "\n"
    assert format_text({"title": None, "text": BODY}) == BODY + "\n"


def test_empty_text_is_not_an_error():
    out = clean_record({"title": "عنوان", "text": "شارك\nإغلاق"})
    assert out["text"] == "" and out["removed"] == ["شارك", "إغلاق"]


def test_line_separators_inside_a_line_do_not_split_it():
    text = "عنوان\n\n" + BODY.replace("حديقة", "حديقة\u2028") + "\nشارك"
    res = clean_text(text)
    assert len(res.body) == 1 and "\u2028" in res.body[0]
