"""From scanner candidates to entries: years, ranges, double mentions, annotations.

``scan`` runs the scanner (``scanner.candidates``), gives every yearless day a year (from the
other end of its range or list, else from the publication date: the nearest such date, or the
one before/after it when "الماضي"/"المقبل" follows), merges a Hijri date and the Gregorian date of
the same day written beside it into one entry, and returns entries in text order, each with
exactly the keys of ``scanner.KEYS``.
"""

from __future__ import annotations

import datetime as _dt
import gc
import re
from dataclasses import dataclass
from functools import lru_cache

from hijridate import Gregorian, Hijri

from .scanner import (_ANNOT, _CONNECT, _EQUIV, _HAS_DIGIT, _NEXT_WORD, _RANGE_WORDS, HIJRI_RANGE, Raw, _fold_word,
                      candidates, is_name_head, next_word, prev_word)
from .tables import SP, SP0, fold, tables

_RECURRING = re.compile(f"{SP0}(?:[،,]{SP0})?من{SP}كل{SP}(?:عام|سن[ةه])")
_CLOSING_QUOTES = "»”\"'"
_OPENING_QUOTES = "«“\"'"


@dataclass(slots=True)
class Found:
    entry: dict
    annot_end: int  # end of an existing " [ISO]" annotation after the entry, else entry end
    joined: bool  # joined to the next found entry (a range or a "8 و9 يناير" list)


def group_annotation(group: list[Found]) -> str:
    isos = [f.entry["iso"] for f in group if f.entry["iso"]]
    if len(group) == 2 and group[0].entry["range"] == "from":
        return "/".join(isos)
    return ", ".join(isos)


@lru_cache(maxsize=65536)
def convert_ymd(hijri: bool, year: int, month: int, day: int | None) -> tuple[str | None, str | None]:
    """(iso, None), or (None, reason) for a date that cannot be converted, or (None, "invalid")."""
    if hijri:
        lo, hi = HIJRI_RANGE
        if not lo <= year <= hi:
            return None, f"Hijri year {year} is outside the Umm al-Qura table ({lo}-{hi} AH)"
        try:
            return Hijri(year, month, day).to_gregorian().isoformat(), None
        except (ValueError, OverflowError) as exc:
            return None, f"not a Umm al-Qura date: {exc}"
    if day is None:
        return f"{year:04d}-{month:02d}", None
    try:
        return _dt.date(year, month, day).isoformat(), None
    except ValueError:
        return None, "invalid"


def _connected(text: str, a: Raw, b: Raw) -> bool:
    return b.start - a.end <= 12 and _CONNECT.fullmatch(text, a.end, b.start) is not None


def _borrow(r: Raw, other: Raw, before: bool) -> None:
    """Give ``r`` the year of the connected ``other`` (``before``: r comes first); a range
    crossing the year's end ("من 28 ديسمبر إلى 3 يناير 2020": months six or more apart the
    wrong way round) moves one year."""
    y = other.year
    if before and r.month - other.month >= 6:
        y -= 1
    elif not before and other.month - r.month >= 6:
        y += 1
    r.year, r.explicit = y, True
    r.year_from = other.year_from or "range"


def _partners(text: str, raws: list[Raw]) -> None:
    """Yearless ends of ranges and lists take the year of the other end: right to left (the
    usual "15 و16 جانفي 2017"), then left to right ("من 28 ديسمبر 2018 إلى 3 يناير")."""
    for i in range(len(raws) - 2, -1, -1):
        r, nxt = raws[i], raws[i + 1]
        if r.year is not None or r.day is None or nxt.year is None or nxt.day is None or nxt.hijri != r.hijri:
            continue
        if not (r.joined or _connected(text, r, nxt)):
            continue
        _borrow(r, nxt, True)
        r.joined = True
        if r.range_role is None and nxt.range_role is None and _RANGE_WORDS.fullmatch(text, r.end, nxt.start):
            r.range_role, nxt.range_role = "from", "to"
    for i in range(1, len(raws)):
        prev, r = raws[i - 1], raws[i]
        if r.year is not None or r.day is None or prev.year is None or prev.day is None or prev.hijri != r.hijri:
            continue
        if prev.joined or (_connected(text, prev, r) and _RANGE_WORDS.fullmatch(text, prev.end, r.start)):
            _borrow(r, prev, False)
            prev.joined = True
            if prev.range_role is None and r.range_role is None:
                prev.range_role, r.range_role = "from", "to"
    # two yearless ends of a range in different months ("من 28 ديسمبر إلى 3 يناير"): joined, so
    # the first takes the year of the second (which takes the publication's), crossing the new year
    for i in range(len(raws) - 1):
        r, nxt = raws[i], raws[i + 1]
        if (r.year is not None or nxt.year is not None or r.day is None or nxt.day is None or r.joined
                or r.hijri != nxt.hijri or r.month == nxt.month or r.range_role or nxt.range_role):
            continue
        if _connected(text, r, nxt) and _RANGE_WORDS.fullmatch(text, r.end, nxt.start):
            r.joined = True
            r.range_role, nxt.range_role = "from", "to"


def _quoted_name(text: str, r: Raw) -> bool:
    """A yearless day and month that end a short quoted name: «6 أكتوبر», "حراك 24 آذار"."""
    if r.end >= len(text) or text[r.end] not in _CLOSING_QUOTES:
        return False
    before = text[max(0, r.start - 16):r.start]
    return any(q in before for q in _OPENING_QUOTES)


def _pick(options: list[tuple[_dt.date, int]], pub: _dt.date, word: str, since: bool, base: int) -> int | None:
    """The year among ``options`` (valid dates of the years around ``base``): the last one on or
    before ``pub`` after a past word or منذ, the first one on or after it after a next word (None
    when there is none: "29 فبراير الماضي" on 2019-03-01 has no past 29 February within a year),
    else the nearest."""
    t = tables()
    if word in t.past_words or since:
        past = [o for o in options if o[0] <= pub]
        return max(past)[1] if past else None
    if word in t.next_words:
        future = [o for o in options if o[0] >= pub]
        return min(future)[1] if future else None
    return min(options, key=lambda o: (abs((o[0] - pub).days), o[1] != base))[1]


def year_offset(text: str, pos: int, first: str | None = None) -> int | None:
    """The year a phrase after a yearless date names, relative to the publication year: "من العام
    الماضي" / "العام الماضي" / "السنة الماضية" -1, "من العام المقبل" +1, "من هذا العام" /
    "العام الجاري" 0, "العام قبل الماضي" -2; None when no such phrase follows ``pos``."""
    t = tables()
    if first is not None and first != "من" and first not in t.year_this and first not in t.year_nouns:
        return None  # ``first``: the word after ``pos`` (next_word), when the caller has it
    a = _ANNOT.match(text, pos)
    if a is not None:
        pos = a.end()
    words = []
    for _ in range(4):
        m = _NEXT_WORD.match(text, pos, pos + 40)
        if m is None:
            break
        words.append(_fold_word(m.group(1)))
        pos = m.end()
    i = 1 if words[:1] == ["من"] else 0
    if len(words) > i + 1 and words[i] in t.year_this and words[i + 1] in t.year_nouns:
        return 0
    if len(words) > i + 1 and words[i] in t.year_nouns:
        w = words[i + 1]
        if w in t.year_offsets:
            return t.year_offsets[w]
        if w == "قبل" and len(words) > i + 2 and t.year_offsets.get(words[i + 2]) == -1:
            return -2
    return None


def _dated_by_word(text: str, pos: int) -> bool:
    """A past/next word or a year phrase follows: "العاشر من رمضان الماضي" is a day, not the city."""
    t = tables()
    w = next_word(text, pos)
    return w in t.past_words or w in t.next_words or year_offset(text, pos, w) is not None


def _from_publication(text: str, r: Raw, year_hint: int | None, pub: _dt.date | None) -> bool:
    """Give a yearless day a year from the publication date (see the module doc)."""
    word = next_word(text, r.end)
    offset = year_offset(text, r.end, word)
    if pub is None:
        if r.hijri or year_hint is None:
            return False
        base = year_hint
    elif r.hijri:
        try:
            base = Gregorian(pub.year, pub.month, pub.day).to_hijri().year
        except (ValueError, OverflowError):
            return False  # a publication date outside the Umm al-Qura table: no Hijri year
    else:
        base = pub.year
    if offset is not None:
        # "8 أبريل من العام الماضي": the year before the publication year, whatever the day
        if convert_ymd(r.hijri, base + offset, r.month, r.day)[0] is None:
            return False
        r.year = base + offset
    elif pub is None:
        r.year = base
    else:
        options = []
        for y in (base - 1, base, base + 1):
            iso, err = convert_ymd(r.hijri, y, r.month, r.day)
            if iso is not None:
                options.append((_dt.date.fromisoformat(iso), y))
        if not options:
            return False
        year = _pick(options, pub, word, prev_word(text, r.start) == "منذ", base)
        if year is None:
            return False
        r.year = year
    r.year_from = "publication"
    return True


def _groups(raws: list[Raw], kept: list[tuple[int, dict]]) -> list[list[tuple[int, dict]]]:
    """Kept entries in runs joined as one range or list."""
    out: list[list[tuple[int, dict]]] = []
    for k, item in enumerate(kept):
        if k and raws[kept[k - 1][0]].joined and kept[k - 1][0] + 1 == item[0]:
            out[-1].append(item)
        else:
            out.append([item])
    return out


def _same_days(a: list[dict], b: list[dict]) -> bool:
    if len(a) != len(b) or (a[0]["system"] == "hijri") == (b[0]["system"] == "hijri"):
        return False
    for x, y in zip(a, b):
        if not (x["iso"] and y["iso"] and len(x["iso"]) == len(y["iso"]) == 10):
            return False
        if abs((_dt.date.fromisoformat(x["iso"]) - _dt.date.fromisoformat(y["iso"])).days) > 1:
            return False
    return True


def _merge_equivalents(text: str, raws: list[Raw], kept: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """A Hijri date with the Gregorian date of the same day beside it ("15 شوال 1436هـ الموافق
    31 يوليو 2015م", "2 ربيع الأول 1373 (9 نوفمبر 1953)", "10 – 13 صفر (22 – 25 نوفمبر)") is one
    mention: one entry per day over both, system "hijri", iso the written Gregorian date (one
    day apart is still the same day: the Umm al-Qura table and a sighted month can differ by one)."""
    if not any(raws[idx].hijri for idx, _ in kept):
        return kept
    groups = _groups(raws, kept)
    out: list[list[tuple[int, dict]]] = []
    for grp in groups:
        if out:
            prev = out[-1]
            a, b = [e for _, e in prev], [e for _, e in grp]
            m = _EQUIV.fullmatch(text, a[-1]["end"], b[0]["start"]) if _same_days(a, b) else None
            if m is not None:
                end = b[-1]["end"]
                if "(" in m.group():
                    close = re.match(r"[ \u00a0]{0,3}\)", text[end:end + 4])
                    end += close.end() if close else 0
                merged = []
                for k, ((idx, x), y) in enumerate(zip(prev, b)):
                    greg = y if y["system"] != "hijri" else x
                    new = dict(x, iso=greg["iso"], system="hijri", year_from=greg["year_from"], error=None)
                    if k == len(b) - 1:
                        new.update(match=text[x["start"]:end], end=end)
                    merged.append((idx, new))
                out[-1] = merged
                continue
        out.append(grp)
    return [item for grp in out for item in grp]


#: Texts at least this long are scanned with the cyclic garbage collector paused (see ``scan``).
GC_PAUSE_CHARS = 100_000


def scan(text: str, year_hint: int | None = None, pub: _dt.date | None = None) -> list[Found]:
    """Entries in text order (see ``newscli.dates.find_dates``) with annotation/join facts.

    A long text full of dates makes hundreds of thousands of small objects; the cyclic garbage
    collector would walk all of them again at each of its full collections (half the time on a
    1 MB line of dates). The scan makes no reference cycles, so for a text of GC_PAUSE_CHARS or
    more the collector is paused during the scan and put back as it was (also on an error)."""
    if not text:
        return []
    if year_hint is None and pub is None and not _HAS_DIGIT.search(text):
        return []
    if len(text) < GC_PAUSE_CHARS or not gc.isenabled():
        return _scan(text, year_hint, pub)
    gc.disable()
    try:
        return _scan(text, year_hint, pub)
    finally:
        gc.enable()


def _scan(text: str, year_hint: int | None, pub: _dt.date | None) -> list[Found]:
    if pub is not None and year_hint is None:
        year_hint = pub.year
    raws = candidates(text)
    t = tables()
    _partners(text, raws)
    # right to left: a list takes its last day's year. Without a publication date or year hint no
    # yearless day can get a year, so the context checks (a word scan each) are not made at all.
    for i in range(len(raws) - 1, -1, -1) if year_hint is not None else ():
        r = raws[i]
        if r.year is not None or r.weak or (r.head_pos >= 0 and is_name_head(text, r.head_pos)):
            continue
        if _RECURRING.match(text, r.end) or _quoted_name(text, r):
            continue  # "21 آذار من كل عام" recurs; «6 أكتوبر», "حراك 24 آذار" are names
        if (r.end - r.start in t.yearless_lengths and fold(text[r.start:r.end]) in t.yearless_names
                and not _dated_by_word(text, r.end)):
            continue  # "العاشر من رمضان": an Egyptian city (and the 1973 war), not this year's day
        nxt = raws[i + 1] if i + 1 < len(raws) else None
        if r.joined and nxt is not None and nxt.year_from == "publication" and nxt.hijri == r.hijri:
            _borrow(r, nxt, True)
            if pub is None and r.year < nxt.year and nxt.range_role == "to":
                # only --year: the range starts in that year and ends in the next
                r.year, nxt.year = r.year + 1, nxt.year + 1
        else:
            _from_publication(text, r, year_hint, pub)
    kept: list[tuple[int, dict]] = []
    for idx, r in enumerate(raws):
        if r.year is None or (r.weak and not r.explicit and r.year_from is None):
            continue
        iso, err = convert_ymd(r.hijri, r.year, r.month, r.day)
        if err == "invalid":
            continue
        # an entry has exactly the keys of scanner.KEYS, in that order
        kept.append((idx, {"iso": iso, "match": text[r.start:r.end], "start": r.start, "end": r.end,
                           "system": r.system, "year_from": r.year_from, "range": r.range_role, "error": err}))
    kept = _merge_equivalents(text, raws, kept)
    return _found(text, raws, kept)


def _found(text: str, raws: list[Raw], kept: list[tuple[int, dict]]) -> list[Found]:
    out: list[Found] = []
    first = 0  # where the current group (a range or list joined as one) starts in out
    skip_until = -1
    n = len(kept)
    for k, (idx, e) in enumerate(kept):
        if e["start"] < skip_until:
            continue
        joined = k + 1 < n and raws[idx].joined and kept[k + 1][0] == idx + 1
        f = Found(e, e["end"], joined)
        if not (out and out[-1].joined):
            first = len(out)
        if not joined and e["iso"]:
            end = e["end"]
            a = _ANNOT.match(text, end) if "[" in text[end:end + 2] else None
            if a and a.group(1) == group_annotation(out[first:] + [f]):
                f.annot_end = skip_until = a.end()
        out.append(f)
    # a range end whose partner was dropped is not a range
    for k, f in enumerate(out):
        role = f.entry["range"]
        if role == "from" and not (f.joined and out[k + 1].entry["range"] == "to"):
            f.entry["range"] = None
        elif role == "to" and not (k and out[k - 1].joined and out[k - 1].entry["range"] == "from"):
            f.entry["range"] = None
    return out
