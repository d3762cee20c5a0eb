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

import contextlib
import hashlib
import json
import marshal
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from newscli import chars

# One table: each folded character and every written form that folds to it. The lookup fold
# (``_FOLD``) and the regex classes (``_CLASS``) are both derived from it, so they cannot disagree.
_VARIANTS: dict[str, str] = {
    chars.ALEF: "".join(c for c in chars.ALEFAT if c not in (chars.ALEF_MAKSURA, chars.SMALL_ALEF)),  # ا أ إ آ ٱ
    chars.YEH: chars.YEH + chars.ALEF_MAKSURA,
    chars.HEH: chars.HEH + chars.TEH_MARBUTA,
    **{d: chars.DIGITS_ASCII[i] + chars.DIGITS_EAST[i] + chars.DIGITS_PERSIAN[i]
       for i, d in enumerate(chars.DIGITS_ASCII)},
}
# Dropped by the fold: every diacritic (pyarabic's DIACRITICS, incl. superscript alef) and tatweel.
_DROPPED = chars.DIACRITICS + chars.TATWEEL
# Blanks inside a date: newscli's blanks plus the invisible controls (bidi marks, zero-width).
_SP_CHARS = chars.BLANKS + chars.CONTROLS

DIGITS = chars.char_class(chars.DIGITS)[1:-1]  # body of a class, to be combined: f"[{DIGITS}]"
# word characters: Latin and Arabic letters, diacritics, tatweel (not digits or punctuation)
_WORD_CHARS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + chars.ARABIC_LETTERS + chars.ALEFAT
               + chars.HAMZAT + chars.DIACRITICS + chars.TATWEEL)
WORD = chars.char_class(_WORD_CHARS)[1:-1]
WORD_SET = frozenset(_WORD_CHARS)  # the same characters, for scans done character by character
DIGIT_SET = frozenset(chars.DIGITS)
_SPC = chars.char_class(_SP_CHARS)
SP = f"{_SPC}{{1,3}}"
SP0 = f"{_SPC}{{0,3}}"

_FOLD: dict[int, str | None] = {ord(v): k for k, vs in _VARIANTS.items() for v in vs if v != k}
_FOLD.update({ord(c): None for c in _DROPPED})
_FOLD.update({ord(c): " " for c in _SP_CHARS if c != " "})
_MULTISPACE = re.compile(" {2,}")

# character classes emitted for a folded character of a spelling
_CLASS: dict[str, str] = {k: chars.char_class(vs) for k, vs in _VARIANTS.items()}
_CLASS.update({" ": SP, ".": r"\."})


def fold(s: str) -> str:
    """Lookup key of a spelling or a matched name (see module docstring)."""
    s = s.translate(_FOLD)
    if "  " in s:
        s = _MULTISPACE.sub(" ", s)
    return s.strip()


def to_int(digits: str) -> int:
    if digits.isdecimal():  # only digits (any script: int() reads every decimal digit as the fold would)
        return int(digits)
    return int(digits.translate(_FOLD))


def _trie_regex(words: list[str]) -> str:
    """Alternation of folded words as a trie regex; longer spellings win (greedy)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        terminal = "" in node
        branches = []
        for ch in sorted(k for k in node if k):
            cls = _CLASS.get(ch, re.escape(ch))
            if ch in " .0123456789":
                branches.append(cls + emit(node[ch]))
            else:
                branches.append(cls + chars.TATWEEL + "{0,3}" + emit(node[ch]))  # tatweel, as in "هـ"
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
    past_words: frozenset[str]  # "الماضي": a yearless date before the publication date
    next_words: frozenset[str]  # "المقبل": a yearless date after it
    scanner: re.Pattern[str]
    hits: re.Pattern[str]  # a month name or the start of a numeric date (see scanner.candidates)
    starts: re.Pattern[str]  # where a match can start: a word start or a digit-run start
    items: re.Pattern[str]  # one further day of a list or range ("و16", " إلى غاية 19", " والسابع والعشرين")
    year_nouns: frozenset[str]  # "العام", "السنة": "8 أبريل من العام الماضي"
    year_this: frozenset[str]  # "هذا", "هذه": "8 أبريل من هذا العام"
    year_offsets: dict[str, int]  # "الماضي": -1, "المقبل": 1, "الجاري": 0 (after a year noun)
    yearless_names: frozenset[str]  # "العاشر من رمضان": a city, never a date from the publication year
    yearless_lengths: frozenset[int]  # lengths a written yearless name can have (a cheap first check)


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
    pats = _patterns(*[_trie_regex(x) for x in (months, weekdays, ordinals, first, markers, year_words)])
    return Tables(months, weekdays, ordinals, first, markers, heads, adj_ok,
                  frozenset(fold(x) for x in data["past_words"]), frozenset(fold(x) for x in data["next_words"]),
                  **{k: compile_cached(v) for k, v in pats.items()},
                  year_nouns=frozenset(fold(x) for x in data["year_phrases"]["nouns"]),
                  year_this=frozenset(fold(x) for x in data["year_phrases"]["this"]),
                  year_offsets={fold(w): int(k) for k, ws in data["year_phrases"]["offsets"].items() for w in ws},
                  yearless_names=frozenset(fold(x) for x in data["yearless_names"]),
                  yearless_lengths=frozenset(n for x in data["yearless_names"] for n in range(len(fold(x)), len(x) + 12)))


def _cache_dir() -> Path | None:
    """Where compiled scanners are kept: $NEWSCLI_CACHE_DIR, else $XDG_CACHE_HOME/newscli, else
    ~/.cache/newscli; NEWSCLI_CACHE_DIR=off (or empty) turns the cache off."""
    env = os.environ.get("NEWSCLI_CACHE_DIR")
    if env is not None:
        return None if env in ("", "off", "0") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newscli"


def compile_cached(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern)``, with the compiled program kept on disk between processes.

    Parsing and compiling the scanner (a 24 kB pattern) is most of the start-up time of a
    one-line ``newscli dates``; the compiled program (the list of opcodes ``re`` hands to its C
    engine, which validates it) is saved once, keyed by the pattern's SHA-256, the Python
    version and the engine's MAGIC number, and loaded by later processes. Any problem with
    the cache (missing, unreadable, stale, another Python, no ``re._compiler``) falls back to
    ``re.compile``; the cache is written atomically and failures to write it are ignored."""
    try:
        import _sre
        from re import _compiler, _parser
    except ImportError:  # pragma: no cover - another Python implementation
        return re.compile(pattern)
    folder = _cache_dir()
    key = hashlib.sha256(f"{sys.version}|{_sre.MAGIC}|{pattern}".encode()).hexdigest()[:32]
    path = folder / f"re-{key}.bin" if folder else None
    if path is not None:
        try:
            stored_key, flags, code, groups, groupindex, indexgroup = marshal.loads(path.read_bytes())
            if stored_key == key:
                return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)
        except Exception:  # noqa: BLE001 - any damage to the cache: compile afresh
            pass
    parsed = _parser.parse(pattern, 0)
    code = _compiler._code(parsed, 0)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    args = (int(parsed.state.flags), [int(c) for c in code], parsed.state.groups - 1, groupindex, tuple(indexgroup))
    compiled = _sre.compile(pattern, *args)
    if path is not None:
        tmp = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".re-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps((key, *args)))
            os.replace(tmp, path)
        except (OSError, ValueError):
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
    return compiled


def _patterns(MONTH, WEEKDAY, ORD, FIRST, MARK, YW) -> dict[str, str]:
    """The scanner, the hit finder and the list-item regex.

    Every repetition is bounded and every name alternation is a trie, so an attempt at one
    position costs a bounded amount of work: the scanner is linear in the text."""
    W, D = WORD, DIGITS
    END = f"(?![{W}{D}])"
    # after a month name: no letter; a digit only when it starts a year glued to the name ("فيفري2017")
    MEND = f"(?![{W}]|[{D}](?![{D}]{{3}}(?![{D}])))"
    DAY = f"[{D}]{{1,2}}(?![{D}])"
    MIN = "م[ن]"
    WD = f"(?:يوم{SP})?(?:{WEEKDAY}){END}{SP0}[،,]?{SP0}"
    # a connector before a further day: a dash, "و" (glued or spaced, "و حتى"), "إلى [غاية]";
    # a weekday may stand before the day ("يومي السبت 6 والأحد 7")
    CONN = (f"(?:{SP0}(?:[-–—]|{chars.TATWEEL}{{1,3}}){SP0}|{SP0}و{SP0}(?:حت[يى]{SP})?|{SP}(?:[اإ]ل[يى]|حت[يى]){SP0}(?:غاي[ةه]{SP})?)"
            f"(?:{WD})?")

    def pair(s: str) -> str:
        # "يناير/أي النار", "كانون الثاني (يناير)", and the bare-space double form "يوليو تموز"
        return (f"{SP0}(?:[/\\\\|\\-–]|(?P<q{s}>[(\\[])|(?P<b{s}>(?<={_SPC}))){SP0}"
                f"(?P<p{s}>{MONTH}){MEND}(?(q{s}){SP0}[)\\]])")

    def year(s: str) -> str:
        return (
            f"(?:{SP0}[،,]{SP0}|{SP0})(?:{MIN}{SP})?(?:{YW}{SP0})?"
            f"(?P<y{s}>[{D}]{{1,4}})(?![{D}]|-[{D}]{{2}}(?![{D}]))(?P<k{s}>{SP0}(?:{MARK})(?![{W}]))?"
        )

    weekday = f"(?P<wd>{WD})?"
    day_head = (
        f"(?:(?P<cl>[وبلف])(?=[{D}])|(?P<al>ال{chars.TATWEEL}?)(?=[{D}]))?"
        f"(?:(?P<d1>{DAY})|(?P<o1>{ORD}){END}(?P<orest>(?:{CONN}(?:{ORD}){END}){{1,3}})?{SP}{MIN}{SP}"
        f"|(?P<g1>{FIRST}){END}{SP0})"
        f"(?P<rest>(?:{CONN}{DAY}){{1,6}})?"
        f"{SP0}(?:{MIN}{SP})?(?P<sh1>شهر{SP})?"
    )
    day_form = f"{day_head}(?P<m1>{MONTH}){MEND}(?:{pair('1')})?(?:{year('1')})?"
    month_year = f"(?P<sh2>[وبلف]?شهر{SP})?(?P<m2>{MONTH}){MEND}(?:{pair('2')})?{year('2')}"
    S = f"{SP0}/{SP0}|[-.]"  # spaces only around a slash: "1 / 12 / 1436هـ"
    numeric = (
        f"(?<![{D}][-.])(?P<iy>[{D}]{{4}})-(?P<im>[{D}]{{2}})-(?P<id>[{D}]{{2}})(?![{D}]|[-.][{D}])"
        f"|(?<![{D}][-./])(?:(?:(?P<n0>[{D}]{{1,2}}(?:/[{D}]{{1,2}})?)"
        f"(?P<nrs>{SP0}[-–]{SP0}|{SP}(?:[اإ]ل[يى]|حت[يى]){SP}))?"
        f"(?P<nd>[{D}]{{1,2}})(?P<ns>{S})(?P<nm>[{D}]{{1,2}})(?P<ns2>{S})(?P<ny>[{D}]{{4}})"
        f"|(?P<ry>[{D}]{{4}})(?P<rs2>[-/.])(?P<rm>[{D}]{{1,2}})(?P=rs2)(?P<rd>[{D}]{{1,2}}))"
        f"(?![{D}]|[-/.][{D}])"
    )
    # cheap guard: a digit can only start a date when a word, a separator or a bracket follows
    guard = f"(?=[{W}]|[{D}]{{1,4}}(?:{SP0}[{W}(]|{SP0}[-–—/.]))"
    numeric_mark = f"(?P<nk>{SP0}(?:{MARK})(?![{W}]))?"
    # a date starts after a non-word character, or right after letters when it starts with a
    # digit (glued: "الموافق24/3/2013", "لـ1أكتوبر")
    pattern = (
        f"(?:(?<![{W}{D}])|(?<![{D}])(?=[{D}])){guard}{weekday}"
        f"(?:{day_form}|{month_year}|(?:{numeric}){numeric_mark})"
    )
    # a month name, or a whole numeric date (a range's first day "11- 22/ 10/ 1436" is in the window)
    hits = (f"{MONTH}{MEND}|(?<![{D}])(?:[{D}]{{1,2}}(?:{SP0}/{SP0}[{D}]{{1,2}}{SP0}/{SP0}|[-.][{D}]{{1,2}}[-.])[{D}]{{4}}"
            f"|[{D}]{{4}}[-/.][{D}]{{1,2}}[-/.][{D}])")
    starts = f"(?<![{W}{D}])(?=[{W}])|(?<![{D}])(?=[{D}])"
    items = f"(?P<c>{CONN})(?:(?P<d>{DAY})|(?P<o>{ORD}){END})"
    return {"scanner": pattern, "hits": hits, "items": items, "starts": starts}
