"""newscli's own character tables cover pyarabic's: the diacritics fold removes every TASHKEEL mark
and the letters fold maps pyarabic's hamza-carrying alefs (without pyarabic's lossy defaults)."""

import pytest

from newscli.normalize import fold, normalize

araby = pytest.importorskip("pyarabic.araby")


def test_diacritics_fold_covers_pyarabic_tashkeel():
    word = "ك" + "".join(araby.TASHKEEL) + "تب"
    assert fold(word, "diacritics") == "كتب"
    assert araby.strip_tashkeel("كَتَبَ") == fold("كَتَبَ", "diacritics")


def test_default_normalization_is_not_pyarabics_lossy_hamza_or_alef_fold():
    text = "أعلنت إدارة الميناء آخر مستجدات المبنى"
    assert normalize(text) == text  # lossless: hamza forms and alef maqsura kept
    assert araby.normalize_hamza(text) != text  # pyarabic's default would have changed it


def test_tatweel_removed_like_pyarabic():
    assert normalize("إرســال التعليق") == araby.strip_tatweel("إرســال التعليق")
