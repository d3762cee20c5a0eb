"""newscli.dedupe.text: the dedupe normal form, batch normalization and shingles."""

from __future__ import annotations

import re

import pytest
from _dedupe_texts import ARTICLE, ortho_noise
from hypothesis import given, settings, strategies as hs

from newscli import chars
from newscli.dedupe import normalize_for_dedupe, parse_shingle, shingles
from newscli.dedupe.text import _DEL, _DEL_MARK, _post_char
from newscli.normalize import search_fold


def test_normalize_folds_orthography_diacritics_tatweel_and_punctuation():
    assert normalize_for_dedupe("  أَعلنَت  الوزارةُ، اليومَ ٢٠١٥…\n\nمستشــــفى إلى ") == "اعلنت الوزاره اليوم 2015 مستشفي الي"
    assert normalize_for_dedupe(ortho_noise(ARTICLE)) == normalize_for_dedupe(ARTICLE)
    assert normalize_for_dedupe("") == "" and normalize_for_dedupe(" ،. ") == ""


def _reference(t: str) -> str:
    out = []
    for ch in search_fold(t):
        v = _post_char(ch)
        if v not in (_DEL, _DEL_MARK):
            out.append(chr(v))
    return re.sub(" +", " ", "".join(out)).strip()


ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآؤئىة" + "\u064b\u064e\u064f\u0650\u0651\u0652\u0654\u0640\u200c\u200f" + " \n\t\u00a0،.؟!0123456789٠١٢٣٤٥٦٧٨٩&;#amp" + "ﻻﷲﺍAbÉé\u0301"


@settings(max_examples=300, deadline=None)
@given(hs.lists(hs.text(alphabet=ALPHABET, max_size=40), min_size=1, max_size=6))
def test_batch_normalization_equals_reference_definition(texts):
    from newscli.dedupe import normalize_batch

    b = normalize_batch(texts)
    assert [b.text(i) for i in range(len(texts))] == [_reference(t) for t in texts]


NFC_ALPHABET = "اويهـ" + "\u0653\u0654\u0655\u064e\u0651\u200b\u202c\u00ad" + " ﻩﺍ&#x654;\U0001F4F0"


@settings(max_examples=300, deadline=None)
@given(hs.lists(hs.text(alphabet=NFC_ALPHABET, max_size=30), min_size=1, max_size=6))
def test_batch_normalization_of_decomposed_and_control_sequences(texts):
    """Texts that are not NFC (letter + combining hamza/madda), with controls or tatweel between a
    letter and a mark, entities that unescape to marks, and characters beyond the BMP."""
    from newscli.dedupe import normalize_batch

    b = normalize_batch(texts)
    assert [b.text(i) for i in range(len(texts))] == [_reference(t) for t in texts]


def test_non_nfc_and_control_cases():
    from newscli.dedupe import normalize_batch

    cases = [
        "سا\u0653ل الوزير عن المستشفى",  # decomposed alef madda: NFC composes, fold gives ا
        "مسؤ\u200bولية ا\u202c\u0654لحكومة",  # a control between a letter and a mark
        "قال ـــ الوزير ــ إن المشروع اكتمل",  # tatweel runs used as dashes
        "بلغ العجز 3&#x661;% هذا العام \U0001F4F0",
    ]
    b = normalize_batch(cases)
    assert [b.text(i) for i in range(len(cases))] == [_reference(t) for t in cases]
    assert b.text(0) == "سال الوزير عن المستشفي"


def test_shingles_and_spec():
    assert parse_shingle("char:5") == ("char", 5) and parse_shingle("word:3") == ("word", 3)
    for bad in ("char", "char:0", "token:5", "word:99", 5):
        with pytest.raises(ValueError):
            parse_shingle(bad)
    assert len(shingles("مرحبا بكم", "char:5")) == len("مرحبا بكم") - 4
    assert len(shingles("مرحبا بكم في الرياض", "word:2")) == 3
    assert len(shingles("abc", "char:5")) == 0


def test_tatweel_comes_from_chars():
    assert _post_char(chars.TATWEEL) == _DEL
