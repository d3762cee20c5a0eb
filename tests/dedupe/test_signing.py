"""newscli.dedupe.options and signing: validation, derived bands, per-text preparation."""

from __future__ import annotations

import pickle

import pytest
from _dedupe_texts import ARTICLE, COURT_POSTPONED, MARKET_A, OTHER, variants

from newscli.dedupe import DedupeOptions, Packed, optimal_bands, prepare


def test_prepare_is_independent_of_batch():
    # a long text makes prepare work in two slices (the court story, with outcome bits, in the second)
    texts = [ARTICLE, OTHER, *variants().values(), MARKET_A, "كلمة " * 30000, COURT_POSTPONED, "", "قصير"]
    o = DedupeOptions()
    whole = prepare(texts, o)
    assert whole.outcomes[-3] != 0
    for i, t in enumerate(texts):
        one = prepare([t], o)
        assert (one.sig[0] == whole.sig[i]).all() and one.exact[0] == whole.exact[i]
        assert (one.slots[0] == whole.slots[i]).all() and (one.bands[0] == whole.bands[i]).all()
        assert (one.lead[0] == whole.lead[i]).all()  # a text's lead signature does not depend on the batch
        assert one.outcomes[0] == whole.outcomes[i]  # nor its outcome bits


@pytest.mark.parametrize(
    "kw",
    [dict(threshold=0), dict(threshold=1.5), dict(bands=0), dict(bands=200), dict(num_perm=4), dict(emit="some"), dict(shingle="chars:5"),
     dict(min_chars=-1), dict(slot_threshold=0), dict(max_leaders=0), dict(new_lead_threshold=0),
     dict(new_lead_threshold=1.2), dict(new_lead_below=-0.1), dict(new_lead_below=True), dict(lead_outcomes=1),
     dict(lead_outcomes="no")],
)
def test_options_validation(kw):
    with pytest.raises(ValueError) as e:
        DedupeOptions(**kw)
    assert "\n" not in str(e.value)


def test_bands_derived_from_threshold_like_optimal_param():
    assert DedupeOptions().bands == optimal_bands(DedupeOptions().threshold, 128)
    assert DedupeOptions(threshold=0.8).bands < DedupeOptions(threshold=0.5).bands  # higher threshold: more rows
    assert DedupeOptions(bands=16).bands == 16 and DedupeOptions(bands=16).rows == 8 and DedupeOptions(bands=30).rows == 4
    for t in (0.3, 0.5, 0.7, 0.9):
        assert 1 <= optimal_bands(t, 128) <= 128


def test_options_and_packed_records_pickle():
    o = DedupeOptions(threshold=0.6)
    assert pickle.loads(pickle.dumps(o)) == o
    p = Packed.of({"id": "a", "text": "نص", "date": None})
    assert pickle.loads(pickle.dumps(p)) == p and type(pickle.loads(pickle.dumps(p))) is Packed
