"""newscli.normalize: the lossless default and the named lossy folds."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from newscli.normalize import FOLDS, fold, normalize, search_fold


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("إرســال التعليق", "إرسال التعليق"),  # tatweel stretching letters
        ("مشار إليها بـ *", "مشار إليها ب *"),  # tatweel after a lone letter
        ("كتب ـ محمود سالم:", "كتب ـ محمود سالم:"),  # a lone tatweel used as a dash is kept
        ("القاهرة ــ أ ش أ", "القاهرة ــ أ ش أ"),
        # a tatweel that follows no letter is a dash: between digits it kept one number from two
        ("تقام الدورة من 15ـ19 مارس 2017", "تقام الدورة من 15ـ19 مارس 2017"),
        ("في 3ـ4 ذي الحجة 1434هـ", "في 3ـ4 ذي الحجة 1434ه"),
        ("خطة 1437ـ1441هـ", "خطة 1437ـ1441ه"),
        ("بين الساعة ٩ـ١٠ صباحاً (ـ)", "بين الساعة ٩ـ١٠ صباحاً (ـ)"),
        ("بَـيـْـت", "بَيْت"),  # harakat between the letter and its tatweel: still a stretch
        ("ب\u200fـيت", "بيت"),  # a control removed in the same pass is looked through
        ("&#1576;ـيت", "بيت"),  # a letter that an entity becomes stretches too (idempotent)
        ("\ufefbبد من الحوار", "لابد من الحوار"),  # lam-alef presentation form
        ("\ufe8d\ufedf\ufee4\ufeae\ufe8e", "المرا"),  # contextual presentation forms
        ("\ufdf2", "الله"),  # ligature in U+FDxx
        ("قال\u200f الوزير\u200e", "قال الوزير"),  # RLM, LRM
        ("\ufeffبسم\u200b الله\u200c\u200d", "بسم الله"),  # BOM, ZWSP, ZWNJ, ZWJ
        ("\u202bنص\u202c \u2067معزول\u2069 \u061cهنا", "نص معزول هنا"),  # embeddings, isolates, ALM
        ("كلمة\u00adمقسومة", "كلمةمقسومة"),  # soft hyphen
        ("الأسعار &amp; الأجور &#1576;&#x0627;&nbsp;ب", "الأسعار & الأجور با ب"),
        ("&amp;amp;lt;", "<"),  # nested escapes resolved fully (idempotent)
        ("سطر&#10;واحد", "سطر واحد"),  # an entity never adds a line
        ("  كلمتان\t\tو\u00a0\u00a0ثلاث  \nسطر ثان \n", "كلمتان و ثلاث\nسطر ثان\n"),
        ("مُحَمَّدٌ رسولُ الله", "مُحَمَّدٌ رسولُ الله"),  # harakat kept
        ("إلى مستشفى ٣ أ إ آ ى ة ۴", "إلى مستشفى ٣ أ إ آ ى ة ۴"),  # letters, digits kept
        ("«قال»: نعم… (حقًا)؟", "«قال»: نعم… (حقًا)؟"),  # punctuation kept
        ("سطر\n\n\nآخر", "سطر\n\n\nآخر"),  # newlines kept
        ("فقرة\u2028متصلة", "فقرة\u2028متصلة"),  # U+2028 is not a newline here
    ],
)
def test_normalize_examples(raw, expected):
    assert normalize(raw) == expected


def test_nfc_and_mark_order():
    decomposed = "ا\u0654"  # alef + combining hamza above
    assert normalize(decomposed) == "أ"
    # shadda written before fatha (also via the isolated presentation form) is put in canonical order
    assert normalize("ب\u0651\u064e") == unicodedata.normalize("NFC", "ب\u0651\u064e")
    assert normalize("ب\ufe7c\u064e") == normalize(normalize("ب\ufe7c\u064e"))


def test_fold_names_and_tables():
    assert fold("إِنَّ الأمَّةَ", "diacritics") == "إن الأمة"
    assert fold("أإآٱ ؤ ئ ى ة", "letters") == "اااا و ي ي ه"
    assert fold("٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹", "digits") == "0123456789 0123456789"
    assert fold("مُسْتَشْفَى الأطفالِ ٢٠٢٤", "search") == "مستشفي الاطفال 2024"
    assert fold("نص", ) == "نص"
    with pytest.raises(ValueError, match="unknown fold 'x'; known: diacritics, digits, letters, search"):
        fold("نص", "x")
    assert search_fold("الإرســال\u200f ١") == "الارسال 1"


def test_fold_keeps_what_it_does_not_name():
    # hamza on the line, waw, yeh, teh and other letters are not touched by "letters"
    assert fold("ء و ي ت ه", "letters") == "ء و ي ت ه"
    assert fold("abc 123 ،؛؟", "search") == "abc 123 ،؛؟"


ARABIC = st.text(
    alphabet=st.sampled_from(
        list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآؤئىةٱ٠١٢٣٤٥٦٧٨٩۰۴۵ .،:؟!«»\n\t-&;#x0123456789amp")
        + ["\u0640", "\u064e", "\u0651", "\u0670", "\u06d6", "\u200f", "\u200b", "\ufeff", "\u00a0", "\u00ad",
           "\ufefb", "\ufe8d", "\ufe7c", "\u202b", "\u2066", "\u0654", "\u2028"]
    ),
    max_size=200,
)


@settings(max_examples=400, deadline=None)
@given(ARABIC)
def test_normalize_idempotent_and_keeps_lines(text):
    once = normalize(text)
    assert normalize(once) == once
    assert once.count("\n") == text.count("\n")


@settings(max_examples=400, deadline=None)
@given(ARABIC, st.sampled_from([("search",), ("diacritics",), ("letters",), ("digits",), ("letters", "digits")]))
def test_fold_equals_translate_table_and_is_idempotent(text, names):
    table: dict = {}
    for n in names:
        table.update(FOLDS[n])
    assert fold(text, *names) == text.translate(table)
    assert fold(fold(text, *names), *names) == fold(text, *names)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=" \t\u00a0\u202f\u2007ب\n", max_size=30))
def test_fast_blank_fix_equals_the_space_regex(text):
    import sys

    mod = sys.modules["newscli.normalize"]
    assert mod._fix_spaces(text) == mod._SPACES.sub(" ", text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=" \t\u00a0\nبـ\u200f&#;a", max_size=30))
def test_normalize_lines_equals_split_of_normalize(text):
    from newscli.normalize import normalize_lines

    assert normalize_lines(text) == normalize(text).split("\n")
