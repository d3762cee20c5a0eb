"""Find date expressions in Arabic running text and convert them to ISO dates.

One compiled scanner (``tables().scanner``) proposes candidates; ``_candidate`` applies the
context rules documented in docs/dates.md and converts; ``scan`` resolves yearless dates
(range partner's year, else the publication year hint) and returns entries in text order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


from newscli.chars import TATWEEL
from newscli.isodate import HIJRI_YEARS as _HIJRI_YEARS  # a 13xx-16xx year is Hijri, in text as in a record's date

from .tables import DIGIT_SET, DIGITS, SP, SP0, WORD, WORD_SET, Month, fold, tables, to_int

_HAS_DIGIT = re.compile(f"[{DIGITS}]")
_CONNECT = re.compile(f"{SP0}(?:[-–—]|[اإ]ل[يى]|حت[يى]|و){SP0}")
_RANGE_WORDS = re.compile(f"{SP0}(?:[-–—]|{TATWEEL}{{1,3}}|[اإ]ل[يى]|(?:و{SP0})?حت[يى]){SP0}")
_RANGE_SIGN = re.compile(f"[-–—{TATWEEL}]|[اإ]ل[يى]|حت[يى]")
_NEXT_WORD = re.compile(f"{SP0}([{WORD}]+)")
# between a Hijri date and the Gregorian date of the same day: "(", "،" "الموافق", "/", "-"
_EQUIV = re.compile(f"{SP0}(?:ال(?:مقبل|قادم|ماضي|جاري|حالي|منصرم|فائت){SP0})?(?:[(]|[،,]?{SP0}(?:[وب]?ال?موافق[ةه]?|وفق|أي|اي)(?:{SP}ل|{SP0}ل{TATWEEL}?)?{SP0}[(]?|[-–/]){SP0}")
_ISO = r"\d{4}-\d{2}(?:-\d{2})?"
_ANNOT = re.compile(rf"[ \u00a0]?\[({_ISO}(?:(?:/|, ){_ISO})*)\]")
_NUMBER_HEADS = frozenset({"رقم", "الرقم", "برقم", "العدد", "عدد", "هاتف", "الهاتف", "جوال", "رقمه"})
HIJRI_RANGE = (1343, 1500)
WINDOW_BEFORE = 72  # the furthest a match starts before its month name ("يوم الأربعاء، الحادي والعشرين من شهر ")
KEYS = ("iso", "match", "start", "end", "system", "year_from", "range", "error")


@dataclass(slots=True)
class Raw:
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
    year_from: str | None = None  # "range" (a partner's year) or "publication"


def prev_word(text: str, pos: int) -> str:
    """The word before ``pos`` (at most 3 characters that are neither word characters nor digits
    between), folded; only the 40 characters before ``pos`` are looked at. (A scan back from
    ``pos``: the regex ``([W]+)[^WD]{0,3}$`` searched over the window tried every start in it.)"""
    lo = pos - 40 if pos > 40 else 0
    if pos > lo and text[pos - 1] == "\n":
        pos -= 1  # as the regex's "$", which also matched before a final newline
    e = pos
    while e > lo and pos - e < 3:
        c = text[e - 1]
        if c in WORD_SET or c in DIGIT_SET:
            break
        e -= 1
    if e <= lo or text[e - 1] not in WORD_SET:
        return ""
    s = e - 1
    while s > lo and text[s - 1] in WORD_SET:
        s -= 1
    return _fold_word(text[s:e])


def next_word(text: str, pos: int) -> str:
    """The word after ``pos`` (after an annotation " [ISO]" there), folded."""
    a = _ANNOT.match(text, pos)
    if a is not None:
        pos = a.end()
    m = _NEXT_WORD.match(text, pos, pos + 40)
    return _fold_word(m.group(1)) if m else ""


@lru_cache(maxsize=8192)
def _fold_word(word: str) -> str:
    return fold(word) if word else ""


def _strip_clitics(word: str) -> list[str]:
    out = [word]
    if word[:1] in "وبلف" and len(word) > 3:
        out.append(word[1:])
        if word[1:2] in "بل" and len(word) > 4:
            out.append(word[2:])  # "ولثورة", "وبشارع"
    for w in list(out):
        if w.startswith("ال") and len(w) > 4:
            out.append(w[2:])
        if w.startswith("لل") and len(w) > 4:
            out.append("ال" + w[2:])
            out.append(w[2:])
    return out


def is_name_head(text: str, pos: int) -> bool:
    """A street, event or institution name before ``pos`` ("شارع 23 يوليو", "ولثورة 17 فبراير")."""
    return _word_is_name_head(prev_word(text, pos))


@lru_cache(maxsize=8192)
def _word_is_name_head(word: str) -> bool:
    heads = tables().name_heads
    return any(w in heads for w in _strip_clitics(word))


@lru_cache(maxsize=4096)
def _month(name: str) -> Month | None:
    return tables().months.get(fold(name))


@lru_cache(maxsize=1024)
def _marker(mk: str | None) -> str | None:
    return tables().markers.get(fold(mk)) if mk else None


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
        if kind is None and nd == 4 and _HIJRI_YEARS[0] <= y <= _HIJRI_YEARS[1]:
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


def _pair(text: str, m: re.Match[str], s: str, month: Month) -> tuple[Month, int | None, bool] | None:
    """The month of a double form ("يناير/أي النار", "كانون الثاني (يناير)", "يوليو تموز") and
    where it ends; None when the two names are two different months joined by a sign."""
    g = m.group
    pname = g("p" + s)
    if not pname:
        return month, None, False
    pm = _month(pname)
    if pm is None or pm.system == "hijri" or month.system == "hijri":
        return month, None, False
    if month.month is None:
        month = Month(month.system, pm.month, False, False) if pm.month in (1, 12) else month
    elif pm.month is None:
        pm = Month(pm.system, month.month, False, False) if month.month in (1, 12) else pm
    if pm.month != month.month or month.month is None:
        return (month, None, False) if g("b" + s) is not None else None
    system = month.system if month.system != "egyptian" else pm.system
    pair_end = m.end("p" + s)
    if g("q" + s):
        pair_end = text.find(")" if g("q" + s) == "(" else "]", pair_end) + 1
    return Month(system, month.month, False, False), pair_end, True


def _ordinal_is_adjective(text: str, start: int) -> bool:
    """"الأسبوع الأول من يناير": an ordinal after a definite noun is an adjective, not a day."""
    t = tables()
    j = start - 1
    while j >= 0 and text[j] in " \u00a0":
        j -= 1
    if j < 0 or not text[j].isalpha():
        return False  # after punctuation ("… البرنامج. الثالث من …") there is no noun to qualify
    prev = prev_word(text, start)
    return (prev.startswith("ال") and prev not in t.weekdays and prev not in t.adjective_heads_ok
            and prev not in t.past_words and prev not in t.next_words)


def _is_reference_number(text: str, start: int) -> bool:
    """"قرار رقم 12/3/2020" is a reference number, not a date."""
    window = text[max(0, start - 14):start]
    return ("رقم" in window or "عدد" in window or "هاتف" in window or "جوال" in window) \
        and prev_word(text, start) in _NUMBER_HEADS


_CACHE: dict[str, tuple[str | None, tuple | None]] = {}


def _candidate(text: str, m: re.Match[str]) -> list[Raw] | None:
    """The candidates of one scanner match, or None when it is rejected.

    The reading of a match depends only on its text (the context rules, an ordinal after a
    definite noun and a reference number, are checked here on every call), so it is cached
    by the matched string: repeated dates cost a dictionary lookup and no regex groups."""
    key = m.group()
    cached = _CACHE.get(key)
    raws = None
    if cached is None:
        raws = _parse(text, m)
        s0 = m.start()
        g = m.group
        check = "numeric" if g("nd") else "ordinal" if g("o1") and g("wd") is None else None
        rel = None if not raws else tuple(
            (r.start - s0, r.end - s0, r.system, r.year, r.month, r.day, r.hijri, r.weak,
             -1 if r.head_pos < 0 else r.head_pos - s0, r.explicit, r.range_role, r.joined, r.year_from)
            for r in raws)
        if len(_CACHE) >= 16384:
            _CACHE.clear()
        cached = _CACHE[key] = (check, rel)
    check, rel = cached
    if rel is None:
        return None
    s0 = m.start()
    if check == "ordinal" and _ordinal_is_adjective(text, s0):
        return None
    if check == "numeric" and _is_reference_number(text, s0):
        return None
    if raws is not None:
        return raws  # just parsed: already at this position
    return [Raw(s0 + a, s0 + b, sy, y, mo, d, h, w, -1 if hp < 0 else s0 + hp, u, role, j, yf)
            for a, b, sy, y, mo, d, h, w, hp, u, role, j, yf in rel]


def _parse(text: str, m: re.Match[str]) -> list[Raw] | None:
    g = m.group
    if m.start("m1") < 0 and m.start("m2") < 0:
        return _numeric(text, m)
    t = tables()
    s = "1" if m.start("m1") >= 0 else "2"
    month = _month(g("m" + s))
    if month is None:
        return None
    paired = _pair(text, m, s, month)
    if paired is None:
        return None
    month, pair_end, has_pair = paired
    if has_pair or g("p" + s) is None:
        kind, year, used = _resolve_year(m, s, month, has_pair)
    else:
        kind, year, used = "greg", None, False  # a bare-space second name that is no pair: stop before it
    if kind == "reject":
        return None
    if month.month is None:
        # "كانون" alone: only with a و.ر year (Libyan December)
        if used and _marker(g("k" + s)) == "wr":
            month = Month("libyan", 12, False, False)
        else:
            return None
    hijri = month.system == "hijri"
    end = m.end() if used else pair_end if has_pair else m.end("m" + s)
    start = m.start()
    if g("wd") is None and g("cl"):
        start = m.start("cl") + 1
    strong = has_pair or bool(g("sh" + s)) or (used and _marker(g("k" + s)) == "wr")
    if s == "2":
        # month and year alone
        if not used or hijri:
            return None  # a Hijri month-year has no single Gregorian month
        if month.ambiguous and not strong:
            return None
        if g("wd") and not g("sh2"):
            start = m.start("m2")
        return [Raw(start, end, month.system, year, month.month, None, False, False, -1, True)]
    # day forms
    if g("d1"):
        day = to_int(g("d1"))
        first_end = m.end("d1")
    elif g("o1"):
        day = t.ordinals[fold(g("o1"))]
        first_end = m.end("o1")
    else:
        day = 1
        first_end = m.end("g1")
    if not 1 <= day <= 31:
        return None
    weak = month.ambiguous and not (used or strong or g("wd"))
    head_pos = -1 if used else m.start()
    if g("d1") and m.end("d1") == m.start("m1") and fold(g("m1")) == "صفر":
        return None  # "1صفر": a score (صفر is also "zero")
    rest = "rest" if g("rest") else "orest" if g("orest") else None
    if rest is None:
        return [Raw(start, end, month.system, year, month.month, day, hijri, weak, head_pos, used)]
    # a list or range of days sharing the month ("15 و16 جانفي", "من 15 إلى غاية 19 مارس")
    items = [(start, first_end, day)]
    ranged = False
    for it in t.items.finditer(text, m.start(rest), m.end(rest)):
        d = to_int(it.group("d")) if it.group("d") else t.ordinals[fold(it.group("o"))]
        if not 1 <= d <= 31 or d <= items[-1][2]:
            return None  # "3-6" (a score), "15 و 3 مارس": not an increasing list of days
        ranged = ranged or _RANGE_SIGN.search(it.group("c")) is not None
        items.append((it.end("c"), it.end(), d))
    role = ranged and len(items) == 2
    out = []
    for k, (a, b, d) in enumerate(items):
        last = k == len(items) - 1
        out.append(Raw(a, end if last else b, month.system, year, month.month, d, hijri, weak, head_pos, used,
                       ("to" if last else "from") if role else None, not last, None if last or not used else "range"))
    return out


def _numeric(text: str, m: re.Match[str]) -> list[Raw] | None:
    g = m.group
    if g("iy"):
        y, mo, d = to_int(g("iy")), to_int(g("im")), to_int(g("id"))
    elif g("nd"):
        if g("ns").strip() != g("ns2").strip():
            return None  # "8/1-2020": two different separators
        y, mo, d = to_int(g("ny")), to_int(g("nm")), to_int(g("nd"))
    else:
        y, mo, d = to_int(g("ry")), to_int(g("rm")), to_int(g("rd"))
    kind = _marker(g("nk"))
    # an unmarked 13xx-15xx year is Hijri, except in ISO form (YYYY-MM-DD is Gregorian: replace_dates output)
    hijri = kind == "hijri" or (kind is None and _HIJRI_YEARS[0] <= y <= _HIJRI_YEARS[1] and not g("iy"))
    if kind == "wr":
        return None
    if not hijri and not (1000 <= y <= 2199):
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    system = "hijri" if hijri else "numeric"
    last = Raw(m.start("nd") if g("n0") else m.start(), m.end(), system, y, mo, d, hijri, False, -1, True)
    if not g("n0"):
        return [last]
    # "11- 22/ 10/ 1436هـ", "من 13/8 إلى 18/9/1436هـ": the first end takes the other's month and year
    d0, _, m0 = g("n0").partition("/")
    d0, mo0 = to_int(d0), to_int(m0) if m0 else mo
    if not (1 <= mo0 <= 12 and 1 <= d0 <= 31) or (mo0, d0) >= (mo, d):
        return [Raw(m.start("nd"), m.end(), system, y, mo, d, hijri, False, -1, True)]
    role = "from" if _RANGE_WORDS.fullmatch(g("nrs")) else None
    last.range_role = "to" if role else None
    first = Raw(m.start(), m.end("n0"), system, y, mo0, d0, hijri, False, -1, True, role, True, "range")
    return [first, last]


SHORT = 160  # texts shorter than this use the plain search: cheaper than the hits on a sentence


def _candidates_search(text: str, t) -> list[Raw]:
    """The plain left-to-right search (the same results as the windows below)."""
    raws: list[Raw] = []
    search = t.scanner.search
    pos, n = 0, len(text)
    while pos < n:
        m = search(text, pos)
        if m is None:
            break
        s = m.start()
        got = _candidate(text, m) if m.end() > s else None
        if got:
            raws.extend(got)
            pos = got[-1].end
        else:
            pos = s + 1
    return raws


def candidates(text: str) -> list[Raw]:
    """The accepted candidates of a left-to-right scanner search (leftmost match; after a
    rejected candidate retry further on, after an accepted one continue at its end).

    Every scanner match contains a month name or a numeric date (a ``hits`` match) and starts
    at most WINDOW_BEFORE characters before it, at a word start or at the start of a digit run
    (a ``starts`` match). So the scanner is only tried at those starts, in the window before
    each hit; the position only moves forward, so every start is tried at most once, and prose
    without a month name or a numeric date costs one pass of the ``hits`` regex."""
    t = tables()
    if len(text) < SHORT:
        return _candidates_search(text, t)
    match, starts, start_at = t.scanner.match, t.starts.finditer, t.starts.search
    next_start = _START_CHAR.search
    raws: list[Raw] = []
    pos = 0
    for h in t.hits.finditer(text):
        hs = h.start()
        if hs < pos:
            continue
        for st in starts(text, max(pos, hs - WINDOW_BEFORE), hs + 1):
            s = st.start()
            if s < pos:
                continue
            m = match(text, s)
            if m is None or m.end() == s:
                continue
            got = _candidate(text, m)
            if got:
                raws.extend(got)
                pos = _chain(text, got[-1].end, raws, match, next_start, start_at)
        pos = max(pos, hs + 1)
    return raws


# a match starts with a word character or a digit (the scanner's guard): nothing else can start one
_START_CHAR = re.compile(f"[{WORD}{DIGITS}]")
CHAIN_GAP = 8  # after an accepted date, the next one is tried directly when it starts this close
CHAIN_MISSES = 3  # starts that give no date, one after another, before the chain hands back


def _chain(text: str, pos: int, raws: list[Raw], match, next_start, start_at) -> int:
    """Dates that follow one another ("8/1/2020، 9/1/2020 و10/1/2020"): after an accepted match
    ending at ``pos``, the first character that can start a match is tried directly, as the plain
    search would (no position before it can start one), without the hit regex. A start that gives
    no date (no match, or a rejected candidate: "1420هـ" alone) is passed as the plain search
    passes it (it goes on one character further), and the next start (``start_at``: a word start
    or a digit-run start, the only places a match can begin) within CHAIN_GAP is tried; after
    CHAIN_MISSES such starts one after another, or with no start that close, the chain hands back
    to the windowed search. Returns the new position: every start before it has been tried."""
    st = next_start(text, pos, pos + CHAIN_GAP)
    misses = 0
    while st is not None:
        s = st.start()
        m = match(text, s)
        got = _candidate(text, m) if m is not None and m.end() > s else None
        if got:
            raws.extend(got)
            pos = got[-1].end
            misses = 0
            st = next_start(text, pos, pos + CHAIN_GAP)
            continue
        pos = s + 1  # s gave no date: the plain search goes on from the next character
        misses += 1
        if misses >= CHAIN_MISSES:
            return pos
        st = start_at(text, pos, pos + CHAIN_GAP)
    return pos
