"""newscli's Arabic character sets are pyarabic's, plus the documented extras, and normalize builds
its tables from them (replaces test_pyarabic_crosscheck, whose checks could not fail)."""

import re
import unicodedata
from pathlib import Path

from pyarabic import araby

from newscli import chars
from newscli.normalize import FOLDS, fold, normalize

ROOT = Path(__file__).resolve().parents[1] / "newscli"


def _set(x) -> set[str]:
    return set("".join(x))


def test_sets_equal_pyarabics():
    pairs = {
        "DIACRITICS": araby.DIACRITICS, "TASHKEEL": araby.TASHKEEL, "HARAKAT": araby.HARAKAT,
        "TANWIN": araby.TANWIN, "ALEFAT": araby.ALEFAT, "HAMZAT": araby.HAMZAT, "LIGATURES": araby.LIGUATURES,
        "DIGITS_EAST": araby.NUMBERS_EAST, "DIGITS_PERSIAN": araby.NUMBERS_PERS, "ARABIC_LETTERS": araby.LETTERS,
    }
    for name, theirs in pairs.items():
        ours = getattr(chars, name)
        assert set(ours) == _set(theirs), name
        assert len(ours) == len(set(ours)), name  # each character once
    assert chars.LETTER_MARKS == araby.MADDA_ABOVE + araby.HAMZA_ABOVE + araby.HAMZA_BELOW
    assert (chars.TATWEEL, chars.SHADDA, chars.WAW_HAMZA, chars.YEH_HAMZA) == \
        (araby.TATWEEL, araby.SHADDA, araby.WAW_HAMZA, araby.YEH_HAMZA)


def test_documented_extras_are_exactly_these():
    assert set(chars.CONTROLS) == {
        "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\u202a", "\u202b", "\u202c",
        "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u00ad"}
    assert all(unicodedata.category(c) == "Cf" for c in chars.CONTROLS)  # invisible format characters
    assert chars.BLANKS == " \t\u00a0\u202f\u2007"
    assert chars.DIGITS == "0123456789" + "".join(araby.NUMBERS_EAST) + "".join(araby.NUMBERS_PERS)
    assert chars.PRESENTATION_RANGES == ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
    assert not set(chars.CONTROLS) & _set(araby.LETTERS + "".join(araby.DIACRITICS))


def test_normalize_folds_are_built_from_the_sets():
    assert {chr(k) for k in FOLDS["diacritics"]} == _set(araby.DIACRITICS)
    assert {chr(k) for k in FOLDS["digits"]} == _set(araby.NUMBERS_EAST) | _set(araby.NUMBERS_PERS)
    assert {chr(k) for k in FOLDS["letters"]} == (_set(araby.ALEFAT) - {araby.ALEF, araby.MINI_ALEF}) \
        | {araby.WAW_HAMZA, araby.YEH_HAMZA, araby.TEH_MARBUTA} | set(chars.LETTER_MARKS)


def test_diacritics_fold_removes_the_honorific_marks():
    # U+0610 (ARABIC SIGN SALLALLAHOU ALAYHE WASSALLAM) after a name: pyarabic's DIACRITICS has it
    assert fold("محمد\u0610 رسول", "diacritics") == "محمد رسول"
    assert fold("كَتَبَ\u0618", "diacritics") == araby.strip_diacritics("كَتَبَ\u0618") == "كتب"


def test_default_normalization_removes_every_control_and_keeps_hamza_forms():
    text = "أعلنت إدارة الميناء آخر مستجدات المبنى"
    assert normalize(text) == text  # lossless: unlike pyarabic's normalize_hamza
    assert araby.normalize_hamza(text) != text
    assert normalize("أ" + chars.CONTROLS + "ب") == "أب"
    assert normalize("إرســال التعليق") == araby.strip_tatweel("إرســال التعليق")


# An escaped Arabic, presentation-form or invisible-control code point inside a [...] class.
_CLASS_LITERAL = re.compile(r"\[[^\]\n]*\\u(06[0-9a-fA-F]{2}|fb[5-9a-fA-F]|fe[7-9a-fA-F]|20[0-6][0-9a-fA-F])")


def test_ground_modules_write_no_character_class_literal():
    # the ground rooms (normalize, records, isodate, io) build their classes from newscli.chars;
    # the lead extends this to clean/, dates/ and dedupe/ once their sessions have moved over
    files = [ROOT / "normalize.py", ROOT / "records.py", ROOT / "isodate.py", *sorted((ROOT / "io").glob("*.py"))]
    offenders = [f"{f.name}:{i}" for f in files for i, line in enumerate(f.read_text().splitlines(), 1)
                 if _CLASS_LITERAL.search(line)]
    assert offenders == []
    assert _CLASS_LITERAL.search(r'X = re.compile("[\u064b-\u0652]")')  # the check itself can fail
