"""The publication date of a record that has none, and where it came from (``date_from``).

A publication date is taken only from places that state one:
  - ``"dateline"``: the record's ``dateline`` field ("طرابلس 8 آي النار 2020");
  - ``"head"``: a head line among the first three non-empty lines of the text: a short line
    (at most 80 characters) holding a full date (year written) and, besides it, only place and
    outlet names, weekday and time words and head words ("نشر في", "آخر تحديث", "بتاريخ");
  - ``"agency"``: an agency line: the first line of the body starting with at most three words
    (a place), then a full date followed right away by a news outlet or agency ("الرياض 15 شوال
    1436 هـ الموافق 31 يوليو 2015 م واس", "تونس 11 ديسمبر 2016 (وات) -"), or with only places and
    outlets before the date and a dash or colon after it, an outlet named within its first 100
    characters ("واس - الرياض 8 يناير 2020 - ...").
An event date in a body sentence ("تستأنف البطولة يوم 8 يناير 2020", "في 8 يناير 2020 ذكرت
رويترز أن ...") is never a publication date.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newscli import gazetteer
from newscli.chars import TATWEEL

from .resolve import scan
from .tables import fold, tables

_WORDS = re.compile(r"[^\W\d_]+")
# words a head line may hold besides the date, places and outlets
_HEAD_WORDS = frozenset(fold(w) for w in (
    "نشر", "نشرت", "في", "بتاريخ", "تاريخ", "التاريخ", "النشر", "آخر", "اخر", "تحديث", "التحديث", "تم", "يوم",
    "الموافق", "م", "هـ", "ه", "الساعة", "ص", "مساء", "صباحا", "صباحاً", "بتوقيت", "غرينتش", "مكة", "المكرمة", TATWEEL,
    "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "محلي", "دولي",
))


@lru_cache(maxsize=1)
def _names() -> tuple[frozenset[str], tuple[str, ...]]:
    places = frozenset(w for p in gazetteer.places() for w in fold(p).split())
    outlets = tuple(fold(o) for o in gazetteer.outlets() if len(o) >= 3)
    return places, outlets


def full_dates(text: str | None) -> list[dict]:
    """Entries of ``text`` that are full days with the year written (no year from elsewhere)."""
    if not text:
        return []
    return [f.entry for f in scan(text) if f.entry["iso"] and len(f.entry["iso"]) == 10 and f.entry["year_from"] is None]


def _is_head_line(line: str, entry: dict) -> bool:
    if len(line) > 80:
        return False
    places, outlets = _names()
    rest = fold(line[:entry["start"]] + " " + line[entry["end"]:])
    for o in outlets:
        rest = rest.replace(o, " ")
    return all(w in _HEAD_WORDS or w in places or w.removeprefix("ال") in places for w in _WORDS.findall(rest))


# words that may stand between the date of an agency line and the agency: era marks, a second
# date of the same day ("الموافق 31 يوليو 2015 م")
_BETWEEN_WORDS = frozenset(fold(w) for w in ("م", "هـ", "ه", "الموافق", "لموافق", "موافق", "الميلادي", "هجري"))
_SEPARATOR = re.compile(r"[^\w\n]*?[-–—:]")


def _agency_follows(after: str) -> bool:
    """An outlet named within the first 60 characters of ``after`` (folded text right after the
    date), with only digits, punctuation, month names and the _BETWEEN_WORDS before it."""
    months = tables().months
    for o in _names()[1]:
        m = re.search(rf"(?<![^\W\d_]){re.escape(o)}(?![^\W\d_])", after)
        if m is None:
            continue
        words = _WORDS.findall(after[:m.start()])
        if all(w in _BETWEEN_WORDS or w in months or (w[:1] in "هم" and w[1:] in _BETWEEN_WORDS) for w in words):
            return True
    return False


def _is_agency_line(line: str, entry: dict) -> bool:
    """An agency line: at most three words (a place) before the date, and right after it the
    agency ("الرياض 15 شوال 1436 هـ الموافق 31 يوليو 2015 م واس", "تونس 11 ديسمبر 2016 (وات) -"),
    or places and outlets only before it and a dash or colon after it ("واس - الرياض 8 يناير 2020 -").
    A date inside a sentence ("في 8 يناير 2020 ذكرت رويترز أن ...") is neither."""
    before = _WORDS.findall(line[:entry["start"]])
    if len(before) > 3:
        return False
    places, outlets = _names()
    after = fold(line[entry["end"]:entry["end"] + 60])
    if _agency_follows(after):
        return True
    if not before or not _SEPARATOR.match(after):
        return False
    head = fold(line[:entry["start"]])
    for o in outlets:
        head = head.replace(o, " ")
    if not all(w in places or w.removeprefix("ال") in places for w in _WORDS.findall(head)):
        return False
    return any(re.search(rf"(?<![^\W\d_]){re.escape(o)}(?![^\W\d_])", fold(line[:100])) for o in outlets)


def publication_date(record: dict) -> tuple[str, str] | None:
    """(ISO date, where) for a record without a date, or None (see the module doc)."""
    dl = record.get("dateline")
    if isinstance(dl, str):
        found = full_dates(dl)
        if found:
            return found[0]["iso"], "dateline"
    text = record.get("text") or ""
    lines = [ln for ln in text[:3000].split("\n") if ln.strip()][:3]
    for k, line in enumerate(lines):
        found = full_dates(line[:300])
        if not found:
            continue
        e = found[0]
        if _is_head_line(line, e):
            return e["iso"], "head"
        if k == 0 and _is_agency_line(line, e):
            return e["iso"], "agency"
    return None
