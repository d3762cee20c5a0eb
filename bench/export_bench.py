"""Throughput, memory and -j scaling of `newscli export` against the I/O floor, measured in the same run.

    python bench/export_bench.py [--runs 3] [--jobs 1,2] [--plain] [--concat] [--against REV] [INPUT ...]

Default inputs: the four JSONL corpora in ../shared/corpora (about 94k articles, 280 MB).
For each input: the floor (bench/io_floor.py: orjson read + rewrite), then `newscli export -j N` for
each N, interleaved run by run; medians of wall time, MB/s (uncompressed input bytes), records/s,
peak RSS, and the ratio of each to the floor. --plain adds the plumbing alone
(--no-clean --no-dates --no-dedupe). --against REV adds git revision REV's newscli (extracted to a
temporary directory), interleaved with this checkout's, so before and after share the machine's state.

CPU seconds are split between the main process and its worker processes (each export runs under a
small wrapper that reads its own getrusage at exit): the main process's share is what -j cannot
spread. `others` is the average number of cores that processes outside the measured command kept
busy during its runs (from /proc/stat): on a shared machine, -j 2 can only scale as far as the
cores the others leave free.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import JSONL_CORPORA as DEFAULT  # noqa: E402
from _measure import SHARED_CORPORA as CORPORA  # noqa: E402
from _measure import machine, median  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

# Runs newscli from the tree given as argv[1] (first on sys.path, so neither the working directory
# nor an installed copy is imported) and prints the CPU seconds of the main process and of its
# reaped children (the -j workers) on stderr at exit; and the main process's CPU seconds when the
# first chunk is done (start-up and the warm-up before the fork), when the last chunk is in (dedupe's
# spool closed) and at exit, found by wrapping pipeline.apply_steps and dedupe.engine._cluster.
_WRAPPER = r"""
import atexit, os, resource, runpy, sys
sys.path.insert(0, sys.argv[1])
sys.argv = ["newscli"] + sys.argv[2:]
pid = os.getpid()
marks = {}
def _cpu():
    s = resource.getrusage(resource.RUSAGE_SELF)
    return s.ru_utime + s.ru_stime
def _report():
    if os.getpid() == pid:
        c = resource.getrusage(resource.RUSAGE_CHILDREN)
        os.write(2, ("\nCPU-SPLIT %.3f %.3f %.3f %.3f\n" % (_cpu(), c.ru_utime + c.ru_stime, marks.get("first", -1),
                                                            marks.get("spooled", -1))).encode())
atexit.register(_report)
try:
    import newscli.pipeline as _pl, newscli.dedupe.engine as _eng
    _apply, _cluster = _pl.apply_steps, _eng._cluster
    def apply_steps(*a, **k):
        r = _apply(*a, **k)
        marks.setdefault("first", _cpu())
        return r
    def cluster(*a, **k):
        marks["spooled"] = _cpu()
        return _cluster(*a, **k)
    _pl.apply_steps, _eng._cluster = apply_steps, cluster
except (ImportError, AttributeError):  # another layout: the phases stay unknown
    pass
runpy.run_module("newscli", run_name="__main__", alter_sys=True)
"""


def size_and_count(path: str) -> tuple[int, int]:
    n = size = 0
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as fh:
        for line in fh:
            size += len(line)
            n += line.strip() != b""
    return size, n


def _busy_seconds() -> float:
    """CPU seconds all processes of the machine have used since boot (user, nice, system, irq, steal)."""
    with open("/proc/stat") as fh:
        f = [int(x) for x in fh.readline().split()[1:]]
    return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / os.sysconf("SC_CLK_TCK")


def run_once(cmd: list[str], cwd: str) -> dict:
    """One run: wall, CPU of the whole command (main + workers), of the main process alone when the
    wrapper reports it, peak RSS of the largest process, and the other processes' cores."""
    busy0, t0 = _busy_seconds(), time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall, busy = time.perf_counter() - t0, _busy_seconds() - busy0
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with {code}:\n{err[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    main = workers = first = spooled = None
    for line in err.splitlines():
        if line.startswith("CPU-SPLIT "):
            main, workers, first, spooled = (float(x) for x in line.split()[1:])
    serial = main - spooled + first if main is not None and first >= 0 and spooled >= 0 else None
    return {"wall": wall, "cpu": cpu, "main": main, "workers": workers, "rss": usage.ru_maxrss // 1024,
            "others": max(0.0, busy - cpu) / wall, "serial": serial}


def extract_rev(rev: str, into: str) -> str:
    """git revision REV's newscli package, extracted under `into`; returns the tree's root."""
    root = os.path.join(into, "rev-" + "".join(c for c in rev if c.isalnum()))
    os.makedirs(root)
    try:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "newscli"], check=True,
                                 capture_output=True).stdout
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"export_bench: cannot read {rev!r}: {exc.stderr.decode().strip()}") from None
    subprocess.run(["tar", "-x", "-C", root], input=archive, check=True)
    return root


def _fmt(value: float | None, spec: str) -> str:
    return format("-", ">" + spec.split(".")[0]) if value is None else format(value, spec)


def _pairwise(a: list[dict], b: list[dict]) -> float:
    return median([x["wall"] / y["wall"] for x, y in zip(a, b)])


def _bound(label: str, one: list[dict], two: list[dict]) -> None:
    """What -j 2 would give with both cores free, from CPU seconds (which the other processes of a
    shared machine move far less than wall time): -j 1's CPU over -j 2's serial part (the main
    process alone: start-up and warm-up before the fork, clustering and writing after the last
    chunk) plus half of the rest (the workers and the main process's reading while they work)."""
    if any(r["serial"] is None for r in two):
        return
    serial = median([r["serial"] for r in two])
    rest = median([r["cpu"] - r["serial"] for r in two])
    cpu1 = median([r["cpu"] for r in one])
    print(f"  {label}-j 2 serial part {serial:.2f} s of CPU, the rest {rest:.2f} s; -j 1 {cpu1:.2f} s: "
          f"with 2 free cores -j 2 would be {cpu1 / (serial + rest / 2):.2f}x -j 1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--plain", action="store_true", help="also time the plumbing alone")
    ap.add_argument("--concat", action="store_true", help="concatenate the inputs into one file first")
    ap.add_argument("--against", metavar="REV", help="also time git revision REV's newscli in the same run")
    ap.add_argument("--no-floor", action="store_true", help="leave out the orjson floor (shorter runs)")
    args = ap.parse_args()
    inputs = args.inputs or [str((CORPORA / p).resolve()) for p in DEFAULT]
    inputs = [str(Path(p).resolve()) for p in inputs]
    missing = [p for p in inputs if not os.path.exists(p)]
    if missing:
        sys.exit(f"missing inputs (is ../shared there?): {missing}")
    tmpdir = tempfile.mkdtemp()
    if args.concat:
        joined = os.path.join(tmpdir, "all.jsonl.gz")
        with open(joined, "wb") as out:
            for p in inputs:
                out.write(Path(p).read_bytes())  # gzip members concatenate
        inputs = [joined]
    trees = {"": str(REPO)}
    if args.against:
        trees = {"this ": str(REPO), f"{args.against} ": extract_rev(args.against, tmpdir)}
    py = sys.executable
    jobs = args.jobs.split(",")
    print(f"machine: {machine()}")
    print(f"runs: {args.runs} (+1 warm-up), interleaved; figures are medians")
    print(f"cpu main / workers: CPU seconds of the main process / of the -j worker processes; others: cores busy "
          f"with other processes of the machine during the runs\n")
    for path in inputs:
        size, count = size_and_count(path)
        cmds: dict[str, list[str]] = {}
        if not args.no_floor:
            cmds["floor (orjson read+write)"] = [py, str(REPO / "bench" / "io_floor.py"), path]
        for label, root in trees.items():
            newscli = [py, "-c", _WRAPPER, root, "-q", "export"]
            if args.plain:
                cmds[f"{label}export plumbing only"] = newscli + ["--no-clean", "--no-dates", "--no-dedupe", path,
                                                                   "-o", os.devnull]
            for j in jobs:
                cmds[f"{label}export -j {j}"] = newscli + ["-j", j, path, "-o", os.devnull]
        res: dict[str, list[dict]] = {name: [] for name in cmds}
        for i in range(1 + args.runs):  # A B C A B C ...: drift on a noisy machine hits all alike
            for name, cmd in cmds.items():
                r = run_once(cmd, tmpdir)
                if i:
                    res[name].append(r)
        floor = median([r["wall"] for r in res["floor (orjson read+write)"]]) if not args.no_floor else None
        print(f"{Path(path).name}: {count:,} records, {size / 1e6:.1f} MB uncompressed")
        print(f"  {'command':30} {'wall s':>7} {'MB/s':>6} {'rec/s':>7} {'RSS MiB':>7} {'x floor':>7} "
              f"{'cpu s':>6} {'main':>6} {'workers':>7} {'others':>6}")
        for name, runs in res.items():
            wall = median([r["wall"] for r in runs])
            main_cpu = [r["main"] for r in runs if r["main"] is not None]
            work_cpu = [r["workers"] for r in runs if r["workers"] is not None]
            print(f"  {name:30} {wall:7.2f} {size / 1e6 / wall:6.1f} {count / wall:7,.0f} {max(r['rss'] for r in runs):7d} "
                  f"{_fmt(wall / floor if floor else None, '7.1f')} {median([r['cpu'] for r in runs]):6.2f} "
                  f"{_fmt(median(main_cpu) if main_cpu else None, '6.2f')} "
                  f"{_fmt(median(work_cpu) if work_cpu else None, '7.2f')} {median([r['others'] for r in runs]):6.2f}")
        for label in trees:
            a, b = res.get(f"{label}export -j 1"), res.get(f"{label}export -j 2")
            if a and b:
                walls = (median([r["wall"] for r in a]) / median([r["wall"] for r in b]))
                print(f"  {label}speed-up -j 2 over -j 1: {walls:.2f}x (ratio of medians), {_pairwise(a, b):.2f}x (pairwise median)")
                _bound(label, a, b)
        if args.against:
            this, old = trees
            for j in jobs:
                print(f"  this / {args.against} at -j {j}: {_pairwise(res[f'{this}export -j {j}'], res[f'{old}export -j {j}']):.2f}x "
                      "wall (pairwise median; below 1 is faster)")
        print()
    print("rerun: python bench/export_bench.py --runs " + str(args.runs) + f" --jobs {args.jobs}"
          + (" --plain" if args.plain else "") + (" --concat" if args.concat else "")
          + (f" --against {args.against}" if args.against else "") + (" --no-floor" if args.no_floor else "")
          + ("" if not args.inputs else " " + " ".join(args.inputs)))


if __name__ == "__main__":
    main()
