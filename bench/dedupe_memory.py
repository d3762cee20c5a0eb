"""Traced memory (tracemalloc: Python objects + numpy buffers) of dedupe_records vs corpus size.

Peak over ingest + index + clustering, and what is still held when the first record is yielded.
RSS figures come from bench/dedupe_speed.py --growth (they include allocator retention).

    PYTHONPATH=. /work/venv/bin/python bench/dedupe_memory.py 20000 80000
"""

import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dedupe_speed as d  # noqa: E402

from newscli.dedupe import DedupeOptions, dedupe_records  # noqa: E402


def measure(n: int) -> tuple[float, float]:
    def chunks():
        buf = []
        for r in d.read(n, (n + 31029) // 31030):
            buf.append(r)
            if len(buf) == 2000:
                yield buf, None
                buf = []
        if buf:
            yield buf, None

    tracemalloc.start()
    g = dedupe_records(chunks(), DedupeOptions(emit="all"))
    next(g)
    cur, peak = tracemalloc.get_traced_memory()
    g.close()
    tracemalloc.stop()
    return cur, peak


if __name__ == "__main__":
    sizes = [int(x) for x in sys.argv[1:]] or [20000, 80000]
    res = [(n, *measure(n)) for n in sizes]
    print("docs     held MB  peak MB")
    for n, cur, peak in res:
        print(f"{n:<8} {cur / 1e6:<8.1f} {peak / 1e6:.1f}")
    for (n0, c0, p0), (n1, c1, p1) in zip(res, res[1:]):
        print(f"slope {n0}->{n1}: held {(c1 - c0) / (n1 - n0):.0f} B/doc, peak {(p1 - p0) / (n1 - n0):.0f} B/doc")
    print(f"rerun: PYTHONPATH=. /work/venv/bin/python bench/dedupe_memory.py {' '.join(map(str, sizes))}")
