"""Whole-process timing and peak memory for the bench scripts (no third-party tools needed)."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

# the four JSONL corpora in ../shared/corpora that the benchmarks read (never shipped)
SHARED_CORPORA = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora"
JSONL_CORPORA = [
    "ant_multisource_2018/ant_multisource_2018.jsonl.gz",
    "saudinewsnet/saudinewsnet.jsonl.gz",
    "ant_jawharafm_tunisia/ant_jawharafm_v1_1.jsonl.gz",
    "egypt_news_credibility_2013_week/egypt_news_2013-03-20_to_26.jsonl.gz",
]


def run(cmd: list[str], stdin: str | None = None) -> tuple[float, float, int]:
    """Run cmd once: (wall seconds, user+sys CPU seconds, peak RSS in MiB of the largest process)."""
    t0 = time.perf_counter()
    with open(stdin or os.devnull, "rb") as fin:
        proc = subprocess.Popen(cmd, stdin=fin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with {code}:\n{err[-2000:]}")
    # ru_maxrss of RUSAGE of the child is in KiB on Linux; worker processes are children of the child
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def interleaved(commands: dict[str, list[str]], runs: int, warmup: int = 1) -> dict[str, list[tuple[float, float, int]]]:
    """Run every command in turn (A B C A B C ...) so drift on a noisy machine hits all alike."""
    results: dict[str, list] = {name: [] for name in commands}
    for i in range(warmup + runs):
        for name, cmd in commands.items():
            r = run(cmd)
            if i >= warmup:
                results[name].append(r)
    return results


def median(values):
    return statistics.median(values)


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({model}), Python {platform.python_version()}"
