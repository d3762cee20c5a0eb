"""`--engine dask`: byte-identical to the local engine (records, order, dup, clusters, stats, rejects)."""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import json
import os
import sys
from pathlib import Path

import orjson
import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

from _support import SAMPLES, run_cli, shared_path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dedupe"))  # the dedupe tests' Arabic texts
from _dedupe_texts import (COURT_HEARING, COURT_POSTPONED, COURT_POSTPONED_COPY, LINEUP_EXPECTED,  # noqa: E402
                           LINEUP_STARTING, LINEUP_STARTING_COPY)
from newscli.dask_engine import DaskEngine, plan_partitions, read_partition  # noqa: E402
from newscli.dedupe import DedupeStats  # noqa: E402
from newscli.export import ExportOptions, steps_for  # noqa: E402
from newscli.io import Reject, expand_inputs, read_inputs  # noqa: E402
from newscli.pipeline import Summary, run  # noqa: E402


@pytest.fixture(scope="module")
def client():
    import dask
    from dask.distributed import Client, LocalCluster

    from newscli.dask_engine import NO_PROFILER

    with dask.config.set(NO_PROFILER), LocalCluster(n_workers=2, processes=False, threads_per_worker=1,
                                                    dashboard_address=None) as cluster:
        with Client(cluster, set_as_default=False) as c:
            yield c


def _ser(rec) -> bytes:
    return rec if isinstance(rec, (bytes, bytearray)) else orjson.dumps(rec)


def _local(paths: list[str], options: ExportOptions) -> tuple[list[bytes], list[dict], dict]:
    out, rej, clusters = [], [], []
    options = _with_clusters(options, clusters)
    st = DedupeStats()
    s = run(read_inputs(paths, lazy=True), steps=steps_for(options), on_record=lambda r: out.append(_ser(r)),
            on_reject=lambda r: rej.append(r.as_json()), on_skip=lambda r: rej.append(r.as_json()),
            dedupe_options=options.dedupe, dedupe_stats=st)  # lazy: as the CLI reads
    return out, rej, _summary(s, clusters, st if options.dedupe is not None else None)


def _dask(client, paths: list[str], options: ExportOptions, partition_bytes: int) -> tuple[list[bytes], list[dict], dict]:
    out, rej, clusters = [], [], []
    options = _with_clusters(options, clusters)
    engine = DaskEngine.of(client, partition_bytes=partition_bytes)
    st = DedupeStats()
    s = run(None, steps=steps_for(options), on_record=lambda r: out.append(_ser(r)),
            on_reject=lambda r: rej.append(r.as_json()), on_skip=lambda r: rej.append(r.as_json()),
            dedupe_options=options.dedupe, dedupe_stats=st, chunk_source=engine.chunks(paths, steps_for(options), options.dedupe))
    return out, rej, _summary(s, clusters, st if options.dedupe is not None else None)


def _with_clusters(options: ExportOptions, sink: list) -> ExportOptions:
    import dataclasses

    if options.dedupe is None or not hasattr(options.dedupe, "on_cluster"):
        return options
    return dataclasses.replace(options, dedupe=dataclasses.replace(
        options.dedupe, on_cluster=sink.append, on_kept_apart=lambda row: sink.append({"kept_apart": row})))


def _summary(s: Summary, clusters: list, st: DedupeStats | None = None) -> dict:
    d = s.as_dict()
    d.pop("outputs", None)
    d["clusters_rows"] = clusters
    d["dedupe_stats"] = None if st is None else dataclasses.asdict(st)  # pairs, buckets, emitted: all of them
    return d


def _assert_same(client, paths: list[str], parts: tuple[int, ...] = (1, 3, 7), options: ExportOptions | None = None):
    options = options or ExportOptions(dedupe=ExportOptions().dedupe)
    want = _local(paths, options)
    assert want[0], "the fixture produced no record"
    size = sum(os.path.getsize(p) for p in paths if os.path.exists(p))
    for n in parts:
        got = _dask(client, paths, options, partition_bytes=max(1, size // n + 1))
        assert got[0] == want[0], f"records differ with {n} partitions"
        assert got[1] == want[1], f"rejects differ with {n} partitions"
        assert got[2] == want[2], f"summary or clusters differ with {n} partitions"
    return want


def _article(title: str, body: list[str], date: str | None = None, rid: str | None = None) -> dict:
    rec = {"title": title, "text": "\n".join(body)}
    if date:
        rec["date"] = date
    if rid:
        rec["id"] = rid
    return rec


CABLE = ("بعث خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز آل سعود برقية تهنئة لرئيس {c} بمناسبة ذكرى "
         "استقلال بلاده، أعرب فيها عن أصدق التهاني وأطيب التمنيات بالصحة والسعادة ولشعب {c} الشقيق المزيد من التقدم والازدهار.")
REPORT = ["أعلنت وزارة الصحة تسجيل حالات جديدة في عدد من المحافظات خلال الأسبوع الماضي، ودعت المواطنين إلى الالتزام بالتعليمات.",
          "وقال المتحدث باسم الوزارة إن الفرق الميدانية تتابع الحالات، وإن المستشفيات مستعدة لاستقبال المزيد من المرضى.",
          "وأضاف أن حملة التوعية ستستمر حتى نهاية الشهر في المدارس والأسواق والمساجد."]


def _tricky(tmp_path: Path) -> Path:
    """Exact copies, date and length ties, a chain A~B~C, templated cables, a court follow-up whose
    lead names a postponement (outcome words) and a line-up's expected and starting versions (status
    words), each with a copy, a bad line, a record with numbers beyond 64 bits and a double."""
    rows = []
    for i, country in enumerate(["كولومبيا", "مصر", "عمان", "الأرجنتين"]):
        rows.append(_article(f"برقية تهنئة {i}", [CABLE.format(c=country)], "2015-07-20"))
    rows.append(_article("تقرير", REPORT, "2015-07-21", "a"))
    rows.append(_article("تقرير", REPORT, "2015-07-21", "b"))  # exact copy, same date and length: tie
    rows.append(_article("تقرير محدث", REPORT + ["وفي تحديث لاحق، أعلنت الوزارة ارتفاع عدد الحالات إلى مئة وعشرين حالة."], "2015-07-22"))
    rows.append(_article("تقرير مختصر", REPORT[:2], "2015-07-20"))  # shortened copy, earlier
    chain_a = REPORT[0] + " " + REPORT[1]
    chain_b = REPORT[1] + " " + REPORT[2]
    chain_c = REPORT[2] + " وأشار إلى أن الحملة تشمل القرى النائية والمناطق الحدودية أيضاً."
    for t in (chain_a, chain_b, chain_c):
        rows.append(_article("سلسلة", [t], "2015-07-23"))
    for k, t in enumerate((COURT_HEARING, COURT_POSTPONED, COURT_POSTPONED_COPY)):
        rows.append(_article("محكمة", [t], f"2013-03-25T1{k}:00:00"))
    for k, t in enumerate((LINEUP_EXPECTED, LINEUP_STARTING, LINEUP_STARTING_COPY)):
        rows.append(_article("تشكيلة", [t], f"2017-03-18T1{k + 1}:00:00"))
    rows.append(_article("فارغ", ["  "], "2015-07-23"))  # empty: skipped, kept in --rejects with its line
    rows.append(_article("قائمة", ["** جميع المقالات المنشورة تمثل رأي كتابها فقط."], "2015-07-23"))  # emptied by clean
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(5, "{not json")
    # numbers orjson cannot hold (read exactly, and written back so after dedupe's spool)
    lines.append('{"title": "أرقام", "text": "' + REPORT[2] + ' وبلغ عدد المستفيدين ثلاثة آلاف.", "date": "2015-07-23", '
                 '"big": 123456789012345678901234567890, "e": 1E400, "f": [0.5, 1e-999]}')
    path = tmp_path / "tricky.jsonl"
    path.write_text("\n".join(lines * 3) + "\n", encoding="utf-8")
    return path


def test_partitions_cover_every_line_in_order(tmp_path):
    path = _tricky(tmp_path)
    size = path.stat().st_size
    lines = path.read_bytes().count(b"\n")
    for n in (1, 2, 3, 7, 50):
        parts = plan_partitions([str(path)], partition_bytes=max(1, size // n + 1))
        assert parts[0].start == 0 and parts[0].first_line == 1
        for a, b in zip(parts, parts[1:]):
            assert a.end == b.start  # contiguous, aligned, nothing skipped or read twice
        got = [x for p in parts for x in read_partition(p)]
        want = list(read_inputs([str(path)]))
        assert [x.as_json() if isinstance(x, Reject) else orjson.dumps(x) for x in got] == \
               [x.as_json() if isinstance(x, Reject) else orjson.dumps(x) for x in want]  # numbers as written
        assert sum(1 for x in want if not isinstance(x, Reject)) + 3 == lines


def test_samples_byte_identical(client):
    _assert_same(client, expand_inputs([str(SAMPLES)]))


def test_tricky_fixture_byte_identical(client, tmp_path):
    path = _tricky(tmp_path)
    out, rej, summary = _assert_same(client, [str(path)])
    assert len(rej) >= 6 and summary["rejected"] == 3 and summary["empty"] == 3  # skipped records too
    assert summary["duplicates"] > 0  # the fixture exercises dedupe (exact copies at least)


def test_several_files_and_a_missing_one(client, tmp_path):
    a = _tricky(tmp_path)
    b = tmp_path / "b.jsonl.gz"
    with gzip.open(b, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(_article("خبر", REPORT[1:]), ensure_ascii=False) + "\n")
    _assert_same(client, [str(a), str(tmp_path / "missing.jsonl"), str(b), str(SAMPLES / sorted(os.listdir(SAMPLES))[0])])


def test_without_dedupe_and_with_explain(client, tmp_path):
    from newscli.clean import CleanOptions

    path = _tricky(tmp_path)
    _assert_same(client, [str(path)], parts=(3,), options=ExportOptions(clean=CleanOptions(explain=True), dedupe=None))


@pytest.mark.parametrize("corpus", ["ant_multisource_2018/ant_multisource_2018.jsonl.gz",
                                    "saudinewsnet/saudinewsnet.jsonl.gz",
                                    "ant_jawharafm_tunisia/ant_jawharafm_v1_1.jsonl.gz",
                                    "egypt_news_credibility_2013_week/egypt_news_2013-03-20_to_26.jsonl.gz"])
def test_corpus_samples_byte_identical(client, tmp_path, corpus):
    src = shared_path("corpora", corpus)
    path = tmp_path / "sample.jsonl"
    with gzip.open(src, "rb") as fh, open(path, "wb") as out:
        out.writelines(itertools.islice(fh, 2000))
    _assert_same(client, [str(path)], parts=(1, 3, 7))


def test_cli_processes_byte_identical_with_clusters_and_stats(tmp_path):
    """One run with real worker processes (pickling bugs show only there), through the CLI."""
    path = _tricky(tmp_path)
    args = [str(SAMPLES), str(path), "--rejects", "{d}/rej.jsonl", "--clusters", "{d}/clusters.jsonl",
            "--stats", "{d}/stats.json", "-o", "{d}/out.jsonl"]
    results = {}
    for engine in ("local", "dask"):
        d = tmp_path / engine
        d.mkdir()
        extra = ["--engine", "dask", "-j", "2"] if engine == "dask" else []
        res = run_cli("export", *[a.format(d=d) for a in args], *extra, timeout=300)
        assert res.returncode == 1, res.stderr.decode()  # the fixture's bad lines
        stats = json.loads((d / "stats.json").read_text())
        stats.pop("outputs")
        results[engine] = [(d / n).read_bytes() for n in ("out.jsonl", "rej.jsonl", "clusters.jsonl")] + [stats]
    assert results["local"] == results["dask"]


def test_dask_engine_usage_errors(tmp_path):
    res = run_cli("export", "--engine", "dask", input=b'{"text": "\xd9\x86\xd8\xb5"}\n')
    assert res.returncode == 2 and b"not standard input" in res.stderr
    res = run_cli("export", str(SAMPLES), "--engine", "spark")
    assert res.returncode == 2 and b"local or dask" in res.stderr
    res = run_cli("export", str(SAMPLES), "--scheduler", "tcp://127.0.0.1:1")
    assert res.returncode == 2 and b"--engine dask" in res.stderr


def test_without_the_extra_dask_is_a_usage_error(tmp_path):
    res = run_cli("export", str(SAMPLES), "--engine", "dask",
                  shims={"dask.py": "raise ImportError('No module named dask')\n"}, tmp=tmp_path)
    assert res.returncode == 2
    assert b"pip install 'newscli[dask]'" in res.stderr and res.stdout == b""


def test_a_task_that_keeps_failing_fails_the_run_and_leaves_nothing(tmp_path):
    patch = (
        "import newscli.dask_engine as e\n_real = e.iter_partition\n"
        "def _boom(part, *a, **k):\n"
        "    if part.path.endswith('poison.jsonl'):\n"
        "        raise RuntimeError('disk went away')\n"
        "    return _real(part, *a, **k)\n"
        "e.iter_partition = _boom\n")
    (tmp_path / "poison.jsonl").write_text(json.dumps(_article("خبر", REPORT), ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = run_cli("export", str(SAMPLES), str(tmp_path / "poison.jsonl"), "--engine", "dask", "-j", "1", "-o", str(out),
                  shims={"sitecustomize.py": patch}, tmp=tmp_path, timeout=300)
    assert res.returncode == 1
    assert b"disk went away" in res.stderr and b"Traceback" not in res.stderr
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl")]


@pytest.mark.parametrize("processes", [False, True])
def test_the_workers_newscli_starts_run_without_the_profiler(processes):
    """Dask's worker profiler calls sys._current_frames every 10 ms, which can deadlock Python 3.11
    (a run of the test suite hung for good in a dedupe task, every thread idle): the LocalCluster
    newscli starts, in-process or with worker processes, has no profiler on any worker."""
    from newscli.dask_engine import DaskEngine

    with DaskEngine(jobs=1, processes=processes) as engine:
        callbacks = engine.client.run(lambda dask_worker: sorted(dask_worker.periodic_callbacks))
    assert callbacks and all("profile" not in names and "profile-cycle" not in names for names in callbacks.values())
    assert all("heartbeat" in names for names in callbacks.values())  # the worker's other callbacks are there
