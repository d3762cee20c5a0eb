"""The shared plumbing through the CLI: CliRunner for most cases, real subprocesses for pipes and signals."""

import gzip
import os
import signal
import subprocess
import sys
import time

import orjson
from typer.testing import CliRunner

from newscli.cli import app
from _support import REPO, run_cli

runner = CliRunner()
PLAIN = ["--no-clean", "--no-dates", "--no-dedupe"]
GOOD = [{"id": f"n{i}", "text": f"خبر رقم {i}: أعلنت الوزارة في طرابلس عن مشروع جديد."} for i in range(5)]


def _jsonl(records) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def _lines(data: bytes) -> list[dict]:
    return [orjson.loads(x) for x in data.split(b"\n") if x]


def test_export_jsonl_file_to_output(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD))
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    recs = _lines(out.read_bytes())
    assert [r["id"] for r in recs] == [r["id"] for r in GOOD]
    assert "read 5; written 5; rejected 0" in res.stderr


def test_output_is_unescaped_utf8_and_newline_terminated(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD[:1]))
    res = runner.invoke(app, ["export", *PLAIN, str(src)])
    assert res.stdout_bytes.endswith(b"\n") and "خبر رقم 0".encode() in res.stdout_bytes


def test_stdin_jsonl_and_plain_text():
    res = runner.invoke(app, ["export", *PLAIN], input=_jsonl(GOOD[:2]))
    assert [r["id"] for r in _lines(res.stdout_bytes)] == ["n0", "n1"]
    res = runner.invoke(app, ["export", *PLAIN, "-"], input="رياضة\n\nفوز المنتخب\n".encode())
    (rec,) = _lines(res.stdout_bytes)
    assert rec["source"] == "<stdin>" and rec["text"].startswith("رياضة")


def test_bad_input_messages_exit_code_and_accounting(tmp_path):
    src = tmp_path / "mixed.jsonl"
    src.write_bytes(_jsonl(GOOD[:2]) + b"{broken\n" + b'"just a string"\n' + b'{"text": 3}\n' + b'{"text": ""}\n'
                    + b"\xff\n" + _jsonl(GOOD[2:3]))
    rejects = tmp_path / "rejects.jsonl"
    res = runner.invoke(app, ["export", *PLAIN, str(src), "--rejects", str(rejects)])
    assert res.exit_code == 1
    errors = [line for line in res.stderr.splitlines() if "mixed.jsonl:" in line]
    assert [e.split(": ", 2)[1] for e in errors] == [f"{src}:{n}" for n in (3, 4, 5, 6, 7)]
    assert "read 8; written 3; rejected 5" in res.stderr
    rej = _lines(rejects.read_bytes())
    assert [r["line"] for r in rej] == [3, 4, 5, 6, 7]
    assert set(rej[0]) == {"source", "line", "error", "raw", "reason"} and rej[0]["raw"] == "{broken"
    assert {r["reason"] for r in rej} == {"error"}
    assert "Traceback" not in res.output


def test_strict_stops_and_leaves_no_output(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD[:2]) + b"nope\n" + _jsonl(GOOD[2:]))
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(out), "--strict"])
    assert res.exit_code == 1 and not out.exists()
    assert f"{src}:3: invalid JSON" in res.stderr and os.listdir(tmp_path) == ["in.jsonl"]


def test_a_missing_input_is_a_usage_error_before_any_output(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD[:1]))
    out = tmp_path / "out.jsonl"
    for cmd in (["export", *PLAIN], ["clean"], ["dates"], ["dedupe"], ["stats"]):
        args = [*cmd, str(tmp_path / "nope.txt"), str(src)] + (["-o", str(out)] if cmd[0] != "stats" else [])
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "nope.txt: no such file or directory" in res.stderr, cmd
        assert res.stdout_bytes == b"" and not out.exists()


def test_usage_errors_exit_2(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD[:1]))
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(src)])
    assert res.exit_code == 2 and "refusing to write the output" in res.stderr
    assert runner.invoke(app, ["export", "--no-such-option"]).exit_code == 2
    assert runner.invoke(app, ["export", "-j", "-1", str(src)]).exit_code == 2
    res = runner.invoke(app, ["export", *PLAIN, str(src), "--shard-size", "2"])
    assert res.exit_code == 2 and "--shard-size needs" in res.stderr
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(tmp_path / "o"), "--rejects", str(tmp_path / "o")])
    assert res.exit_code == 2 and "are the same file" in res.stderr


def test_quiet_fields_and_shards(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD))
    res = runner.invoke(app, ["-q", "export", *PLAIN, str(src), "--fields", "id,text"])
    assert res.stderr == "" and list(_lines(res.stdout_bytes)[0]) == ["id", "text"]
    res = runner.invoke(app, ["export", *PLAIN, str(src), "-o", str(tmp_path / "o.jsonl.gz"), "--shard-size", "2"])
    assert res.exit_code == 0
    shards = sorted(p.name for p in tmp_path.glob("o-*.jsonl.gz"))
    assert shards == ["o-00000.jsonl.gz", "o-00001.jsonl.gz", "o-00002.jsonl.gz"]
    assert len(_lines(gzip.decompress((tmp_path / "o-00002.jsonl.gz").read_bytes()))) == 1


def test_stats_file(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(_jsonl(GOOD) + b"bad\n")
    stats = tmp_path / "stats.json"
    res = runner.invoke(app, ["export", *PLAIN, str(src), "--stats", str(stats)])
    assert res.exit_code == 1
    data = orjson.loads(stats.read_bytes())
    assert data["read"] == 6 and data["written"] == 5 and data["rejected"] == 1 and data["accounting_closes"]


def test_version_and_schema():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout.startswith("newscli ") and "orjson" in res.stdout
    res = runner.invoke(app, ["schema"])
    schema = orjson.loads(res.stdout_bytes)
    assert "dup" in schema["properties"] and schema["required"][0] == "id"


# ---------------------------------------------------------------- real processes

def test_pipe_into_head_ends_quietly(tmp_path):
    src = tmp_path / "big.jsonl"
    src.write_bytes(_jsonl(GOOD * 4000))
    proc = subprocess.run(f'"{sys.executable}" -m newscli export {" ".join(PLAIN)} "{src}" | head -1',
                          shell=True, capture_output=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert len(proc.stdout.splitlines()) == 1
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr


def test_shell_pipeline_with_compressed_input(tmp_path):
    src = tmp_path / "in.jsonl.gz"
    src.write_bytes(gzip.compress(_jsonl(GOOD)))
    proc = subprocess.run(f'cat "{src}" | "{sys.executable}" -m newscli -q export {" ".join(PLAIN)} --fields id | wc -l',
                          shell=True, capture_output=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert proc.stdout.strip() == b"5" and proc.stderr == b""


def test_sigint_leaves_no_partial_file_and_exits_130(tmp_path):
    out = tmp_path / "out.jsonl"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "newscli", "export", *PLAIN, "-o", str(out)],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdin.write(_jsonl(GOOD * 200))
    proc.stdin.flush()
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".out.jsonl") for p in tmp_path.iterdir()):
        time.sleep(0.05)  # wait until the temporary output exists: the run is under way
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert b"interrupted" in err and b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_python_dash_m_and_help():
    res = run_cli("--help")
    assert res.returncode == 0 and b"export" in res.stdout


def test_empty_standard_input_is_no_record_but_an_empty_file_is_a_reject(tmp_path):
    res = runner.invoke(app, ["export", *PLAIN], input=b"")
    assert res.exit_code == 0 and res.stdout_bytes == b"" and "read 0; written 0; rejected 0" in res.stderr
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    res = runner.invoke(app, ["export", *PLAIN, str(empty)])
    assert res.exit_code == 1 and f"{empty}:1: empty article" in res.stderr
