"""Phrase lists (package data) and the line predicates of the boilerplate classifier.

Nothing here prints or keeps state beyond import-time compiled tables.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from newscli import gazetteer
from newscli.normalize import FOLDS, normalize

# Matching folds letters like the "search" fold, without str.translate (a dictionary lookup per
# character): a few guarded str.replace calls and one regex for marks are much cheaper.
_LETTER_PAIRS = tuple((chr(a), b) for a, b in FOLDS["letters"].items() if b)
_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]+")

# sentence ends, as the issue defines them (a closing quote or bracket after one also counts)
TERMINAL = frozenset(".!؟?:»”…")
_CLOSERS = "\"'»”)]’"
_KEY_DROP = re.compile(r"[\W\d_\u0640]+")


def _letters(s: str) -> str:
    for a, b in _LETTER_PAIRS:
        if a in s:
            s = s.replace(a, b)
    return s


def fold_line(line: str) -> str:
    """Letters and marks folded as by the search fold (digits kept), lower-cased."""
    return _letters(_MARKS.sub("", line)).lower()


def key(line: str) -> str:
    """Matching key: search fold, lower case, punctuation/symbols/digits dropped, spaces collapsed."""
    return " ".join(_letters(_KEY_DROP.sub(" ", _MARKS.sub("", line))).lower().split())


def key_of_folded(folded: str) -> str:
    """key() of a line already passed through fold_line()."""
    return " ".join(_KEY_DROP.sub(" ", folded).split())


def words(line: str) -> int:
    """Word count of a normalized line (single spaces)."""
    return line.count(" ") + 1 if line else 0


def is_terminal(line: str) -> bool:
    """Does the line end a sentence (. ! ؟ ? : » ” … possibly followed by closing quotes)?"""
    if not line:
        return False
    last = line[-1]
    if last in TERMINAL:
        return True
    if last in _CLOSERS:
        stripped = line.rstrip(_CLOSERS)
        return bool(stripped) and stripped[-1] in TERMINAL
    return False


def parse_phrase_lines(lines: list[str]) -> tuple[str, ...]:
    """Phrases from a list of file lines: strips, drops blanks and `#` comments."""
    out = []
    for raw in lines:
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        out.append(s)
    return tuple(out)


def _data(name: str) -> tuple[str, ...]:
    text = resources.files("newscli.clean").joinpath("data", name).read_text(encoding="utf-8")
    return parse_phrase_lines(text.split("\n"))


def key_set(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(k for k in (key(normalize(p)) for p in phrases) if k)


PHRASES = key_set(_data("phrases.txt"))
BLOCK_HEADERS = key_set(_data("block_headers.txt"))
END_HEADERS = key_set(_data("end_headers.txt"))
SECTIONS = key_set(_data("sections.txt"))
PLACES = key_set(gazetteer.places())
OUTLETS = key_set(gazetteer.outlets())
CREDITS = key_set(_data("credits.txt"))
NOTICE_RE = re.compile(
    r"(?:^| )(?:" + "|".join(re.escape(k) for k in sorted(key_set(_data("notices.txt")), key=len, reverse=True)) + r")(?: |$)"
)
LIST_ITEM_RE = re.compile(r"^[0-9٠-٩۰-۹]{1,3}\s*[-–.)]")
TAIL_PREFIXES = tuple(sorted(key_set(_data("tail_prefixes.txt"))))
HOME = frozenset({"الرييسيه", "الصفحه الرييسيه", "home", "الرئيسيه"})

ALL_WHOLE = _ALL_WHOLE = PHRASES | BLOCK_HEADERS | END_HEADERS
MAX_KEY_WORDS = max(k.count(" ") + 1 for k in _ALL_WHOLE)
MAX_KEY_CHARS = max(len(k) for k in _ALL_WHOLE)


def _alternation(items: tuple[str, ...]) -> str:
    folded = sorted({fold_line(normalize(p)) for p in items}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in f.split()) for f in folded)


_SEP = r"[:\-–—ـ|]"
# anchored prefix followed by a separator (on the folded line)
PREFIX_RE = re.compile(r"^[^\w]*(?:" + _alternation(_data("prefixes.txt")) + r")\s*" + _SEP)
# first words of the folded prefixes. PREFIX_RE matches fold_line(line) at 0 only after
# `[^\w]*`; when the folded first token (up to the first space) starts with a word character,
# that run is empty and the token must start with a prefix's first word (which has no space).
_PREFIX_W1 = tuple(sorted({fold_line(normalize(p)).split()[0] for p in _data("prefixes.txt")}))
_PREFIX_GATE_OK = all(w[:1].isalnum() or w[:1] == "_" for w in _PREFIX_W1)
_TOKEN_CACHE: dict[str, bool] = {}


def may_be_prefixed(line: str) -> bool:
    """False only when PREFIX_RE cannot match fold_line(line) (a cached test on the first token)."""
    sp = line.find(" ")
    token = line if sp < 0 else line[:sp]
    r = _TOKEN_CACHE.get(token)
    if r is None:
        ft = fold_line(token)
        r = not _PREFIX_GATE_OK or not (ft[:1].isalnum() or ft[:1] == "_") or ft.startswith(_PREFIX_W1)
        if len(_TOKEN_CACHE) >= 50_000:
            _TOKEN_CACHE.clear()
        _TOKEN_CACHE[token] = r
    return r
# byline verb + at most 6 more words, optional separator, optional final colon
BYLINE_RE = re.compile(
    r"^[^\w]*(?:" + _alternation(_data("bylines.txt")) + r")(?:\s*" + _SEP + r"+\s*|\s+)(\S+(?:\s+\S+){0,5})\s*:?$"
)
RELTIME_RE = re.compile(
    r"^(?:منذ|قبل)\s+(?:[0-9٠-٩۰-۹]+\s+)?(?:ثانيه|ثوان|ثواني|ثوانٍ|دقيقه|دقيقتين|دقايق|دقائق|ساعه|ساعتين|ساعات|"
    r"يوم|يومين|ايام|اسبوع|اسبوعين|اسابيع|شهر|شهرين|اشهر|سنه|سنتين|سنوات|عام|عامين|اعوام)$"
)
CLICK_RE = re.compile(r"اضغط\s+هنا|انقر\s+هنا|click\s+here")
# a click-here line is an invitation: it starts with one of these (on the key)
CLICK_START = ("ل", "اضغط", "انقر", "يمكنك", "click", "للمزيد", "تابع", "شاهد")
LINK_RE = re.compile(r"^(?:https?://|www\.)\S+$|^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$", re.I)
HAS_ALNUM = re.compile(r"[^\W_]")
MENU_SPLIT = re.compile(r"\s*[|•·/\\]\s*|\s+[»›><‹«]\s+")
_MENU_GATE = re.compile(r"[|•·/\\»›><‹«]")  # MENU_SPLIT needs one of these (a fast class scan)
_LETTER = re.compile(r"[^\W\d_]")
COPYRIGHT_KEY_RE = re.compile(r"^(?:جميع )?(?:ال)?حقوق (?:(?:النشر|الطبع|التاليف|الملكيه) )?محفوظه|^copyright")
DASHES = "-–—ـ"
DATELINE_RE = re.compile(
    r"^([^\-–—ـ:|/.،,!؟?«»\"0-9٠-٩]{2,40}?)\s*[-–—ـ]+\s*([^\-–—ـ:|/.،,!؟?«»\"0-9٠-٩]{2,40}?)\s*:?$"
)
NAV_PREFIX_RE = re.compile(r"^(?:Next\s+Previous|Previous\s+Next)\s+(?=\S)")
TAG_TRAILER_RE = re.compile(r"(?<=[.!؟?…»”\"])\s*((?:سمات|الوسوم\s*:|وسوم\s*:)\s+[^.!؟?…:«»]{1,300}?)\s*$")


def is_menu(line: str) -> bool:
    """Breadcrumb or menu: 'الرئيسية » أخبار » محلي' or >= 3 short items between separators."""
    if not _MENU_GATE.search(line) or not MENU_SPLIT.search(line):
        return False
    parts = [p for p in MENU_SPLIT.split(line) if p]
    if len(parts) >= 2 and key(parts[0]) in HOME:
        return True
    return len(parts) >= 3 and all(
        words(p) <= 3 and _LETTER.search(p) and not any(c in p for c in ":.،,؟?!") for p in parts
    )


def is_home_menu(line: str) -> bool:
    """Breadcrumb starting at the home page: 'الرئيسية » أخبار'."""
    if not _MENU_GATE.search(line) or not MENU_SPLIT.search(line):
        return False
    parts = [p for p in MENU_SPLIT.split(line) if p]
    return len(parts) >= 2 and key(parts[0]) in HOME


def dateline_sides(line: str) -> tuple[str, str] | None:
    """Split a short `A – B` line into its two sides, or None."""
    if words(line) > 9:
        return None
    m = DATELINE_RE.match(line)
    if not m:
        return None
    a, b = m.group(1).strip(), m.group(2).strip()
    if not a or not b or words(a) > 4 or words(b) > 4:
        return None
    if not HAS_ALNUM.search(a) or not HAS_ALNUM.search(b):
        return None
    ka, kb = key(a), key(b)
    if ka in PHRASES or kb in PHRASES or ka.startswith("صوره") or kb.startswith("صوره"):
        return None  # a photo caption such as "اقتحام المقر - أرشيفية"
    return a, b


def orient(a: str, b: str) -> tuple[str, str | None] | None:
    """(outlet, place) of a dateline's two sides, or None when the line is a byline."""
    ka, kb = key(a), key(b)
    a_place, b_place = ka in PLACES, kb in PLACES
    if b_place and not a_place:
        return a, b
    if a_place and not b_place:
        return b, a
    if a_place and b_place:
        return a, b
    a_out, b_out = ka in OUTLETS, kb in OUTLETS
    a_cred, b_cred = ka in CREDITS, kb in CREDITS
    if a_out and b_out:
        return a, None
    if a_out:
        if b_cred:
            return a, None
        return (a, b) if words(b) == 1 else None
    if b_out:
        if a_cred:
            return b, None
        return (b, a) if words(a) == 1 else None
    if a_cred or b_cred:
        return None
    return a, b


@lru_cache(maxsize=64)
def user_phrase_keys(phrases: tuple[str, ...]) -> frozenset[str]:
    return key_set(phrases)
