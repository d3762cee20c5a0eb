"""clean builds its character tables from newscli.chars (issue 9)."""

from __future__ import annotations

from newscli import chars
from newscli.clean import _rules as R
from newscli.clean import _text as T
from newscli.normalize import fold


def test_marks_are_exactly_the_diacritics_fold():
    """The matching fold removes the marks the diacritics fold removes, and no others
    (before: U+06DD/06DE/06E5/06E6/06E9 were stripped by clean but kept by the fold)."""
    for cp in range(0x0600, 0x0700):
        c = chr(cp)
        assert bool(T._MARKS.fullmatch(c)) == (c in chars.DIACRITICS), hex(cp)
        if c in chars.DIACRITICS:
            assert T.fold_line("كلمة" + c) == T.fold_line("كلمة")
    kept = "\u06dd\u06de\u06e5\u06e6\u06e9"
    assert all(c in fold("س" + c, "diacritics") for c in kept)
    assert all(c in T.fold_line("س" + c) for c in kept)


def test_key_word_and_key_drop_are_complements():
    """One class body gives both regexes: every character is either dropped or part of a word."""
    for cp in list(range(0x20, 0x250)) + list(range(0x0600, 0x0700)):
        c = chr(cp)
        assert bool(T.KEY_DROP.fullmatch(c)) != bool(T.KEY_WORD.fullmatch(c)), hex(cp)


def test_digit_classes_come_from_chars():
    for d in chars.DIGITS:
        assert R.LIST_ITEM_RE.match(d + "- بند"), d
        assert R.CLOCK_RE.match(d + ":" + d + d + " ص"), d
    assert not R.LIST_ITEM_RE.match("أ- بند")
