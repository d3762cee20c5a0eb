"""The one place where Arabic character sets live.

Every set comes from `pyarabic.araby`'s constants, the reference sets the project's brief names;
only what pyarabic does not have (invisible controls, blanks, presentation-form ranges) is added
here, each with a comment. Other modules build their tables and regular-expression classes from
these names; `tests/test_chars.py` fails if a character-class literal appears anywhere else.

Sets are strings (ordered, deduplicated), so they can be joined into `str.translate` tables and
regex classes (`char_class`) once, at import.
"""

from __future__ import annotations

import re

from pyarabic import araby

__all__ = [
    "DIACRITICS", "TASHKEEL", "HARAKAT", "TANWIN", "TATWEEL", "SHADDA", "ALEFAT", "HAMZAT", "ALEF_MAKSURA",
    "WAW_HAMZA", "YEH_HAMZA", "LETTER_MARKS",
    "TEH_MARBUTA", "SMALL_ALEF", "YEH", "WAW", "HEH", "ALEF", "LIGATURES", "DIGITS_EAST", "DIGITS_PERSIAN", "DIGITS_ASCII",
    "DIGITS", "CONTROLS", "BLANKS", "PRESENTATION_RANGES", "ARABIC_LETTERS", "char_class", "ranges",
]


def _set(chars) -> str:
    """Characters in order of first appearance, each once."""
    return "".join(dict.fromkeys("".join(chars)))


# --- from pyarabic.araby ---------------------------------------------------------------------

# Marks a diacritics fold removes: harakat, tanween, shadda, sukun, the honorific marks
# U+0610-U+061A, superscript alef U+0670 and the Quranic annotation marks (52 characters).
DIACRITICS = _set(araby.DIACRITICS)
TASHKEEL = _set(araby.TASHKEEL)  # the eight vowel marks incl. shadda
HARAKAT = _set(araby.HARAKAT)  # TASHKEEL without shadda
TANWIN = _set(araby.TANWIN)
SHADDA = araby.SHADDA
TATWEEL = araby.TATWEEL  # U+0640, the stretching stroke (also written as a dash)
ALEFAT = _set(araby.ALEFAT)  # ا آ أ إ ٱ ى and superscript alef
HAMZAT = _set(araby.HAMZAT)  # ء ؤ ئ, hamza above/below marks, أ إ
ALEF = araby.ALEF
SMALL_ALEF = araby.SMALL_ALEF  # U+0670, the superscript (dagger) alef
WAW_HAMZA = araby.WAW_HAMZA  # ؤ
YEH_HAMZA = araby.YEH_HAMZA  # ئ
# The combining madda and hamza marks (U+0653-U+0655): NFC composes them with a preceding alef,
# waw or yeh (ا + ٔ -> أ), so the letters fold removes them along with the letters it folds.
LETTER_MARKS = araby.MADDA_ABOVE + araby.HAMZA_ABOVE + araby.HAMZA_BELOW
ALEF_MAKSURA = araby.ALEF_MAKSURA
TEH_MARBUTA = araby.TEH_MARBUTA
YEH = araby.YEH
WAW = araby.WAW
HEH = araby.HEH
LIGATURES = _set(araby.LIGUATURES)  # the lam-alef ligatures (presentation forms)
DIGITS_EAST = _set(araby.NUMBERS_EAST)  # Arabic-Indic ٠-٩
DIGITS_PERSIAN = _set(araby.NUMBERS_PERS)  # Extended Arabic-Indic ۰-۹ (Persian, Urdu)
ARABIC_LETTERS = _set(araby.LETTERS)

# --- not in pyarabic -------------------------------------------------------------------------

DIGITS_ASCII = "0123456789"
# Every decimal digit newscli reads, in the order ASCII, Arabic-Indic, Persian.
DIGITS = DIGITS_ASCII + DIGITS_EAST + DIGITS_PERSIAN

# Invisible format characters that carry no text (pyarabic has only the byte-order mark):
# LRM, RLM, ALM (U+061C), ZWSP, ZWNJ, ZWJ, word joiner, bidi embeddings/overrides U+202A-U+202E,
# isolates U+2066-U+2069, BOM and the soft hyphen.
CONTROLS = _set([
    "\u200e\u200f\u061c", "\u200b\u200c\u200d\u2060",
    "\u202a\u202b\u202c\u202d\u202e", "\u2066\u2067\u2068\u2069", araby.BYTE_ORDER_MARK, "\u00ad",
])

# Blanks inside a line that newscli folds to one ASCII space: tab, no-break space, narrow
# no-break space, figure space (pyarabic has no such set). Newlines are never blanks.
BLANKS = " \t\u00a0\u202f\u2007"

# Arabic presentation forms A and B (pyarabic lists only the four lam-alef ligatures).
PRESENTATION_RANGES = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def ranges(chars: str) -> list[tuple[int, int]]:
    """Code points of `chars` as sorted inclusive ranges."""
    cps = sorted({ord(c) for c in chars})
    out: list[tuple[int, int]] = []
    for cp in cps:
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def char_class(*sets: str, negate: bool = False, extra_ranges: tuple[tuple[int, int], ...] = ()) -> str:
    """A compact regex character class for the union of `sets` (ranges merged, characters escaped)."""
    spans = ranges("".join(sets))
    spans = sorted(spans + list(extra_ranges))
    parts = []
    for lo, hi in spans:
        a, b = re.escape(chr(lo)), re.escape(chr(hi))
        if lo == hi:
            parts.append(a)
        elif hi == lo + 1:
            parts.append(a + b)
        else:
            parts.append(f"{a}-{b}")
    return ("[^" if negate else "[") + "".join(parts) + "]"
