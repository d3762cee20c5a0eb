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


ALWEEAM_BODY = ("أعلنت الإدارة العامة للتعليم عن موعد المقابلات الشخصية للمعلمين الجدد المعينين في المنطقة هذا العام، "
                "ودعت المرشحين إلى استكمال إجراءات التعيين.")


def test_boilerplate_file_prefix_and_regex(tmp_path):
    """`prefix:` removes a line or a trailer glued after a sentence end; `re:` a whole matching line."""
    p = tmp_path / "mine.txt"
    p.write_text("# alweeam\nprefix: رابط الخبر في الوئام اليوم\nre: الصفحة \\d+ من \\d+\nتابعونا الآن\n", encoding="utf-8")
    pats = load_boilerplate_file(p)
    assert pats == ("prefix: رابط الخبر في الوئام اليوم", "re: الصفحة \\d+ من \\d+", "تابعونا الآن")
    text = ALWEEAM_BODY + " رابط الخبر في الوئام اليوم: موعد المقابلات\nالصفحة 3 من 12\nتابعونا الآن"
    out = clean_record({"title": "موعد المقابلات", "text": text}, CleanOptions(extra_phrases=pats, explain=True))
    assert out["text"] == ALWEEAM_BODY
    assert [(e["rule"], e["text"]) for e in out["explain"]] == [
        ("user-prefix", "رابط الخبر في الوئام اليوم: موعد المقابلات"),
        ("user-re", "الصفحة 3 من 12"),
        ("user-phrase", "تابعونا الآن"),
    ]
    # a body sentence that merely contains the prefix text (no sentence end before it) stays
    keep = "قال إن رابط الخبر في الوئام اليوم لم يعمل طوال الصباح بسبب عطل في الخادم الرئيسي للموقع."
    assert clean_record({"title": "t", "text": ALWEEAM_BODY + "\n" + keep}, CleanOptions(extra_phrases=pats))["text"].endswith(keep)


def test_boilerplate_file_bad_regex_names_file_and_line(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text("إعلان\nre: (غير مغلق\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt.* line 2: bad regular expression") as e:
        load_boilerplate_file(p)
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="bad regular expression"):
        CleanOptions(extra_phrases=("re: [",))


def test_alweeam_trailer_built_in():
    """The alweeam trailer glued to the last paragraph goes as `trailer`, exactly as written."""
    raw = ALWEEAM_BODY + "  رابط الخبر بصحيفة الوئام: موعد المقابلات "
    out = clean_record({"title": "موعد المقابلات", "text": raw}, CleanOptions(explain=True))
    assert out["text"] == ALWEEAM_BODY
    assert out["removed"] == ["رابط الخبر بصحيفة الوئام: موعد المقابلات"]
    assert out["explain"][0]["rule"] == "trailer"


def test_removed_lines_are_as_written():
    """`removed` holds a removed line exactly as in the input (tatweel, no-break spaces kept)."""
    raw = BODY + "\n\u00a0إرســال\u00a0التعليق \nشارك"
    res = clean_text(raw)
    assert res.removed == ["\u00a0إرســال\u00a0التعليق ", "شارك"]
    assert res.body == [BODY]


def test_agency_dateline_fills_dateline_and_place():
    text = "الدمام 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس\n" + BODY
    out = clean_record({"title": "افتتاح حديقة", "text": text, "dateline": None, "outlet": None, "place": None})
    assert (out["dateline"], out["outlet"], out["place"]) == ("الدمام 25 شوال 1436 ه الموافق 10 أغسطس 2015 م واس", "واس", "الدمام")
    assert out["text"] == BODY and out["removed"] == []


def test_speaker_label_is_not_a_dateline():
    text = "معتز التلا - ممثل سوري\n" + BODY
    out = clean_record({"title": "آراء الفنانين", "text": text, "dateline": None, "outlet": None, "place": None})
    assert out["dateline"] is None and out["removed"] == []
    assert out["text"] == text


def test_title_line_ending_in_cr_is_idempotent():
    """IN's fuzz finding: JSONL text with CRLF line ends gave a title ending in "\\r" the first
    time and a stripped one the second time."""
    rec = {"id": "1", "title": None, "section": None, "dateline": None, "outlet": None, "place": None,
           "text": "عنوان الخبر هنا\r\nنص الخبر عن الأسواق في طرابلس.\r", "removed": []}
    once = clean_record(rec)
    assert once["title"] == "عنوان الخبر هنا"
    assert once["text"] == "نص الخبر عن الأسواق في طرابلس."
    assert clean_record(once) == once


def test_letters_fold_with_decomposed_hamza_is_idempotent():
    """IN's fuzz finding: yeh + U+0654 survives the letters fold and NFC then composes it into
    ئ, which the fold changes on a second run; clean folds until the text is stable."""
    rec = {"id": "1", "title": "مسا\u064a\u0654ل عاجلة", "text": BODY + "\nقال القا\u064a\u0654د إن الخطة جاهزة.", "removed": []}
    opts = CleanOptions(folds=("letters",))
    once = clean_record(rec, opts)
    assert "ئ" not in once["title"] and "ئ" not in once["text"]
    assert clean_record(once, opts) == once


def test_a_repeated_short_line_is_worked_out_once_per_article(monkeypatch):
    """A short line that comes back again and again in one article (a share bar after every
    paragraph; the battery's article of 100k short lines) gets its key, fold and line rule once:
    they depend on the line's text alone. Each copy is still removed where it stands. Before, every
    copy was worked out again (0.56 s for 100k lines of "سطر قصير")."""
    from collections import Counter

    import newscli.clean._anywhere as anywhere
    import newscli.clean._edges as edges

    ruled: Counter = Counter()
    keyed: Counter = Counter()
    real_rule, real_key = anywhere.line_rule, edges.key
    monkeypatch.setattr(anywhere, "line_rule", lambda line, *a: ruled.update([line]) or real_rule(line, *a))
    monkeypatch.setattr(edges, "key", lambda line: keyed.update([line]) or real_key(line))
    paras = [f"وقال المتحدث باسم البلدية في الفقرة رقم {i} إن أعمال الصيانة ستستمر حتى نهاية الأسبوع المقبل "
             "في الأحياء الشرقية." for i in range(1, 7)]
    lines = ["البلدية تعلن خطة الصيانة"]
    for p in paras:
        lines += [p, "شارك الخبر", "سطر قصير", "تابعونا على فيسبوك", "سطر قصير"]
    res = clean_text("\n".join(lines), CleanOptions(explain=True))
    assert res.body == [x for p in paras for x in (p, "سطر قصير", "سطر قصير")]
    assert [e["line"] for e in res.explain if e["text"] == "شارك الخبر"] == [3 + 5 * k for k in range(6)]
    assert [e["line"] for e in res.explain if e["text"] == "تابعونا على فيسبوك"] == [5 + 5 * k for k in range(6)]
    assert ruled["سطر قصير"] == 1 and ruled["شارك الخبر"] <= 1 and ruled["تابعونا على فيسبوك"] <= 1
    # the comment-thread search keys each short line after the body start once (not 12 times)
    assert keyed["سطر قصير"] <= 3 and keyed["شارك الخبر"] <= 2
