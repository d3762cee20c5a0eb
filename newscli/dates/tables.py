"""Month tables (package data in ``data/months.json``) and the one compiled date scanner.

Everything that names a month, weekday, ordinal day or year marker lives in the JSON file;
this module turns it into lookup dictionaries keyed by a folded spelling and into a single
regular expression built once per process (``SCANNER``).

Folding used for both the regex and the lookups: hamza/alef forms (أ إ آ ٱ) -> ا, ى -> ي,
ة -> ه, harakat and tatweel dropped, Arabic-Indic/Persian digits -> ASCII, runs of spaces -> one.
The regex accepts every folded variant of a listed spelling, so a listed "أبريل" also matches
"ابريل" and "إبريل"; listing extra variants is harmless.

The regex is linear: every repetition is bounded ({0,3} spaces, {1,4} digits) and alternations
of names are emitted as a trie (one branch per first letter), so a failed attempt at a position
costs a few character comparisons and no input makes it backtrack more than a constant amount.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
# word characters: Latin and Arabic letters, harakat, tatweel (not Arabic digits or punctuation)
WORD = "A-Za-z\u0621-\u063a\u0640-\u065f\u066e\u066f\u0670-\u06d3\u06d5-\u06ef\u06fa-\u06ff"
_SP_CHARS = " \u00a0\u202f\u200e\u200f\t"
SP = f"[{_SP_CHARS}]{{1,3}}"
SP0 = f"[{_SP_CHARS}]{{0,3}}"

_FOLD = {ord(a): b for a, b in {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"}.items()}
_FOLD.update({0x0660 + i: str(i) for i in range(10)})
_FOLD.update({0x06F0 + i: str(i) for i in range(10)})
_FOLD.update({cp: None for cp in [0x0640, 0x0670, *range(0x064B, 0x0653)]})
_FOLD.update({ord(c): " " for c in _SP_CHARS})
_MULTISPACE = re.compile(" {2,}")

# character classes emitted for a folded letter
_CLASS = {
    "ا": "[اأإآٱ]",
    "ي": "[يى]",
    "ه": "[هة]",
    " ": SP,
    ".": r"\.",
}
for _i in range(10):
    _CLASS[str(_i)] = f"[{_i}{chr(0x0660 + _i)}{chr(0x06F0 + _i)}]"


def fold(s: str) -> str:
    """Lookup key of a spelling or a matched name (see module docstring)."""
    s = s.translate(_FOLD)
    if "  " in s:
        s = _MULTISPACE.sub(" ", s)
    return s.strip()


def to_int(digits: str) -> int:
    return int(digits.translate(_FOLD))


def _trie_regex(words: list[str], reverse: bool = False) -> str:
    """Alternation of folded words as a trie regex; longer spellings win (greedy).

    ``reverse=True`` gives the regex of the reversed spellings, for matching on reversed text
    (tatweel is then allowed before each letter, which is after it in reading order)."""
    trie: dict = {}
    for w in words:
        if reverse:
            w = w[::-1]
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        terminal = "" in node
        branches, letters = [], []
        for ch in sorted(k for k in node if k):
            cls = _CLASS.get(ch, re.escape(ch))
            if ch in " .0123456789":
                branches.append(cls + emit(node[ch]))
            elif reverse:
                letters.append(cls + emit(node[ch]))
            else:
                branches.append(cls + "\u0640{0,3}" + emit(node[ch]))  # tatweel, as in "هـ"
        if letters:
            # reversed: the tatweel after a letter comes before it; one shared repetition per
            # trie level keeps every alternative starting with its letter (fast to reject)
            alt = letters[0] if len(letters) == 1 else "(?:" + "|".join(letters) + ")"
            branches.append("\u0640{0,3}" + alt)
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if terminal:
            return "(?:" + body + ")?"
        return body

    return emit(trie)


@dataclass(frozen=True)
class Month:
    system: str
    month: int | None  # None: "كانون" alone, resolved by a pair or a و.ر year
    ambiguous: bool  # an everyday word or a name: needs strong date context
    needs_pair: bool


@dataclass(frozen=True)
class Tables:
    months: dict[str, Month]
    weekdays: frozenset[str]
    ordinals: dict[str, int]
    first_of_month: frozenset[str]
    markers: dict[str, str]  # folded marker -> "gregorian" | "hijri" | "wr"
    name_heads: frozenset[str]
    adjective_heads_ok: frozenset[str]
    scanner: re.Pattern[str]
    anchors: "Anchors"


def _load_json() -> dict:
    return json.loads(resources.files("newscli.dates").joinpath("data/months.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def tables() -> Tables:
    data = _load_json()
    ambiguous = {fold(x) for x in data["ambiguous"]}
    needs_pair = {fold(x) for x in data["needs_pair"]}
    months: dict[str, Month] = {}
    for system in data["system_order"]:
        for num, names in data["months"].get(system, {}).items():
            for name in names:
                key = fold(name)
                if key in months:
                    continue
                months[key] = Month(system, None if key in needs_pair else int(num), key in ambiguous, key in needs_pair)
    ordinals = {fold(n): int(k) for k, names in data["ordinals"].items() for n in names}
    markers = {fold(n): kind for kind, names in data["markers"].items() for n in names}
    weekdays = frozenset(fold(x) for x in data["weekdays"])
    first = frozenset(fold(x) for x in data["first_of_month"])
    heads = frozenset(fold(x) for x in data["name_heads"])
    adj_ok = frozenset(fold(x) for x in data["adjective_heads_ok"])
    year_words = [fold(x) for x in data["year_words"]]
    scanner, anchors = _build_scanner(list(months), list(weekdays), list(ordinals), list(first), list(markers), year_words)
    return Tables(months, weekdays, ordinals, first, markers, heads, adj_ok, scanner, anchors)


@dataclass(frozen=True)
class Anchors:
    """Cheap regexes that locate where the scanner can start (see ``scanner._candidates``).

    Every scanner match contains a month name or a numeric date, and a match that can be
    accepted has a digit (a day, a year or a numeric date) or is a digit-free ordinal form
    ("الأول من يناير", "غرة رمضان"). Its "core" is found by one of these regexes, each
    starting with a required character or literal, so the engine skips ordinary prose at C
    speed:
      - ``digits``: every digit run (one pass of a charset-prefixed regex); its group "d" is
        set when a month follows ("8 يناير", "8-10 الطير", "8 من شهر ...") or a numeric
        separator ("8/1/2020"): core = the run;
      - ``year_before`` (on the reversed text, at a digit run): a month, a pair or a bracket
        before the run ("يناير 2020", "آي النار/يناير 2020", "(يناير) 2020", "يناير من عام
        2020"): cores = the month(s);
      - ``of_month`` / ``first``: "من [شهر] MONTH" (core = the ordinal before "من") and
        "غرة [من] [شهر] MONTH" (core = "غرة").
    The scanner can only start at a core, at a clitic or "ال" right before a day core, at
    "[وبلف]شهر" right before a month core, or at a weekday ("[يوم] الأحد،") right before
    any of these; the ``*_before`` regexes (on the reversed text) find those positions, and
    the scanner is tried there alone: the same matches as a search over the whole text.
    """

    digits: re.Pattern[str]
    year_before: re.Pattern[str]
    of_month: re.Pattern[str]
    first: re.Pattern[str]
    weekday_before: re.Pattern[str]
    month_word_before: re.Pattern[str]
    ordinal_before: re.Pattern[str]


def _build_scanner(months, weekdays, ordinals, first, markers, year_words) -> tuple[re.Pattern[str], Anchors]:
    rev = [_trie_regex(months, True), _trie_regex(year_words, True), _trie_regex(weekdays, True),
           _trie_regex(ordinals, True)]
    pats = _patterns(*[_trie_regex(x) for x in (months, weekdays, ordinals, first, markers, year_words)], *rev)
    anchors = Anchors(**{k: re.compile(v) for k, v in pats.items() if k != "scanner"})
    return re.compile(pats["scanner"]), anchors


def _patterns(MONTH, WEEKDAY, ORD, FIRST, MARK, YW, MONTH_R, YW_R, WEEKDAY_R, ORD_R) -> dict[str, str]:
    """The scanner and the anchor regexes (``*_R``: tries of reversed spellings)."""
    W, D = WORD, DIGITS
    END = f"(?![{W}{D}])"
    DAY = f"[{D}]{{1,2}}(?![{D}])"
    MIN = "م[ن]"

    def pair(s: str) -> str:
        return f"{SP0}(?:[/\\\\|\\-–]|(?P<q{s}>[(\\[])){SP0}(?P<p{s}>{MONTH}){END}(?(q{s}){SP0}[)\\]])"

    def year(s: str) -> str:
        return (
            f"(?:{SP0}[،,]{SP0}|{SP0})(?:{MIN}{SP})?(?:{YW}{SP0})?"
            f"(?P<y{s}>[{D}]{{1,4}})(?![{D}]|-[{D}]{{2}}(?![{D}]))(?P<k{s}>{SP0}(?:{MARK})(?![{W}]))?"
        )

    weekday = f"(?P<wd>(?:يوم{SP})?{WEEKDAY}{END}{SP0}[،,]?{SP0})?"
    day_head = (
        f"(?:(?P<cl>[وبلف])(?=[{D}])|(?P<al>ال[\u0640]?)(?=[{D}]))?"
        f"(?:(?P<d1>{DAY})|(?P<o1>{ORD}){END}{SP}{MIN}{SP}|(?P<g1>{FIRST}){END}{SP0})"
        f"(?:(?P<rs>{SP0}[-–—]{SP0}|{SP}(?:[اإ]ل[يى]|حت[يى]|و){SP0})(?P<d2>{DAY}))?"
        f"{SP0}(?:{MIN}{SP})?(?P<sh1>شهر{SP})?"
    )
    day_form = f"{day_head}(?P<m1>{MONTH}){END}(?:{pair('1')})?(?:{year('1')})?"
    month_year = f"(?P<sh2>[وبلف]?شهر{SP})?(?P<m2>{MONTH}){END}(?:{pair('2')})?{year('2')}"
    numeric = (
        f"(?<![{D}][-.])(?P<iy>[{D}]{{4}})-(?P<im>[{D}]{{2}})-(?P<id>[{D}]{{2}})(?![{D}]|[-.][{D}])"
        f"|(?<![{D}][-./])(?:(?P<nd>[{D}]{{1,2}})(?P<ns>[-/.])(?P<nm>[{D}]{{1,2}})(?P=ns)(?P<ny>[{D}]{{4}})"
        f"|(?P<ry>[{D}]{{4}})(?P<rs2>[-/.])(?P<rm>[{D}]{{1,2}})(?P=rs2)(?P<rd>[{D}]{{1,2}}))"
        f"(?![{D}]|[-/.][{D}])"
    )
    # cheap guard: a digit can only start a date when a month/connector word, a range or a
    # numeric date follows; this keeps long runs of digits and separators linear and fast
    guard = (
        f"(?=[{W}]|[{D}]{{1,2}}(?:{SP0}[{W}(]|{SP0}[-–—]{SP0}[{D}]{{1,2}}{SP0}[{W}]"
        f"|[-/.][{D}]{{1,2}}[-/.][{D}]{{4}}(?![{D}]))|[{D}]{{4}}[-/.][{D}])"
    )
    numeric_mark = f"(?P<nk>{SP0}(?:{MARK})(?![{W}]))?"
    pattern = (
        f"(?<![{W}{D}]){guard}{weekday}"
        f"(?:{day_form}|{month_year}|(?:{numeric}){numeric_mark})"
    )
    # anchors (see Anchors): each is a superset of the scanner's structure around its core;
    # possessive spaces (SPP) and optional parts keep a failed attempt at a digit run short
    SPP = f"[{_SP_CHARS}]{{0,3}}+"
    fwd = (
        f"{SPP}(?:(?:[-–—]{SPP}|(?<=[{_SP_CHARS}])(?:[اإ]ل[يى]|حت[يى]|و){SPP})[{D}]{{1,2}}{SPP})?+"
        f"(?:من{SP})?+(?:شهر{SP})?+(?:{MONTH}){END}"
    )
    # reversed text before a year: [year word] [من] [،] [bracket] MONTH [pair sign MONTH]
    rev = (
        f"(?P<t>{SPP}(?:{YW_R}{SPP})?+(?:نم{SPP})?+(?:[،,]{SPP})?+(?:[)\\]]{SPP})?+"
        f"(?P<m>{MONTH_R})(?:{SPP}[/\\\\|\\-–(\\[]{SPP}(?:{MONTH_R}))?)"
    )
    return {
        "scanner": pattern,
        # a digit run: group "n" when it can start a numeric date (its scanner lookbehinds
        # and shape), "d" when a month follows it (a day), "y" when it can be a year (two to
        # four digits after a space, a letter or a bracket); runs with none are not returned
        "digits": (
            f"[{D}](?<![{D}][{D}])(?P<n>(?<![{D}][-.][{D}])(?=[{D}]{{3}}-[{D}]{{2}}-[{D}]{{2}})"
            f"|(?<![{D}][-./][{D}])(?=[{D}]?[-/.][{D}]{{1,2}}[-/.][{D}]{{4}}|[{D}]{{3}}[-/.][{D}]{{1,2}}[-/.][{D}]))?"
            f"(?P<y>(?<![-/.{D}][{D}])(?=[{D}]{{1,3}}(?![{D}])))?[{D}]*+"
            f"(?(n)(?P<d>(?={fwd}))?|(?(y)(?P<d2>(?={fwd}))?|(?P<d3>(?={fwd}))))"
        ),
        # at a digit run's start on the reversed text: can it be a year after a month?
        "year_before": rev,
        "of_month": f"من{SP}(?:شهر{SP})?(?:{MONTH}){END}",
        "first": f"{FIRST}{END}{SP0}{SP0}(?:{MIN}{SP})?(?:شهر{SP})?(?:{MONTH}){END}",
        # reversed text before a position: the weekday group of the scanner ...
        "weekday_before": f"{SP0}[،,]?{SP0}(?:{WEEKDAY_R})(?P<y>{SP}موي)?",
        # ... "[وبلف]شهر " before a month (month_year) ...
        "month_word_before": f"{SP}رهش(?P<c>[وبلف])?",
        # ... and an ordinal before "من"
        "ordinal_before": f"{SP}(?:{ORD_R})",
    }
