"""--engine local -j N against --engine dask -j N on the shared corpora, in the same run.

Whole processes (interleaved): wall time and peak RSS of the process tree. Then one in-process Dask
run (LocalCluster with N worker processes) for what a whole-process timer cannot see: the client's
peak RSS, each worker's peak RSS, the bytes the workers sent to the client and the client to the
workers by stage, the bytes passed between tasks by stage (the shuffle of band rows, candidate
pairs, and pairs with their first record's rows), and the bytes of the output's lines the workers
wrote in parts (stage 7) for the client to copy.

    pip install '.[dask]' && python bench/engine_bench.py [--jobs 2] [--runs 1] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import JSONL_CORPORA, SHARED_CORPORA, interleaved, machine, median  # noqa: E402


def concat(target: Path, limit: int | None) -> int:
    n = 0
    with open(target, "wb") as out:
        for rel in JSONL_CORPORA:
            with gzip.open(SHARED_CORPORA / rel, "rb") as fh:
                for line in fh:
                    if limit is not None and n >= limit:
                        return n
                    out.write(line)
                    n += 1
    return n


def in_process(path: Path, jobs: int, out: Path) -> dict:
    """As the CLI runs it: each partition's lines written to a part beside the output by its worker,
    the parts copied in order into the output by the client's writer."""
    from newscli.dask_engine import DaskEngine
    from newscli.export import ExportOptions, steps_for
    from newscli.io import OutputSet, plan_outputs
    from newscli.pipeline import run

    options = ExportOptions()
    steps = steps_for(options)
    outs = OutputSet(plan_outputs([("output", str(out))], [str(path)], reads_stdin=False))
    sink = outs.sink("output")
    with DaskEngine(jobs=jobs) as engine:
        source = engine.chunks([str(path)], steps, options.dedupe, serialize=True, parts=str(out.parent),
                               parts_name=f".{out.name}")
        source.measure = True
        t0 = time.perf_counter()
        run(None, steps=steps, on_record=sink.write_lines_file, on_reject=lambda r: None,
            dedupe_options=options.dedupe, chunk_source=source)
        outs.commit()
        wall = time.perf_counter() - t0
        workers = engine.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    return {"wall": wall, "client_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "workers_mib": sorted(workers.values()), "moved": dict(source.moved), "sent": dict(source.sent),
            "shuffled": dict(source.shuffled), "written": sink.count, "parts": source.part_bytes}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--limit", type=int, default=None, help="first N records of the concatenation (default: all)")
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpora.jsonl"
        n = concat(path, args.limit)
        size = path.stat().st_size
        base = [py, "-m", "newscli", "-q", "export", str(path), "-o", str(Path(tmp) / "out.jsonl"), "-j", str(args.jobs)]
        results = interleaved({"local": base, "dask": base + ["--engine", "dask"]}, args.runs)
        detail = in_process(path, args.jobs, Path(tmp) / "in-process.jsonl")
    print(f"machine: {machine()}")
    print(f"{n} records, {size / 1e6:.0f} MB uncompressed JSONL (the four shared JSONL corpora); -j {args.jobs}; "
          f"median of {args.runs} interleaved whole-process runs after a warm-up")
    walls = {k: median([w for w, _, _ in v]) for k, v in results.items()}
    for name, rows in results.items():
        print(f"  --engine {name:<6} wall {walls[name]:7.1f} s  {n / walls[name]:7.0f} rec/s  "
              f"CPU {median([c for _, c, _ in rows]):6.1f} s  peak RSS {median([m for _, _, m in rows]):5.0f} MiB")
    print(f"  dask / local wall: {walls['dask'] / walls['local']:.2f}x")
    print(f"in-process dask run (lines written in parts by the workers, copied by the client, as the CLI does): "
          f"wall {detail['wall']:.1f} s; client peak {detail['client_mib']} MiB; workers' peaks "
          f"{detail['workers_mib']} MiB; {detail['written']} written")
    print(f"  workers -> parts on shared storage (beside the output): {detail['parts'] / 1e6:.1f} MB "
          f"({detail['parts'] / n:.0f} B/record)")
    for title, key in (("workers -> client", "moved"), ("client -> workers", "sent"),
                       ("between tasks (pickled pieces; those on the same worker do not cross the network)", "shuffled")):
        total = sum(detail[key].values())
        print(f"  {title}: {total / 1e6:.1f} MB ({total / n:.0f} B/record)")
        for stage, b in sorted(detail[key].items()):
            print(f"    stage {stage}: {b / 1e6:.2f} MB ({b / n:.1f} B/record)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
