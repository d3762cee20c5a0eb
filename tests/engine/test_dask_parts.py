"""`--engine dask`, stage 7: each partition's task writes its part of the output in a run-private
directory the client and the workers share; the client copies the parts in order into the one
writer. Same bytes as `--engine local`; the parts directory never outlives the run; a part that
cannot be written or seen is a one-line error with no output left."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

from _support import SAMPLES, run_cli  # noqa: E402
from test_dask_dedupe import _huge, local_then_dask  # noqa: E402
from test_dask_engine import _local, _tricky, client  # noqa: E402,F401
from newscli.dask_engine import DaskEngine  # noqa: E402
from newscli.dedupe import DedupeStats  # noqa: E402
from newscli.export import ExportOptions, steps_for  # noqa: E402
from newscli.io import LinesFile, OutputSet, UsageError, plan_outputs  # noqa: E402
from newscli.pipeline import run  # noqa: E402


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".parts-" in p.name or p.name.endswith(".tmp"))


def _run_parts(client, paths: list[str], parts: Path, partition_bytes: int, on_part=None):
    options = ExportOptions()
    engine = DaskEngine.of(client, partition_bytes=partition_bytes)
    got: list[LinesFile] = []
    data: list[bytes] = []

    def on_record(rec) -> None:
        assert type(rec) is LinesFile, "a line came back through Dask instead of a part"
        got.append(rec)
        data.append(Path(rec.path).read_bytes())  # the part exists while the client copies it
        if on_part is not None:
            on_part(rec)

    source = engine.chunks(paths, steps_for(options), options.dedupe, serialize=True, parts=str(parts),
                           parts_name=".out.jsonl")
    summary = run(None, steps=steps_for(options), on_record=on_record, on_reject=lambda r: None,
                  dedupe_options=options.dedupe, dedupe_stats=DedupeStats(), chunk_source=source)
    return got, data, summary, source


def test_parts_are_written_beside_the_output_and_removed(client, tmp_path):
    """Each partition's lines arrive as a part file in `.out.jsonl.parts-*` (the client gets only
    path, bytes and lines), the same bytes as local in order; every part and the directory go."""
    paths = [str(_huge(tmp_path, copies=30)), str(_tricky(tmp_path))]
    want = [line + b"\n" for line in _local(paths, ExportOptions())[0]]  # as the writer writes them
    size = sum(os.path.getsize(p) for p in paths)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for n in (1, 3, 7):
        got, data, summary, source = _run_parts(client, paths, out_dir, max(1, size // n + 1))
        assert len(got) >= min(n, 2), f"{n} partitions gave {len(got)} parts"
        assert {Path(p.path).parent.name.startswith(".out.jsonl.parts-") for p in got} == {True}
        assert {Path(p.path).parent.parent for p in got} == {out_dir}
        assert b"".join(data) == b"".join(want), f"parts differ from local with {n} partitions"
        assert sum(p.lines for p in got) == len(want) == summary.written
        assert sum(p.size for p in got) == source.part_bytes == sum(map(len, want))
        assert "6 records" not in source.moved and source.moved["7 parts (path, bytes, lines)"] < 200 * len(got)
        assert _leftovers(out_dir) == [], f"left behind with {n} partitions"
        assert source.engine.scratch == []


def test_sink_copies_parts_cutting_shards_at_local_line_counts(tmp_path):
    """`Sink.write_lines_file` against `write_bytes` line by line: the same shards, the same bytes,
    for shard sizes that fall inside, at the end of and across parts, with gzip."""
    lines = [json.dumps({"id": i, "text": "خبر " * (1 + i % 7)}, ensure_ascii=False).encode() + b"\n" for i in range(41)]
    parts, at = [], 1  # lines[0]: written as a line before and after the parts
    for k, n in enumerate((1, 13, 0, 9, 17)):
        p = tmp_path / f"part-{k}"
        p.write_bytes(b"".join(lines[at:at + n]))
        parts.append(LinesFile(str(p), p.stat().st_size, n))
        at += n
    for name, shard in [("o.jsonl.gz", n) for n in (None, 1, 4, 13, 40, 100)] + [("o.jsonl", None), ("o.jsonl", 13)]:
        for how in ("lines", "parts"):
            d = tmp_path / f"{how}-{name}-{shard}"
            d.mkdir()
            outs = OutputSet(plan_outputs([("output", str(d / name))], [], reads_stdin=False, shard_size=shard))
            sink = outs.sink("output")
            sink.write_bytes(lines[0])  # lines written before and after a part (copy_file_range, plain)
            for k, p in enumerate(parts):
                if how == "lines":
                    for line in lines[1 + sum(q.lines for q in parts[:k]):][:p.lines]:
                        sink.write_bytes(line)
                else:
                    sink.write_lines_file(p)
            sink.write_bytes(lines[0])
            assert sink.count == 42
            outs.commit()
        a = sorted((tmp_path / f"lines-{name}-{shard}").iterdir())
        b = sorted((tmp_path / f"parts-{name}-{shard}").iterdir())
        assert [p.name for p in a] == [p.name for p in b] and len(a) == (1 if shard is None else -(-42 // shard))
        unzip = gzip.decompress if name.endswith(".gz") else bytes
        assert [unzip(p.read_bytes()) for p in a] == [unzip(p.read_bytes()) for p in b]
        assert b"".join(unzip(p.read_bytes()) for p in b) == lines[0] + b"".join(lines[1:41]) + lines[0]


def test_a_part_with_the_wrong_size_or_lines_is_refused(tmp_path):
    from newscli.io import PartError

    p = tmp_path / "part-0"
    p.write_bytes(b'{"a":1}\n{"a":2}\n')
    for part, shard in ((LinesFile(str(p), 99, 2), None), (LinesFile(str(p), 16, 3), 2), (LinesFile(str(p), 16, 1), 5)):
        outs = OutputSet(plan_outputs([("output", str(tmp_path / "o.jsonl"))], [], reads_stdin=False, shard_size=shard))
        with pytest.raises(PartError):
            outs.sink("output").write_lines_file(part)
        outs.abort()
    assert sorted(x.name for x in tmp_path.iterdir()) == ["part-0"]


@pytest.mark.parametrize("copies", ["nothing", "half"])
def test_a_range_copy_that_stops_short_is_redone_by_blocks(tmp_path, monkeypatch, copies):
    """Some file systems return 0 from copy_file_range without copying: the part must still be
    written whole (before, the output silently lacked it and the summary counted its lines)."""
    real = os.copy_file_range

    def short(src, dst, count, *a):
        if copies == "nothing" or os.lseek(src, 0, os.SEEK_CUR) > 0:
            return 0
        return real(src, dst, count // 2 or 1, *a)

    monkeypatch.setattr(os, "copy_file_range", short)
    lines = [json.dumps({"id": i, "text": "نشرة الطقس ليوم الخميس"}, ensure_ascii=False).encode() + b"\n" for i in range(9)]
    p = tmp_path / "part-0"
    p.write_bytes(b"".join(lines[1:8]))
    outs = OutputSet(plan_outputs([("output", str(tmp_path / "o.jsonl"))], [], reads_stdin=False, shard_size=None))
    sink = outs.sink("output")
    sink.write_bytes(lines[0])
    sink.write_lines_file(LinesFile(str(p), p.stat().st_size, 7))
    sink.write_bytes(lines[8])
    outs.commit()
    assert (tmp_path / "o.jsonl").read_bytes() == b"".join(lines)


def test_workers_that_do_not_see_the_parts_directory_fail_up_front(client, tmp_path, monkeypatch):
    """The probe: a worker writing "the same path" on storage the client does not see is refused
    before any work, naming the directory; the directory goes."""
    import newscli.dask_tasks as tasks

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def probe_on_another_disk(directory: str):
        status, path = real(str(elsewhere))
        return status, os.path.join(directory, os.path.basename(path))

    real = tasks.probe_parts
    monkeypatch.setattr("newscli.dask_dedupe.probe_parts", probe_on_another_disk)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(UsageError, match=r"does not see it.*NEWSCLI_PARTS_DIR") as info:
        _run_parts(client, [str(SAMPLES)], out_dir, 1 << 20)
    assert str(out_dir / ".out.jsonl.parts-") in str(info.value)
    assert _leftovers(out_dir) == []


def _runs(tmp_path: Path, out_name: str, extra: list[str], shims: dict | None = None, timeout: float = 300):
    """The same export through the CLI, local then dask (worker processes)."""
    return local_then_dask(tmp_path, "export", lambda d: [
        "-o", str(d / out_name) if out_name != "-" else "-", "--stats", str(d / "stats.json"), *extra],
        copies=30, shims=shims, timeout=timeout)


# every part the client copies is logged (the client alone copies parts: workers never call this)
LOG_PARTS = (
    "import os\nimport newscli.io.outputs as o\n_real = o.Sink.write_lines_file\n"
    "def _logged(self, part):\n"
    "    with open(os.environ['PARTS_LOG'], 'a') as fh:\n"
    "        fh.write(part.path + '\\n')\n"
    "    return _real(self, part)\n"
    "o.Sink.write_lines_file = _logged\n")


@pytest.mark.parametrize("out_name,extra", [("out.jsonl", []), ("out.jsonl.gz", ["--shard-size", "17"]), ("-", [])])
def test_cli_one_file_shards_and_stdout_through_parts(tmp_path, monkeypatch, out_name, extra):
    """Through the CLI: one plain file, gzip shards cut at the local line counts, and standard
    output (parts in the temporary directory: the workers are this machine's) are byte-identical
    to local; the parts really were used, beside the output, and none is left."""
    log = tmp_path / "parts.log"
    monkeypatch.setenv("PARTS_LOG", str(log))
    results = _runs(tmp_path, out_name, extra, shims={"sitecustomize.py": LOG_PARTS})
    (ld, lres), (dd, dres) = results["local"], results["dask"]
    assert lres.returncode == dres.returncode == 1, dres.stderr.decode()  # the fixture's bad lines
    if out_name == "-":
        assert dres.stdout == lres.stdout and lres.stdout.count(b"\n") > 50
    else:
        names = sorted(p.name for p in ld.iterdir())
        assert sorted(p.name for p in dd.iterdir()) == names
        for name in names:
            if name.startswith("out"):
                a, b = (ld / name).read_bytes(), (dd / name).read_bytes()
                assert a == b or gzip.decompress(a) == gzip.decompress(b), name
        if extra:
            assert len([n for n in names if n.startswith("out-")]) > 3
    stats = [json.loads((d / "stats.json").read_text()) for d in (ld, dd)]
    for s in stats:
        s.pop("outputs")
    assert stats[0] == stats[1]
    copied = log.read_text().split()
    assert copied, "no part was copied: the lines went through Dask"
    where = {Path(p).parent.parent for p in copied}
    assert where == ({dd} if out_name != "-" else where - {dd})
    assert all(Path(p).parent.name.startswith(".out.jsonl" if out_name != "-" else ".newscli") for p in copied)
    assert not any(Path(p).parent.exists() for p in copied)
    assert _leftovers(dd) == []


WORKER_DISK_FULL = (
    "import errno\nimport newscli.dask_tasks as t\n_real = t._Part.add\n"
    "def _full(self, line, dup):\n"
    "    if self.lines >= 5 and self.path.endswith('part-00000.jsonl'):\n"
    "        raise t._part_error(self.path, OSError(errno.ENOSPC, 'No space left on device'))\n"
    "    return _real(self, line, dup)\n"
    "t._Part.add = _full\n")

PART_NOT_VISIBLE = (
    "import os\nimport newscli.dask_tasks as t\n_real = t._Part.close\n"
    "def _gone(self):\n"
    "    path, size, lines = _real(self)\n"
    "    os.replace(path, path + '.on-the-worker-disk')\n"
    "    return path, size, lines\n"
    "t._Part.close = _gone\n")


@pytest.mark.parametrize("shim,message", [
    (WORKER_DISK_FULL, rb"the Dask worker \S+ cannot write its part of the output in \S+/\.out\.jsonl\.gz\.parts-\w+: "
                       rb"No space left on device \(the client and every worker must see that directory\); no output written"),
    (PART_NOT_VISIBLE, rb"cannot read the part part-00000\.jsonl of the output in \S+/\.out\.jsonl\.gz\.parts-\w+: "
                       rb"No such file or directory"),
])
def test_a_part_not_written_or_not_seen_fails_with_one_line_and_leaves_nothing(tmp_path, shim, message):
    import re

    d = tmp_path / "out"
    d.mkdir()
    res = run_cli("export", str(_huge(tmp_path, copies=30)), "--engine", "dask", "-j", "2", "-o", str(d / "out.jsonl.gz"),
                  "--shard-size", "7", "--stats", str(d / "stats.json"), shims={"sitecustomize.py": shim}, tmp=tmp_path,
                  timeout=300)
    assert res.returncode == 1, res.stderr.decode()
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and re.fullmatch(rb"newscli: " + message + rb".*", lines[0]), res.stderr.decode()
    assert list(d.iterdir()) == []  # no shard, no stats, no parts directory, no temporary file


# Ctrl-C (SIGTERM alike) while the client copies the second part: parts exist, one is copied
INTERRUPT_WHILE_COPYING = (
    "import os, signal\nimport newscli.io.outputs as o\n_real = o.Sink.write_lines_file\n"
    "def _stop(self, part):\n"
    "    _real(self, part)\n"
    "    if part.path.endswith('part-00001.jsonl'):\n"
    "        os.kill(os.getpid(), signal.SIGTERM)\n"
    "o.Sink.write_lines_file = _stop\n")


def test_an_interrupt_while_copying_parts_leaves_nothing(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    huge = _huge(tmp_path, copies=60)
    size = huge.stat().st_size
    # one plain file cut in 4 byte ranges: 4 parts
    patch = INTERRUPT_WHILE_COPYING + (
        "import newscli.dask_engine as e\n_Engine = e.DaskEngine\n"
        "class _Small(_Engine):\n"
        "    def __init__(self, *a, **k):\n"
        f"        super().__init__(*a, **{{**k, 'partition_bytes': {size // 4 + 1}}})\n"
        "e.DaskEngine = _Small\n")
    res = run_cli("export", str(huge), "--engine", "dask", "-j", "2", "-o", str(d / "out.jsonl"), "--stats",
                  str(d / "stats.json"), shims={"sitecustomize.py": patch}, tmp=tmp_path, timeout=300)
    assert res.returncode == 130, res.stderr.decode()
    assert b"interrupted; no output written" in res.stderr and b"Traceback" not in res.stderr
    assert list(d.iterdir()) == []


def test_parts_elsewhere_with_NEWSCLI_PARTS_DIR(tmp_path, monkeypatch):
    log = tmp_path / "parts.log"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("PARTS_LOG", str(log))
    monkeypatch.setenv("NEWSCLI_PARTS_DIR", str(scratch))
    local = run_cli("export", str(SAMPLES), "-o", "-")
    res = run_cli("export", str(SAMPLES), "--engine", "dask", "-j", "2", "-o", str(tmp_path / "out.jsonl"),
                  shims={"sitecustomize.py": LOG_PARTS}, tmp=tmp_path, timeout=300)
    assert res.returncode == local.returncode == 0, res.stderr.decode()
    assert (tmp_path / "out.jsonl").read_bytes() == local.stdout
    copied = log.read_text().split()
    assert copied and {Path(p).parent.parent for p in copied} == {scratch}
    assert all(Path(p).parent.name.startswith(".out.jsonl.parts-") for p in copied)
    assert list(scratch.iterdir()) == []
    monkeypatch.setenv("NEWSCLI_PARTS_DIR", str(tmp_path / "missing"))
    res = run_cli("export", str(SAMPLES), "--engine", "dask", "-j", "1", "-o", str(tmp_path / "again.jsonl"), timeout=300)
    assert res.returncode == 2 and b"NEWSCLI_PARTS_DIR=" in res.stderr and b"not a directory" in res.stderr
    assert not (tmp_path / "again.jsonl").exists()
    # without dedupe no part is written, so the setting is not looked at (before: exit 2 here too)
    res = run_cli("export", str(SAMPLES), "--no-dedupe", "--engine", "dask", "-j", "1", "-o",
                  str(tmp_path / "plain.jsonl"), timeout=300)
    assert res.returncode == 0, res.stderr.decode()
    assert (tmp_path / "plain.jsonl").read_bytes() == run_cli("export", str(SAMPLES), "--no-dedupe", "-o", "-").stdout
