"""Behaviour of newscli.dedupe on Arabic news written for these tests (not corpus text)."""

from __future__ import annotations

import glob
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import given, settings, strategies as hs

from newscli.dedupe import (
    DedupeOptions,
    DedupeStats,
    dedupe_records,
    normalize_for_dedupe,
    parse_shingle,
    prepare,
    shingles,
    similarity,
)
from newscli.dedupe.text import _DEL, _DEL_MARK, _post_char
from newscli.normalize import search_fold

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"

ARTICLE = (
    "أعلنت وزارة الصحة السعودية اليوم الأحد عن افتتاح مستشفى جديد في مدينة أبها بسعة ثلاثمائة سرير، "
    "وذلك ضمن خطة الوزارة لتوسيع الخدمات الصحية في منطقة عسير.\n"
    "وقال المتحدث الرسمي باسم الوزارة إن المستشفى يضم أقساماً متخصصة في أمراض القلب والأورام "
    "وطب الأطفال، إضافة إلى وحدة للعناية المركزة مجهزة بأحدث الأجهزة الطبية.\n"
    "وأضاف أن تكلفة المشروع بلغت نحو 450 مليون ريال، وأن المستشفى سيبدأ استقبال المرضى مطلع الشهر المقبل "
    "بعد اكتمال تجهيز الكوادر الطبية والتمريضية.\n"
    "وأشار إلى أن الوزارة تعمل على إنشاء 12 مستشفى آخر في مختلف مناطق المملكة خلال العامين المقبلين، "
    "بهدف رفع الطاقة الاستيعابية وتقليص فترات الانتظار التي يشكو منها المراجعون."
)
OTHER = (
    "شهدت العاصمة الأردنية عمّان مساء أمس افتتاح الدورة الجديدة من مهرجان الأغنية العربية بمشاركة "
    "فنانين من عشر دول، وسط حضور جماهيري كبير ملأ مدرجات المسرح الروماني.\n"
    "وقدمت الفرقة الوطنية للموسيقى عرضاً افتتاحياً استعادت فيه أغاني التراث الشعبي، فيما كرّمت إدارة "
    "المهرجان عدداً من الرواد الذين أسهموا في تطوير الأغنية خلال العقود الماضية.\n"
    "ويستمر المهرجان أسبوعاً كاملاً تتخلله ندوات نقدية وورش عمل للمواهب الشابة في التلحين والغناء."
)


def market(day: str, idx: str, change: str, volume: str, value: str, up: str, down: str, top: str) -> str:
    return (
        f"أغلق مؤشر السوق المالية السعودية الرئيسي (تاسي) تعاملات اليوم {day} مرتفعاً {change} نقطة "
        f"ليصل إلى مستوى {idx} نقطة.\n"
        f"وبلغت كمية الأسهم المتداولة {volume} مليون سهم بقيمة إجمالية بلغت {value} مليار ريال، "
        f"وسجلت أسهم {up} شركة ارتفاعاً في قيمتها، فيما أغلقت أسهم {down} شركة على تراجع.\n"
        f"وكانت أسهم شركات {top} الأكثر نشاطاً بالكمية والقيمة."
    )


MARKET_A = market("الأحد", "8945.32", "45.17", "213", "5.82", "98", "61", "الإنماء وزين السعودية ودار الأركان")
MARKET_B = market("الاثنين", "8871.06", "12.44", "187", "4.96", "57", "104", "الإنماء وزين السعودية ودار الأركان")


def ortho_noise(t: str) -> str:
    t = t.replace("أ", "ا").replace("إ", "ا").replace("ة", "ه").replace("ى", "ي")
    t = t.replace("الصحة", "الصِّحَّة").replace("مستشفى", "مستشـــفى").replace("450", "٤٥٠")
    return t


def variants() -> dict[str, str]:
    ps = ARTICLE.split("\n")
    words = ARTICLE.split(" ")
    edited = list(words)
    for k in range(5, len(edited), 17):  # ~6% word edits
        edited[k] = "كما"
    return {
        "ortho": ortho_noise(ARTICLE),
        "boiler": "أبها - واس\n" + ARTICLE + "\nتابعونا على تويتر لمعرفة آخر الأخبار العاجلة",
        "swap": "\n".join([ps[1], ps[0], *ps[2:]]),
        "edits": " ".join(edited),
        "truncated": ARTICLE[: int(len(ARTICLE) * 0.85)],
        "spaces": ARTICLE.replace(" ", "  ").replace("\n", "\n\n"),
    }


def rec(i, text, date=None, **kw):
    return {"id": f"r{i}", "source": f"test:{i}", "text": text, "date": date, "dup": None, **kw}


def run(records, chunk=3, **opts):
    st = DedupeStats()
    o = DedupeOptions(**{"emit": "all", **opts})
    chunks = [(records[i : i + chunk], None) for i in range(0, len(records), chunk)]
    return list(dedupe_records(chunks, o, st)), st


# --- normalization -------------------------------------------------------------------------


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


def test_bucket_pairs_and_kept_with_any_positions_and_labels():
    from newscli.dedupe import bucket_pairs, kept_per_cluster

    keys = np.array([7, 3, 7, 3, 9, 7], dtype=np.uint32)
    for pos in (np.array([2, 5, 8, 11, 12, 20]), np.array([20, 5, 8, 11, 12, 2])):
        i, j, large, largest = bucket_pairs(keys, pos, 100)
        pairs = sorted(zip(i.tolist(), j.tolist()))
        p = pos.tolist()
        expect = sorted({(min(p[a], p[b]), max(p[a], p[b])) for a in range(6) for b in range(a + 1, 6) if keys[a] == keys[b]})
        assert pairs == expect and largest == 3 and large == []
    labels = np.array([40, 7, 40, 7, 7])  # cluster ids of any value
    date = np.array([20200102, 20200101, 20200101, 20200103, 20200101])
    tlen = np.array([10, 10, 10, 10, 30])
    assert kept_per_cluster(labels, date, tlen).tolist() == [2, 4, 2, 4, 4]


def test_shingles_and_spec():
    assert parse_shingle("char:5") == ("char", 5) and parse_shingle("word:3") == ("word", 3)
    for bad in ("char", "char:0", "token:5", "word:99", 5):
        with pytest.raises(ValueError):
            parse_shingle(bad)
    assert len(shingles("مرحبا بكم", "char:5")) == len("مرحبا بكم") - 4
    assert len(shingles("مرحبا بكم في الرياض", "word:2")) == 3
    assert len(shingles("abc", "char:5")) == 0


def test_prepare_is_independent_of_batch():
    texts = [ARTICLE, OTHER, *variants().values(), MARKET_A, "", "قصير"]
    o = DedupeOptions()
    whole = prepare(texts, o)
    for i, t in enumerate(texts):
        one = prepare([t], o)
        assert (one.sig[0] == whole.sig[i]).all() and one.exact[0] == whole.exact[i]
        assert (one.numbers[0] == whole.numbers[i]).all()


# --- options -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kw",
    [dict(threshold=0), dict(threshold=1.5), dict(bands=30), dict(num_perm=4), dict(emit="some"), dict(shingle="chars:5"), dict(min_chars=-1), dict(min_number_overlap=2)],
)
def test_options_validation(kw):
    with pytest.raises(ValueError) as e:
        DedupeOptions(**kw)
    assert "\n" not in str(e.value)


# --- matching ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(variants()))
def test_variant_joins_original(kind):
    out, st = run([rec(0, ARTICLE, "2015-07-21"), rec(1, OTHER), rec(2, variants()[kind], "2015-07-22")])
    assert out[2]["dup"]["of"] == "r0" and out[2]["dup"]["cluster"] == 0
    assert out[0]["dup"] == {"cluster": 0, "of": None, "sim": None, "exact": False, "size": 2}
    assert out[1]["dup"] == {"cluster": 1, "of": None, "sim": None, "exact": False, "size": 1}
    assert st.clusters == 1 and st.near_duplicates + st.exact_duplicates == 1


def test_exact_duplicates_after_normalization():
    out, st = run([rec(0, ARTICLE), rec(1, ARTICLE.replace("،", ",")), rec(2, ARTICLE)])
    assert [r["dup"]["exact"] for r in out] == [False, True, True]
    assert [r["dup"]["sim"] for r in out] == [None, 1.0, 1.0]
    assert st.exact_duplicates == 2 and st.near_duplicates == 0


def test_templated_market_reports_do_not_merge():
    sig = prepare([MARKET_A, MARKET_B], DedupeOptions()).sig
    out, st = run([rec(0, MARKET_A), rec(1, MARKET_B)])
    assert [r["dup"]["size"] for r in out] == [1, 1]
    # the number check rejects them (the shingle similarity alone is high) ...
    if similarity(sig[0], sig[1]) >= 0.5:
        assert st.rejected_by_numbers >= 1
    # ... and a repeat of the same report with a byline still merges
    out, _ = run([rec(0, MARKET_A), rec(1, "الرياض - واس\n" + MARKET_A)])
    assert out[0]["dup"]["of"] == "r1"  # the longer copy is kept


def test_unrelated_and_short_texts_stay_apart():
    out, st = run([rec(0, ARTICLE), rec(1, OTHER), rec(2, "عاجل"), rec(3, "عاجل"), rec(4, ""), rec(5, "")])
    sizes = [r["dup"]["size"] for r in out]
    assert sizes == [1, 1, 2, 2, 1, 1]  # short texts match exactly only; empty texts never
    assert st.empty_texts == 2 and st.short_texts == 2


# --- kept copy, determinism, emit, clusters file -------------------------------------------


def test_kept_copy_rule():
    v = variants()
    recs = [rec(0, v["truncated"], "2015-07-23"), rec(1, ARTICLE, None), rec(2, v["boiler"], "2015-07-22"), rec(3, v["ortho"], "2015-07-22")]
    out, _ = run(recs)
    # earliest date wins (null last); among 07-22 the longer text (boiler) wins
    assert [r["dup"]["of"] for r in out] == ["r2", "r2", None, "r2"]
    out, _ = run([rec(0, ARTICLE), rec(1, ARTICLE)])
    assert out[0]["dup"]["of"] is None and out[1]["dup"]["of"] == "r0"  # tie: first in input


def corpus():
    v = variants()
    recs = []
    for i, t in enumerate([ARTICLE, OTHER, v["ortho"], MARKET_A, v["swap"], MARKET_B, OTHER + "\nالمصدر: وكالات", v["edits"], ARTICLE, v["truncated"]]):
        recs.append(rec(i, t, f"2015-07-{21 + i % 3:02d}", extra={"k": i}))
    return recs


def test_byte_identical_for_any_chunking():
    outs = set()
    for chunk in (1, 2, 3, 7, 100):
        out, _ = run(corpus(), chunk=chunk)
        outs.add(b"".join(orjson.dumps(r) for r in out))
    assert len(outs) == 1


def test_emit_modes_partition_the_records():
    allr, st = run(corpus())
    kept, _ = run(corpus(), emit="kept")
    removed, _ = run(corpus(), emit="removed")
    assert [r["id"] for r in kept] == [r["id"] for r in allr if r["dup"]["of"] is None]
    assert [r["id"] for r in removed] == [r["id"] for r in allr if r["dup"]["of"] is not None]
    assert len(removed) == st.duplicates and st.emitted == len(allr) == 10
    assert list(allr[0]) == ["id", "source", "text", "date", "dup", "extra"]


def test_clusters_rows_reach_the_caller_and_no_file_is_opened(tmp_path):
    lines: list[dict] = []
    out, st = run(corpus(), on_cluster=lines.append)
    assert len(lines) == st.clusters
    for c in lines:
        assert c["size"] == len(c["members"]) >= 2
        assert sum(m["kept"] for m in c["members"]) == 1
        for m in c["members"]:
            r = out[m["pos"]]
            assert r["id"] == m["id"] and r["dup"]["cluster"] == c["cluster"]
            assert m["sim"] == r["dup"]["sim"]


def test_temp_files_removed_on_success_close_and_error(tmp_path):
    d = tmp_path / "spool"
    d.mkdir()
    o = DedupeOptions(tmpdir=str(d))
    list(dedupe_records([(corpus(), None)], o))
    assert os.listdir(d) == []
    g = dedupe_records([(corpus(), None)], o)
    next(g)
    assert os.listdir(d) != []
    g.close()
    assert os.listdir(d) == []

    def bad_chunks():
        yield corpus()[:3], None
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        list(dedupe_records(bad_chunks(), o))
    assert os.listdir(d) == []


def test_precomputed_signed_must_match():
    recs = corpus()[:3]
    with pytest.raises(ValueError):
        list(dedupe_records([(recs, prepare([r["text"] for r in recs[:2]], DedupeOptions()))], DedupeOptions()))
    with pytest.raises(ValueError):
        list(dedupe_records([(recs, prepare([r["text"] for r in recs], DedupeOptions(num_perm=64, bands=16)))], DedupeOptions()))


def test_large_bucket_uses_leaders():
    # 30 copies of one article each with a different tail: one bucket above max_bucket=8
    recs = [rec(i, ARTICLE + f"\nتحديث رقم {i} من المراسل", f"2015-07-{10 + i}") for i in range(30)]
    out, st = run(recs, chunk=7, max_bucket=8)
    assert st.large_buckets >= 1 and st.largest_bucket >= 9
    assert {r["dup"]["cluster"] for r in out} == {0}


# --- real data (skipped without ../shared) -------------------------------------------------

EGYPT = SHARED / "corpora" / "egypt_news_credibility_2013_week" / "egypt_news_2013-03-20_to_26.jsonl.gz"


@pytest.mark.skipif(not EGYPT.exists(), reason="../shared corpora absent")
def test_egypt_recrawled_identical_bodies_cluster_together():
    import gzip

    recs = []
    with gzip.open(EGYPT) as f:
        for i, line in enumerate(f):
            r = orjson.loads(line)
            recs.append({"id": r["id"], "text": r["text"], "date": r["date"], "dup": None})
            if i >= 3000:
                break
    out, _ = run(recs, chunk=500)
    by_body: dict[str, set] = {}
    for r in out:
        if r["text"].strip():
            by_body.setdefault(r["text"], set()).add(r["dup"]["cluster"])
    assert all(len(c) == 1 for c in by_body.values())
