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

# One scan finds everything the character table touches: runs of controls and presentation
# forms, and tatweel runs attached to a non-space character on at least one side.
_FIX = re.compile(
    "[" + re.escape(_CONTROLS) + "\ufb50-\ufdff\ufe70-\ufefe]+"
    r"|(?<=\S)\u0640+|\u0640+(?=\S)"
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007]{2,}|[\t\u00a0\u202f\u2007]")
_LINE_EDGE = re.compile(r"^ +| +$", re.M)


def _fix(match: re.Match[str]) -> str:
    return match.group().translate(_LOSSLESS)


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


def normalize(text: str) -> str:
    """Lossless default normalization (see module docstring). Idempotent; keeps every newline."""
    text = _FIX.sub(_fix, text)
    if "&" in text:
        while True:  # each round shortens the text, so this ends
            new = _ENTITY.sub(_unescape, text)
            if new == text:
                break
            text = _FIX.sub(_fix, new)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _needs_space_fix(text):
        text = _SPACES.sub(" ", text)
    if " \n" in text or "\n " in text or text[:1] == " " or text[-1:] == " ":
        text = _LINE_EDGE.sub("", text)
    return text


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


def fold(text: str, *names: str) -> str:
    """Apply the named lossy folds (only them: call normalize() first if needed).

    Raises ValueError naming the known folds for an unknown name.
    """
    table: dict[int, str | None] = {}
    for name in names:
        try:
            table.update(FOLDS[name])
        except KeyError:
            raise ValueError(f"unknown fold {name!r}; known: {', '.join(sorted(FOLDS))}") from None
    return text.translate(table) if table else text


_SEARCH = FOLDS["search"]


def search_fold(text: str) -> str:
    """normalize() then the `search` fold: the form used for matching and dedupe."""
    return normalize(text).translate(_SEARCH)
