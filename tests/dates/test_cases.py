"""Data-driven date cases: tests/dates/cases/*.jsonl.

Each line: {"text", "expect", "note", optional "year_hint"}. "expect" is a list whose items are
an ISO string (or null for a "cannot convert" entry) or an object with "iso" and optionally
"system" and "hijri" ([y, m, d], cross-checked with hijridate's Umm al-Qura table); the found
entries must match it one to one, in order. "expect": "fail" marks a known gap: the case's
"want" (same shape) is asserted and the test is a strict xfail, so it fails loudly once fixed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hijridate import Hijri

from newscli.dates import find_dates, replace_dates

CASES_DIR = Path(__file__).parent / "cases"


def _load():
    out = []
    for path in sorted(CASES_DIR.glob("*.jsonl")):
        for n, line in enumerate(path.read_text("utf-8").split("\n"), 1):
            if line.strip():
                case = json.loads(line)
                marks = [pytest.mark.xfail(strict=True, reason=case["note"])] if case["expect"] == "fail" else []
                out.append(pytest.param(case, id=f"{path.stem}:{n}", marks=marks))
    return out


CASES = _load()


def _check(case: dict) -> None:
    expect = case["want"] if case["expect"] == "fail" else case["expect"]
    found = find_dates(case["text"], year_hint=case.get("year_hint"), pub_date=case.get("pub_date"))
    assert len(found) == len(expect), (case["note"], found)
    for e, want in zip(found, expect):
        assert case["text"][e["start"]:e["end"]] == e["match"]
        if not isinstance(want, dict):
            want = {"iso": want}
        assert e["iso"] == want["iso"], (case["note"], e)
        for key in ("system", "year_from", "range"):
            if key in want:
                assert e[key] == want[key], (case["note"], e)
        if want["iso"] is None:
            assert e["error"], (case["note"], e)
        if "hijri" in want:
            assert Hijri(*want["hijri"]).to_gregorian().isoformat() == e["iso"]


@pytest.mark.parametrize("case", CASES)
def test_case(case):
    _check(case)


def test_case_counts():
    cases = [p.values[0] for p in CASES]
    assert len(cases) >= 150
    traps = [c for c in cases if c["note"].startswith("trap")]
    assert len(traps) >= 40
    systems = {w["system"] for c in cases if isinstance(c["expect"], list) for w in c["expect"] if isinstance(w, dict) and "system" in w}
    assert systems == {"libyan", "levantine", "egyptian", "maghrebi", "moroccan", "mauritanian", "hijri", "numeric"}


@pytest.mark.parametrize("case", [p for p in CASES if p.values[0]["expect"] != "fail"])
def test_replace_and_keep_are_idempotent(case):
    c = case
    text, kw = c["text"], {"year_hint": c.get("year_hint"), "pub_date": c.get("pub_date")}
    once = replace_dates(text, **kw)
    assert replace_dates(once, **kw) == once
    kept = replace_dates(text, keep=True, **kw)
    assert replace_dates(kept, keep=True, **kw) == kept
    # the annotation is not reported as a second date
    assert len(find_dates(kept, **kw)) == len(find_dates(text, **kw))


PAD = "وقال المتحدث باسم الوزارة إن اللجنة ستواصل أعمالها خلال الفترة المقبلة دون تغيير يذكر في البرنامج. " * 2


@pytest.mark.parametrize("case", [p for p in CASES if p.values[0]["expect"] != "fail"])
def test_long_text_path_gives_the_same_entries(case):
    """Texts of 160+ characters are scanned in windows before month names and numeric dates
    (scanner.candidates), short ones by a plain search: both must find the same entries."""
    c = case
    kw = {"year_hint": c.get("year_hint"), "pub_date": c.get("pub_date")}
    short = find_dates(c["text"], **kw)
    long = find_dates(PAD + c["text"] + " " + PAD, **kw)
    k = len(PAD)
    assert [dict(e, start=e["start"] + k, end=e["end"] + k) for e in short] == long
