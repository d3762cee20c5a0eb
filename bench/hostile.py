"""The hostile battery: every step and every subcommand on every hostile input, time and peak memory.

    python bench/hostile.py                      # steps and subcommands at 1 MB
    python bench/hostile.py --scale 1 2 4 8      # linearity: the steps at 1, 2, 4 and 8 MB
    python bench/hostile.py --only marks,zst --what commands
    python bench/hostile.py --big                # also the one 60 MB word (slow: one run per command)

Inputs (each built here from our own strings, N MB of UTF-8):
  marks      one alef, then U+064B-U+0652 repeated (a run of combining marks)
  digits     "9" repeated;  slashes: "1/" repeated;  months: "8 يناير " repeated
  soup       date soup: numbers, slashes, month names, هـ and م, Hijri months, shuffled
  dateline   a line made only of dates, each different: day month year in five month systems,
             d/m/yyyy, day ranges, Hijri years (about 30,000 dates per MB)
  bidi       letters with LRM/RLM/RLE/PDF/isolates between every letter
  tatweel    "بـــ" and bare tatweel runs;  presform: Arabic presentation forms B
  word       one word of N MB (no space);  lines: one article of 100k short lines
  records    100k short JSONL records;  lowvar: records from a 40-word vocabulary
  zst / gz   repetitive JSONL (N MB decompressed), compressed ~1000:1
  --big      one 60 MB word through every command, and 55 MB of repetitive JSONL as a few-KB .zst
             and as .gz (the issue's 4.6 KB .zst), read step

Each input is one JSONL record (except `records`, `lowvar`, `zst`, `gz`). Steps run in this process
(normalize, clean, dates, dedupe prepare+cluster, the JSONL reader); subcommands run as
`python -m newscli CMD FILE -o /dev/null` in a child process, whose peak RSS is read with
getrusage. The baseline in the same run is `plain`: the same size of ordinary Arabic news prose.
Times are CPU seconds (user+system) of the child, because the machine is shared and wall-clock
time there measures the other jobs; each figure is followed by its ratio to `plain` of the same
size and kind in the same run. A step or command taking more than --limit seconds of wall-clock
time is stopped (shown as >limit; the default, 300 s, is meant never to be reached).
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20
PROSE = ("أعلنت وزارة الاقتصاد في طرابلس يوم الأحد عن خطة جديدة لدعم أسعار السلع الأساسية في الأسواق المحلية، "
         "وقال المتحدث باسم الوزارة إن الخطة تشمل المواد الغذائية والوقود اعتباراً من الشهر المقبل. ")
VOCAB = ("قال أعلن الوزير الحكومة اليوم أمس في من إلى على عن مع بعد قبل خلال الأسواق السلع الخطة الدعم المحلية "
         "المتحدث الشهر المقبل المواد الغذائية الوقود طرابلس بنغازي مصراتة سبها الأحد الاثنين الثلاثاء الأربعاء "
         "الخميس الجمعة السبت وزارة الاقتصاد").split()
MONTHS = ["يناير", "آي النار", "كانون الثاني", "رمضان", "ذو الحجة", "فبراير", "هانيبال", "تموز", "شوال"]


def _fill(unit: str, size: int) -> str:
    n = max(1, size // len(unit.encode()))
    return unit * n


def _soup(size: int, rng: random.Random) -> str:
    parts, total = [], 0
    while total < size:
        p = rng.choice([str(rng.randint(0, 40)), "/", "-", ".", rng.choice(MONTHS), "هـ", "م", str(rng.randint(1, 2100)),
                        " ", "٢٠٢٠", "١٤٤٥", "،"])
        parts.append(p)
        total += len(p.encode())
    return "".join(parts)


def _dateline(size: int, rng: random.Random) -> str:
    parts, total = [], 0
    while total < size:
        m = rng.choice(MONTHS)
        p = rng.choice([f"{rng.randint(1, 31)} {m} {rng.randint(1990, 2030)}",
                        f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(1990, 2030)}",
                        f"{rng.randint(1, 28)}-{rng.randint(1, 28)} {m}", f"{rng.randint(1400, 1450)}هـ", "،"])
        parts.append(p + " ")
        total += len(p.encode()) + 1
    return "".join(parts)


def _bidi(size: int) -> str:
    unit = "".join(c + ctl for c, ctl in zip("الخبر", ["\u200e", "\u200f", "\u202b", "\u202c", "\u2067"])) + "\u2069 "
    return _fill(unit, size)


def _presform(size: int) -> str:
    unit = "".join(chr(c) for c in range(0xFE8D, 0xFEF5)) + " "
    return _fill(unit, size)


def record_line(text: str, i: int = 0) -> bytes:
    return orjson.dumps({"id": f"h{i}", "text": text}) + b"\n"


def build(name: str, size: int, tmp: Path) -> Path:
    """Write hostile input `name` of about `size` bytes (decompressed) and return its path."""
    rng = random.Random(7)
    single = {
        "plain": lambda: _fill(PROSE, size),
        "marks": lambda: "ا" + _fill("".join(chr(c) for c in range(0x064B, 0x0653)), size),
        "digits": lambda: "9" * size,
        "slashes": lambda: "1/" * (size // 2),
        "months": lambda: _fill("8 يناير ", size),
        "soup": lambda: _soup(size, rng),
        "dateline": lambda: _dateline(size, rng),
        "bidi": lambda: _bidi(size),
        "tatweel": lambda: _fill("بـــ ـــ ", size),
        "presform": lambda: _presform(size),
        "word": lambda: _fill("كلمة", size),
        "lines": lambda: _fill("سطر قصير\n", size),
    }
    path = tmp / f"{name}-{size}.jsonl"
    if name in single:
        path.write_bytes(record_line(single[name]()))
    elif name == "records":
        n = size // 40
        path.write_bytes(b"".join(record_line(f"خبر قصير رقم {i}", i) for i in range(n)))
    elif name == "lowvar":
        out, total, i = [], 0, 0
        while total < size:
            line = record_line(" ".join(rng.choice(VOCAB) for _ in range(60)), i)
            out.append(line)
            total += len(line)
            i += 1
        path.write_bytes(b"".join(out))
    elif name in ("zst", "gz"):
        line = record_line(_fill(PROSE, 400))
        data = line * max(1, size // len(line))
        if name == "gz":
            path = tmp / f"{name}-{size}.jsonl.gz"
            path.write_bytes(gzip.compress(data, 9))
        else:
            import zstandard

            path = tmp / f"{name}-{size}.jsonl.zst"
            path.write_bytes(zstandard.ZstdCompressor(level=19).compress(data))
    else:
        raise SystemExit(f"unknown input {name}")
    return path


INPUTS = ["plain", "marks", "digits", "slashes", "months", "soup", "dateline", "bidi", "tatweel", "presform", "word", "lines",
          "records", "lowvar", "zst", "gz"]
COMMANDS = [["export"], ["clean"], ["dates"], ["dedupe"], ["stats", "--json"]]

# --------------------------------------------------------------------------- steps, in a child


def _step_child(step: str, path: str) -> None:
    """Run one step over every record of `path` (called in a fresh process, prints secs and MB)."""
    from newscli.io import Reject, read_inputs

    t0 = time.process_time()
    recs = [r for r in read_inputs([path]) if not isinstance(r, Reject)]
    t_read = time.process_time() - t0
    t0 = time.process_time()
    if step == "read":
        took = t_read
    else:
        if step == "normalize":
            from newscli.normalize import normalize

            for r in recs:
                normalize(r["text"])
        elif step == "clean":
            from newscli.clean import CleanOptions, clean_record

            opts = CleanOptions(folds=("search",))
            for r in recs:
                clean_record(r, opts)
        elif step == "dates":
            from newscli.dates import DatesOptions, date_record

            for r in recs:
                date_record(r, DatesOptions())
        elif step == "dedupe":
            from newscli.dedupe import DedupeOptions
            from newscli.pipeline import run

            run(recs, steps=[], on_record=lambda r: None, on_reject=lambda r: None,
                dedupe_options=DedupeOptions(emit="all"))
        took = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{took:.3f} {rss:.0f}")


STEPS = ["read", "normalize", "clean", "dates", "dedupe"]


def _run(argv: list[str], limit: float) -> subprocess.CompletedProcess | None:
    """Run argv in its own process group; None when it ran over `limit` (the whole group is
    killed then: a command run under a wrapper must not outlive it)."""
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, text=True,
                          start_new_session=True) as proc:
        try:
            out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return None
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def run_step(step: str, path: Path, limit: float) -> tuple[float | None, float | None, str]:
    argv = [sys.executable, __file__, "--child-step", step, str(path)]
    t0 = time.perf_counter()
    res = _run(argv, limit)
    if res is None:
        return None, None, f">{limit:g}s"
    if res.returncode != 0:
        return time.perf_counter() - t0, None, "ERROR " + (res.stderr.strip().splitlines() or ["?"])[-1][:160]
    secs, rss = res.stdout.split()
    return float(secs), float(rss), ""


def run_command(cmd: list[str], path: Path, limit: float) -> tuple[float | None, float | None, str]:
    # RUSAGE_CHILDREN is a maximum over all children so far: measure each in its own grandchild
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);w=u.ru_utime+u.ru_stime;"
            "m=u.ru_maxrss/1024;"
            "sys.stderr.buffer.write(r.stderr[-2000:]);print(f'{w:.3f} {m:.0f} {r.returncode}')")
    argv = [sys.executable, "-c", code, sys.executable, "-m", "newscli", "-q", *cmd, str(path)]
    res = _run(argv, limit)
    if res is None:
        return None, None, f">{limit:g}s"
    try:
        secs, rss, rc = res.stdout.split()
    except ValueError:
        return None, None, "ERROR " + res.stderr[-160:]
    note = "" if rc in ("0", "1") else f"exit {rc}"
    if "Traceback" in res.stderr:
        note = "TRACEBACK " + res.stderr.strip().splitlines()[-1][:160]
    return float(secs), float(rss), note


def _fmt(secs: float | None, rss: float | None, note: str, plain: float | None = None) -> str:
    if secs is None:
        return f"{note:>16}"
    ratio = f" {secs / plain:4.1f}x" if plain else ""
    return f"{secs:6.2f}s{ratio} {rss or 0:4.0f}MB" + (f" {note}" if note else "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, nargs="*", default=[1.0], help="sizes in MB")
    ap.add_argument("--only", default="", help="comma-separated input names")
    ap.add_argument("--what", choices=["steps", "commands", "both"], default="both")
    ap.add_argument("--limit", type=float, default=300.0, help="wall-clock seconds before a run is stopped")
    ap.add_argument("--big", action="store_true", help="also one 60 MB word through every command")
    ap.add_argument("--steps", default=",".join(STEPS), help="comma-separated steps to run")
    ap.add_argument("--child-step", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_step:
        _child_step(*args.child_step)
        return
    names = [n for n in (args.only.split(",") if args.only else INPUTS) if n]
    if "plain" not in names:
        names.insert(0, "plain")
    print(f"# python {sys.version.split()[0]}, {os.cpu_count()} cores; CPU seconds and peak RSS (MB) per run")
    plain: dict = {}  # (size, step or command) -> CPU seconds of `plain` in this run (the baseline)
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        empty = tmpd / "empty.jsonl"
        empty.write_bytes(record_line("خبر"))
        if args.what in ("commands", "both"):
            start = {" ".join(c): run_command(c, empty, args.limit) for c in COMMANDS}
            print("# start-up (one tiny record): " + ", ".join(f"{k} {_fmt(*v).strip()}" for k, v in start.items()))
        for size_mb in args.scale:
            size = int(size_mb * MB)
            for name in names:
                path = build(name, size, tmpd)
                row = [f"{name:9} {size_mb:4g}MB"]
                if args.what in ("steps", "both"):
                    row.append("steps:")
                    for step in args.steps.split(","):
                        got = run_step(step, path, args.limit)
                        if name == "plain":
                            plain[(size_mb, "step", step)] = got[0]
                        row.append(f"{step}={_fmt(*got, plain.get((size_mb, 'step', step)))}")
                if args.what in ("commands", "both"):
                    row.append("commands:")
                    for cmd in COMMANDS:
                        got = run_command(cmd, path, args.limit)
                        if name == "plain":
                            plain[(size_mb, "cmd", cmd[0])] = got[0]
                        row.append(f"{cmd[0]}={_fmt(*got, plain.get((size_mb, 'cmd', cmd[0])))}")
                print(" | ".join(row), flush=True)
                path.unlink()
        if args.big:
            for name in ("zst", "gz"):
                path = build(name, 55 * MB, tmpd)
                print(f"{name} 55MB decompressed ({path.stat().st_size:,} bytes on disk) read: "
                      f"{_fmt(*run_step('read', path, max(args.limit, 120)))}", flush=True)
            path = tmpd / "word60.jsonl"
            path.write_bytes(record_line("كلمة" * (60 * MB // 8)))
            for step in args.steps.split(","):
                print(f"word 60MB step {step}: {_fmt(*run_step(step, path, max(args.limit, 300)))}", flush=True)
            for cmd in COMMANDS:
                print(f"word 60MB {cmd[0]}: {_fmt(*run_command(cmd, path, max(args.limit, 300)))}", flush=True)


def _child_step(step: str, path: str) -> None:
    sys.path.insert(0, str(ROOT))
    _step_child(step, path)


if __name__ == "__main__":
    main()
