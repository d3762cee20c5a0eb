"""The subcommands end to end: the seed, the samples, the three dates modes, piping, -j."""

import os
import subprocess
import sys

import orjson
import pytest
from typer.testing import CliRunner

from newscli.cli import app
from _support import REPO, SAMPLES, shared_path

runner = CliRunner()
ENV = dict(os.environ, PYTHONPATH=str(REPO))


def _lines(data: bytes) -> list[dict]:
    return [orjson.loads(x) for x in data.split(b"\n") if x]


def _export(*args: str, input: bytes | None = None) -> tuple[list[dict], str]:
    res = runner.invoke(app, ["export", *args], input=input)
    assert res.exit_code == 0, res.output
    return _lines(res.stdout_bytes), res.stderr


def test_seed_article_through_export():
    seed = shared_path("examples", "seed-article.txt")
    (rec,), _ = _export(str(seed))
    assert rec["section"] == "محلي"
    assert rec["title"] == "اتفاق تركي روسي على السعي لوقف قتال دائم في ليبيا وبحث إنشاء مجموعة عمل مشتركة"
    assert (rec["outlet"], rec["place"]) == ("أوج", "أنقرة")
    assert len(rec["text"].split("\n")) == 8 and len(rec["removed"]) == 6
    (entry,) = [d for d in rec["dates"] if d["iso"] == "2020-01-08"]
    assert rec["text"][entry["start"]:entry["end"]] == entry["match"] and entry["system"] == "libyan"


def test_seed_date_in_all_three_dates_modes():
    line = "وأشارت إلى المبادرة التي أطلقها الرئيسان من إسطنبول في 8 آي النار/يناير 2020م؛ لتهدئة الوضع."
    res = runner.invoke(app, ["dates"], input=line.encode())
    assert res.exit_code == 0 and "في 2020-01-08؛" in res.stdout
    res = runner.invoke(app, ["dates", "--keep"], input=line.encode())
    assert "8 آي النار/يناير 2020م [2020-01-08]" in res.stdout
    res = runner.invoke(app, ["dates", "--extract"], input=(line + "\nلا تاريخ هنا\n").encode())
    first, second = _lines(res.stdout_bytes)
    assert first["line"] == 1 and [d["iso"] for d in first["dates"]] == ["2020-01-08"]
    assert first["dates"][0]["match"].startswith("8 آي النار") and second == {"line": 2, "dates": []}
    rec = {"id": "s1", "text": line}
    res = runner.invoke(app, ["dates"], input=orjson.dumps(rec) + b"\n")
    (out,) = _lines(res.stdout_bytes)
    assert [d["iso"] for d in out["dates"]] == ["2020-01-08"]


def test_dates_text_mode_keeps_traps_as_words():
    line = "شهد الربيع العربي تحولات كبيرة وارتفعت أسعار التمور في فصل الصيف."
    res = runner.invoke(app, ["dates", "--format", "text"], input=line.encode())
    assert res.stdout.rstrip("\n") == line


def test_clean_plain_text_in_plain_text_out():
    article = (SAMPLES / "01-tripoli-water-network.txt").read_text(encoding="utf-8")
    res = runner.invoke(app, ["clean"], input=article.encode())
    assert res.exit_code == 0
    assert not res.stdout.lstrip().startswith("{")
    assert "زر الذهاب إلى الأعلى" not in res.stdout and "إرسال التعليق" not in res.stdout.replace("ـ", "")
    res2 = runner.invoke(app, ["clean", "--format", "jsonl"], input=article.encode())
    (rec,) = _lines(res2.stdout_bytes)
    assert rec["title"] and rec["removed"]


def test_export_samples_fills_title_and_dedupes():
    recs, err = _export(str(SAMPLES), "--emit", "all")
    names = sorted(p.name for p in SAMPLES.glob("*.txt"))
    assert [os.path.basename(r["source"]) for r in recs] == names
    assert all(r["title"] for r in recs)
    by = {os.path.basename(r["source"])[:2]: r for r in recs}
    assert by["06"]["dup"]["of"] == by["05"]["id"] or by["05"]["dup"]["of"] == by["06"]["id"]
    for a, b in (("07", "08"), ("09", "10")):
        assert by[a]["dup"]["cluster"] == by[b]["dup"]["cluster"]
    assert by["01"]["dup"]["cluster"] != by["02"]["dup"]["cluster"]
    kept, err = _export(str(SAMPLES))
    assert len(kept) == len(names) - 3 and "duplicates dropped 3" in err


def _big_jsonl(tmp_path, copies: int = 40):
    lines = []
    for i in range(copies):
        for p in sorted(SAMPLES.glob("*.txt")):
            text = p.read_text(encoding="utf-8")
            if i % 3:
                text = text.replace("\n\n", f"\n\nفقرة إضافية رقم {i} من الأرشيف.\n\n", 1)
            lines.append(orjson.dumps({"id": f"{p.stem}-{i}", "text": text, "n": i}))
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\nnot json\n")
    return path


def test_jobs_give_byte_identical_output(tmp_path):
    src = _big_jsonl(tmp_path)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        res = runner.invoke(app, ["export", str(src), "-j", jobs, "-o", str(out), "--emit", "all"])
        assert res.exit_code == 1  # the one bad line
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and len(_lines(outs[0])) == 40 * 16


def test_piped_stages_equal_export(tmp_path):
    src = _big_jsonl(tmp_path, copies=3)
    py = f'"{sys.executable}" -m newscli -q'
    piped = subprocess.run(f'{py} clean "{src}" | {py} dates | {py} dedupe', shell=True, capture_output=True,
                           env=ENV, timeout=300)
    one = subprocess.run(f'{py} export "{src}"', shell=True, capture_output=True, env=ENV, timeout=300)
    assert piped.stdout == one.stdout and len(_lines(one.stdout)) > 0


def test_accounting_closes_with_bad_lines_and_duplicates(tmp_path):
    src = _big_jsonl(tmp_path, copies=3)
    stats = tmp_path / "s.json"
    res = runner.invoke(app, ["export", str(src), "--stats", str(stats), "-o", str(tmp_path / "o.jsonl")])
    data = orjson.loads(stats.read_bytes())
    assert res.exit_code == 1
    assert data["read"] == 3 * 16 + 1 == data["written"] + data["dropped_duplicates"] + data["rejected"]
    assert data["dropped_duplicates"] > 0 and data["rejected"] == 1 and data["accounting_closes"]


def test_stats_command(tmp_path):
    out = tmp_path / "c.jsonl"
    runner.invoke(app, ["export", str(SAMPLES), "--emit", "all", "-o", str(out)])
    res = runner.invoke(app, ["stats", str(out), "--json"])
    data = orjson.loads(res.stdout_bytes)
    assert data["records"] == 16 and data["duplicates"] == 3 and data["dates_by_system"]["libyan"] > 5
    res = runner.invoke(app, ["stats", str(out)])
    assert res.exit_code == 0 and "records" in res.stdout
    assert data["duplicate_clusters"] == 3


def test_stats_counts_the_clusters_of_a_kept_only_file(tmp_path):
    """A file of kept copies (the default --emit kept) reported "duplicate clusters 0" although its
    kept copies carry dup.size > 1."""
    out = tmp_path / "kept.jsonl"
    runner.invoke(app, ["export", str(SAMPLES), "-o", str(out)])
    data = orjson.loads(runner.invoke(app, ["stats", str(out), "--json"]).stdout_bytes)
    assert data["records"] == 13 and data["duplicates"] == 0 and data["duplicate_clusters"] == 3


def test_clean_text_mode_explain_goes_to_stderr():
    article = (SAMPLES / "04-sabha-schools-reopen.txt").read_text(encoding="utf-8")
    res = runner.invoke(app, ["-q", "clean", "--explain"], input=article.encode())
    assert "زر الذهاب إلى الأعلى" not in res.stdout
    assert "newscli: <stdin>:14: phrase: زر الذهاب إلى الأعلى" in res.stderr


@pytest.mark.parametrize("emit", ["kept", "removed", "all"])
def test_summary_says_what_emit_held_back(tmp_path, emit):
    """The summary called the kept copies that --emit removed holds back "duplicates dropped" (9,938
    on a corpus with 200 duplicates), and --emit all "duplicates dropped 0"."""
    stats = tmp_path / "s.json"
    res = runner.invoke(app, ["export", str(SAMPLES), "--emit", emit, "--stats", str(stats), "-o", str(tmp_path / "o.jsonl")])
    data = orjson.loads(stats.read_bytes())
    names = len(list(SAMPLES.glob("*.txt")))
    assert res.exit_code == 0 and data["emit"] == emit and data["duplicates"] == 3 and data["accounting_closes"]
    err = res.stderr
    if emit == "kept":
        assert data["written"] == names - 3 and "duplicates dropped 3 (" in err
    elif emit == "removed":
        assert data["written"] == 3 and data["dropped_duplicates"] == names - 3
        assert "duplicates dropped" not in err and f"kept copies and singletons not written {names - 3}" in err
    else:
        assert data["written"] == names and "duplicates dropped" not in err and "written with the rest (--emit all)" in err
