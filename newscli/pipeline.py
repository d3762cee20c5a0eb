"""Running records through the steps: per-record work (optionally in worker processes), then
dedupe, with the accounting that proves nothing was lost.

Per-record steps run over chunks of records; with jobs > 1 the chunks go to worker processes and
come back in input order, so the output is the same for every number of workers. A step that raises
on a record turns that record into a Reject (nothing is lost, the run goes on).
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from newscli.io import RawLine, Reject, parse_line

Step = Callable[[dict], dict]
CHUNK_RECORDS = 200


@dataclass
class Summary:
    """What a run did. The accounting closes: read = written + dropped + rejected."""

    read: int = 0
    written: int = 0
    rejected: int = 0
    dropped: int = 0  # held back by dedupe's --emit (duplicates with the default `kept`)
    removed_lines: int = 0
    dates: Counter = field(default_factory=Counter)
    clusters: int = 0
    duplicates: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    interrupted: bool = False
    outputs: list[str] = field(default_factory=list)

    @property
    def closes(self) -> bool:
        return self.read == self.written + self.dropped + self.rejected

    def as_dict(self) -> dict:
        return {
            "read": self.read, "written": self.written, "rejected": self.rejected,
            "dropped_duplicates": self.dropped, "accounting_closes": self.closes,
            "lines_removed": self.removed_lines,
            "dates_found": sum(self.dates.values()), "dates_by_system": dict(sorted(self.dates.items())),
            "duplicate_clusters": self.clusters, "duplicates": self.duplicates,
            "exact_duplicates": self.exact_duplicates, "near_duplicates": self.near_duplicates,
            "interrupted": self.interrupted, "outputs": self.outputs,
        }

    def line(self) -> str:
        parts = [f"read {self.read}", f"written {self.written}", f"rejected {self.rejected}"]
        if self.dropped or self.duplicates:
            parts.append(f"duplicates dropped {self.dropped} ({self.clusters} clusters)")
        if self.removed_lines:
            parts.append(f"lines removed {self.removed_lines}")
        if self.dates:
            by = ", ".join(f"{k} {v}" for k, v in sorted(self.dates.items(), key=lambda kv: (-kv[1], kv[0])))
            parts.append(f"dates {sum(self.dates.values())} ({by})")
        if not self.closes:  # never expected: say so loudly rather than hide a lost record
            parts.append(f"ACCOUNTING DOES NOT CLOSE ({self.read} read != {self.written} + {self.dropped} + {self.rejected})")
        return "; ".join(parts)


def _reject_for(record: dict, exc: BaseException, where: tuple[str, int] | None) -> Reject:
    """A Reject for a record a step failed on. `where` is (input name, line) when the record came
    from a JSONL line (RawLine); otherwise the record's `source` with no line number."""
    source, line = where if where is not None else (str(record.get("source", "?")), 0)
    if isinstance(exc, ValueError):
        error, detail = str(exc), None
    else:
        error = f"internal error: {type(exc).__name__}: {exc}"
        detail = "".join(traceback.format_exception(exc))
    try:
        import orjson

        raw = orjson.dumps(record, default=str).decode()
    except Exception:  # pragma: no cover - a record is always JSON-able
        raw = None
    return Reject(source, line, error, raw, detail)


@dataclass
class ChunkCounts:
    """What the summary needs to know of a chunk's records, counted where the records are."""

    removed_lines: int = 0
    dates: Counter = field(default_factory=Counter)


def apply_steps(items: list, steps: list[Step], dedupe_options: Any = None,
                pack: bool = False) -> tuple[list, Any, ChunkCounts]:
    """Run the steps over one chunk. Returns (records and Rejects in order, dedupe signatures,
    counts). With pack=True (in a worker, before dedupe) records come back already serialized as
    newscli.dedupe.Packed, so the clustering process does not serialize them again."""
    out: list = []
    for item in items:
        where = None
        if isinstance(item, RawLine):
            where = (item.name, item.lineno)  # the line number travels as a field, not inside `source`
            item = parse_line(item)
        if isinstance(item, Reject):
            out.append(item)
            continue
        first = item
        try:
            for step in steps:
                item = step(item)
        except Exception as exc:  # every failure is a reject, never a lost record
            out.append(_reject_for(first, exc, where))
            continue
        out.append(item)
    counts = ChunkCounts()
    for rec in out:
        if not isinstance(rec, Reject):
            counts.removed_lines += len(rec.get("removed") or ())
            for entry in rec.get("dates") or ():
                counts.dates[entry.get("system", "?")] += 1
    signed = None
    if dedupe_options is not None:
        from newscli.dedupe import Packed, prepare

        signed = prepare([r["text"] for r in out if not isinstance(r, Reject)], dedupe_options)
        if pack:
            out = [r if isinstance(r, Reject) else Packed.of(r) for r in out]
    return out, signed, counts


# worker-process state, set once per worker by the pool initializer
_W_STEPS: list[Step] = []
_W_DEDUPE: Any = None


def _init_worker(steps: list[Step], dedupe_options: Any) -> None:
    global _W_STEPS, _W_DEDUPE
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # so Pool.terminate() ends a worker at once
    _W_STEPS, _W_DEDUPE = steps, dedupe_options


def _work(items: list) -> tuple[list, Any, ChunkCounts]:
    return apply_steps(items, _W_STEPS, _W_DEDUPE, pack=True)


def chunked(items: Iterable, size: int = CHUNK_RECORDS) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _processed_chunks(items: Iterable, steps: list[Step], dedupe_options: Any, jobs: int) -> Iterator[tuple[list, Any, ChunkCounts]]:
    if jobs <= 1:
        for chunk in chunked(items):
            yield apply_steps(chunk, steps, dedupe_options)
        return
    chunks = chunked(items)
    # The first chunk runs here, before the fork: compiled scanners and lookup tables built on the
    # way are inherited by every worker instead of being built once per worker.
    first = next(chunks, None)
    if first is None:
        return
    yield apply_steps(first, steps, dedupe_options)
    from concurrent.futures import ProcessPoolExecutor

    # concurrent.futures, not multiprocessing.Pool: a worker that dies (killed, out of memory)
    # fails the run with BrokenProcessPool instead of leaving a result that never comes
    pool = ProcessPoolExecutor(jobs, mp_context=mp.get_context("fork"), initializer=_init_worker,
                               initargs=(steps, dedupe_options))
    pending: deque = deque()
    finished = False
    try:
        for chunk in chunks:
            pending.append(pool.submit(_work, chunk))
            while len(pending) > jobs * 4:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # an error, Ctrl-C, or the consumer stopped early: stop the workers now
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
            pool.shutdown(wait=True, cancel_futures=True)


class StrictStop(Exception):
    """--strict: the run stops at the first rejected record."""

    def __init__(self, reject: Reject) -> None:
        super().__init__(reject.message())
        self.reject = reject


def run(
    items: Iterable,
    *,
    steps: list[Step],
    on_record: Callable[[dict], None],
    on_reject: Callable[[Reject], None],
    dedupe_options: Any = None,
    dedupe_stats: Any = None,
    jobs: int = 1,
    strict: bool = False,
    tick: Callable[[int], None] | None = None,
    summary: Summary | None = None,
) -> Summary:
    """Read every item, run the steps, dedupe, and hand each output record to on_record."""
    summary = summary if summary is not None else Summary()

    def counted(src: Iterable) -> Iterator:
        for item in src:
            summary.read += 1
            yield item

    def records() -> Iterator[tuple[list, Any]]:
        for out, signed, counts in _processed_chunks(counted(items), steps, dedupe_options, jobs):
            recs = []
            for item in out:
                if isinstance(item, Reject):
                    summary.rejected += 1
                    on_reject(item)
                    if strict:
                        raise StrictStop(item)
                    continue
                recs.append(item)
            summary.removed_lines += counts.removed_lines
            summary.dates.update(counts.dates)
            if tick is not None:
                tick(len(out))
            yield recs, signed

    if dedupe_options is None:
        for recs, _ in records():
            for rec in recs:
                on_record(rec)
                summary.written += 1
        return summary

    from newscli.dedupe import DedupeStats, dedupe_records

    stats = dedupe_stats if dedupe_stats is not None else DedupeStats()
    entered = 0

    def entering() -> Iterator[tuple[list, Any]]:
        nonlocal entered
        for recs, signed in records():
            entered += len(recs)
            yield recs, signed

    for rec in dedupe_records(entering(), dedupe_options, stats):
        on_record(rec)
        summary.written += 1
    summary.dropped = entered - summary.written
    summary.clusters = getattr(stats, "clusters", 0)
    summary.duplicates = getattr(stats, "duplicates", 0)
    summary.exact_duplicates = getattr(stats, "exact", getattr(stats, "exact_duplicates", 0))
    summary.near_duplicates = getattr(stats, "near", getattr(stats, "near_duplicates", 0))
    return summary
