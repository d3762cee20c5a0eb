"""Issue 10: empty records, capped stderr, exit codes and signals on every subcommand, summaries that
count only this run, and the smaller CLI contracts (-q/-v after the command, --fields, help)."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

import newscli
from newscli.cli import app

runner = CliRunner()
PKG_ROOT = str(Path(newscli.__file__).resolve().parents[1])
GOOD = [{"id": f"g{i}", "text": t} for i, t in enumerate([
    "افتتحت بلدية مصراتة مدرسة جديدة في حي الزروق تتسع لستمائة تلميذ وتلميذة من أبناء الحي.",
    "ارتفعت صادرات الحديد من ميناء مصراتة خلال الربع الأول من العام إلى مستوى لم تبلغه من قبل.",
    "أقيم في غدامس مهرجان الشعر الشعبي بمشاركة شعراء من تونس والجزائر والنيجر على مدى ثلاثة أيام.",
])]
# bodies with no text to work on: empty, blank, only harakat, only bidi/zero-width controls, only tatweel
EMPTY = [{"id": f"e{i}", "text": t} for i, t in enumerate(["", "  \n\t ", "\u064e\u0650\u0651", "\u200f\u200b\u2066",
                                                           "ـــ \u00a0"])]
# bodies that clean removes entirely (web boilerplate only)
EMPTIED = [{"id": "x0", "text": "اقرأ أيضا"}, {"id": "x1", "text": "تابعونا على تويتر"}]


def _jsonl(records) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def _lines(data: bytes) -> list[dict]:
    return [orjson.loads(x) for x in data.split(b"\n") if x]


def _stats(path: Path) -> dict:
    return orjson.loads(path.read_bytes())


# ------------------------------------------------------------------ empty is not an error

@pytest.mark.parametrize("cmd", [["export"], ["clean"], ["dates"], ["dedupe"], ["export", "--no-clean"]])
def test_empty_bodies_are_skipped_and_counted_not_errors(tmp_path, cmd):
    """A blank body was an error: every run over a real corpus exited 1, one stderr line per record."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD[:1] + EMPTY + GOOD[1:]))
    res = runner.invoke(app, [*cmd, str(src), "--stats", str(tmp_path / "s.json"), "--rejects", str(tmp_path / "r.jsonl")])
    assert res.exit_code == 0, res.output
    assert [r["id"] for r in _lines(res.stdout_bytes)] == ["g0", "g1", "g2"]
    assert "newscli: " + str(src) not in res.stderr  # no per-record message
    stats = _stats(tmp_path / "s.json")
    assert stats["empty"] == len(EMPTY) and stats["rejected"] == 0 and stats["accounting_closes"]
    assert f"empty {len(EMPTY)}" in res.stderr
    rejects = _lines((tmp_path / "r.jsonl").read_bytes())
    assert [r["reason"] for r in rejects] == ["empty"] * len(EMPTY) and [r["line"] for r in rejects] == [2, 3, 4, 5, 6]


def test_records_clean_leaves_empty_are_emptied_not_written(tmp_path):
    """export wrote "text": "" when clean removed every line, which newscli's own commands then rejected."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD + EMPTIED))
    res = runner.invoke(app, ["export", str(src), "--stats", str(tmp_path / "s.json")])
    assert res.exit_code == 0 and all(r["text"].strip() for r in _lines(res.stdout_bytes))
    stats = _stats(tmp_path / "s.json")
    assert stats["emptied"] == 2 and stats["written"] == 3 and stats["accounting_closes"]
    assert stats["read"] == stats["written"] + stats["dropped_duplicates"] + stats["empty"] + stats["emptied"] + stats["rejected"]


def test_keep_empty_writes_both_kinds(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD + EMPTY + EMPTIED))
    res = runner.invoke(app, ["export", "--no-dedupe", str(src), "--keep-empty", "--stats", str(tmp_path / "s.json")])
    assert res.exit_code == 0 and len(_lines(res.stdout_bytes)) == len(GOOD + EMPTY + EMPTIED)
    stats = _stats(tmp_path / "s.json")
    assert stats["written"] == len(GOOD + EMPTY + EMPTIED) and stats["empty"] == stats["emptied"] == 0


def test_an_empty_article_file_is_skipped_with_exit_0(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes("\u200f\n\n".encode())
    res = runner.invoke(app, ["export", str(empty)])
    assert res.exit_code == 0 and res.stdout_bytes == b"" and "empty 1" in res.stderr


def test_export_of_exports_output_is_the_same_records(tmp_path):
    """Re-running export on its own output exited 1 (records with "text": "")."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD + EMPTY + EMPTIED + GOOD[:1]))
    first = runner.invoke(app, ["export", str(src), "-o", str(tmp_path / "a.jsonl")])
    second = runner.invoke(app, ["export", str(tmp_path / "a.jsonl"), "-o", str(tmp_path / "b.jsonl")])
    assert first.exit_code == second.exit_code == 0
    a, b = _lines((tmp_path / "a.jsonl").read_bytes()), _lines((tmp_path / "b.jsonl").read_bytes())
    assert [r["id"] for r in a] == [r["id"] for r in b] == ["g0", "g1", "g2"]
    assert [r["text"] for r in a] == [r["text"] for r in b]


# ------------------------------------------------------------------ stderr, exit codes, signals

def test_stderr_is_capped_at_20_record_messages(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"{bad\n" * 30 + _jsonl(GOOD))
    res = runner.invoke(app, ["export", str(src), "--rejects", str(tmp_path / "r.jsonl")])
    assert res.exit_code == 1
    per_record = [x for x in res.stderr.splitlines() if x.startswith(f"newscli: {src}:")]
    assert len(per_record) == 20
    assert f"… and 10 more (see --rejects {tmp_path / 'r.jsonl'})" in res.stderr
    assert len(_lines((tmp_path / "r.jsonl").read_bytes())) == 30


@pytest.mark.parametrize("cmd", [["export"], ["clean"], ["dates"], ["dedupe"], ["stats"]])
def test_same_exit_codes_on_every_subcommand(tmp_path, cmd):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD) + b"{bad\n")
    assert runner.invoke(app, [*cmd, str(src)]).exit_code == 1
    src.write_bytes(_jsonl(GOOD + EMPTY))
    assert runner.invoke(app, [*cmd, str(src)]).exit_code == 0
    assert runner.invoke(app, [*cmd, str(tmp_path / "missing.jsonl")]).exit_code == 2


def test_stats_into_a_closed_pipe_exits_0(tmp_path):
    """`newscli stats x | head -2` exited 1 (rich's broken-pipe handler)."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD * 50))
    env = dict(os.environ, PYTHONPATH=PKG_ROOT)
    for extra in ([], ["--json"]):
        proc = subprocess.Popen([sys.executable, "-m", "newscli", "stats", str(src), *extra], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        proc.stdout.close()  # the reader is gone before newscli writes
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and b"Traceback" not in err, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stats_under_a_signal_exits_130(tmp_path, sig):
    """`stats` under SIGTERM died with 143, not 130."""
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    env = dict(os.environ, PYTHONPATH=PKG_ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "newscli", "stats", str(fifo)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    with open(fifo, "wb") as writer:  # returns once newscli has opened the FIFO: it is reading
        writer.write(_jsonl(GOOD))
        writer.flush()
        time.sleep(0.2)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and b"interrupted" in err and b"Traceback" not in err


def test_the_sigterm_handler_is_restored_after_a_run(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD))
    before = signal.getsignal(signal.SIGTERM)
    runner.invoke(app, ["export", str(src)])
    runner.invoke(app, ["stats", str(src)])
    assert signal.getsignal(signal.SIGTERM) is before


# ------------------------------------------------------------------ summaries count only this run

def test_dedupe_summary_counts_only_what_dedupe_did(tmp_path):
    """dedupe reported "lines removed"/"dates" from fields already in its input; --emit removed printed (0 clusters)."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD + [dict(GOOD[0], id="copy")] + [{"id": "b", "text": GOOD[1]["text"] + "\nاقرأ أيضا"}]))
    runner.invoke(app, ["export", "--no-dedupe", str(src), "-o", str(tmp_path / "a.jsonl")])
    res = runner.invoke(app, ["dedupe", str(tmp_path / "a.jsonl")])
    assert res.exit_code == 0 and "lines removed" not in res.stderr and "dates" not in res.stderr
    res = runner.invoke(app, ["dedupe", str(tmp_path / "a.jsonl"), "--emit", "removed"])
    assert "(2 clusters)" in res.stderr and "(0 clusters)" not in res.stderr
    again = runner.invoke(app, ["export", "--no-dedupe", str(tmp_path / "a.jsonl")])
    assert "lines removed" not in again.stderr  # clean removed nothing new this time


# ------------------------------------------------------------------ smaller contracts

@pytest.mark.parametrize("cmd", [["export"], ["clean"], ["dates"], ["dedupe"], ["stats"]])
def test_quiet_and_verbose_after_the_subcommand(tmp_path, cmd):
    """`newscli dates -q` was a usage error."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD))
    res = runner.invoke(app, [*cmd, str(src), "-q", "-v"])
    assert res.exit_code == 0 and "read 3" not in res.stderr
    assert runner.invoke(app, ["schema", "-q"]).exit_code == 0


def test_fields_unknown_names_are_usage_errors_and_dotted_paths_work(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl([dict(g, url=f"https://example.ly/{i}") for i, g in enumerate(GOOD)]))
    res = runner.invoke(app, ["export", str(src), "--fields", "id,titel", "-o", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 2 and "unknown field 'titel'" in res.stderr and "dup.cluster" in res.stderr
    assert not (tmp_path / "o.jsonl").exists()
    res = runner.invoke(app, ["export", str(src), "--fields", "id,dup.cluster,dup.size,url"])
    assert res.exit_code == 0
    assert _lines(res.stdout_bytes)[0] == {"id": "g0", "dup.cluster": 0, "dup.size": 1, "url": "https://example.ly/0"}
    for bad in ("dup.nope", "dates.iso", ""):
        assert runner.invoke(app, ["export", str(src), "--fields", bad]).exit_code == 2, bad


@pytest.mark.parametrize("cmd", ["export", "clean", "dates", "dedupe", "stats", "schema", None])
def test_help_shows_no_bool_metavar_and_shows_defaults_and_choices(cmd):
    res = runner.invoke(app, [cmd, "--help"] if cmd else ["--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "<bool>" not in res.output
    if cmd in ("dedupe", "export"):
        text = " ".join(re.sub("[\u2500-\u257f]", " ", res.output).split())
        assert "[kept|removed|all]" in text and "[default: kept]" in text and "[default: char:5]" in text
