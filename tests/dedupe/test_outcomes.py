"""newscli.dedupe.outcomes: outcome words in a lead that the other text never names."""

from __future__ import annotations

import numpy as np
import pytest
from _dedupe_texts import ARTICLE, COURT_HEARING, COURT_POSTPONED, COURT_POSTPONED_COPY

from newscli.dedupe import DedupeOptions, prepare
from newscli.dedupe.outcomes import new_outcome, outcome_bits, outcome_classes
from newscli.dedupe.signing import LEAD_CHARS
from newscli.dedupe.slots import word_tokens
from newscli.dedupe.text import normalize_batch

POSTPONE, VERDICT = 1, 2  # class bits, in the order of newscli/dedupe/data/outcomes.txt


def bits(*texts: str) -> list[tuple[int, int]]:
    """(lead classes, classes anywhere) of each text."""
    batch = normalize_batch(list(texts))
    out = outcome_bits(batch, word_tokens(batch.codes), LEAD_CHARS)
    return [(int(x) & 0xFFFFFFFF, int(x) >> 32) for x in out]


def test_the_classes_are_the_package_data():
    names = [name for name, _ in outcome_classes()]
    assert names == ["postpone", "verdict"]
    assert all(words for _, words in outcome_classes())


def test_a_lead_word_sets_both_halves_and_a_later_word_only_the_whole_text():
    late = ARTICLE + "\nوقررت اللجنة تأجيل الافتتاح الرسمي إلى الأسبوع المقبل."
    assert len(ARTICLE) > LEAD_CHARS
    assert bits(COURT_POSTPONED, late, ARTICLE, COURT_HEARING) == [(POSTPONE, POSTPONE), (0, POSTPONE), (0, 0), (0, 0)]


@pytest.mark.parametrize("word, bit", [("وتأجيل", POSTPONE), ("بتأجيل", POSTPONE), ("التأجيل", POSTPONE),
                                       ("أجلت", POSTPONE), ("اجلت", POSTPONE), ("قضت", VERDICT),
                                       ("وقضت", VERDICT), ("بالإعدام", VERDICT), ("ببراءة", VERDICT)])
def test_clitics_the_article_and_spelling_variants_match(word, bit):
    assert bits(f"وقال المتحدث إن المحكمة {word} المتهمين في القضية")[0] == (bit, bit)


@pytest.mark.parametrize("text", ["قضتها العائلة في الساحل الشمالي", "تأجيلات متكررة للرحلات",
                                  "الحكومة الجديدة تعقد اجتماعها الأول", "قضى المسافرون ليلتهم في المطار"])
def test_only_whole_words_of_the_list_match(text):
    assert bits(text)[0] == (0, 0)


def test_new_outcome_needs_a_lead_word_the_other_text_never_names():
    s = prepare([COURT_HEARING, COURT_POSTPONED, COURT_POSTPONED_COPY,
                 COURT_HEARING + "\nوكانت المحكمة قد قررت تأجيل القضية في جلستها الأولى."], DedupeOptions())
    o = s.outcomes
    assert new_outcome(o[0], o[1]) and new_outcome(o[1], o[0])  # symmetric
    assert not new_outcome(o[1], o[2])  # both leads report the postponement
    assert not new_outcome(o[3], o[1])  # the earlier story names a postponement further down
    assert new_outcome(o[[0, 1]], o[[1, 2]]).tolist() == [True, False]
    assert not new_outcome(np.uint64(0), np.uint64(0))


@pytest.mark.parametrize("word", ["وبالتأجيل", "للتأجيل", "كالتأجيل", "فبالإعدام"])
def test_stacked_clitics_match(word):
    assert bits(f"وقال المتحدث إن المحكمة قررت {word} في القضية")[0] != (0, 0)


@pytest.mark.parametrize("text", ["postpone تأجيل", "postpone:", ": تأجيل", "# only a comment"])
def test_a_malformed_list_is_refused_in_one_line(monkeypatch, text):
    from newscli.dedupe import outcomes

    class Fake:
        def joinpath(self, *parts):
            return self

        def read_text(self, encoding):
            return text + "\n"

    monkeypatch.setattr(outcomes.resources, "files", lambda package: Fake())
    outcomes.outcome_classes.cache_clear()
    try:
        with pytest.raises(ValueError) as e:
            outcomes.outcome_classes()
        assert "outcomes.txt" in str(e.value) and "\n" not in str(e.value)
    finally:
        outcomes.outcome_classes.cache_clear()
