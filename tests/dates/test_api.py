"""API behaviour beyond the case files: to_iso, replace_dates, date_record, long inputs."""

from __future__ import annotations

import json
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from newscli.dates import DatesOptions, date_record, find_dates, replace_dates, to_iso

SEED = "في 8 آي النار/يناير 2020م"


def _record(text, date=None, dateline=None):
    return {"id": "x", "source": "t", "section": None, "title": None, "dateline": dateline,
            "outlet": None, "place": None, "text": text, "date": date, "dates": [], "removed": [], "dup": None}


def test_seed_three_modes():
    assert replace_dates(SEED) == "في 2020-01-08"
    assert replace_dates(SEED, keep=True) == "في 8 آي النار/يناير 2020م [2020-01-08]"
    [e] = find_dates(SEED)
    assert e == {"iso": "2020-01-08", "match": "8 آي النار/يناير 2020م", "start": 3, "end": 25, "system": "libyan",
                 "year_from": None, "range": None, "error": None}
    assert list(e) == ["iso", "match", "start", "end", "system", "year_from", "range", "error"]


def test_to_iso():
    assert to_iso("8 آي النار/يناير 2020م") == "2020-01-08"
    assert to_iso(" يناير 2020 ") == "2020-01"
    assert to_iso("2020-01-08") == "2020-01-08"
    assert to_iso("٠٨/٠١/٢٠٢٠") == "2020-01-08"
    assert to_iso("5 رجب 1441هـ") == "2020-02-29"
    assert to_iso("في 8 يناير 2020") is None  # not a lone date
    assert to_iso("8 يناير") is None  # no year
    assert to_iso("الربيع العربي") is None
    assert to_iso("20 ربيع الأول 1300هـ") is None  # cannot convert
    assert to_iso("") is None


def test_ranges_replacement():
    assert replace_dates("8-10 الطير 2009") == "2009-04-08/2009-04-10"
    assert replace_dates("من 8 إلى 10 الطير 2009") == "من 2009-04-08 إلى 2009-04-10"
    assert replace_dates("يومي 8 و9 يناير 2020", keep=True) == "يومي 8 و9 يناير 2020 [2020-01-08, 2020-01-09]"
    es = find_dates("8-10 الطير 2009")
    assert [e.get("range") for e in es] == ["from", "to"]
    assert [e["match"] for e in es] == ["8", "10 الطير 2009"]


def test_keep_on_replaced_and_replace_on_kept():
    kept = replace_dates("صدر في 3 كانون الأول/ديسمبر 2017 قرار", keep=True)
    assert kept == "صدر في 3 كانون الأول/ديسمبر 2017 [2017-12-03] قرار"
    assert replace_dates(kept) == "صدر في 2017-12-03 قرار"
    assert [e["iso"] for e in find_dates(kept)] == ["2017-12-03"]


def test_error_entry_left_in_text():
    text = "صدر في 20 ربيع الأول 1300هـ"
    [e] = find_dates(text)
    assert e["iso"] is None and "1343-1500" in e["error"]
    assert replace_dates(text) == text


def test_date_record_fills_date_from_dateline_and_hint():
    rec = _record("قال المسؤول في 17 آي النار إن الاجتماع تأجل.", dateline="طرابلس 8 آي النار 2020")
    out = date_record(rec, DatesOptions())
    assert out["date"] == "2020-01-08" and out["date_from"] == "dateline"
    assert out["dates"] == [{"iso": "2020-01-17", "match": "17 آي النار", "start": 15, "end": 26,
                             "system": "libyan", "year_from": "publication", "range": None, "error": None}]
    assert rec["dates"] == []  # input not mutated


def test_date_record_head_line():
    rec = _record("طرابلس 8 آي النار 2020\nأعلنت الحكومة في 9 يناير عن خطة.")
    out = date_record(rec, DatesOptions())
    assert out["date"] == "2020-01-08"
    assert [e["iso"] for e in out["dates"]] == ["2020-01-08", "2020-01-09"]


def test_date_record_keeps_given_date_and_does_not_invent():
    out = date_record(_record("في 9 يناير أعلنت الحكومة", date="2019-05-01"), DatesOptions())
    assert out["date"] == "2019-05-01" and out["dates"][0]["iso"] == "2019-01-09"
    out = date_record(_record("في 9 يناير أعلنت الحكومة، وفي الربيع العربي"), DatesOptions())
    assert out["date"] is None and out["dates"] == []


def test_date_record_replace_is_idempotent():
    rec = _record("طرابلس 8 آي النار 2020\nفي 8-10 الطير 2009 وفي 5 رجب 1441هـ وفي 9 يناير.")
    for opts in (DatesOptions(replace=True), DatesOptions(replace=True, keep=True), DatesOptions()):
        once = date_record(rec, opts)
        twice = date_record(once, opts)
        assert once == twice, opts
        for e in once["dates"]:
            assert once["text"][e["start"]:e["end"]] == e["match"]
    out = date_record(rec, DatesOptions(replace=True))
    assert out["text"] == "طرابلس 2020-01-08\nفي 2009-04-08/2009-04-10 وفي 2020-02-29 وفي 2020-01-09."
    json.dumps(out)


def test_long_inputs_are_correct():
    # speed is measured in bench/dates_bench.py; here only the output of 1 MB lines is checked
    n = 1_000_000
    for s in ("1" * n, "٨" * n, "/" * n, "1/" * (n // 2), "12-" * (n // 3), "يناير " * (n // 6),
              "الماء " * (n // 6), "كانون " * (n // 6), " " * n, "8 / 1 / 20201 " * (n // 14),
              "الأول من " * (n // 9), "8 يناير " * (n // 8)):
        assert find_dates(s) == []
    s = "8 يناير 2020 " * (n // 13)
    found = find_dates(s)
    assert len(found) == n // 13 and {e["iso"] for e in found} == {"2020-01-08"}
    s = "2020-01-08/" * (n // 11)
    assert len(find_dates(s)) == n // 11
    s = "8 / 1 / 2020 " * (n // 13)  # spaces around the slashes (issue 14)
    assert len(find_dates(s)) == n // 13


_alphabet = st.sampled_from(list("0123456789٠١٢٣/-.، ") + ["يناير", " آي النار", " الماء", "رجب", " 2020", " 1441هـ",
                                                                "و.ر", "من", " إلى ", "الأول", "[", "]", "م", "كانون", " الأول"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_alphabet, max_size=30).map("".join))
def test_offsets_and_idempotence_on_noise(text):
    for e in find_dates(text, year_hint=2020):
        assert text[e["start"]:e["end"]] == e["match"]
    once = replace_dates(text)
    assert replace_dates(once) == once
    kept = replace_dates(text, keep=True)
    assert replace_dates(kept, keep=True) == kept


def test_compiled_scanner_cache_round_trip_and_damage(tmp_path, monkeypatch):
    from newscli.dates.tables import compile_cached

    monkeypatch.setenv("NEWSCLI_CACHE_DIR", str(tmp_path))
    pattern = r"(?P<d>\d{1,2}) (?P<m>يناير|فبراير)"
    first = compile_cached(pattern)
    [cached] = list(tmp_path.glob("re-*.bin"))
    second = compile_cached(pattern)  # loaded from the file
    for p in (first, second):
        m = p.search("في 8 يناير")
        assert m.group("d", "m") == ("8", "يناير") and p.groupindex == {"d": 1, "m": 2}
    cached.write_bytes(b"\x00garbage")  # a damaged cache is compiled afresh, and rewritten
    assert compile_cached(pattern).search("12 فبراير").group("m") == "فبراير"
    assert cached.read_bytes() != b"\x00garbage"
    monkeypatch.setenv("NEWSCLI_CACHE_DIR", "off")
    assert compile_cached(pattern + "x").pattern == pattern + "x"
    assert len(list(tmp_path.glob("re-*.bin"))) == 1


def test_every_entry_has_the_contract_keys_in_order():
    text = "من 28 ديسمبر 2018 إلى 3 يناير، ويومي 15 و16 جانفي، و20 ربيع الأول 1300هـ، وفي 8 يناير"
    found = find_dates(text, pub_date="2019-01-10")
    assert len(found) == 6
    for e in found:
        assert list(e) == ["iso", "match", "start", "end", "system", "year_from", "range", "error"]
    assert [(e["iso"], e["year_from"], e["range"]) for e in found] == [
        ("2018-12-28", None, "from"), ("2019-01-03", "range", "to"),
        ("2019-01-15", "publication", None), ("2019-01-16", "publication", None),
        (None, None, None), ("2019-01-08", "publication", None)]
    assert found[4]["error"]


def test_publication_date_only_from_dateline_head_or_agency_line():
    # an event date in the first body sentence is not the publication date (issue 14)
    rec = _record("تستأنف البطولة يوم 8 يناير 2020 بعد توقف طويل بسبب الأحداث.\nوقال المدرب إن الفريق جاهز.")
    out = date_record(rec, DatesOptions())
    assert out["date"] is None and out["date_from"] is None
    out = date_record(_record("نشر في: الأحد 8 يناير 2020\nتستأنف البطولة يوم 9 يناير."), DatesOptions())
    assert (out["date"], out["date_from"]) == ("2020-01-08", "head")
    rec = _record("الرياض 15 شوال 1436 هـ الموافق 31 يوليو 2015 م واس أعلنت الوزارة اليوم عن خطة جديدة للتعليم.")
    out = date_record(rec, DatesOptions())
    assert (out["date"], out["date_from"]) == ("2015-07-31", "agency")
    out = date_record(_record("في 9 يناير أعلنت الحكومة", date="2019-05-01"), DatesOptions())
    assert out["date_from"] == "input"


def test_agency_line_is_a_dateline_not_a_sentence_naming_an_agency():
    """The agency rule took any date among the first three words of the first line when an
    outlet was named in its first 100 characters: the event date of "في 8 يناير 2020 ذكرت رويترز
    أن ..." became the publication date. The agency must now follow the date (or a dash after a
    place and outlet head)."""
    for text in ("في 8 يناير 2020 ذكرت رويترز أن الشركة استأنفت الرحلات إلى المدينة بعد توقف دام أسبوعين.",
                 "صباح الثلاثاء 26 مارس 2013 انطلقت القمة العربية في الدوحة حسب ما أفادت وكالة الأنباء القطرية قنا.",
                 "* 28 مايو 1990: عقدت القمة العربية في بغداد، كما أوردت وكالة الأنباء واس في أرشيفها."):
        out = date_record(_record(text + "\nوقال المتحدث إن الرحلات منتظمة."), DatesOptions())
        assert (out["date"], out["date_from"]) == (None, None), text
    for text, iso in (("تونس 11 ديسمبر 2016 (وات) - أكد بيان صادر عن الوزارة انسحاب النائب من الكتلة.", "2016-12-11"),
                      ("نجران 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس أعلنت الجامعة عن مواعيد القبول.", "2015-08-11"),
                      ("واس - الرياض 8 يناير 2020 - أعلنت الوزارة عن خطة جديدة للتعليم.", "2020-01-08")):
        out = date_record(_record(text), DatesOptions())
        assert (out["date"], out["date_from"]) == (iso, "agency"), text


# --- hostile lines (issue 11): bounded work per date, results unchanged -------------------------

def test_yearless_dates_without_publication_date_make_no_context_scans(monkeypatch):
    """A line of yearless dates ("8 يناير 8 يناير ...") and no publication date or year hint: no
    day can get a year, so the name-head check (a word scan per date) is not made at all. It was
    made once per date (74,898 scans on a 1 MB line)."""
    import newscli.dates.resolve as resolve

    calls = []
    real = resolve.is_name_head
    monkeypatch.setattr(resolve, "is_name_head", lambda text, pos: calls.append(pos) or real(text, pos))
    text = "8 يناير " * 500
    assert find_dates(text) == []
    assert calls == []
    # with a publication date the check is made and the dates get their year
    found = find_dates("افتتح شارع 8 يناير وفي 9 يناير عاد الوفد", pub_date="2020-03-01")
    assert [e["iso"] for e in found] == ["2020-01-09"] and calls


def test_long_scan_pauses_the_collector_and_puts_it_back(monkeypatch):
    """The collector is paused during the scan of a long text (it re-walked every entry made so
    far: half the time of a 1 MB line of dates) and restored, also when the scan fails."""
    import gc

    import newscli.dates.resolve as resolve

    seen = []
    real = resolve.candidates
    monkeypatch.setattr(resolve, "candidates", lambda text: seen.append(gc.isenabled()) or real(text))
    long_text = "في 8/1/2020 " * (resolve.GC_PAUSE_CHARS // 10)
    assert len(find_dates(long_text)) == resolve.GC_PAUSE_CHARS // 10
    assert seen == [False] and gc.isenabled()
    find_dates("في 8/1/2020")
    assert seen == [False, True]

    def boom(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(resolve, "candidates", boom)
    try:
        find_dates(long_text)
    except RuntimeError:
        pass
    assert gc.isenabled()
    gc.disable()  # a caller that paused it itself keeps it paused
    try:
        monkeypatch.setattr(resolve, "candidates", real)
        find_dates(long_text)
        assert not gc.isenabled()
    finally:
        gc.enable()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ابتج ،.1٢\nـًaZ") + ["  "]), max_size=60).map("".join),
       st.integers(min_value=0, max_value=70))
def test_prev_word_scan_equals_the_window_regex(text, pos):
    """prev_word scans back from the position; it gives what the regex it replaces gave (the
    regex tried every start in its 40-character window), also before a final newline."""
    import re

    from newscli.dates.scanner import _fold_word, prev_word
    from newscli.dates.tables import DIGITS, WORD

    pos = min(pos, len(text))
    m = re.compile(f"([{WORD}]+)[^{WORD}{DIGITS}]{{0,3}}$").search(text, max(0, pos - 40), pos)
    assert prev_word(text, pos) == (_fold_word(m.group(1)) if m else "")


def test_a_line_of_dates_one_after_another_is_found_whole():
    """The chained path (the next date tried right after an accepted one) gives what the windowed
    search gives: every date, with its offsets, across all the forms."""
    unit = "8/1/2020، 9 يناير 2020 و10-12 فبراير 2021 (15 شوال 1436هـ الموافق 31 يوليو 2015م) 2020-01-08 "
    text = unit * 40
    found = find_dates(text)
    one = find_dates(unit)
    assert len(found) == 40 * len(one)
    step = len(unit)
    for k, e in enumerate(found):
        base = one[k % len(one)]
        assert e == {**base, "start": base["start"] + step * (k // len(one)), "end": base["end"] + step * (k // len(one))}
        assert text[e["start"]:e["end"]] == e["match"]


def test_a_line_of_dates_tries_each_start_once(monkeypatch):
    """On a line made only of dates, a start that gives no date ("1420هـ" alone, a year with no
    day) does not end the run of dates: the chain passes it as the plain search would, and the
    windowed search does not try it a second time. Before, every such start was tried twice (and
    the hit and start regexes ran again after it). The dates found are the same."""
    import newscli.dates.scanner as scanner

    tried: Counter = Counter()
    real = scanner.tables()

    class _Scanner:
        def match(self, text, pos):
            tried[pos] += 1
            return real.scanner.match(text, pos)

    class _Tables:
        scanner = _Scanner()

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(scanner, "tables", lambda: _Tables())
    text = " ".join(f"{d} يناير 2020 1420هـ ، {d}/3/2021" for d in range(1, 29))
    found = find_dates(text)
    assert [e["iso"] for e in found[:4]] == ["2020-01-01", "2021-03-01", "2020-01-02", "2021-03-02"]
    assert len(found) == 56 and all(e["iso"] for e in found)
    assert max(tried.values()) == 1


def test_hijri_input_date_is_converted_before_it_dates_yearless_days():
    """An input date "1436/10/15" is 15 Shawwal 1436 (2015-07-31), not the year 1436: yearless
    days then take years around 2015 (before, 5 يناير got 1437 and a Hijri day crashed)."""
    from newscli.records import from_object

    rec = from_object({"id": "h", "date": "1436/10/15", "text": "اجتمع المجلس في 3 شوال الماضي، وسيجتمع في 5 يناير"},
                      source="t", position=1)
    assert rec["date"] == "2015-07-31" and rec["input_date"] == "1436/10/15"
    out = date_record(rec, DatesOptions())
    assert out["date_from"] == "input"
    assert [(e["iso"], e["year_from"]) for e in out["dates"]] == [("2015-07-19", "publication"),
                                                                   ("2016-01-05", "publication")]


def test_hijri_day_with_a_publication_date_outside_the_table():
    # Umm al-Qura covers 1924-2077: a Hijri day then gets no year (no OverflowError)
    assert find_dates("في 3 شوال الماضي", pub_date="1900-03-01") == []
    assert [e["iso"] for e in find_dates("في 3 يناير الماضي", pub_date="2100-03-01")] == ["2100-01-03"]


def test_a_date_whose_iso_would_run_into_digits_is_left_as_written():
    """Hypothesis (CI): "يناير1000-1" became "1000-01-1", which a second replace read as 1000-01-01."""
    text = "يناير1000-1"
    once = replace_dates(text)
    assert replace_dates(once) == once == text
    assert replace_dates("وصل في 8 يناير 2020 إلى طرابلس") == "وصل في 2020-01-08 إلى طرابلس"
