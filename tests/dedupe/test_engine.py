"""newscli.dedupe.engine: dedupe_records end to end on Arabic news written for these tests."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import orjson
import pytest
from _dedupe_texts import (ARTICLE, COURT_HEARING, COURT_POSTPONED, COURT_POSTPONED_COPY, LINEUP_EXPECTED, LINEUP_HEAD,
                           LINEUP_STARTING, LINEUP_STARTING_COPY, LINEUP_TAIL, MARKET_A, MARKET_B, OTHER, UPDATE, cable, market,
                           rec, run, variants, weather)

from newscli.dedupe import DedupeOptions, dedupe_records, prepare, similarity

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


@pytest.mark.parametrize("kind", sorted(variants()))
def test_variant_joins_original(kind):
    out, st = run([rec(0, ARTICLE, "2015-07-21"), rec(1, OTHER), rec(2, variants()[kind], "2015-07-22")])
    assert out[2]["dup"]["of"] == "r0" and out[2]["dup"]["cluster"] == 0
    assert out[0]["dup"] == {"cluster": 0, "of": None, "sim": None, "exact": False, "size": 2, "why": None}
    assert out[1]["dup"] == {"cluster": 1, "of": None, "sim": None, "exact": False, "size": 1, "why": None}
    assert out[2]["dup"]["sim"] >= 0.5 and out[2]["dup"]["why"] is None
    assert st.clusters == 1 and st.near_duplicates + st.exact_duplicates == 1


def test_exact_duplicates_after_normalization():
    out, st = run([rec(0, ARTICLE), rec(1, ARTICLE.replace("،", ",")), rec(2, ARTICLE)])
    assert [r["dup"]["exact"] for r in out] == [False, True, True]
    assert [r["dup"]["sim"] for r in out] == [None, 1.0, 1.0]
    assert st.exact_duplicates == 2 and st.near_duplicates == 0


def test_templated_market_reports_do_not_merge():
    sig = prepare([MARKET_A, MARKET_B], DedupeOptions()).sig
    assert similarity(sig[0], sig[1]) >= 0.5  # the shingles alone would merge them ...
    out, st = run([rec(0, MARKET_A), rec(1, MARKET_B)])
    assert [r["dup"]["size"] for r in out] == [1, 1]
    assert st.rejected_by_slots == 1  # ... the differing slots keep them apart
    # and a repeat of the same report with a byline still merges
    out, _ = run([rec(0, MARKET_A), rec(1, "الرياض - واس\n" + MARKET_A)])
    assert out[0]["dup"]["of"] == "r1"  # the longer copy is kept


def test_templated_cables_and_bulletins_stay_apart():
    cables = [cable(c) for c in ("كولومبيا", "سلطنة عمان", "مصر", "البرازيل")]
    bulletins = [weather(d, f"{12 + k} يوليو 2015", str(45 - k), str(31 - k)) for k, d in enumerate(("الأحد", "الاثنين", "الثلاثاء"))]
    out, st = run([rec(i, t) for i, t in enumerate(cables + bulletins)])
    assert [r["dup"]["size"] for r in out] == [1] * 7
    assert st.rejected_by_slots >= 4 and st.duplicates == 0


def test_updated_republications_merge():
    v = variants()
    recs = [rec(0, ARTICLE, "2015-07-21"), rec(1, ARTICLE + UPDATE, "2015-07-22"), rec(2, v["ortho"] + UPDATE, "2015-07-22"),
            rec(3, v["swap"], "2015-07-23")]
    out, st = run(recs, explain=True)
    assert [r["dup"]["of"] for r in out] == [None, "r0", "r0", "r0"]
    for r in out[1:3]:
        assert r["dup"]["sim"] >= 0.5 and r["dup"]["why"]["rule"] == "similar" and r["dup"]["why"]["slots_differ"] == 0
    # the swapped copy starts with another paragraph: its lead differs, it merges above new_lead_threshold
    w = out[3]["dup"]["why"]
    assert w["rule"] == "similar_despite_new_lead" and w["new_lead"] is True and w["threshold"] == 0.9 <= w["sim"]


def test_chain_a_b_c_keeps_c_when_a_and_c_are_distinct():
    ps = (ARTICLE + "\n" + OTHER).split("\n")
    a, b, c = "\n".join(ps[0:4]), "\n".join(ps[1:5]), "\n".join(ps[2:6])
    sig = prepare([a, b, c], DedupeOptions()).sig
    o = DedupeOptions(threshold=0.45)
    assert similarity(sig[0], sig[1]) >= 0.45 and similarity(sig[1], sig[2]) >= 0.45 > similarity(sig[0], sig[2])
    # (B starts one paragraph later than A: with the lead check on, B would stay apart for its lead)
    out, _ = run([rec(0, a, "2015-07-21"), rec(1, b, "2015-07-22"), rec(2, c, "2015-07-23")], threshold=o.threshold,
                 new_lead_threshold=o.threshold)
    assert [r["dup"]["of"] for r in out] == [None, "r0", None]  # C was only similar to B, a dropped copy
    assert out[1]["dup"]["size"] == 2 and out[2]["dup"]["size"] == 1


def test_explain_gives_the_evidence_of_every_dropped_record():
    out, _ = run(corpus(), explain=True)
    dropped = [r for r in out if r["dup"]["of"] is not None]
    assert dropped and all(r["dup"]["why"] is not None for r in dropped)
    assert all(r["dup"]["why"] is None for r in out if r["dup"]["of"] is None)
    for r in dropped:
        w = r["dup"]["why"]
        assert list(w) == ["rule", "sim", "threshold", "slots_agree", "slots_differ", "dates_apart", "new_lead"]
        assert w["sim"] == r["dup"]["sim"] >= w["threshold"]
        assert (w["rule"] == "exact") == r["dup"]["exact"]


def test_summary_counts_dropped_records_by_similarity_band():
    _, st = run(corpus())
    assert sum(st.by_band.values()) == st.duplicates and st.by_band["exact"] == st.exact_duplicates
    assert "exact" in st.band_line()

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


def test_clusters_rows_through_the_callback():
    lines = []
    out, st = run(corpus(), on_cluster=lines.append)
    assert len(lines) == st.clusters
    for c in lines:
        assert c["size"] == len(c["members"]) >= 2
        assert sum(m["kept"] for m in c["members"]) == 1
        for m in c["members"]:
            r = out[m["pos"]]
            assert r["id"] == m["id"] and r["dup"]["cluster"] == c["cluster"]
            assert m["sim"] == r["dup"]["sim"]
            assert m["kept"] or m["sim"] >= 0.5


def test_the_library_opens_no_clusters_file(tmp_path):
    """issue 10: cluster rows reach the caller through on_cluster; there is no file form any more."""
    rows: list = []
    run(corpus(), on_cluster=rows.append)
    assert rows and all(r["size"] == len(r["members"]) >= 2 for r in rows)
    with pytest.raises(TypeError):
        DedupeOptions(clusters_path=str(tmp_path / "c.jsonl"))


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


def test_large_bucket_compares_with_its_first_members_only():
    # 30 copies of one article, each with its own closing line: one bucket above max_bucket=8
    names = [f"{a} {b}" for a in ("سامي", "خالد", "فهد", "ناصر", "مازن", "هشام") for b in ("العتيبي", "الشمري", "القحطاني", "الغامدي", "الزهراني")]
    recs = [rec(i, ARTICLE + f"\nأعد التقرير المراسل {name}", f"2015-07-{10 + i % 2}") for i, name in enumerate(names)]
    out, st = run(recs, chunk=7, max_bucket=8, max_leaders=2)
    assert st.large_buckets >= 1 and st.largest_bucket >= 9
    assert st.candidate_pairs < 30 * 29 // 2
    assert {r["dup"]["cluster"] for r in out} == {0}


# --- real data (skipped without ../shared) -------------------------------------------------

EGYPT = SHARED / "corpora" / "egypt_news_credibility_2013_week" / "egypt_news_2013-03-20_to_26.jsonl.gz"


@pytest.mark.skipif(not EGYPT.exists(), reason="../shared corpora absent")
def test_egypt_recrawled_identical_bodies_cluster_together():
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


def test_dedupe_command_is_byte_identical_for_any_jobs(tmp_path):
    from typer.testing import CliRunner

    from newscli.cli import app

    src = tmp_path / "in.jsonl"
    recs = corpus() * 3  # 30 records with templated pairs, variants and exact copies
    src.write_bytes(b"".join(orjson.dumps({**r, "id": f"{r['id']}-{k}"}) + b"\n" for k, r in enumerate(recs)))
    outs, clusters = [], []
    for jobs in ("1", "2"):
        out, cl = tmp_path / f"out{jobs}.jsonl", tmp_path / f"cl{jobs}.jsonl"
        res = CliRunner().invoke(app, ["dedupe", str(src), "-j", jobs, "-o", str(out), "--emit", "all", "--explain",
                                       "--clusters", str(cl)])
        assert res.exit_code == 0, res.output
        outs.append(out.read_bytes())
        clusters.append(cl.read_bytes())
    assert outs[0] == outs[1] and clusters[0] == clusters[1]
    rows = [orjson.loads(line) for line in outs[0].splitlines()]
    dropped = [r for r in rows if r["dup"]["of"] is not None]
    assert len(rows) == 30 and dropped and all(r["dup"]["why"] and r["dup"]["sim"] >= 0.7 for r in dropped)


def test_reports_published_days_apart_need_the_slot_threshold():
    v = variants()
    # the same text re-published 10 days later still merges (exact, or nearly identical) ...
    out, _ = run([rec(0, ARTICLE, "2015-07-01"), rec(1, ARTICLE, "2015-07-11"), rec(2, v["ortho"], "2015-07-11")], explain=True)
    assert [r["dup"]["of"] for r in out] == [None, "r0", "r0"]
    # ... an edited text 10 days later does not (sim < 0.95), the same edit a day later does
    sig = prepare([ARTICLE, v["edits"]], DedupeOptions()).sig
    assert 0.7 <= similarity(sig[0], sig[1]) < 0.95
    out, st = run([rec(0, ARTICLE, "2015-07-01"), rec(1, v["edits"], "2015-07-11")])
    assert [r["dup"]["of"] for r in out] == [None, None] and st.rejected_by_slots == 1
    out, _ = run([rec(0, ARTICLE, "2015-07-01"), rec(1, v["edits"], "2015-07-02")], explain=True)
    assert out[1]["dup"]["of"] == "r0" and out[1]["dup"]["why"]["dates_apart"] is False


def test_one_differing_slot_needs_the_single_slot_threshold_two_need_the_slot_threshold():
    # a copy that revised one figure (the cost) and rephrased a few words: one differing slot
    reworded = (ARTICLE.replace("عن افتتاح", "عن تدشين").replace("لتوسيع الخدمات", "لتطوير الخدمات")
                .replace("وقال المتحدث", "وأوضح المتحدث").replace("مجهزة بأحدث", "مزودة بأحدث")
                .replace("بهدف رفع", "من أجل رفع").replace("يشكو منها المراجعون", "يعاني منها المرضى"))
    one = reworded.replace("450 مليون", "470 مليون")
    two = one.replace("إنشاء 12 مستشفى", "إنشاء 15 مستشفى")
    sig = prepare([ARTICLE, one, two], DedupeOptions()).sig
    assert 0.8 <= similarity(sig[0], sig[1]) < 0.95 and 0.8 <= similarity(sig[0], sig[2]) < 0.95
    out, st = run([rec(0, ARTICLE), rec(1, one)], explain=True)
    why = out[1]["dup"]["why"]
    assert out[1]["dup"]["of"] == "r0" and why["slots_differ"] == 1 and why["rule"] == "similar_despite_slots"
    assert why["threshold"] == 0.8
    # two revised figures: a templated report of another session as far as the rule can tell
    out, st = run([rec(0, ARTICLE), rec(2, two)])
    assert [r["dup"]["of"] for r in out] == [None, None] and st.rejected_by_slots == 1
    # and with the single-slot threshold raised to the slot threshold, the one-slot copy stays apart too
    out, _ = run([rec(0, ARTICLE), rec(1, one)], single_slot_threshold=0.95)
    assert [r["dup"]["of"] for r in out] == [None, None]


def test_one_differing_slot_on_another_day_needs_the_slot_threshold():
    """A daily template (a weather bulletin of the next day, read by eye in saudinewsnet at 0.80 with
    one differing slot) is not an edit: the single-slot threshold holds only within a day
    (single_slot_days); the same copy published the same day still merges."""
    reworded = (ARTICLE.replace("عن افتتاح", "عن تدشين").replace("لتوسيع الخدمات", "لتطوير الخدمات")
                .replace("وقال المتحدث", "وأوضح المتحدث").replace("مجهزة بأحدث", "مزودة بأحدث")
                .replace("بهدف رفع", "من أجل رفع").replace("يشكو منها المراجعون", "يعاني منها المرضى"))
    one = reworded.replace("450 مليون", "470 مليون")
    out, st = run([rec(0, ARTICLE, "2015-08-03"), rec(1, one, "2015-08-04")], explain=True)
    assert [r["dup"]["of"] for r in out] == [None, None] and st.rejected_by_slots == 1
    out, _ = run([rec(0, ARTICLE, "2015-08-03T08:00:00"), rec(1, one, "2015-08-03T20:00:00")], explain=True)
    assert out[1]["dup"]["of"] == "r0" and out[1]["dup"]["why"]["threshold"] == 0.8
    out, _ = run([rec(0, ARTICLE, "2015-08-03"), rec(1, one)], explain=True)  # a date missing: never apart
    assert out[1]["dup"]["of"] == "r0"
    out, _ = run([rec(0, ARTICLE, "2015-08-03"), rec(1, one, "2015-08-04")], single_slot_days=2.0)
    assert out[1]["dup"]["of"] == "r0"


FOLLOW_UP_LEAD = ("استقبل مستشفى أبها الجديد صباح اليوم الاثنين أول مرضاه بعد يوم من إعلان افتتاحه، "
                  "إذ أجرى فريق القلب أول عملية قسطرة لمريض في الستين من عمره وصفت حالته بالمستقرة.\n")
REWORDED_LEAD = ("افتتحت وزارة الصحة السعودية اليوم الأحد مستشفى جديداً في مدينة أبها يتسع لثلاثمائة سرير، "
                 "في إطار خطة الوزارة لتوسيع الخدمات الصحية بمنطقة عسير.\n")


def test_a_follow_up_with_a_new_lead_stays_apart_and_a_reworded_lead_merges():
    """A next-day story that puts a new lead over the whole earlier article (similarity about 0.8,
    no slot differs) is another article: its lead is new (lead similarity about 0.2), so it needs
    new_lead_threshold (0.9) and is kept, counted in rejected_new_lead. A copy whose lead was only
    reworded (lead similarity about 0.6) still merges. Before the lead check both were dropped."""
    body = ARTICLE.split("\n", 1)[1]
    recs = [rec(0, ARTICLE, "2015-07-21"), rec(1, FOLLOW_UP_LEAD + ARTICLE, "2015-07-22"),
            rec(2, REWORDED_LEAD + body, "2015-07-21")]
    out, st = run(recs, explain=True)
    assert [r["dup"]["of"] for r in out] == [None, None, "r0"]
    assert out[2]["dup"]["why"]["new_lead"] is False and out[2]["dup"]["why"]["rule"] == "similar"
    assert st.rejected_new_lead == 1 and st.rejected_by_slots == 0
    off, st_off = run(recs, new_lead_threshold=0.7)  # the check off: the follow-up is dropped
    assert [r["dup"]["of"] for r in off] == [None, "r0", "r0"] and st_off.rejected_new_lead == 0


def test_a_court_postponement_hours_later_stays_apart_and_its_copy_merges():
    """The follow-up repeats the earlier story's lead wording and background (similarity about 0.89,
    lead similarity about 0.56, no slot differs) but its lead reports a postponement the earlier
    story never names: it needs new_lead_threshold and is kept, counted with the new leads. Another
    outlet's copy of the follow-up names the postponement too and merges with it. Without the outcome
    words (or before them, 1cc0d74) the follow-up was dropped as a copy of the hearing."""
    recs = [rec(0, COURT_HEARING, "2013-03-25T10:20:00"), rec(1, COURT_POSTPONED, "2013-03-25T15:52:00"),
            rec(2, COURT_POSTPONED_COPY, "2013-03-25T16:30:00")]
    out, st = run(recs, explain=True)
    assert [r["dup"]["of"] for r in out] == [None, None, "r1"]
    assert out[2]["dup"]["why"]["new_lead"] is False
    assert st.rejected_new_lead >= 1 and st.rejected_by_slots == 0
    off, st_off = run(recs, explain=True, lead_outcomes=False)
    assert [r["dup"]["of"] for r in off] == [None, "r0", "r0"] and st_off.rejected_new_lead == 0


def test_an_expected_line_up_and_the_starting_line_up_stay_apart_and_a_copy_merges():
    """Two hours apart, the same preview with "the expected line-up" and then "the starting line-up"
    (one player differs): similarity about 0.76, same lead. The status words are slots, so the two
    differ in a slot and need slot_threshold; another outlet's copy of the starting line-up (a
    byline, two words changed) merges with it. Before the status words (9e461d9) the starting
    line-up was dropped as a copy of the expected one."""
    s = prepare([LINEUP_EXPECTED, LINEUP_STARTING], DedupeOptions())
    assert 0.7 <= similarity(s.sig[0], s.sig[1]) < 0.9
    recs = [rec(0, LINEUP_EXPECTED, "2017-03-18T11:57:00"), rec(1, LINEUP_STARTING, "2017-03-18T13:58:00"),
            rec(2, LINEUP_STARTING_COPY, "2017-03-18T14:10:00")]
    out, st = run(recs, explain=True)
    assert [r["dup"]["of"] for r in out] == [None, None, "r1"]
    assert out[2]["dup"]["why"]["slots_differ"] == 0 and st.rejected_by_slots >= 1


def _doubt_corpus():
    """Two royal cables to two countries, a market close and the next session's, a court hearing, its
    postponement hours later and another outlet's copy of the postponement, an expected and a
    starting line-up and a copy of the starting one, and an exact copy of the second cable."""
    return [rec(0, cable("كولومبيا"), "2015-07-20"), rec(1, cable("مصر"), "2015-07-20"),
            rec(2, MARKET_A, "2015-07-20"), rec(3, MARKET_B, "2015-07-21"),
            rec(4, COURT_HEARING, "2013-03-25T10:20:00"), rec(5, COURT_POSTPONED, "2013-03-25T15:52:00"),
            rec(6, COURT_POSTPONED_COPY, "2013-03-25T16:30:00"),
            rec(7, LINEUP_EXPECTED, "2017-03-18T11:57:00"), rec(8, LINEUP_STARTING, "2017-03-18T13:58:00"),
            rec(9, LINEUP_STARTING_COPY, "2017-03-18T14:10:00"), rec(10, cable("مصر"), "2015-07-20")]


def test_pairs_kept_apart_in_doubt_are_reported_with_their_evidence():
    """on_kept_apart (the CLI's --kept-apart): every pair similar enough for the threshold that a
    differing slot, dates apart or a new lead kept apart, with both ids and the bar it missed; the
    copies that merged are not in it, and the records are the same with or without it."""
    rows: list[dict] = []
    out, st = run(_doubt_corpus(), explain=True, on_kept_apart=rows.append)
    by_pair = {(r["a"], r["b"]): r for r in rows}
    assert ("r0", "r1") in by_pair and ("r4", "r5") in by_pair and ("r7", "r8") in by_pair
    cable_pair, court, line_up = by_pair[("r0", "r1")], by_pair[("r4", "r5")], by_pair[("r7", "r8")]
    assert cable_pair["slots_differ"] >= 1 and not cable_pair["new_lead"] and cable_pair["threshold"] == 0.95
    assert court["new_lead"] and court["slots_differ"] == 0 and court["threshold"] == 0.9
    assert line_up["slots_differ"] >= 1 and not line_up["new_lead"]
    for r in rows:
        assert 0.7 <= r["sim"] < r["threshold"] and r["pos_a"] < r["pos_b"]
        assert (r["pos_a"], r["pos_b"]) == (int(r["a"][1:]), int(r["b"][1:]))
    # the copies that merged are not doubts, and the exact copy of a cable is represented by its first
    dropped = {(r["dup"]["of"], r["id"]) for r in out if r["dup"]["of"]}
    assert dropped == {("r5", "r6"), ("r8", "r9"), ("r1", "r10")}
    assert not {tuple(sorted(p)) for p in dropped} & set(by_pair) and not any("r10" in p for p in by_pair)
    assert rows == sorted(rows, key=lambda r: (r["pos_a"], r["pos_b"]))
    assert len(rows) == st.rejected_by_slots + st.rejected_new_lead
    assert run(_doubt_corpus(), explain=True)[0] == out


@pytest.mark.parametrize("chunk", [1, 4, 11])
def test_pairs_kept_apart_do_not_depend_on_chunking(chunk):
    want: list[dict] = []
    run(_doubt_corpus(), chunk=3, on_kept_apart=want.append)
    got: list[dict] = []
    run(_doubt_corpus(), chunk=chunk, on_kept_apart=got.append)
    assert got == want and len(want) >= 3


def test_kept_apart_file_from_the_command_is_byte_identical_for_any_jobs(tmp_path):
    """`newscli dedupe --kept-apart FILE` and `newscli export --kept-apart FILE`: one JSON line per pair
    kept apart in doubt, the same for -j 1 and -j 2, and no file after a failed run."""
    from typer.testing import CliRunner

    from newscli.cli import app

    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in _doubt_corpus()))
    got = []
    for cmd in ("dedupe", "export"):
        for jobs in ("1", "2"):
            ka = tmp_path / f"ka-{cmd}{jobs}.jsonl"
            res = CliRunner().invoke(app, [cmd, str(src), "-j", jobs, "-o", str(tmp_path / "out.jsonl"), "--kept-apart", str(ka)])
            assert res.exit_code == 0, res.output
            got.append(ka.read_bytes())
    assert got[0] == got[1] and got[2] == got[3]
    rows = [orjson.loads(line) for line in got[0].splitlines()]
    pairs = [(r["a"], r["b"]) for r in rows]
    assert ("r0", "r1") in pairs and ("r4", "r5") in pairs and ("r7", "r8") in pairs
    # the summary and --stats count them, by what kept them apart
    stats = tmp_path / "s.json"
    res = CliRunner().invoke(app, ["dedupe", str(src), "-o", str(tmp_path / "out.jsonl"), "--stats", str(stats)])
    data = orjson.loads(stats.read_bytes())
    from newscli.dedupe.verify import DATES_FAR, needed

    # kept apart by the lead alone: without it the pair would have passed
    lead = sum(r["new_lead"] and r["sim"] >= needed(r["slots_differ"], DATES_FAR * r["dates_apart"], DedupeOptions()) - 1e-9
               for r in rows)
    assert data["near_pairs_kept_for_a_new_lead"] == lead >= 1
    assert data["near_pairs_kept_for_slots_or_dates"] == len(rows) - lead >= 2
    assert f"near pairs kept apart for slots or dates {len(rows) - lead}" in res.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(src.read_bytes() + b"{not json\n")
    ka = tmp_path / "ka-bad.jsonl"
    res = CliRunner().invoke(app, ["dedupe", str(bad), "--strict", "-o", str(tmp_path / "o2.jsonl"), "--kept-apart", str(ka)])
    assert res.exit_code == 1 and not ka.exists() and not (tmp_path / "o2.jsonl").exists()


_PLAYERS = ("كريم الراشد - يوسف العنزي - ماجد السالم - طارق البدري - فهد المري - سالم الجابري - خالد الدوسري - "
            "عمر الفارس - نبيل الحربي - وليد القحطاني - رامي الشهري.")


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="known gap, found by the held-out read of 60 drops (jawharafm, sim 0.78): "
                   "'it is expected that the coach relies on the following line-up' names no status word, so the "
                   "starting line-up's status word has no counterpart in the other text (a one-sided slot) and "
                   "nothing differs")
def test_an_expected_line_up_without_a_status_word_and_the_starting_line_up_stay_apart():
    expected = LINEUP_HEAD + "ومن المنتظر أن يعتمد المدرب على التشكيلة التالية: " + _PLAYERS + LINEUP_TAIL
    starting = LINEUP_HEAD.replace("مساء اليوم", "اليوم") + "واختار الجهاز الفني التشكيلة الأساسية التالية: " + _PLAYERS + LINEUP_TAIL
    out, _ = run([rec(0, expected, "2017-03-11T11:26:00"), rec(1, starting, "2017-03-11T17:56:00")])
    assert [r["dup"]["of"] for r in out] == [None, None]


def test_kept_apart_means_similar_enough_and_rejected():
    from newscli.dedupe.verify import kept_apart

    good = np.array([True, False, False, False])
    sim = np.array([0.95, 0.85, 0.69, 0.7], np.float32)
    assert kept_apart(good, sim, DedupeOptions()).tolist() == [False, True, False, True]


def _templated(n: int) -> list[dict]:
    """n market closes of one template on n days: every pair differs in its slots (kept apart)."""
    recs = []
    for k in range(n):
        day = f"2015-{1 + k // 28:02d}-{1 + k % 28:02d}"
        recs.append(rec(k, market(["الأحد", "الاثنين", "الثلاثاء"][k % 3], f"{8000 + 7 * k}.{k % 100:02d}", f"{k % 50}.17",
                                   str(100 + k), f"{k % 9}.82", str(k % 97), str(k % 89), "الإنماء وزين السعودية ودار الأركان"), day))
    return recs


def test_pairs_found_again_after_a_flush_are_listed_and_counted_once(monkeypatch):
    """Beyond _PAIR_FLUSH candidates, later bands find pairs already verified and verified them
    again: the --kept-apart rows and the counts held repeats (362,086 rows for 273,270 pairs on
    20,000 templated texts), and local and Dask disagreed."""
    from newscli.dedupe import verify

    want: list[dict] = []
    out_want, st_want = run(_templated(40), chunk=7, on_kept_apart=want.append)
    monkeypatch.setattr(verify, "_PAIR_FLUSH", 50)
    got: list[dict] = []
    out_got, st_got = run(_templated(40), chunk=7, on_kept_apart=got.append)
    assert len(want) > 100 and got == want and out_got == out_want
    assert len({(r["a"], r["b"]) for r in got}) == len(got) == st_got.rejected_by_slots + st_got.rejected_new_lead
    assert (st_got.accepted_pairs, st_got.rejected_by_slots, st_got.rejected_new_lead) == \
        (st_want.accepted_pairs, st_want.rejected_by_slots, st_want.rejected_new_lead)
    assert st_got.candidate_pairs > st_want.candidate_pairs  # verifications, as documented
