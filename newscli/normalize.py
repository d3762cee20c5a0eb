"""Arabic text normalization: one lossless default and named, opt-in lossy folds.

Every rule about which characters change lives in this module.

`normalize(text)` (the default, lossless for reading):
  - stray HTML entities (``&amp;``, ``&#1576;``, ``&nbsp;``) unescaped, repeatedly until none is
    left (so ``&amp;amp;`` gives ``&`` and a second call changes nothing); an entity that would
    produce a line break (``&#10;``) becomes a space, so the line count never changes;
  - Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFE) folded to their base letters
    (only those: full NFKC would also fold other compatibility characters and make mojibake
    unrepairable); isolated harakat forms keep only the mark;
  - tatweel (U+0640) removed when it stretches a letter (``إرســال`` -> ``إرسال``, ``بـ`` -> ``ب``).
    A tatweel run standing alone between spaces or at a line edge (``كتب ـ فلان``) is used as a
    dash there and is kept;
  - invisible controls removed: LRM, RLM, ALM, ZWSP, ZWNJ, ZWJ, word joiner, the bidi
    embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069), BOM (U+FEFF), soft hyphen;
  - Unicode NFC;
  - runs of spaces, tabs, no-break spaces (U+00A0, U+202F, U+2007) collapsed to one ASCII space,
    and spaces trimmed at line ends;
  - newlines (the line count never changes), diacritics, letter forms, digits and punctuation
    kept as they are.
  ``normalize`` is idempotent: ``normalize(normalize(t)) == normalize(t)``.

Named lossy folds, applied only when asked for (``FOLDS``), each a pure character mapping:
  - ``diacritics``: harakat and tanween (U+064B-U+065F), superscript alef (U+0670) and the
    Quranic annotation marks (U+06D6-U+06DC, U+06DF-U+06E4, U+06E7-U+06E8, U+06EA-U+06ED) removed.
  - ``letters``: أ إ آ ٱ -> ا; ؤ -> و; ئ -> ي; ى -> ي; ة -> ه.
  - ``digits``: Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII 0-9.
  - ``search``: ``diacritics`` + ``letters`` + ``digits``.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["normalize", "fold", "search_fold", "FOLDS"]

_CONTROLS = (
    "\u200e\u200f\u061c\u200b\u200c\u200d\u2060\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069\ufeff\u00ad"
)
_TATWEEL = "\u0640"


def _presentation_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for lo, hi in ((0xFB50, 0xFDFF), (0xFE70, 0xFEFE)):
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if unicodedata.category(ch) == "Cn":
                continue
            folded = unicodedata.normalize("NFKC", ch)
            if folded != ch:
                # isolated harakat forms (U+FE70..) decompose to SPACE + mark: keep the mark only
                table[cp] = folded.lstrip(" ") or folded
    return table


_LOSSLESS: dict[int, str | None] = _presentation_table()
_LOSSLESS.update({ord(c): None for c in _CONTROLS + _TATWEEL})

# One character-class scan finds everything the table touches (a class of ranges is several
# times faster in `re` than an alternation with lookarounds); the callback keeps a tatweel run
# that stands alone between spaces or line edges.
_FIX_CLASS = "[\u0640\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufb50-\ufdff\ufe70-\ufeff]"
_FIX_GATE = re.compile(_FIX_CLASS)  # a bare class scans ~4x faster than a class with "+"


def _fix_all(text: str) -> str:
    if _FIX_GATE.search(text) is None:
        return text
    return _FIX_GATE.sub(_fix, text)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007]{2,}|[\t\u00a0\u202f\u2007]")
_LINE_EDGE = re.compile(r"^ +| +$", re.M)


def _fix(match: re.Match[str]) -> str:
    ch = match.group()
    if ch == _TATWEEL:
        # keep a tatweel run standing alone between spaces or line edges: a dash ("كتب ـ فلان")
        text = match.string
        a, b = match.start(), match.end()
        while a > 0 and text[a - 1] == _TATWEEL:
            a -= 1
        n = len(text)
        while b < n and text[b] == _TATWEEL:
            b += 1
        if (a == 0 or text[a - 1].isspace()) and (b == n or text[b].isspace()):
            return ch
        return ""
    return _LOSSLESS.get(ord(ch), ch)


def _unescape(match: re.Match[str]) -> str:
    out = html.unescape(match.group(0))
    if "\n" in out or "\r" in out or "\x0b" in out or "\x0c" in out or "\x1c" in out:
        return " "
    return out


def _needs_space_fix(text: str) -> bool:
    return (
        "  " in text
        or "\t" in text
        or "\u00a0" in text
        or "\u202f" in text
        or "\u2007" in text
    )


_RUNS = re.compile(" {2,}")


def _fix_spaces(text: str) -> str:
    """Same as ``_SPACES.sub(" ", text)``: the other blanks become spaces (str.replace, a fast
    scan), then runs of spaces collapse; the regex alone tries a match at every space."""
    for c in "\t\u00a0\u202f\u2007":
        if c in text:
            text = text.replace(c, " ")
    return _RUNS.sub(" ", text) if "  " in text else text


_ANY = re.compile(_FIX_CLASS[:-1] + "&\t\u00a0\u202f\u2007]")  # anything but plain spaces to fix


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
        text = unicodedata.normalize("NFC", text)
    return text


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


_DIACRITICS: dict[int, str | None] = {
    cp: None
    for cp in list(range(0x064B, 0x0660))
    + [0x0670]
    + list(range(0x06D6, 0x06DD))
    + list(range(0x06DF, 0x06E5))
    + [0x06E7, 0x06E8]
    + list(range(0x06EA, 0x06EE))
}
_LETTERS: dict[int, str | None] = {
    ord(a): b for a, b in {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي", "ى": "ي", "ة": "ه"}.items()
}
_DIGITS: dict[int, str | None] = {
    **{0x0660 + i: str(i) for i in range(10)},
    **{0x06F0 + i: str(i) for i in range(10)},
}

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
