"""Arabic text normalization: one lossless default and named, opt-in lossy folds.

Every rule about which characters change lives in this module.

`normalize(text)` (the default, lossless for reading):
  - stray HTML entities (``&amp;``, ``&#1576;``, ``&nbsp;``) unescaped, repeatedly until none is
    left (so ``&amp;amp;`` gives ``&`` and a second call changes nothing); an entity that would
    produce a line break (``&#10;``) becomes a space, so the line count never changes;
  - Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFE) folded to their base letters
    (only those: full NFKC would also fold other compatibility characters and make mojibake
    unrepairable); isolated and medial harakat forms keep only the mark (``ﹽ`` -> U+0651);
  - tatweel (U+0640) removed when it stretches a letter, that is when it follows an Arabic letter
    (``إرســال`` -> ``إرسال``, ``بـ`` -> ``ب``; harakat and invisible controls in between are
    looked through). Any other tatweel run is used as a dash and kept: alone between spaces or at
    a line edge (``كتب ـ فلان``), between digits (``3ـ4 ذي الحجة``, ``1437ـ1441هـ``: removing
    it would make one number of two), after punctuation (``(ـ)``);
  - invisible controls removed: LRM, RLM, ALM, ZWSP, ZWNJ, ZWJ, word joiner, the bidi
    embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069), BOM (U+FEFF), soft hyphen;
  - Unicode NFC (a run of 32 or more combining marks is first put in canonical order with a
    sort, so NFC stays linear; the result is exactly NFC's);
  - runs of spaces, tabs, no-break spaces (U+00A0, U+202F, U+2007) collapsed to one ASCII space,
    and spaces trimmed at line ends;
  - newlines (the line count never changes), diacritics, letter forms, digits and punctuation
    kept as they are.
  ``normalize`` is idempotent: ``normalize(normalize(t)) == normalize(t)``.

Named lossy folds, applied only when asked for (``FOLDS``), each a pure character mapping:
  - ``diacritics``: pyarabic's DIACRITICS removed (``chars.DIACRITICS``): the honorific marks
    (U+0610-U+061A), harakat and tanween (U+064B-U+065F), superscript alef (U+0670) and the
    Quranic annotation marks (U+06D6-U+06DC, U+06DF-U+06E4, U+06E7-U+06E8, U+06EA-U+06ED).
  - ``letters``: أ إ آ ٱ -> ا; ؤ -> و; ئ -> ي; ى -> ي; ة -> ه; and the combining madda/hamza
    marks U+0653-U+0655 removed (else NFC would recompose ا+ٔ into أ on the next run).
  - ``digits``: Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII 0-9.
  - ``search``: ``diacritics`` + ``letters`` + ``digits``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Callable

from newscli import chars

__all__ = ["normalize", "nfc", "fold", "search_fold", "FOLDS", "MARK_RUN_SORTED"]

_CONTROLS = chars.CONTROLS
_TATWEEL = chars.TATWEEL


def _presentation_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for lo, hi in chars.PRESENTATION_RANGES:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if unicodedata.category(ch) == "Cn":
                continue
            folded = unicodedata.normalize("NFKC", ch)
            if folded != ch:
                # isolated harakat forms (U+FE70..) decompose to SPACE + mark: keep the mark only.
                # Medial forms (U+FE71, U+FE77.., U+FCF2-U+FCF4) decompose to TATWEEL + mark: a
                # tatweel before a mark stretches a letter and is removed (the rule below), so it
                # goes here too; left in, the next normalize() would remove it (not idempotent).
                table[cp] = folded.lstrip(" " + _TATWEEL) or folded
    return table


_LOSSLESS: dict[int, str | None] = _presentation_table()
_LOSSLESS.update({ord(c): None for c in _CONTROLS + _TATWEEL})

# One character-class scan finds everything the table touches (a class of ranges is several
# times faster in `re` than an alternation with lookarounds). A tatweel run is removed when it
# follows an Arabic letter (it stretches it), else kept (a dash: "كتب ـ فلان", "3ـ4"); the callback looks at a run
# once, at its first character (looking again from every character was quadratic in its length).
# Text dense with controls or presentation forms (a callback each, ~0.5 us) is redone with one
# pass over tatweel runs and one str.translate once _DENSE matches are seen: the same result.
_FIX_CLASS = chars.char_class(_TATWEEL, _CONTROLS, extra_ranges=chars.PRESENTATION_RANGES)
_FIX_GATE = re.compile(_FIX_CLASS)  # a bare class scans ~4x faster than a class with "+"
_REST_TABLE = {k: v for k, v in _LOSSLESS.items() if k != ord(_TATWEEL)}
_TATWEEL_RUN = re.compile(_TATWEEL + "+")
_DENSE = 1000  # matches


def _fix_all(text: str) -> str:
    if _FIX_GATE.search(text) is None:
        return text
    out, n = _FIX_GATE.subn(_fixer(), text, count=_DENSE)
    if n < _DENSE:
        return out
    if _TATWEEL in text:
        text = _TATWEEL_RUN.sub(_tatweel_run, text)
    return text.translate(_REST_TABLE)


_ARABIC_BLOCKS = ((0x0600, 0x08FF),) + chars.PRESENTATION_RANGES  # Arabic, Supplement, Extended-A; forms


def _stretches(ch: str) -> bool:
    """An Arabic letter (base or presentation form) that a following tatweel stretches."""
    cp = ord(ch)
    return ch.isalpha() and any(lo <= cp <= hi for lo, hi in _ARABIC_BLOCKS)


_LOOK_THROUGH = frozenset(_CONTROLS)  # removed in the same pass
# presentation forms that are a tatweel carrying a mark (U+FE71, U+FE77.., U+FCF2-U+FCF4): folded to the mark
_MARK_FORMS = frozenset(chr(cp) for lo, hi in chars.PRESENTATION_RANGES for cp in range(lo, hi + 1)
                        if unicodedata.normalize("NFKC", chr(cp)).startswith(_TATWEEL))


def _keep_run(text: str, a: int, b: int) -> bool:
    """A tatweel run text[a:b] is kept unless it follows an Arabic letter (it stretches it) or
    carries a mark (a combining mark or a tatweel-with-mark form next); marks and the controls this
    pass removes are looked through."""
    k = a - 1
    while k >= 0 and (text[k] in _LOOK_THROUGH or unicodedata.combining(text[k])):
        k -= 1
    if k >= 0 and _stretches(text[k]):
        return False
    n = len(text)
    while b < n and text[b] in _LOOK_THROUGH:
        b += 1
    return not (b < n and (unicodedata.combining(text[b]) or text[b] in _MARK_FORMS))


def _tatweel_run(match: re.Match[str]) -> str:
    return match.group() if _keep_run(match.string, match.start(), match.end()) else ""


def _fixer() -> Callable[[re.Match[str]], str]:
    run = [-1, False]  # end of the current tatweel run, and whether it is kept

    def fix(match: re.Match[str]) -> str:
        ch = match.group()
        if ch != _TATWEEL:
            return _REST_TABLE.get(ord(ch), ch)
        a = match.start()
        if a >= run[0]:  # the first tatweel of a run: find its end once
            text, b = match.string, match.end()
            n = len(text)
            while b < n and text[b] == _TATWEEL:
                b += 1
            run[0], run[1] = b, _keep_run(text, a, b)
        return ch if run[1] else ""

    return fix


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_OTHER_BLANKS = chars.BLANKS.replace(" ", "")
_SPACES = re.compile(chars.char_class(chars.BLANKS) + "{2,}|" + chars.char_class(_OTHER_BLANKS))
_LINE_EDGE = re.compile(r"^ +| +$", re.M)


def _unescape(match: re.Match[str]) -> str:
    out = html.unescape(match.group(0))
    if "\n" in out or "\r" in out or "\x0b" in out or "\x0c" in out or "\x1c" in out:
        return " "
    return out


_B1, _B2, _B3, _B4 = _OTHER_BLANKS  # tab, NBSP, narrow NBSP, figure space (chars.BLANKS)


def _needs_space_fix(text: str) -> bool:
    return "  " in text or _B1 in text or _B2 in text or _B3 in text or _B4 in text


_RUNS = re.compile(" {2,}")


def _fix_spaces(text: str) -> str:
    """Same as ``_SPACES.sub(" ", text)``: the other blanks become spaces (str.replace, a fast
    scan), then runs of spaces collapse; the regex alone tries a match at every space."""
    for c in _OTHER_BLANKS:
        if c in text:
            text = text.replace(c, " ")
    return _RUNS.sub(" ", text) if "  " in text else text


_ANY = re.compile(chars.char_class(_TATWEEL, _CONTROLS, "&", _OTHER_BLANKS, extra_ranges=chars.PRESENTATION_RANGES))
# (anything but plain spaces to fix)


def _inner(text: str) -> str:
    """normalize() without the final trimming of spaces at line ends."""
    if _ANY.search(text) is not None:
        text = _fix_all(text)
        if "&" in text:
            while True:  # each round shortens the text, so this ends
                new = _ENTITY.sub(_unescape, text)
                if new == text:
                    break
                text = _fix_all(new)
        if _needs_space_fix(text):
            text = _fix_spaces(text)
    elif "  " in text:
        text = _SPACES.sub(" ", text)
    if not unicodedata.is_normalized("NFC", text):
        text = _nfc(text)
    return text


# --------------------------------------------------------------------------- NFC in linear time
# CPython's NFC puts combining marks in canonical order with an insertion sort: quadratic in the
# length of a run of marks (20,000 marks took 25 s). A long run is first put in canonical order
# here, with a stable sort by combining class (n log n) over the per-character decompositions,
# which is exactly the order NFC produces; NFC then finds it sorted and runs in linear time.
# The result is identical to plain NFC (nothing is dropped, so nothing goes to `removed`);
# MARK_RUN_SORTED is the run length from which this path is taken.
MARK_RUN_SORTED = 32


class _MarkRuns:
    """Regexes over combining marks, built on first use (only texts that are not NFC need them).
    Classes of BMP code points are matched from a bitmap, so the gate scans ~190 MB/s; marks
    beyond the BMP are looked for only in texts that have such characters."""

    def __init__(self) -> None:
        bmp = "".join(chr(cp) for cp in range(0x300, 0x10000) if unicodedata.combining(chr(cp)))
        astral = "".join(chr(cp) for cp in range(0x10000, 0x20000) if unicodedata.combining(chr(cp)))
        both = f"(?:{chars.char_class(bmp)}|{chars.char_class(astral)})"
        self.gate_bmp = re.compile(f"{chars.char_class(bmp)}{{{MARK_RUN_SORTED}}}")
        self.astral = re.compile("[\U00010000-\U0010ffff]")
        self.gate_all = re.compile(f"{both}{{{MARK_RUN_SORTED}}}")
        self.run = re.compile(f"(?s).{both}{{{MARK_RUN_SORTED},}}")

    def has_run(self, text: str) -> bool:
        return self.gate_bmp.search(text) is not None or (
            self.astral.search(text) is not None and self.gate_all.search(text) is not None)


_MARKS: _MarkRuns | None = None


def _sort_run(match: re.Match[str]) -> str:
    """The run in canonical order: each character decomposed (NFD of a single character does not
    reorder), then a stable sort by combining class, done as one str.translate per class present
    (keeping only that class), so memory stays a few copies of the run, not an object per mark."""
    run = match.group()
    distinct = set(run)
    decomp = {ord(c): d for c in distinct if (d := unicodedata.normalize("NFD", c)) != c}
    if decomp:
        run = run.translate(decomp)
        distinct = set(run)
    by_class: dict[int, set[str]] = {}
    for c in distinct:
        by_class.setdefault(unicodedata.combining(c), set()).add(c)
    if len(by_class) == 1:
        return run
    parts = []
    for ccc in sorted(by_class):
        keep = by_class[ccc]
        parts.append(run.translate({ord(c): None for c in distinct if c not in keep}))
    return "".join(parts)


def _nfc(text: str) -> str:
    global _MARKS
    if len(text) > MARK_RUN_SORTED:
        if _MARKS is None:
            _MARKS = _MarkRuns()
        if _MARKS.has_run(text):
            text = _MARKS.run.sub(_sort_run, text)
    return unicodedata.normalize("NFC", text)


def nfc(text: str) -> str:
    """Exactly ``unicodedata.normalize("NFC", text)``, in linear time: a run of MARK_RUN_SORTED or
    more combining marks is put in canonical order with a sort first (plain NFC is quadratic in
    the length of such a run). For every caller that needs plain NFC."""
    return _nfc(text)


def normalize(text: str) -> str:
    """Lossless default normalization (see module docstring). Idempotent; keeps every newline."""
    text = _inner(text)
    if " \n" in text or "\n " in text or text[:1] == " " or text[-1:] == " ":
        text = _LINE_EDGE.sub("", text)
    return text


def normalize_lines(text: str) -> list[str]:
    """``normalize(text).split("\n")``, faster: the line ends are trimmed per line (two slices
    per line instead of two substring scans and a regex over the text). Used by clean."""
    lines = _inner(text).split("\n")
    for i, line in enumerate(lines):
        if line[:1] == " " or line[-1:] == " ":
            lines[i] = line.strip(" ")
    return lines


_DIACRITICS: dict[int, str | None] = {ord(c): None for c in chars.DIACRITICS}
# The letter fold drops hamza and madda from letters; their combining forms (madda above U+0653,
# hamza above U+0654, hamza below U+0655) go too: left after a folded letter (إ+ٔ -> ا+ٔ), NFC would
# compose them again on the next run (ا+ٔ -> أ), and clean would not be idempotent.
_LETTERS: dict[int, str | None] = {
    **{ord(c): chars.ALEF for c in chars.ALEFAT if c not in (chars.ALEF, chars.ALEF_MAKSURA) and not unicodedata.combining(c)},
    ord(chars.WAW_HAMZA): chars.WAW, ord(chars.YEH_HAMZA): chars.YEH, ord(chars.ALEF_MAKSURA): chars.YEH,
    ord(chars.TEH_MARBUTA): chars.HEH,
    **{ord(c): None for c in chars.LETTER_MARKS},
}
_DIGITS: dict[int, str | None] = {ord(c): str(i % 10) for i, c in enumerate(chars.DIGITS_EAST + chars.DIGITS_PERSIAN)}

FOLDS: dict[str, dict[int, str | None]] = {
    "diacritics": _DIACRITICS,
    "letters": _LETTERS,
    "digits": _DIGITS,
}
FOLDS["search"] = {**_DIACRITICS, **_LETTERS, **_DIGITS}


class _Plan:
    """A fold table compiled for speed (``str.translate`` with a dict costs a dictionary lookup
    per character): deletions become one character-class ``re.sub``, replacements become
    ``str.replace`` calls for the characters present, behind one class search when many."""

    __slots__ = ("delete", "gate", "pairs")

    def __init__(self, table: dict[int, str | None]) -> None:
        dels = sorted(chr(cp) for cp, v in table.items() if v is None or v == "")
        self.delete = re.compile("[" + "".join(re.escape(c) for c in dels) + "]+") if dels else None
        self.pairs = tuple(sorted((chr(cp), v) for cp, v in table.items() if v))
        srcs = "".join(re.escape(a) for a, _ in self.pairs)
        self.gate = re.compile("[" + srcs + "]") if len(self.pairs) > 8 else None

    def __call__(self, text: str) -> str:
        if self.delete is not None:
            text = self.delete.sub("", text)
        if self.pairs and (self.gate is None or self.gate.search(text)):
            for a, b in self.pairs:
                if a in text:
                    text = text.replace(a, b)
        return text


_PLANS: dict[tuple[str, ...], _Plan] = {}


def _plan(names: tuple[str, ...]) -> _Plan:
    plan = _PLANS.get(names)
    if plan is None:
        table: dict[int, str | None] = {}
        for name in names:
            try:
                table.update(FOLDS[name])
            except KeyError:
                raise ValueError(f"unknown fold {name!r}; known: {', '.join(sorted(FOLDS))}") from None
        for cp, v in table.items():  # a replacement must not itself be folded again
            if v and any(ord(c) in table for c in v):
                raise ValueError(f"fold table maps U+{cp:04X} to a character it also folds")
        plan = _PLANS[names] = _Plan(table)
    return plan


def fold(text: str, *names: str) -> str:
    """Apply the named lossy folds (only them: call normalize() first if needed).

    Same result as ``text.translate(merged FOLDS tables)``, several times faster.
    Raises ValueError naming the known folds for an unknown name.
    """
    if not names:
        return text
    return _plan(names)(text)


def search_fold(text: str) -> str:
    """normalize() then the `search` fold: the form used for matching and dedupe."""
    return _plan(("search",))(normalize(text))
