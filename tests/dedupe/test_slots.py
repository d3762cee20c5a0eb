"""newscli.dedupe.slots: where two texts differ (slot tokens inside a shared template)."""

from __future__ import annotations

import numpy as np
import pytest
from _dedupe_texts import ARTICLE, MARKET_A, MARKET_B, UPDATE, cable, weather

from newscli.dedupe import compare_slots, normalize_batch, slot_sketches
from newscli.dedupe.slots import SLOT_EMPTY, slot_words


def pair(a: str, b: str) -> tuple[int, int]:
    s = slot_sketches(normalize_batch([a, b]))
    agree, differ = compare_slots(s[:1], s[1:])
    return int(agree[0]), int(differ[0])


def test_slot_words_come_from_the_gazetteer_and_date_names():
    words = set(slot_words())
    for w in ("كولومبيا", "لكولومبيا", "الرياض", "بالرياض", "للرياض", "القاهره", "الجمعه", "مايو", "رمضان", "جوان"):
        assert w in words, w
    assert "الحكومه" not in words and "المتحده" not in words


def test_templated_reports_differ_in_their_slots():
    assert pair(cable("كولومبيا"), cable("سلطنة عمان"))[1] >= 1
    assert pair(weather("الأحد", "12 يوليو 2015", "45", "31"), weather("الاثنين", "13 يوليو 2015", "44", "30"))[1] >= 1
    assert pair(MARKET_A, MARKET_B)[1] >= 2


def test_copies_updates_and_shortened_copies_do_not_differ():
    agree, differ = pair(ARTICLE, ARTICLE)
    assert differ == 0 and agree >= 2
    assert pair(ARTICLE, ARTICLE + UPDATE + " وبلغت التكلفة 30 مليون ريال في 2016.") == (agree, 0)
    assert pair(ARTICLE, ARTICLE[: len(ARTICLE) // 2])[1] == 0


def test_sketch_is_a_bottom_k_sample_independent_of_the_batch():
    texts = [ARTICLE, cable("مصر"), "", "لا أرقام هنا ولا أماكن في هذا السطر"]
    whole = slot_sketches(normalize_batch(texts))
    for i, t in enumerate(texts):
        assert (slot_sketches(normalize_batch([t]))[0] == whole[i]).all()
    assert (whole[2] == SLOT_EMPTY).all() and (whole[3] == SLOT_EMPTY).all()
    row = whole[0][whole[0] != SLOT_EMPTY]
    assert (np.diff(row.astype(np.float64)) > 0).all()


def test_the_rule_never_asks_less_than_the_threshold_and_explain_reports_what_it_asked():
    """`accept` and `dup.why.threshold` come from one function (`needed`): with slot_threshold set
    below the threshold, two differing slots or far dates still need the threshold (before, accept
    took slot_threshold alone there, while --explain reported the threshold)."""
    from newscli.dedupe import DedupeOptions
    from newscli.dedupe.verify import accept, needed

    opt = DedupeOptions(threshold=0.7, slot_threshold=0.6)
    sims, differ, far = [0.65, 0.65, 0.65, 0.65], [0, 1, 2, 0], [False, False, False, True]
    assert accept(sims, differ, far, opt).tolist() == [False, False, False, False]
    assert needed(differ, far, opt).tolist() == [0.7, 0.7, 0.7, 0.7]
    opt = DedupeOptions()  # the defaults: 0.7, one slot 0.8, two slots or far dates 0.95
    assert needed([0, 1, 2, 0], [False, False, False, True], opt).tolist() == [0.7, 0.8, 0.95, 0.95]
    assert accept([0.79, 0.8, 0.94, 0.95], [1, 1, 2, 3], [False] * 4, opt).tolist() == [False, True, False, True]


@pytest.mark.xfail(strict=True, reason="known, kept on purpose: values past a full sample's cut-off count as differing")
def test_a_sample_cut_inside_a_context_does_not_make_a_difference():
    """A full sketch may end part-way through the values of its last context: a market wrap with
    thirty "بنسبة N في المائة" has more values in that context than the sketch keeps. A copy that
    drops ten of those sentences samples other values there, and they count as differing slots.

    Comparing only contexts strictly below the cut-off fixes this case; measured on 2026-12-01 it
    also dropped 25 more records in three corpora, read by eye: 21 copies, 3 distinct articles (a
    follow-up, a feature, a roundup) and 1 unsure. The spurious differences lean towards keeping,
    so the comparison stays as it is until follow-ups are told apart (docs/dedupe.md)."""
    lines = [f"وارتفع سهم الشركة رقم {i} بنسبة {i * 7 % 97 + 1}.{i} في المائة خلال جلسة التداول." for i in range(30)]
    whole = "\n".join(lines)
    shorter = "\n".join(lines[10:])
    s = slot_sketches(normalize_batch([whole, shorter]))
    assert (s[0] != SLOT_EMPTY).all()  # the long text's sample is full: the case under test
    assert pair(whole, shorter)[1] == 0
    assert pair(shorter, whole)[1] == 0



def test_directions_stay_slots_weather_bulletins_name_regions():
    """"جنوب" and "شمال" are slot words: two days' weather bulletins differ in the regions they name
    ("جنوب وغرب المملكة" / "معظم مناطق المملكة"). Making them ordinary words was tried and measured
    on saudinewsnet: the 2 August bulletin was then dropped as a copy of the 1 August one."""
    words = set(slot_words())
    assert {"جنوب", "شمال", "وجنوب"} <= words
    a = "توقعت الأرصاد سماء غائمة جزئيا على جنوب المملكة مع رياح نشطة."
    assert pair(a, a.replace("جنوب", "شمال"))[1] >= 1


def test_a_new_lead_asks_new_lead_threshold_and_dates_apart_still_ask_slot_threshold():
    from newscli.dedupe import DedupeOptions
    from newscli.dedupe.verify import DATES_FAR, NEW_LEAD, needed

    opt = DedupeOptions()  # 0.7; one slot 0.8; two slots or dates apart 0.95; a new lead 0.9
    flags = [0, NEW_LEAD, NEW_LEAD, NEW_LEAD | DATES_FAR, DATES_FAR]
    assert needed([0, 0, 1, 0, 0], flags, opt).tolist() == [0.7, 0.9, 0.9, 0.95, 0.95]
    assert needed([2], [NEW_LEAD], opt).tolist() == [0.95]
    assert needed([0], [NEW_LEAD], DedupeOptions(new_lead_threshold=0.7)).tolist() == [0.7]  # the check off
