"""`newscli clean` with a pattern file and --explain (the CLI passes the file to CleanOptions)."""

from __future__ import annotations

import orjson
from typer.testing import CliRunner

from newscli.cli import app

runner = CliRunner()
BODY = ("أعلنت الإدارة العامة للتعليم عن موعد المقابلات الشخصية للمعلمين الجدد المعينين في المنطقة هذا العام، "
        "ودعت المرشحين إلى استكمال إجراءات التعيين.")


def test_clean_boilerplate_prefix_pattern_and_explain(tmp_path):
    pats = tmp_path / "alweeam.txt"
    pats.write_text("prefix: رابط الخبر في الوئام اليوم\n", encoding="utf-8")
    rec = {"id": "1", "title": "موعد المقابلات", "text": BODY + " رابط الخبر في الوئام اليوم: موعد المقابلات"}
    res = runner.invoke(app, ["clean", "--boilerplate", str(pats), "--explain"], input=orjson.dumps(rec) + b"\n")
    assert res.exit_code == 0, res.output
    out = orjson.loads(res.stdout_bytes.split(b"\n")[0])
    assert out["text"] == BODY
    assert out["removed"] == ["رابط الخبر في الوئام اليوم: موعد المقابلات"]
    assert out["explain"] == [{"line": 1, "rule": "user-prefix", "text": "رابط الخبر في الوئام اليوم: موعد المقابلات"}]


def test_clean_boilerplate_bad_regex_is_a_usage_error(tmp_path):
    pats = tmp_path / "bad.txt"
    pats.write_text("re: (\n", encoding="utf-8")
    res = runner.invoke(app, ["clean", "--boilerplate", str(pats)], input=b"")
    assert res.exit_code != 0
    assert "line 1: bad regular expression" in res.output
    assert "Traceback" not in res.output
