"""`--engine dask` with dedupe: the stages on the cluster (band shuffle, verification where the rows
live, edges to the client, verdicts back), byte-identical to local on huge buckets and every emit mode."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

from test_dask_engine import REPORT, _article, _assert_same, _tricky, client  # noqa: E402,F401
from newscli.dask_tasks import bucket_of, hold, summary_of  # noqa: E402
from newscli.dask_engine import DaskEngine, plan_partitions  # noqa: E402
from newscli.dedupe import DedupeOptions  # noqa: E402
from newscli.export import ExportOptions, steps_for  # noqa: E402
from newscli.io import Reject  # noqa: E402

# A market bulletin: the same long template every day, only the numbers change (low-variety text: its
# LSH buckets hold every copy, far above max_bucket).
BULLETIN = ("أغلق المؤشر العام لسوق الأسهم السعودية تداولات اليوم مرتفعا {a} نقطة ليقفل عند مستوى {b} نقطة، "
            "وبلغت قيمة الأسهم المتداولة {c} مليون ريال، وسط ارتفاع أسعار أسهم {d} شركة وتراجع أسهم شركات أخرى، "
            "وتصدر قطاع المصارف والخدمات المالية قائمة القطاعات الأكثر نشاطا من حيث القيمة.")


def _huge(tmp_path: Path, copies: int = 90) -> Path:
    """Bulletins of many days (slots differ), repeated copies of some (exact and updated copies),
    interleaved with ordinary reports, in one file."""
    rows = []
    for k in range(copies):
        day = 1 + k % 28
        text = BULLETIN.format(a=10 + k % 7, b=7000 + k, c=3000 + 3 * k, d=40 + k % 5)
        rows.append(_article(f"نشرة السوق {k}", [text], f"2016-03-{day:02d}", f"b{k}"))
        if k % 9 == 0:  # the same day's bulletin again, with a closing sentence
            rows.append(_article(f"نشرة السوق {k} محدثة", [text, "وتوقع المحللون استمرار التذبذب خلال الجلسات المقبلة."],
                                 f"2016-03-{day:02d}", f"b{k}u"))
        if k % 15 == 0:
            rows.append(_article("تقرير", REPORT, "2016-03-02", f"r{k}"))
    path = tmp_path / "huge.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def local_then_dask(tmp_path: Path, command: str, args, copies: int, shims: dict | None = None,
                    timeout: float = 300) -> dict:
    """`command` through the CLI on the huge and tricky fixtures, local then dask (-j 2 worker
    processes), each in its own directory ``tmp_path/ENGINE``; ``args(d)`` gives the output options
    for that directory; ``shims`` patch the dask run only. Returns {engine: (directory, result)}."""
    from _support import run_cli

    huge, tricky = _huge(tmp_path, copies=copies), _tricky(tmp_path)
    results = {}
    for engine in ("local", "dask"):
        d = tmp_path / engine
        d.mkdir()
        flags = ["--engine", "dask", "-j", "2"] if engine == "dask" else []
        res = run_cli(command, str(huge), str(tricky), "--emit", "all", "--explain", *args(d), *flags,
                      shims=shims if engine == "dask" else None, tmp=tmp_path, timeout=timeout)
        results[engine] = (d, res)
    return results


def test_huge_buckets_byte_identical(client, tmp_path):
    """Buckets far above max_bucket go through head_pairs in the bucket tasks: same pairs, same stats."""
    path = _huge(tmp_path)
    out, _, summary = _assert_same(client, [str(path)])
    st = summary["dedupe_stats"]
    assert st["large_buckets"] > 0 and st["largest_bucket"] > 32  # the fixture is what it claims to be
    assert st["candidate_pairs"] > 0 and st["rejected_by_slots"] > 0 and summary["duplicates"] > 0


def test_small_max_bucket_and_leaders(client, tmp_path):
    options = ExportOptions(dedupe=DedupeOptions(max_bucket=3, max_leaders=2))
    path = _huge(tmp_path, copies=40)
    _, _, summary = _assert_same(client, [str(path), str(_tricky(tmp_path))], options=options)
    assert summary["dedupe_stats"]["large_buckets"] > 0


@pytest.mark.parametrize("emit", ["all", "removed"])
def test_emit_modes_and_explain(client, tmp_path, emit):
    from newscli.clean import CleanOptions

    options = ExportOptions(clean=CleanOptions(explain=True), dedupe=DedupeOptions(emit=emit, explain=True))
    out, _, _ = _assert_same(client, [str(_huge(tmp_path, copies=30)), str(_tricky(tmp_path))], parts=(1, 7),
                             options=options)
    whys = [json.loads(o)["dup"]["why"] for o in out]
    assert any(w and w["rule"] == "exact" for w in whys) and any(w and w["rule"] != "exact" for w in whys)


def test_no_record_comes_back_before_dedupe(client, tmp_path):
    """The chunks the client reads carry rejects and one None per record, never a record: the records
    stay on the workers until they are emitted."""
    options = ExportOptions()
    engine = DaskEngine.of(client, partition_bytes=2000)
    source = engine.chunks([str(_tricky(tmp_path))], steps_for(options), options.dedupe)
    seen = [item for out, _, _ in source for item in out]
    source.release()
    assert len(seen) == 63 and sum(isinstance(x, Reject) and x.reason == "error" for x in seen) == 3
    assert all(x is None or isinstance(x, Reject) for x in seen)
    assert source.moved["2 rejects and columns"] < os.path.getsize(_tricky(tmp_path))


def test_a_held_partition_moves_by_value_and_cleans_up(tmp_path):
    """Dask may move a partition between workers (a worker lost, rebalancing): by value, same data."""
    options = ExportOptions()
    part = plan_partitions([str(_tricky(tmp_path))])[0]
    held = hold(part, steps_for(options), options.dedupe, "text", None, 200, False, None)
    copy = pickle.loads(pickle.dumps(held))
    assert copy.spool.dir != held.spool.dir
    for a, b in zip(summary_of(held), summary_of(copy)):
        assert (a == b) if not isinstance(a, np.ndarray) else np.array_equal(a, b)
    with open(held.spool.path("records"), "rb") as f1, open(copy.spool.path("records"), "rb") as f2:
        assert f1.read() == f2.read()
    assert held.__sizeof__() > os.path.getsize(held.spool.path("records"))
    where = held.spool.dir
    del held
    import gc

    gc.collect()
    assert not os.path.exists(where)  # released by Dask: the spool goes with it


def test_bucket_of_is_the_same_in_every_process():
    band = np.arange(8, dtype=np.uint16).repeat(4)
    key = np.array([0, 1, 2**31, 2**32 - 1] * 8, dtype=np.uint32)
    here = bucket_of(band, key, 7).tolist()
    code = ("import numpy as np; from newscli.dask_tasks import bucket_of; "
            "print(bucket_of(np.arange(8, dtype=np.uint16).repeat(4), "
            "np.array([0, 1, 2**31, 2**32 - 1] * 8, dtype=np.uint32), 7).tolist())")
    for seed in ("1", "2"):  # str hashes differ with PYTHONHASHSEED; this must not
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        assert json.loads(res.stdout) == here
    assert len(set(here)) > 3  # spread over the buckets


def test_cli_shards_and_compression_lines_serialized_on_workers(tmp_path):
    """Through the CLI (worker processes): the workers serialize the output lines; gzip shards named
    as local names them, the same bytes, the same rejects, clusters and stats."""
    import gzip

    runs = local_then_dask(tmp_path, "dedupe", lambda d: [
        "--shard-size", "25", "-o", str(d / "out.jsonl.gz"), "--rejects", str(d / "rej.jsonl"),
        "--clusters", str(d / "clusters.jsonl"), "--stats", str(d / "stats.json")], copies=40)
    results = {}
    for engine, (d, res) in runs.items():
        assert res.returncode == 1, res.stderr.decode()  # the fixture's bad lines
        stats = json.loads((d / "stats.json").read_text())
        assert len(stats.pop("outputs")) > 3
        results[engine] = ([p.name for p in sorted(d.iterdir())], [gzip.decompress(p.read_bytes()) for p in sorted(d.glob("out*"))],
                           (d / "rej.jsonl").read_bytes(), (d / "clusters.jsonl").read_bytes(), stats)
    assert results["local"] == results["dask"]


def test_page_timeout_on_worker_threads(client, tmp_path, monkeypatch):
    """--page-timeout on Dask workers (tasks run in threads, where SIGALRM cannot reach): a slow page
    is the same reject as on the local engine, on time; the other pages are extracted as usual."""
    import shutil
    import time

    pytest.importorskip("trafilatura")
    import trafilatura

    from newscli.web import WebOptions

    pages = Path(__file__).resolve().parents[1] / "web" / "pages"
    for name in ("cairo-metro-cms.html", "amman-bread-wp.html", "beirut-power-legacy.html"):
        shutil.copy(pages / name, tmp_path / name)
    real = trafilatura.bare_extraction

    def slow(html, *a, **k):
        if b"amman" in (html if isinstance(html, bytes) else html.encode()).lower() or "amman" in (k.get("url") or ""):
            end = time.monotonic() + 30  # a runaway pure-Python loop in the extractor
            while time.monotonic() < end:
                sum(range(1000))
        return real(html, *a, **k)

    # warm up the extractor (its first call loads what it needs), and give the normal pages time to
    # spare: while the runaway loop holds the GIL in a worker thread, the other pages' extraction
    # is slowed by it (with 0.5 s a normal page timed out once under load, in one engine only)
    real((pages / "cairo-metro-cms.html").read_bytes())
    monkeypatch.setattr(trafilatura, "bare_extraction", slow)
    options = ExportOptions(web=WebOptions(timeout=3.0))
    t0 = time.monotonic()
    _, rej, _ = _assert_same(client, sorted(str(p) for p in tmp_path.glob("*.html")), parts=(1,), options=options)
    assert time.monotonic() - t0 < 20
    assert len(rej) == 1 and "took longer than 3 s" in rej[0]["error"] and "amman" in rej[0]["error"] + str(rej[0])


def test_fsspec_urls(client, tmp_path):
    """JSONL at fsspec URLs (memory:// here; s3:// and gs:// with s3fs or gcsfs), plain (split in byte
    ranges) and gzip: the same output as the same files read locally, but for the name of the input."""
    import gzip

    fsspec = pytest.importorskip("fsspec")
    from test_dask_engine import _dask, _local

    local = _tricky(tmp_path)
    huge = _huge(tmp_path, copies=30)
    zipped = tmp_path / "huge.jsonl.gz"
    zipped.write_bytes(gzip.compress(huge.read_bytes()))
    urls = {str(local): "memory://newscli-test/tricky.jsonl", str(zipped): "memory://newscli-test/huge.jsonl.gz"}
    for path, url in urls.items():
        with fsspec.open(url, "wb") as fh:
            fh.write(Path(path).read_bytes())
    try:
        options = ExportOptions(dedupe=DedupeOptions(emit="all"))
        want = _local(list(urls), options)
        want_text = json.dumps(want, ensure_ascii=False, default=lambda b: b.decode())
        for parts in (1, 3):
            got = _dask(client, list(urls.values()), options, partition_bytes=local.stat().st_size // parts + 1)
            text = json.dumps(got, ensure_ascii=False, default=lambda b: b.decode())
            assert "memory://newscli-test/tricky.jsonl:1" in text and len(got[1]) >= 6
            # a record's id is made from its source (the input's name): map them back by position
            for a, b in zip(got[0], want[0]):
                text = text.replace(json.loads(a)["id"], json.loads(b)["id"])
            for a, b in zip(got[1], want[1]):  # skipped records, with their ids
                if a.get("raw") and a["raw"].startswith("{\"id\""):
                    text = text.replace(json.loads(a["raw"])["id"], json.loads(b["raw"])["id"])
            for path, url in urls.items():
                text = text.replace(url, path)
            assert text == want_text
    finally:
        fsspec.filesystem("memory").rm("/newscli-test", recursive=True)


def test_url_inputs_are_checked_up_front(tmp_path):
    from _support import run_cli

    res = run_cli("export", "memory://nowhere/a.jsonl", "--engine", "dask", "-o", str(tmp_path / "o.jsonl"))
    assert res.returncode == 2 and b"memory://nowhere/a.jsonl: cannot read" in res.stderr, res.stderr
    res = run_cli("export", "memory://nowhere/a.html", "--engine", "dask", "-o", str(tmp_path / "o.jsonl"))
    assert res.returncode == 2 and b"must be a JSONL file" in res.stderr
    res = run_cli("export", "memory://nowhere/a.jsonl", "-o", str(tmp_path / "o.jsonl"))  # local engine: a path
    assert res.returncode == 2 and b"no such file" in res.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_nothing_to_dedupe(client, tmp_path):
    """Inputs with no record (only bad lines, an empty file) and with one record: the same summary."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n[1, 2]\n", encoding="utf-8")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(_article("خبر", REPORT, "2016-01-01", "x"), ensure_ascii=False) + "\n", encoding="utf-8")
    from test_dask_engine import _dask, _local

    for paths in ([bad], [empty], [bad, empty], [bad, one, empty]):
        paths = [str(p) for p in paths]
        want = _local(paths, ExportOptions())
        assert _dask(client, paths, ExportOptions(), partition_bytes=8) == want
