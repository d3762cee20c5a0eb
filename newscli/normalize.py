"""Arabic text normalization: one lossless default and named, opt-in lossy folds.

Every rule about which characters change lives in this module.

`normalize(text)` (the default, lossless for reading):
  - Unicode NFC;
  - Arabic presentation forms (U+FB50-U+FDFF, U+FE70-U+FEFE) folded to their base letters
    (only those: full NFKC would also fold other compatibility characters and make mojibake
    unrepairable);
  - tatweel (U+0640) and invisible controls removed: LRM, RLM, ALM, ZWSP, ZWNJ, ZWJ, the bidi
    embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069), BOM (U+FEFF), soft hyphen;
  - stray HTML entities (``&amp;``, ``&#1576;``, ``&nbsp;``) unescaped;
  - runs of spaces, tabs and no-break spaces collapsed to one space, and trimmed at line ends;
  - newlines, diacritics, letter forms, digits and punctuation kept as they are.

Named lossy folds, applied only when asked for (``FOLDS``):
  - ``search``: everything in ``diacritics``, ``letters`` and ``digits``.
  - ``diacritics``: harakat, tanween, shadda, sukun, superscript alef, Quranic marks removed.
  - ``letters``: أ إ آ ٱ → ا; ؤ → و; ئ → ي; ى → ي; ة → ه.
  - ``digits``: Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII 0-9.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["normalize", "fold", "search_fold", "FOLDS"]

_CONTROLS = "\u200e\u200f\u061c\u200b\u200c\u200d\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad"
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


_LOSSLESS = _presentation_table()
_LOSSLESS.update({ord(c): None for c in _CONTROLS + _TATWEEL})
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007]{2,}|[\t\u00a0\u202f\u2007]")
_LINE_EDGE = re.compile(r"^[ \t]+|[ \t]+$", re.M)


def _unescape(match: re.Match[str]) -> str:
    out = html.unescape(match.group(0))
    return out


def normalize(text: str) -> str:
    """Lossless default normalization (see module docstring). Idempotent."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.translate(_LOSSLESS)
    if "&" in text:
        text = _ENTITY.sub(_unescape, text).translate(_LOSSLESS)
    text = _SPACES.sub(" ", text)
    if " \n" in text or "\n " in text or text[:1] == " " or text[-1:] == " ":
        text = _LINE_EDGE.sub("", text)
    return text


_DIACRITICS = {cp: None for cp in list(range(0x064B, 0x0660)) + [0x0670] + list(range(0x06D6, 0x06DD)) + list(range(0x06DF, 0x06E5)) + [0x06E7, 0x06E8] + list(range(0x06EA, 0x06EE))}
_LETTERS = {ord(a): b for a, b in {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي", "ى": "ي", "ة": "ه"}.items()}
_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)}}

FOLDS: dict[str, dict[int, str | None]] = {
    "diacritics": _DIACRITICS,
    "letters": _LETTERS,
    "digits": _DIGITS,
}
FOLDS["search"] = {**_DIACRITICS, **_LETTERS, **_DIGITS}


def fold(text: str, *names: str) -> str:
    """Apply the named lossy folds (after nothing else: call normalize() first if needed)."""
    table: dict[int, str | None] = {}
    for name in names:
        try:
            table.update(FOLDS[name])
        except KeyError:
            raise ValueError(f"unknown fold {name!r}; known: {', '.join(sorted(FOLDS))}") from None
    return text.translate(table)


_SEARCH = FOLDS["search"]


def search_fold(text: str) -> str:
    """normalize() then the `search` fold: the form used for matching and dedupe."""
    return normalize(text).translate(_SEARCH)
