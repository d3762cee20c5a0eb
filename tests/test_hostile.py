"""Random and hostile text through every step and every subcommand: no crash, no lost record."""

import re
from functools import partial

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newscli.cli import app
from newscli.clean import CleanOptions, clean_record
from newscli.dates import DatesOptions, date_record, find_dates
from newscli.io import Reject
from newscli.pipeline import Summary, run
from newscli.records import new_record
from newscli.dedupe import DedupeOptions

runner = CliRunner()

ARABIC_BITS = ["آي النار", "الطير", "/", "-", "٢٠٢٠", "2020م", "و.ر", "هـ", "\u2028", "\u0085", "\u200f",
               "ـ", "&amp;", "كانون", "الوسوم", "\n", "\n\n", " – ", "ذو الحجة", "8", "رمضان", "\x0b", "\ufeff"]
hostile_text = st.lists(st.one_of(st.text(max_size=40), st.sampled_from(ARABIC_BITS)), max_size=40).map("".join)

STEPS = [partial(clean_record, options=CleanOptions()), partial(date_record, options=DatesOptions(replace=True))]


def _run_all(texts: list[str]) -> tuple[Summary, list[dict], list[Reject]]:
    items = [new_record(id=str(i), source=f"t.jsonl:{i + 1}", text=t) for i, t in enumerate(texts)]
    out: list[dict] = []
    rejects: list[Reject] = []
    summary = run(items, steps=STEPS, on_record=out.append, on_reject=rejects.append,
                  dedupe_options=DedupeOptions(emit="all"))
    return summary, out, rejects


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_text, min_size=1, max_size=6))
def test_every_step_survives_hostile_text_and_loses_nothing(texts):
    summary, out, rejects = _run_all(texts)
    assert summary.read == len(texts) == len(out) + len(rejects)
    assert not [r for r in rejects if r.error.startswith("internal error")]
    for rec in out:
        assert isinstance(rec["text"], str)
        for d in rec["dates"]:
            assert rec["text"][d["start"]:d["end"]] == d["match"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(hostile_text.filter(lambda t: t.strip()), min_size=1, max_size=4))
def test_every_subcommand_accounts_for_every_record(texts):
    data = b"".join(orjson.dumps({"id": str(i), "text": t}) + b"\n" for i, t in enumerate(texts))
    for cmd in (["export", "--emit", "all"], ["export"], ["clean"], ["dates"], ["dedupe", "--emit", "all"]):
        res = runner.invoke(app, [*cmd, "-"], input=data)
        assert res.exit_code in (0, 1), (cmd, res.output)
        written = [x for x in res.stdout_bytes.split(b"\n") if x]
        rejected = res.stderr.count("newscli: <stdin>:")
        dropped = 0
        if cmd == ["export"]:  # duplicates are dropped: each one is counted in the summary line
            m = re.search(r"duplicates dropped (\d+)", res.stderr)
            dropped = int(m.group(1)) if m else 0
        assert len(written) + rejected + dropped == len(texts), cmd
        assert "Traceback" not in res.output


def test_huge_lines_of_digits_slashes_and_month_names():
    for text in ("1/" * 300_000, "9" * 1_000_000, "8 الطير " * 100_000, "/-/." * 200_000,
                 "آي النار/يناير " * 60_000, "كانون " * 150_000):
        dates = find_dates(text)
        for d in dates[:50]:
            assert text[d["start"]:d["end"]] == d["match"]
    summary, out, rejects = _run_all(["الطير " * 100_000 + "\n" + "2020/" * 100_000])
    assert summary.read == 1 and len(out) + len(rejects) == 1


def test_dates_text_mode_with_hostile_lines():
    lines = "\n".join(["\u2028٨ الطير ٢٠٢٠", "\x00", "ـــ", "8/8/8/8/8/8/8"]).encode()
    res = runner.invoke(app, ["dates", "--format", "text"], input=lines)
    assert res.exit_code == 1 and "NUL byte" in res.stderr
    assert len(res.stdout.split("\n")) == 4  # three lines written + final newline
