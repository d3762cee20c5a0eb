"""Find date expressions in Arabic running text and convert them to ISO dates.

One compiled scanner (``tables().scanner``) proposes candidates; ``_candidate`` applies the
context rules documented in docs/dates.md and converts; ``scan`` resolves yearless dates
(range partner's year, else the publication year hint) and returns entries in text order.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

from hijridate import Hijri

from .tables import DIGITS, SP0, WORD, Month, fold, tables, to_int

_HAS_DIGIT = re.compile(f"[{DIGITS}]")
_CONNECT = re.compile(f"{SP0}(?:[-–—]|[اإ]ل[يى]|حت[يى]|و){SP0}")
_RANGE_WORDS = re.compile(f"{SP0}(?:[-–—]|[اإ]ل[يى]|حت[يى]){SP0}")
_PREV_WORD_R = re.compile(f"[^{WORD}{DIGITS}]{{0,3}}([{WORD}]+)")  # on the reversed text
_ISO = r"\d{4}-\d{2}(?:-\d{2})?"
_ANNOT = re.compile(rf"[ \u00a0]?\[({_ISO}(?:(?:/|, ){_ISO})*)\]")
_NUMBER_HEADS = frozenset({"رقم", "الرقم", "برقم", "العدد", "عدد", "هاتف", "الهاتف", "جوال", "رقمه"})
HIJRI_RANGE = (1343, 1500)
_NONE4 = (None, None, None, None)
SHORT = 120  # texts shorter than this use the plain search: cheaper when dates are dense


@dataclass(slots=True)
class _Raw:
    start: int
    end: int
    system: str
    year: int | None  # Gregorian year, or Hijri year when hijri is True
    month: int
    day: int | None
    hijri: bool
    weak: bool  # ambiguous month without strong context: accept only with a range partner's year
    head_pos: int  # where a name head (ثورة، شارع ...) would end; -1: not needed (year written)
    explicit: bool  # year written in the expression
    range_role: str | None = None
    joined: bool = False  # joined to the next expression ("8 و9 يناير", "من 8 إلى 10 ...")


_last_rev: tuple[str, str] = ("", "")  # (text, text reversed) of the text being scanned


def _reversed(text: str) -> str:
    global _last_rev
    last = _last_rev  # one atomic read: safe when threads scan different texts
    if last[0] is text:
        return last[1]
    rev = text[::-1]
    _last_rev = (text, rev)
    return rev


def _prev_word_raw(text: str, pos: int) -> str:
    """The word before ``pos`` (at most 3 non-word characters between), as written."""
    n = len(text)
    m = _PREV_WORD_R.match(_reversed(text), n - pos, n - max(0, pos - 40))
    return m.group(1)[::-1] if m else ""


def _prev_word(text: str, pos: int) -> str:
    return _fold_word(_prev_word_raw(text, pos))


@lru_cache(maxsize=8192)
def _fold_word(word: str) -> str:
    return fold(word) if word else ""


def _strip_clitics(word: str) -> list[str]:
    out = [word]
    if word[:1] in "وبلف" and len(word) > 3:
        out.append(word[1:])
    for w in list(out):
        if w.startswith("ال") and len(w) > 4:
            out.append(w[2:])
        if w.startswith("لل") and len(w) > 4:
            out.append("ال" + w[2:])
            out.append(w[2:])
    return out


def _is_name_head(text: str, pos: int) -> bool:
    return _word_is_name_head(_prev_word_raw(text, pos))


@lru_cache(maxsize=8192)
def _word_is_name_head(word: str) -> bool:
    heads = tables().name_heads
    return any(w in heads for w in _strip_clitics(_fold_word(word)))


@lru_cache(maxsize=4096)
def _month(name: str) -> Month | None:
    return tables().months.get(fold(name))


@lru_cache(maxsize=1024)
def _marker(mk: str | None) -> str | None:
    return tables().markers.get(fold(mk)) if mk else None


def _valid(y: int, m: int, d: int) -> bool:
    try:
        _dt.date(y, m, d)
    except ValueError:
        return False
    return True


def _resolve_year(m: re.Match[str], s: str, month: Month, pair_ok: bool) -> tuple[str, int | None, bool]:
    """Interpret the year part of candidate form s. Returns (kind, year, used) where kind is
    'greg' | 'hijri' | 'reject'; used is False when the digits are not a year (the match then
    ends before them)."""
    ytxt = m.group("y" + s)
    if ytxt is None:
        return ("greg", None, False)
    y = to_int(ytxt)
    mk = m.group("k" + s)
    kind = _marker(mk)
    nd = len(ytxt.strip())
    if month.system == "hijri":
        if kind == "hijri" and nd >= 3:
            return ("hijri", y, True)
        if kind == "wr" and nd in (2, 4):
            wr = y + 1300 if nd == 2 else y
            return ("hijri", wr + 11, True)
        if kind is None and nd == 4 and 1300 <= y <= 1600:
            return ("hijri", y, True)
        if kind is None:
            return ("hijri", None, False)  # e.g. "3 صفر 15" : a count, not a year
        return ("reject", None, True)
    # solar months
    if kind == "hijri":
        return ("reject", None, True)
    if kind == "wr" and nd in (2, 4):
        wr = y + 1300 if nd == 2 else y
        return ("greg", wr + 632, True)
    if kind == "gregorian" and nd >= 3:
        return ("greg", y, True)
    if kind is None and nd == 4:
        if month.system == "libyan" and 1340 <= y <= 1400:
            return ("greg", y + 632, True)  # an unmarked Jamahiriya-era و.ر year
        if 1000 <= y <= 2199:
            return ("greg", y, True)
    return ("greg", None, False)


def _candidate(text: str, m: re.Match[str]) -> list[_Raw] | None:
    g = m.group
    if m.start("m1") < 0 and m.start("m2") < 0:
        return _numeric(text, m)
    t = tables()
    s = "1" if m.start("m1") >= 0 else "2"
    month = _month(g("m" + s))
    if month is None:
        return None
    pname = g("p" + s)
    pair_end = m.end("p" + s) if pname else None
    if pname:
        pm = _month(pname)
        if pm is not None and pm.system != "hijri" and month.system != "hijri":
            if month.month is None:
                month = Month(month.system, pm.month, False, False) if pm.month in (1, 12) else month
            elif pm.month is None:
                pm = Month(pm.system, month.month, False, False) if month.month in (1, 12) else pm
            if pm.month == month.month and month.month is not None:
                system = month.system if month.system != "egyptian" else pm.system
                month = Month(system, month.month, False, False)
                if g("q" + s):
                    close = text.find(")" if g("q" + s) == "(" else "]", pair_end)
                    pair_end = close + 1
            else:
                return None  # "يناير/فبراير": two different months, not one date
        else:
            pname = None
    kind, year, used = _resolve_year(m, s, month, bool(pname))
    if kind == "reject":
        return None
    if month.month is None:
        # "كانون" alone: only with a و.ر year (Libyan December)
        mk = g("k" + s)
        if used and _marker(mk) == "wr":
            month = Month("libyan", 12, False, False)
        else:
            return None
    hijri = month.system == "hijri"
    if used:
        end = m.end()
    elif pname:
        end = pair_end
    else:
        end = m.end("m" + s)
    start = m.start()
    if g("wd") is None and g("cl"):
        start = m.start("cl") + 1
    strong = bool(pname) or bool(g("sh" + s)) or (used and _marker(g("k" + s)) == "wr")
    if s == "2":
        # month and year alone
        if not used or hijri:
            return None  # a Hijri month-year has no single Gregorian month
        if month.ambiguous and not strong:
            return None
        if g("wd") and not g("sh2"):
            start = m.start("m2")
        return [_Raw(start, end, month.system, year, month.month, None, False, False, -1, True)]
    # day forms
    if g("d1"):
        day = to_int(g("d1"))
    elif g("o1"):
        day = t.ordinals[fold(g("o1"))]
        prev = _prev_word(text, m.start())
        if g("wd") is None and prev.startswith("ال") and prev not in t.weekdays and prev not in t.adjective_heads_ok:
            return None  # "الأسبوع الأول من يناير": an adjective, not a day
    else:
        day = 1
    if not 1 <= day <= 31:
        return None
    weak = month.ambiguous and not (used or strong or g("wd"))
    head_pos = -1 if used else m.start()
    out: list[_Raw] = []
    if g("d2"):
        d2 = to_int(g("d2"))
        if not 1 <= d2 <= 31 or d2 <= day:
            return None
        role = "from" if _RANGE_WORDS.fullmatch(g("rs")) else None
        out.append(_Raw(start, m.end("d1"), month.system, year, month.month, day, hijri, weak, head_pos, used, role, True))
        out.append(_Raw(m.start("d2"), end, month.system, year, month.month, d2, hijri, weak, head_pos, used, "to" if role else None))
    else:
        out.append(_Raw(start, end, month.system, year, month.month, day, hijri, weak, head_pos, used))
    return out


def _numeric(text: str, m: re.Match[str]) -> list[_Raw] | None:
    g = m.group
    if g("iy"):
        y, mo, d = to_int(g("iy")), to_int(g("im")), to_int(g("id"))
    elif g("nd"):
        y, mo, d = to_int(g("ny")), to_int(g("nm")), to_int(g("nd"))
    else:
        y, mo, d = to_int(g("ry")), to_int(g("rm")), to_int(g("rd"))
    window = text[max(0, m.start() - 14):m.start()]
    if ("رقم" in window or "عدد" in window or "هاتف" in window or "جوال" in window) and _prev_word(text, m.start()) in _NUMBER_HEADS:
        return None  # "قرار رقم 12/3/2020" is a reference number
    kind = _marker(g("nk"))
    hijri = kind == "hijri" or (kind is None and 1300 <= y <= 1600)
    if kind == "wr":
        return None
    if not hijri and not (1000 <= y <= 2199):
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    start = m.start()
    return [_Raw(start, m.end(), "hijri" if hijri else "numeric", y, mo, d, hijri, False, -1, True)]


def _convert(r: _Raw) -> tuple[str | None, str | None]:
    return _convert_ymd(r.hijri, r.year, r.month, r.day)


@lru_cache(maxsize=65536)
def _convert_ymd(hijri: bool, year: int, month: int, day: int | None) -> tuple[str | None, str | None]:
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
    if not _valid(year, month, day):
        return None, "invalid"
    return f"{year:04d}-{month:02d}-{day:02d}", None


@dataclass(slots=True)
class Found:
    entry: dict
    annot_end: int  # end of an existing " [ISO]" annotation after the entry, else entry end
    joined: bool  # joined to the next found entry (a range or a "8 و9 يناير" list)


def group_annotation(group: list[Found]) -> str:
    isos = [f.entry["iso"] for f in group if f.entry["iso"]]
    if len(group) == 2 and group[0].entry.get("range") == "from":
        return "/".join(isos)
    return ", ".join(isos)


def _starts(text: str, a, hint: bool) -> list[int]:
    """Every position where the scanner can match with a candidate that may be accepted
    (a superset; see ``tables.Anchors``), unsorted, possibly repeated. Digit-free forms
    ("الأول من يناير") are looked for only with a year hint or when a digit date exists (a
    partner that can lend its year); otherwise they give nothing and consume nothing that
    matters."""
    n = len(text)
    rev = _reversed(text)  # position p in text <-> n - p in rev (rev[n - p:] is text[:p] reversed)
    cores: list[int] = []  # positions before which a weekday group may stand
    add = cores.append
    yb, mw = a.year_before.match, a.month_word_before.match
    for m in a.digits.finditer(text):
        q = m.start()
        if m.group("n", "d", "d2", "d3") != _NONE4:
            add(q)
            if q:
                c = text[q - 1]
                if c in "وبلف":
                    add(q - 1)
                    if c == "ل" and q >= 2 and text[q - 2] == "ا":
                        add(q - 2)
                elif c == "\u0640" and q >= 3 and text[q - 3:q - 1] == "ال":
                    add(q - 3)
        if not q or m.group("y") is None:
            continue
        b = yb(rev, n - q)
        if b is not None:
            for c in {n - b.end("t"), n - b.end("m")}:  # the first month of a pair, the one before the year
                add(c)
                w = mw(rev, n - c)
                if w is not None:
                    add(n - w.end())  # "شهر" (with its clitic when there is one)
                    if w.group("c"):
                        add(n - w.end() + 1)
    if hint or cores:
        ob = a.ordinal_before.match
        for m in a.of_month.finditer(text):
            b = ob(rev, n - m.start())
            if b is not None:
                add(n - b.end())
        for m in a.first.finditer(text):
            add(m.start())
    if not cores:
        return cores
    wb = a.weekday_before.match
    cores = list(set(cores))
    starts = cores.copy()
    for c in cores:
        b = wb(rev, n - c)
        if b is not None:
            starts.append(n - b.end())
            if b.group("y"):
                starts.append(n - b.start("y"))
    return starts


def _candidates_search(text: str, t) -> list[_Raw]:
    """The plain left-to-right search (cheaper than the anchors on a short text)."""
    raws: list[_Raw] = []
    search = t.scanner.search
    pos, n = 0, len(text)
    while pos < n:
        m = search(text, pos)
        if m is None:
            break
        s = m.start()
        if m.end() == s:
            pos = s + 1
            continue
        got = _candidate(text, m)
        if got:
            raws.extend(got)
            pos = got[-1].end
        else:
            pos = s + 1
    return raws


def _candidates(text: str, t, hint: bool = True) -> list[_Raw]:
    """The accepted candidates of a left-to-right scanner search (leftmost match; after a
    rejected candidate retry one character further, after an accepted one continue at its
    end), with the scanner tried only where a match can start (``_starts``): the same
    results, but the regex engine never walks the stretches of prose without a date."""
    starts = _starts(text, t.anchors, hint)
    if not starts:
        return []
    match = t.scanner.match
    raws: list[_Raw] = []
    tried = 0  # every start position below this one has been handled
    for s in sorted(set(starts)):
        if s < tried:
            continue
        m = match(text, s)
        if m is None or m.end() == s:
            continue
        got = _candidate(text, m)
        if got:
            raws.extend(got)
            tried = got[-1].end
    return raws


def scan(text: str, year_hint: int | None = None) -> list[Found]:
    """Entries in text order (see ``newscli.dates.find_dates``) with annotation/join facts."""
    if not text:
        return []
    if year_hint is None and not _HAS_DIGIT.search(text):
        return []
    t = tables()
    if len(text) < SHORT:
        raws = _candidates_search(text, t)
    else:
        raws = _candidates(text, t, year_hint is not None)
    # resolve yearless day forms from a following connected partner's year ("من 28 فبراير إلى
    # 3 مارس 2020", "8 و9 يناير 2020"); right to left so chains resolve in one linear pass
    for i in range(len(raws) - 2, -1, -1):
        r, nxt = raws[i], raws[i + 1]
        if r.year is not None or r.day is None or nxt.year is None or nxt.day is None or nxt.hijri != r.hijri:
            continue
        if nxt.start - r.end > 12 or not _CONNECT.fullmatch(text, r.end, nxt.start):
            continue
        r.year, r.explicit, r.joined = nxt.year, True, True
        if r.range_role is None and nxt.range_role is None and _RANGE_WORDS.fullmatch(text, r.end, nxt.start):
            r.range_role, nxt.range_role = "from", "to"
    kept: list[tuple[int, dict]] = []
    for idx, r in enumerate(raws):
        from_pub = False
        if r.year is None:
            if r.weak or r.hijri or year_hint is None or (r.head_pos >= 0 and _is_name_head(text, r.head_pos)):
                continue
            r.year, from_pub = year_hint, True
        elif r.weak and not r.explicit:
            continue
        iso, err = _convert(r)
        if err == "invalid":
            continue
        e = {"iso": iso, "match": text[r.start:r.end], "start": r.start, "end": r.end, "system": r.system}
        if from_pub:
            e["year_from"] = "publication"
        if r.range_role:
            e["range"] = r.range_role
        if err:
            e["error"] = err
        kept.append((idx, e))
    out: list[Found] = []
    group: list[Found] = []
    skip_until = -1
    for k, (idx, e) in enumerate(kept):
        if e["start"] < skip_until:
            continue
        joined = raws[idx].joined and k + 1 < len(kept) and kept[k + 1][0] == idx + 1
        f = Found(e, e["end"], joined)
        if not (out and out[-1].joined):
            group = []
        group.append(f)
        if not joined and e["iso"]:
            end = e["end"]
            c = text[end:end + 2]
            a = _ANNOT.match(text, end) if c[:1] == "[" or c[1:] == "[" else None
            if a and a.group(1) == group_annotation(group):
                f.annot_end = skip_until = a.end()
        out.append(f)
    if any(f.entry.get("range") for f in out):
        # a range end whose partner was dropped is not a range
        for k, f in enumerate(out):
            role = f.entry.get("range")
            if role == "from" and not (f.joined and out[k + 1].entry.get("range") == "to"):
                del f.entry["range"]
            elif role == "to" and not (k and out[k - 1].joined and out[k - 1].entry.get("range") == "from"):
                del f.entry["range"]
    return out
