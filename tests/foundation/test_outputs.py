"""Issue 10: one safe writer for every output path (-o, --rejects, --stats, --clusters, shards).

Each test reproduces a defect of the writer that existed before (named in its docstring)."""

import gzip
import os
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

import newscli
from newscli.cli import app
from newscli.io import shard_name

runner = CliRunner()
PLAIN = ["--no-clean", "--no-dates", "--no-dedupe"]
BODY = "أعلنت وزارة الزراعة في طرابلس اليوم عن خطة جديدة لدعم مزارعي النخيل في الجنوب، وقال الوزير إن الموسم الحالي"
TOPICS = ["افتتحت بلدية مصراتة مدرسة جديدة في حي الزروق تتسع لستمائة تلميذ",
          "ارتفعت صادرات الحديد من ميناء مصراتة خلال الربع الأول إلى مستوى قياسي",
          "أقيم في غدامس مهرجان الشعر الشعبي بمشاركة شعراء من تونس والجزائر",
          "أعلنت شركة الكهرباء في بيروت جدولا جديدا لساعات التقنين في الضاحية",
          "بدأ موسم جني الزيتون في صفاقس وسط توقعات بإنتاج وفير هذا العام",
          "استأنفت المدارس في سبها الدراسة بعد توقف دام ثلاثة أسابيع بسبب الوقود"]
RECORDS = [{"id": f"n{i}", "text": f"{t}، وقال مسؤول محلي إن العمل سيتواصل حتى نهاية الشهر."} for i, t in enumerate(TOPICS)]
DUPS = RECORDS + [dict(r, id=r["id"] + "-copy") for r in RECORDS[:3]]  # three exact copies: three clusters
PKG_ROOT = str(Path(newscli.__file__).resolve().parents[1])  # the newscli under test, for subprocesses


def _jsonl(records) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def _lines(data: bytes) -> list[dict]:
    return [orjson.loads(x) for x in data.split(b"\n") if x]


def _src(tmp_path: Path, records=RECORDS, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(_jsonl(records))
    return path


def _sub(args, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=PKG_ROOT)
    return subprocess.run([sys.executable, "-m", "newscli", *args], env=env, capture_output=kw.pop("capture", True),
                          timeout=kw.pop("timeout", 120), **kw)


# ------------------------------------------------------------------ regular files, symlinks, modes

def test_output_symlink_is_followed_and_the_link_kept(tmp_path):
    """-o through a symlink replaced the link with a regular file and left the target untouched."""
    src = _src(tmp_path)
    target = tmp_path / "real.jsonl"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(link)])
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert [r["id"] for r in _lines(target.read_bytes())] == [r["id"] for r in RECORDS]


def test_an_existing_file_keeps_its_mode(tmp_path):
    """An existing 0600 output became 0644."""
    src = _src(tmp_path)
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"")
    out.chmod(0o600)
    assert runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(out)]).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and len(_lines(out.read_bytes())) == len(RECORDS)


def test_a_link_to_dev_stdout_writes_through_to_the_redirected_file(tmp_path):
    """`-o /dev/stdout > f` replaced the link with a regular file and left f empty (here with a link
    of our own to /dev/stdout, so the system's link is never at risk); `>>` must append."""
    src = _src(tmp_path)
    link = tmp_path / "to-stdout"
    link.symlink_to("/dev/stdout")
    f = tmp_path / "f.jsonl"
    with open(f, "wb") as fh:
        res = _sub(["export", *PLAIN, str(src), "-o", str(link)], stdout=fh, capture=False, stderr=subprocess.PIPE)
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and len(_lines(f.read_bytes())) == len(RECORDS)
    with open(f, "ab") as fh:
        assert _sub(["export", *PLAIN, str(src), "-o", str(link)], stdout=fh, capture=False,
                    stderr=subprocess.PIPE).returncode == 0
    assert len(_lines(f.read_bytes())) == 2 * len(RECORDS)


# ------------------------------------------------------------------ --clusters

def test_clusters_to_a_fifo_is_written_through_not_replaced(tmp_path):
    """--clusters FIFO replaced the FIFO (its reader hung)."""
    src = _src(tmp_path, DUPS)
    fifo = tmp_path / "clusters.fifo"
    os.mkfifo(fifo)
    got = tmp_path / "got.jsonl"
    reader = subprocess.Popen(f'cat "{fifo}" > "{got}"', shell=True)
    res = _sub(["dedupe", str(src), "-o", str(tmp_path / "out.jsonl"), "--clusters", str(fifo)])
    reader.wait(timeout=60)
    assert res.returncode == 0, res.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert len(_lines(got.read_bytes())) == 3


def test_clusters_to_process_substitution(tmp_path):
    """`--clusters >(wc -l)` failed after all the work, naming no path."""
    src = _src(tmp_path, DUPS)
    got = tmp_path / "got.jsonl"
    env = dict(os.environ, PYTHONPATH=PKG_ROOT)
    cmd = f'"{sys.executable}" -m newscli dedupe "{src}" -o "{tmp_path}/out.jsonl" --clusters >(cat > "{got}"); wait'
    res = subprocess.run(["bash", "-c", cmd], env=env, capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr
    deadline = time.time() + 10
    while time.time() < deadline and len(_lines(got.read_bytes() if got.exists() else b"")) < 3:
        time.sleep(0.05)
    assert len(_lines(got.read_bytes())) == 3


def test_clusters_file_is_compressed_by_extension(tmp_path):
    """--clusters c.jsonl.gz was written uncompressed."""
    src = _src(tmp_path, DUPS)
    clusters = tmp_path / "c.jsonl.gz"
    assert runner.invoke(app, ["dedupe", str(src), "-o", str(tmp_path / "o.jsonl"), "--clusters", str(clusters)]).exit_code == 0
    rows = _lines(gzip.decompress(clusters.read_bytes()))
    assert len(rows) == 3 and all(r["size"] == 2 for r in rows)


def test_clusters_file_absent_after_a_failed_run(tmp_path):
    """The clusters file survived a failed run (-o /dev/full)."""
    src = _src(tmp_path, DUPS)
    res = runner.invoke(app, ["dedupe", str(src), "-o", "/dev/full", "--clusters", str(tmp_path / "c.jsonl")])
    assert res.exit_code == 1 and "/dev/full" in res.stderr and "Traceback" not in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_clusters_into_a_directory_is_a_usage_error_leaving_nothing(tmp_path):
    """--clusters adir left adir.tmp behind (after all the work)."""
    src = _src(tmp_path, DUPS)
    (tmp_path / "adir").mkdir()
    res = runner.invoke(app, ["dedupe", str(src), "-o", str(tmp_path / "o.jsonl"), "--clusters", str(tmp_path / "adir")])
    assert res.exit_code == 2 and "is a directory" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir", "in.jsonl"] and not any((tmp_path / "adir").iterdir())


# ------------------------------------------------------------------ unwritable targets, checked before any work

@pytest.mark.parametrize("flag", ["--rejects", "--stats", "--clusters", "-o"])
@pytest.mark.parametrize("where", ["dir", "proc", "missing-dir"])
def test_unwritable_targets_are_one_line_usage_errors_before_any_output(tmp_path, flag, where):
    """--rejects/--stats at a directory or /proc crashed with a traceback; with --stats, after -o was committed."""
    src = _src(tmp_path)
    (tmp_path / "adir").mkdir()
    bad = {"dir": str(tmp_path / "adir"), "proc": "/proc/newscli-test/x.json",
           "missing-dir": str(tmp_path / "nope" / "x.json")}[where]
    out = tmp_path / "out.jsonl"
    args = ["export", str(src), "--no-clean", "--no-dates", flag, bad] + (["-o", str(out)] if flag != "-o" else [])
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and len(res.stderr.strip().splitlines()) == 1
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["adir", "in.jsonl"]


def test_a_proc_file_is_refused(tmp_path):
    src = _src(tmp_path)
    res = runner.invoke(app, ["export", *PLAIN, str(src), "--stats", "/proc/version"])
    assert res.exit_code == 2 and "Traceback" not in res.output


@pytest.mark.parametrize("name", ["out.csv", "out.tsv", "out.xlsx", "out.csv.gz",
                                  # compressions newscli does not write: they were plain JSONL under that name
                                  "out.jsonl.lz4", "out.jsonl.br", "out.jsonl.Z", "out.jsonl.gzip", "out.jsonl.zstd"])
def test_an_extension_newscli_cannot_write_is_a_usage_error(tmp_path, name):
    src = _src(tmp_path)
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(tmp_path / name)])
    assert res.exit_code == 2 and "cannot write" in res.stderr and not (tmp_path / name).exists()


def test_a_side_output_with_a_compression_newscli_does_not_write_is_a_usage_error(tmp_path):
    src = _src(tmp_path)
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(tmp_path / "o.jsonl"), "--stats", str(tmp_path / "s.json.lz4")])
    assert res.exit_code == 2 and ".lz4" in res.stderr and not (tmp_path / "o.jsonl").exists()


# ------------------------------------------------------------------ outputs never over inputs, '-' once

def test_output_over_standard_input_is_refused(tmp_path):
    """`-o s.jsonl < s.jsonl` overwrote the input."""
    src = _src(tmp_path)
    before = src.read_bytes()
    with open(src, "rb") as fh:
        res = _sub(["export", *PLAIN, "-o", str(src)], stdin=fh)
    assert res.returncode == 2 and b"standard input" in res.stderr and src.read_bytes() == before


def test_output_over_files_from_or_boilerplate_is_refused(tmp_path):
    """`--files-from list.txt -o list.txt` and `--boilerplate bp.txt -o bp.txt` overwrote them."""
    src = _src(tmp_path)
    listing = tmp_path / "list.txt"
    listing.write_text(f"{src}\n")
    res = runner.invoke(app, ["export", *PLAIN, "--files-from", str(listing), "-o", str(listing)])
    assert res.exit_code == 2 and "refusing" in res.stderr and listing.read_text() == f"{src}\n"
    bp = tmp_path / "bp.txt"
    bp.write_text("اقرأ أيضا\n")
    for cmd in (["export", "--no-dates", "--no-dedupe"], ["clean"]):
        res = runner.invoke(app, [*cmd, str(src), "--boilerplate", str(bp), "-o", str(bp)])
        assert res.exit_code == 2 and "refusing" in res.stderr and bp.read_text() == "اقرأ أيضا\n"


def test_dash_is_standard_output_and_only_once(tmp_path):
    """--rejects -, --stats - and --clusters - wrote a file literally named '-', overwriting one another."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(RECORDS[:2]) + b"{broken\n")
    out = tmp_path / "o.jsonl"
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(out), "--rejects", "-"], catch_exceptions=False)
    assert res.exit_code == 1 and _lines(res.stdout_bytes)[0]["raw"] == "{broken"
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(out), "--stats", "-"])
    assert orjson.loads(res.stdout_bytes)["read"] == 3
    res = runner.invoke(app, ["dedupe", str(_src(tmp_path, DUPS, "d.jsonl")), "-o", str(out), "--clusters", "-"])
    assert res.exit_code == 0 and len(_lines(res.stdout_bytes)) == 3
    for extra in (["--rejects", "-", "--stats", "-"], ["--clusters", "-"], ["--stats", "-"]):
        res = runner.invoke(app, ["dedupe", str(src), *extra])
        assert res.exit_code == 2 and "standard output" in res.stderr
    assert not (Path.cwd() / "-").exists() and not (tmp_path / "-").exists()


# ------------------------------------------------------------------ shards

def test_an_input_named_like_a_shard_is_refused(tmp_path):
    """`export out-00000.jsonl -o out.jsonl --shard-size 1000` replaced the input."""
    src = _src(tmp_path, name="out-00000.jsonl")
    before = src.read_bytes()
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(tmp_path / "out.jsonl"), "--shard-size", "1000"])
    assert res.exit_code == 2 and "refusing" in res.stderr and src.read_bytes() == before


def test_stale_shards_of_an_earlier_longer_run_are_removed(tmp_path):
    """Shards of an earlier, longer run were left, so out-* mixed two runs."""
    src = _src(tmp_path)
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(out), "--shard-size", "1"]).exit_code == 0
    assert len(list(tmp_path.glob("out-*.jsonl"))) == 6
    assert runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(out), "--shard-size", "4"]).exit_code == 0
    assert sorted(p.name for p in tmp_path.glob("out-*.jsonl")) == ["out-00000.jsonl", "out-00001.jsonl"]


def test_shards_are_written_one_open_file_at_a_time(tmp_path):
    """Every shard stayed open: 1,500 shards hit 'Too many open files'."""
    src = _src(tmp_path, [dict(r, id=f"n{i}") for i, r in enumerate(RECORDS * 50)])  # 300 records
    env = dict(os.environ, PYTHONPATH=PKG_ROOT)

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    res = subprocess.run([sys.executable, "-m", "newscli", "export", *PLAIN, str(src), "-o", str(tmp_path / "o.jsonl.zst"),
                          "--shard-size", "1"], env=env, capture_output=True, timeout=120, preexec_fn=limit)
    assert res.returncode == 0, res.stderr
    assert len(list(tmp_path.glob("o-*.jsonl.zst"))) == 300


def test_finished_shards_release_their_memory(tmp_path):
    """1,000 .zst shards peaked at 1.16 GB: each finished shard kept its compressor and buffers."""
    src = _src(tmp_path, [dict(r, id=f"n{i}") for i, r in enumerate(RECORDS * 100)])  # 600 records
    probe = ("import os, resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    env = dict(os.environ, PYTHONPATH=PKG_ROOT)
    res = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "newscli", "export", *PLAIN, str(src),
                          "-o", str(tmp_path / "o.jsonl.zst"), "--shard-size", "1"], env=env, capture_output=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    peak_mb = int(res.stdout) / 1024
    assert len(list(tmp_path.glob("o-*.jsonl.zst"))) == 600
    assert peak_mb < 250, peak_mb  # about 40 MB; ~0.85 MB more per shard when every shard was kept


def test_hidden_output_shard_names(tmp_path):
    """`-o .hidden.jsonl` gave `-00000.hidden.jsonl`."""
    assert shard_name("/a/.hidden.jsonl", 0) == "/a/.hidden-00000.jsonl"
    assert shard_name("/a/out.jsonl.gz", 2) == "/a/out-00002.jsonl.gz" and shard_name("/a/out", 1) == "/a/out-00001"


# ------------------------------------------------------------------ interrupts and readers that leave

def _interrupt(tmp_path, cmd, sig) -> tuple[int, bytes]:
    """Start a run on a standard input that stays open, wait until it is under way, signal it."""
    env = dict(os.environ, PYTHONPATH=PKG_ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "newscli", *cmd], stdin=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, env=env, cwd=tmp_path)
    proc.stdin.write(_jsonl(RECORDS * 200))
    proc.stdin.flush()
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".out.jsonl") for p in tmp_path.iterdir()):
        time.sleep(0.05)  # the temporary output exists: the run is under way
    proc.send_signal(sig)
    try:
        proc.wait(timeout=60)  # standard input is still open: the run cannot end by itself
    finally:
        proc.stdin.close()
    return proc.returncode, proc.stderr.read()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_leaves_no_output_of_any_kind(tmp_path, sig):
    code, err = _interrupt(tmp_path, ["export", *PLAIN, "-o", "out.jsonl", "--rejects", "rej.jsonl",
                                      "--stats", "stats.json", "--shard-size", "50"], sig)
    assert code == 130 and b"interrupted" in err and b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_reader_leaving_during_a_big_record_ends_quietly(tmp_path):
    src = _src(tmp_path, [{"id": str(i), "text": BODY * 2000} for i in range(3)])  # ~400 KB per record
    env = dict(os.environ, PYTHONPATH=PKG_ROOT)
    res = subprocess.run(f'"{sys.executable}" -m newscli export {" ".join(PLAIN)} "{src}" | head -c 1000 > /dev/null; '
                         'echo "${PIPESTATUS[0]}" >&2', shell=True, executable="/bin/bash", env=env,
                         capture_output=True, timeout=120)
    assert res.stderr.strip().splitlines()[-1] == b"0"
    assert b"read " not in res.stderr and b"Traceback" not in res.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["schema"], ["stats", "SRC"], ["export", "SRC"]])
def test_a_full_standard_output_is_one_line_and_exit_1(tmp_path, args):
    """`newscli schema > /dev/full` and `newscli stats x > /dev/full` ended in a traceback."""
    src = _src(tmp_path)
    with open("/dev/full", "wb") as full:
        res = subprocess.run([sys.executable, "-m", "newscli", *[str(src) if a == "SRC" else a for a in args]],
                             stdout=full, stderr=subprocess.PIPE, timeout=120, env=dict(os.environ, PYTHONPATH=PKG_ROOT))
    lines = res.stderr.decode().strip().splitlines()
    assert res.returncode == 1 and b"Traceback" not in res.stderr
    assert any("No space left on device" in ln for ln in lines) and len(lines) <= 2


def test_a_reader_that_goes_away_says_which_side_outputs_were_not_written(tmp_path):
    """`newscli dedupe big --stats s.json | head -1` exited 0 and left no s.json, silently."""
    src = tmp_path / "many.jsonl"
    src.write_bytes(b"".join(orjson.dumps({"id": f"m{i}", "text": f"خبر رقم {i} عن افتتاح مدرسة في طرابلس بحضور {i} من الأهالي"})
                             + b"\n" for i in range(3000)))
    cmd = (f'"{sys.executable}" -m newscli dedupe "{src}" --stats "{tmp_path}/s.json" --clusters "{tmp_path}/c.jsonl" '
           f'| head -1 > /dev/null; exit ${{PIPESTATUS[0]}}')
    res = subprocess.run(["bash", "-c", cmd], capture_output=True, timeout=120, env=dict(os.environ, PYTHONPATH=PKG_ROOT))
    assert res.returncode == 0 and b"Traceback" not in res.stderr
    assert "not written: the stats file, the clusters file" in res.stderr.decode()
    assert not (tmp_path / "s.json").exists() and not (tmp_path / "c.jsonl").exists()


@pytest.mark.parametrize("extra", [["--emit", "removed"], ["--clusters", "CL"], ["--kept-apart", "CL"]])
def test_dedupe_options_with_no_dedupe_are_a_usage_error(tmp_path, extra):
    """`export --no-dedupe --emit removed --clusters c.jsonl` wrote every record and an empty clusters file."""
    src = _src(tmp_path)
    extra = [str(tmp_path / "c.jsonl") if a == "CL" else a for a in extra]
    res = runner.invoke(app, ["export", *PLAIN, "--no-dedupe", str(src), "-o", str(tmp_path / "o.jsonl"), *extra])
    assert res.exit_code == 2 and "--no-dedupe" in res.stderr and extra[0] in res.stderr
    assert not (tmp_path / "o.jsonl").exists() and not (tmp_path / "c.jsonl").exists()
