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
        branches = []
        for ch in sorted(k for k in node if k):
            cls = _CLASS.get(ch, re.escape(ch))
            if ch not in " .0123456789":
                cls = "\u0640{0,3}" + cls if reverse else cls + "\u0640{0,3}"  # tatweel, as in "هـ"
            branches.append(cls + emit(node[ch]))
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
    """Cheap regexes that locate where the scanner can match (see ``scanner.scan``).

    Every scanner match contains a month name or a numeric date (its "core"). A match that
    can be accepted has a digit (a day, a year or a numeric date) or is a digit-free ordinal
    form ("الأول من يناير", "غرة رمضان"). So the cores worth trying are found from:
      - ``digits``: each digit run (a charset-prefixed regex, scanned at C speed);
        ``fwd`` at its end (a day before a month: "8 يناير", "8-10 الطير", "8 من شهر ..."),
        ``rev`` on the reversed text before it (a year after a month, a pair or a bracket:
        "يناير 2020", "آي النار/يناير 2020", "(يناير) 2020") and ``numeric`` at its start;
      - ``digit_free``: "من [شهر] MONTH" and "غرة [من] [شهر] MONTH".
    The scanner then runs only over ``[core - pre, core]`` (merged), with ``endpos`` at
    ``core + post``: ``pre``/``post`` bound the width of a match before/after its core, so
    the windowed search finds exactly the matches a full search would.
    """

    digits: re.Pattern[str]
    fwd: re.Pattern[str]
    rev: re.Pattern[str]
    rev_width: int
    numeric: re.Pattern[str]
    digit_free: re.Pattern[str]
    pre: int
    post: int


def _maxwidth(pattern: str) -> int:
    import re._parser as _p  # noqa: PLC0415  (stdlib parser: the regex's maximal width)

    return _p.parse(pattern).getwidth()[1]


def _build_scanner(months, weekdays, ordinals, first, markers, year_words) -> tuple[re.Pattern[str], Anchors]:
    W, D = WORD, DIGITS
    MONTH = _trie_regex(months)
    WEEKDAY = _trie_regex(weekdays)
    ORD = _trie_regex(ordinals)
    FIRST = _trie_regex(first)
    MARK = _trie_regex(markers)
    YW = _trie_regex(year_words)
    END = f"(?![{W}{D}])"
    DAY = f"[{D}]{{1,2}}(?![{D}])"
    MIN = "م[ن]"

    def pair(s: str) -> str:
        return f"{SP0}(?:[/\\\\|\\-–]|(?P<q{s}>[(\\[])){SP0}(?P<p{s}>{MONTH}){END}(?(q{s}){SP0}[)\\]])"

    def year(s: str) -> str:
        return (
            f"(?:{SP0}[،,]{SP0}|{SP0})(?:{MIN}{SP})?(?:{YW}{SP0})?"
            f"(?P<y{s}>[{D}]{{1,4}})(?![{D}])(?P<k{s}>{SP0}(?:{MARK})(?![{W}]))?"
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
    scanner = re.compile(pattern)

    # anchors (see Anchors); all are supersets of the scanner's structure
    MONTH_R = _trie_regex(months, reverse=True)
    YW_R = _trie_regex(year_words, reverse=True)
    fwd = (
        f"{SP0}(?:(?:[-–—]{SP0}|{SP}(?:[اإ]ل[يى]|حت[يى]|و){SP0})[{D}]{{1,2}}{SP0})?"
        f"(?:{MIN}{SP})?(?:شهر{SP})?(?P<m>{MONTH}){END}"
    )
    # reversed text before a year: [year word] [من] [،] [bracket] MONTH [pair sign MONTH]
    rev = (
        f"(?:{SP0}{YW_R})?(?:{SP}[ن]م)?(?:{SP0}[،,]{SP0}|{SP0})(?:[)\\]]{SP0})?"
        f"(?P<m>{MONTH_R})(?:{SP0}(?:[/\\\\|\\-–(\\[]){SP0}(?:{MONTH_R}))?"
    )
    digit_free = (
        f"(?:{MIN}{SP}|{FIRST}{END}{SP0}{SP0}(?:{MIN}{SP})?)(?:شهر{SP})?(?P<m>{MONTH}){END}"
    )
    pre = 16 + max(_maxwidth(weekday + day_head), _maxwidth(weekday + f"(?P<sh2>[وبلف]?شهر{SP})?"),
              _maxwidth(weekday)) + 1
    post = max(_maxwidth(f"(?P<m1>{MONTH}){END}(?:{pair('1')})?(?:{year('1')})?"),
               _maxwidth(f"(?:{numeric}){numeric_mark}")) + 8
    anchors = Anchors(
        digits=re.compile(f"[{D}][{D}]*"),
        fwd=re.compile(fwd),
        rev=re.compile(rev),
        rev_width=_maxwidth(rev) + 1,
        numeric=re.compile(f"[{D}]{{1,4}}[-/.][{D}]"),
        digit_free=re.compile(digit_free),
        pre=pre,
        post=post,
    )
    return scanner, anchors
