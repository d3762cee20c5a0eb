"""Datelines: `outlet – place` lines and agency lines (`الدمام 25 شوال 1436 هـ … واس`).

A dateline needs a known outlet or a known place (the shared gazetteer, `newscli/data/`), so a
speaker label ("معتز التلا - ممثل سوري") or a stray dash ("الإعلامي-يسري فودة") is not one.
"""

from __future__ import annotations

import re

from newscli.clean._rules import CANONICAL_OUTLET, CREDITS, DATELINE_RE, OUTLETS, PHRASES, PLACES
from newscli.clean._text import DIGIT, HAS_ALNUM, bare_end, key, words

MAX_DATELINE_WORDS = 9  # an `A – B` dateline
MAX_SIDE_WORDS = 4
MAX_AGENCY_WORDS = 20  # place, date (both calendars) and agency
_MAX_NAME_WORDS = max(k.count(" ") + 1 for k in PLACES | OUTLETS)
_HAS_DIGIT = re.compile(DIGIT)
_OUTLET_LAST = frozenset(k.rsplit(" ", 1)[-1] for k in OUTLETS) | {""}
_PLACE_FIRST = frozenset(k.split(" ", 1)[0] for k in PLACES)


def dateline_sides(line: str) -> tuple[str, str] | None:
    """Split a short `A – B` line into its two sides, or None."""
    if words(line) > MAX_DATELINE_WORDS:
        return None
    m = DATELINE_RE.match(line)
    if not m:
        return None
    a, b = m.group(1).strip(), m.group(2).strip()
    if not a or not b or words(a) > MAX_SIDE_WORDS or words(b) > MAX_SIDE_WORDS:
        return None
    if not HAS_ALNUM.search(a) or not HAS_ALNUM.search(b):
        return None
    ka, kb = key(a), key(b)
    if ka in PHRASES or kb in PHRASES or ka.startswith("صوره") or kb.startswith("صوره"):
        return None  # a photo caption such as "اقتحام المقر - أرشيفية"
    return a, b


# first words of an outlet's name ("وكالة فزان للأنباء", "صحيفة الساحل", "بوابة النيل")
_OUTLET_WORDS = frozenset(key(w) for w in (
    "وكالة وكاله صحيفة جريدة مجلة موقع بوابة قناة إذاعة اذاعة راديو تلفزيون شبكة مرصد المرصد نشرة").split())


# words of known outlets' names, 4+ letters ("عكاظ اليوم", "مكتب الجزيرة", "محرر مصراوي" are not names)
_OUTLET_NAME_WORDS = frozenset(w for k in OUTLETS for w in k.split() if len(w) >= 4)


def _reporter(side: str) -> bool:
    """'حامد القرشي', 'فوزي دهب واحمد ابورية': the reporter beside the place in `name – city`, not
    an outlet. 2+ words, first word without the article, no outlet word, no known place, not a
    known outlet ("المرصد الليبي", "نبض المغرب", "صحيفة الساحل" are outlets)."""
    ks = key(side).split()
    if len(ks) < 2 or " ".join(ks) in OUTLETS or ks[0].startswith("ال"):
        return False
    return not any(k in _OUTLET_WORDS or k in PLACES or k in _OUTLET_NAME_WORDS for k in ks)


def canonical_outlet(outlet: str | None) -> str | None:
    """A known outlet in one spelling (the gazetteer's first with its key: "(أ ش أ)", "أ. ش. أ" ->
    "أ ش أ"); another outlet without the brackets and punctuation around it."""
    if outlet is None:
        return None
    k = key(outlet).replace(" ", "")
    return CANONICAL_OUTLET.get(k) or outlet.strip(_EDGE) or outlet


def orient(a: str, b: str) -> tuple[str | None, str | None] | None | bool:
    """(outlet, place) of a dateline's two sides; False for an `author – outlet` byline;
    None when neither side is a known place or outlet (not a dateline at all). Beside a known
    place, a reporter's name ("حامد القرشي – مكة المكرمة") gives outlet None."""
    ka, kb = key(a), key(b)
    a_place, b_place = ka in PLACES, kb in PLACES
    if b_place and not a_place:
        return (None if _reporter(a) else a), b
    if a_place and not b_place:
        return (None if _reporter(b) else b), a
    if a_place and b_place:
        return a, b
    a_out, b_out = ka in OUTLETS, kb in OUTLETS
    a_cred, b_cred = ka in CREDITS, kb in CREDITS
    if a_out and b_out:
        return a, None
    if a_out:  # `outlet – city` (one word), `outlet – خاص`; `outlet – author` is a byline
        if b_cred:
            return a, None
        return (a, b) if words(b) == 1 else False
    if b_out:  # `place – outlet` for a one-word place; `author – outlet` is a byline
        if a_cred:
            return b, None
        return (b, a) if words(a) == 1 else False
    if a_cred or b_cred:
        return False  # `author – متابعات`
    return None


def _known_prefix(ks: list[str], names: frozenset[str]) -> int:
    """Number of leading key words that form a known name (longest first), or 0."""
    for n in range(min(_MAX_NAME_WORDS, len(ks)), 0, -1):
        if " ".join(ks[:n]) in names:
            return n
    return 0


def _known_suffix(ks: list[str], names: frozenset[str]) -> int:
    for n in range(min(_MAX_NAME_WORDS, len(ks)), 0, -1):
        if " ".join(ks[-n:]) in names:
            return n
    return 0


def agency_line(line: str) -> tuple[str, str] | None:
    """(outlet, place) of a standalone agency line, or None.

    `الدمام 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس`, `وارسو / أ ش أ /`, `الرياض (واس)`:
    a known place first, a known outlet last, and between them nothing or a date (a digit).
    """
    if words(line) > MAX_AGENCY_WORDS or bare_end(line).endswith((".", "؟", "!")):
        return None
    toks = line.split()
    if key(toks[-1] if len(toks[-1]) > 1 or len(toks) < 2 else toks[-2]) not in _OUTLET_LAST:
        return None  # cheap gate: the line must end with the last word of a known outlet
    # second gate: the first key word must begin a known place (else _known_prefix below is 0)
    first = next((k for k in map(key, toks) if k), "")
    if first.split(" ", 1)[0] not in _PLACE_FIRST:
        return None
    kt = [key(t) for t in toks]
    idx = [i for i, k in enumerate(kt) if k]
    ks = [kt[i] for i in idx]
    if len(ks) < 2:
        return None
    p = _known_prefix(ks, PLACES)
    if not p:
        return None
    o = _known_suffix(ks[p:], OUTLETS)
    if not o:
        return None
    middle = ks[p:len(ks) - o]
    if middle and (len(middle) > MAX_AGENCY_WORDS // 2 or not _HAS_DIGIT.search(line)):
        return None
    place = " ".join(toks[idx[0]:idx[p - 1] + 1]).strip(_EDGE)
    outlet = " ".join(toks[idx[len(ks) - o]:idx[-1] + 1]).strip(_EDGE)
    return outlet, place


_EDGE = "()/[]-–—ـ:،, "
