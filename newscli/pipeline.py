"""Running records through the steps: per-record work (optionally in worker processes), then
dedupe, with the accounting that proves nothing was lost.

Per-record steps run over chunks of records; with jobs > 1 the chunks go to worker processes and
come back in input order, so the output is the same for every number of workers. A step that raises
on a record turns that record into a Reject (nothing is lost, the run goes on).

What stays in the main process with jobs > 1 cannot be spread over the workers, so it is kept
small: the reader hands over JSONL as blocks of whole lines (`RawBlock`: the workers split and
parse them), a few records warm up the steps' tables before the fork, and the workers return
records already serialized for dedupe's spool (`Packed`).
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import re
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

import orjson

from newscli import chars
from newscli.io import LinesFile, RawLine, Reject, parse_line
from newscli.io.jsonl import RawBlock, raw_lines, take_lines
from newscli.io.web import HTML_KEY

Step = Callable[[dict], dict]
CHUNK_RECORDS = 200
# Records run in the main process before the pool forks: enough to build the steps' compiled
# scanners and tables once (the workers inherit them), few enough that the workers wait little.
WARM_RECORDS = 8


@dataclass
class Summary:
    """What a run did. The accounting closes: read = written + dropped + empty + emptied + rejected."""

    read: int = 0
    written: int = 0
    rejected: int = 0
    dropped: int = 0  # held back by dedupe's --emit (duplicates with the default `kept`, kept copies with `removed`)
    emit: str = "kept"  # dedupe's --emit: what `dropped` held back
    empty: int = 0  # input records with an empty or blank body, skipped
    emptied: int = 0  # records that clean left without body text, skipped
    skipped: Counter = field(default_factory=Counter)  # other skips by design, by reason (not_arabic, warc_*)
    removed_lines: int = 0  # lines removed by a clean step of this run
    dates: Counter = field(default_factory=Counter)  # dates found by a dates step of this run
    clusters: int = 0
    duplicates: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    duplicates_by_similarity: dict = field(default_factory=dict)  # dedupe's DedupeStats.by_band
    kept_new_lead: int = 0  # near pairs kept apart in doubt for a new lead (DedupeStats.rejected_new_lead)
    kept_slots: int = 0  # near pairs kept apart in doubt for slots or dates (DedupeStats.rejected_by_slots)
    interrupted: bool = False
    outputs: list[str] = field(default_factory=list)

    @property
    def closes(self) -> bool:
        return self.read == self.written + self.dropped + self.empty + self.emptied + self.rejected \
            + sum(self.skipped.values())

    def as_dict(self) -> dict:
        return {
            "read": self.read, "written": self.written, "rejected": self.rejected,
            "dropped_duplicates": self.dropped, "emit": self.emit, "empty": self.empty, "emptied": self.emptied,
            "skipped": sum(self.skipped.values()), "skipped_by_reason": dict(sorted(self.skipped.items())),
            "accounting_closes": self.closes,
            "lines_removed": self.removed_lines,
            "dates_found": sum(self.dates.values()), "dates_by_system": dict(sorted(self.dates.items())),
            "duplicate_clusters": self.clusters, "duplicates": self.duplicates,
            "exact_duplicates": self.exact_duplicates, "near_duplicates": self.near_duplicates,
            "duplicates_by_similarity": self.duplicates_by_similarity,
            "near_pairs_kept_for_a_new_lead": self.kept_new_lead,
            "near_pairs_kept_for_slots_or_dates": self.kept_slots,
            "interrupted": self.interrupted, "outputs": self.outputs,
        }

    def line(self) -> str:
        parts = [f"read {self.read}", f"written {self.written}", f"rejected {self.rejected}"]
        if self.empty:
            parts.append(f"empty {self.empty}")
        if self.emptied:
            parts.append(f"emptied {self.emptied}")
        if self.skipped:
            by = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0])))
            parts.append(f"skipped {sum(self.skipped.values())} ({by})")
        if self.dropped or self.duplicates:
            clusters = f"{self.clusters} cluster" + ("" if self.clusters == 1 else "s")
            if self.emit == "removed":
                parts.append(f"duplicates {self.duplicates} ({clusters}), only they written (--emit removed); "
                             f"kept copies and singletons not written {self.dropped}")
            elif self.emit == "all":
                parts.append(f"duplicates {self.duplicates} ({clusters}), written with the rest (--emit all)")
            else:
                parts.append(f"duplicates dropped {self.dropped} ({clusters})")
            if self.duplicates_by_similarity:
                parts.append("duplicates by similarity to the kept copy: " + ", ".join(
                    f"{k.replace('ge_', '>=').replace('below_', 'below ').replace('_', '-')} {v}" for k, v in self.duplicates_by_similarity.items()))
        if self.kept_slots:
            parts.append(f"near pairs kept apart for slots or dates {self.kept_slots}")
        if self.kept_new_lead:
            parts.append(f"near pairs kept apart for a new lead {self.kept_new_lead}")
        if self.removed_lines:
            parts.append(f"lines removed {self.removed_lines}")
        if self.dates:
            by = ", ".join(f"{k} {v}" for k, v in sorted(self.dates.items(), key=lambda kv: (-kv[1], kv[0])))
            parts.append(f"dates {sum(self.dates.values())} ({by})")
        if not self.closes:  # never expected: say so loudly rather than hide a lost record
            parts.append(f"ACCOUNTING DOES NOT CLOSE ({self.read} read != {self.written} + {self.dropped} + "
                         f"{self.empty} + {self.emptied} + {self.rejected})")
        return "; ".join(parts)


# A body is empty when it holds nothing but blanks, line breaks, diacritics, tatweel and invisible
# format characters (bidi and zero-width controls): no command has text to work on.
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_VISIBLE = re.compile(chars.char_class(chars.DIACRITICS, chars.TATWEEL, chars.CONTROLS, chars.BLANKS, _WHITESPACE,
                                       negate=True))


def is_empty_text(text: object) -> bool:
    """True for a body with no visible character (see _VISIBLE)."""
    return not isinstance(text, str) or _VISIBLE.search(text) is None


def _where(record: dict, where: tuple[str, int] | None) -> tuple[str, int]:
    """(input name, line): from the reader's RawLine when the record came from a JSONL line (the
    line number travels as a field, not inside `source`); otherwise the record's `source`, line 0."""
    return where if where is not None else (str(record.get("source", "?")), 0)


def _skipped(record: dict, reason: str, where: tuple[str, int] | None = None) -> Reject:
    """An empty (or emptied) record, skipped: a Reject with that reason, not an error."""
    source, line = _where(record, where)
    error = "empty article" if reason == "empty" else "clean left no body text"
    return Reject(source, line, error, orjson.dumps(record, default=_json_default).decode(), reason=reason)


def _reject_for(record: dict, exc: BaseException, where: tuple[str, int] | None = None) -> Reject:
    """A Reject for a record a step failed on (see _where)."""
    source, line = _where(record, where)
    if isinstance(exc, ValueError):
        error, detail = str(exc), None
    else:
        error = f"internal error: {type(exc).__name__}: {exc}"
        detail = "".join(traceback.format_exception(exc))
    try:
        raw = orjson.dumps(record, default=_json_default).decode()
    except Exception:  # pragma: no cover - a record is always JSON-able
        raw = None
    return Reject(source, line, error, raw, detail)


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):  # a web page still in the record (newscli.io.web.HTML_KEY)
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


@dataclass
class ChunkCounts:
    """What the summary needs to know of a chunk's records, counted where the records are."""

    removed_lines: int = 0
    dates: Counter = field(default_factory=Counter)


def _counted_kinds(steps: list[Step]) -> set[str]:
    """What the steps of this run produce that the summary counts ("removed" by clean, "dates" by
    dates): a step says so with a `counts` attribute (see newscli.export.steps_for)."""
    return {getattr(step, "counts", None) for step in steps} - {None}


def apply_steps(items: list, steps: list[Step], dedupe_options: Any = None,
                pack: bool = False, keep_empty: bool = False) -> tuple[list, Any, ChunkCounts]:
    """Run the steps over one chunk. Returns (records and Rejects in order, dedupe signatures,
    counts). A record whose body is empty (see is_empty_text) before the steps, or after them, is
    skipped as a Reject with reason "empty" or "emptied", unless keep_empty. With pack=True (in a
    worker, before dedupe) records come back already serialized as newscli.dedupe.Packed, so the
    clustering process does not serialize them again."""
    out: list = []
    kinds = _counted_kinds(steps)
    counts = ChunkCounts()
    for item in _lines(items):
        where = None
        if isinstance(item, RawLine):
            where = (item.name, item.lineno)  # the line number travels as a field, not inside `source`
            item = parse_line(item)
        if isinstance(item, Reject):
            out.append(item)
            continue
        if not keep_empty and HTML_KEY not in item and is_empty_text(item.get("text")):
            out.append(_skipped(item, "empty", where))
            continue
        removed_before = len(item.get("removed") or ())
        first = item
        try:
            for step in steps:
                item = step(item)
        except Exception as exc:  # every failure is a reject (or a skip by design), never a lost record
            reason = getattr(exc, "skip_reason", None)
            if reason is not None:  # e.g. a web page that is not Arabic: counted, not an error
                source, line = _where(first, where)
                out.append(Reject(source, line, str(exc), None, reason=reason))
            else:
                out.append(_reject_for(first, exc, where))
            continue
        if steps and not keep_empty and is_empty_text(item.get("text")):
            out.append(_skipped(item, "emptied", where))
            continue
        if "removed" in kinds:  # only the lines this run removed (a record cleaned before keeps its list)
            counts.removed_lines += max(0, len(item.get("removed") or ()) - removed_before)
        if "dates" in kinds:
            for entry in item.get("dates") or ():
                counts.dates[entry.get("system") or "?"] += 1
        out.append(item)
    signed = None
    if dedupe_options is not None:
        from newscli.dedupe import Packed, prepare

        signed = prepare([r["text"] for r in out if not isinstance(r, Reject)], dedupe_options)
        if pack:
            out = [r if isinstance(r, Reject) else Packed.of(r) for r in out]
    return out, signed, counts


def _lines(items: Iterable) -> Iterator:
    """The items with each RawBlock split into its RawLines."""
    for item in items:
        if type(item) is RawBlock:
            yield from raw_lines(item)
        else:
            yield item


# worker-process state, set once per worker by the pool initializer
_W_STEPS: list[Step] = []
_W_DEDUPE: Any = None
_W_KEEP_EMPTY = False


def _init_worker(steps: list[Step], dedupe_options: Any, keep_empty: bool) -> None:
    global _W_STEPS, _W_DEDUPE, _W_KEEP_EMPTY
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # so Pool.terminate() ends a worker at once
    _W_STEPS, _W_DEDUPE, _W_KEEP_EMPTY = steps, dedupe_options, keep_empty


def _work(items: list) -> tuple[list, Any, ChunkCounts]:
    return apply_steps(items, _W_STEPS, _W_DEDUPE, pack=True, keep_empty=_W_KEEP_EMPTY)


def chunked(items: Iterable, size: int = CHUNK_RECORDS) -> Iterator[list]:
    """Lists of about `size` records: a RawBlock counts as the lines it holds."""
    chunk: list = []
    n = 0
    for item in items:
        chunk.append(item)
        n += item.lines if type(item) is RawBlock else 1
        if n >= size:
            yield chunk
            chunk, n = [], 0
    if chunk:
        yield chunk


def _warm_and_rest(items: Iterable, k: int) -> tuple[list, Iterator]:
    """The first k records (a RawBlock is cut after its k-th line if need be), and the rest."""
    it = iter(items)
    first: list = []
    n = 0
    for item in it:
        if type(item) is RawBlock and n + item.lines > k:
            head, tail = take_lines(item, k - n)
            first.append(head)
            return first, itertools.chain([tail] if tail is not None else [], it)
        first.append(item)
        n += item.lines if type(item) is RawBlock else 1
        if n >= k:
            break
    return first, it


def _processed_chunks(items: Iterable, steps: list[Step], dedupe_options: Any, jobs: int,
                      keep_empty: bool = False) -> Iterator[tuple[list, Any, ChunkCounts]]:
    if jobs <= 1:
        for chunk in chunked(items):
            yield apply_steps(chunk, steps, dedupe_options, keep_empty=keep_empty)
        return
    # The first few records run here, before the fork: compiled scanners and lookup tables built on
    # the way are inherited by every worker instead of being built once per worker.
    first, rest = _warm_and_rest(items, WARM_RECORDS)
    if not first:
        return
    yield apply_steps(first, steps, dedupe_options, keep_empty=keep_empty)
    chunks = chunked(rest)
    from concurrent.futures import ProcessPoolExecutor

    # concurrent.futures, not multiprocessing.Pool: a worker that dies (killed, out of memory)
    # fails the run with BrokenProcessPool instead of leaving a result that never comes
    pool = ProcessPoolExecutor(jobs, mp_context=mp.get_context("fork"), initializer=_init_worker,
                               initargs=(steps, _for_workers(dedupe_options), keep_empty))
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


def _for_workers(dedupe_options: Any) -> Any:
    """Dedupe options as worker processes need them (`DedupeOptions.without_callbacks`)."""
    return dedupe_options.without_callbacks() if dedupe_options is not None else None


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
    keep_empty: bool = False,
    on_skip: Callable[[Reject], None] | None = None,
    chunk_source: Iterable[tuple[list, Any, Any]] | None = None,
) -> Summary:
    """Read every item, run the steps, dedupe, and hand each output record to on_record.

    A record with an empty body (before or after the steps) is skipped and counted (`empty`,
    `emptied`), and handed to on_skip as a Reject with that reason; keep_empty writes it instead.
    Every other failure goes to on_reject (and stops the run with StrictStop when strict).

    chunk_source: chunks already read and processed elsewhere (`--engine dask`: on a cluster, by
    this module's own apply_steps), in input order; `items`, `steps` and `jobs` are then unused."""
    summary = summary if summary is not None else Summary()

    def records() -> Iterator[tuple[list, Any]]:
        source = chunk_source if chunk_source is not None else \
            _processed_chunks(items, steps, dedupe_options, jobs, keep_empty)
        for out, signed, counts in source:
            summary.read += len(out)  # one output item (record or Reject) per record read
            recs = []
            for item in out:
                if isinstance(item, Reject) and item.reason != "error":
                    if item.reason == "empty":
                        summary.empty += 1
                    elif item.reason == "emptied":
                        summary.emptied += 1
                    else:
                        summary.skipped[item.reason] += 1
                    if on_skip is not None:
                        on_skip(item)
                    continue
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

    # `--engine dask`: the chunk source may run dedupe's stages itself, on the cluster
    dedupe = getattr(chunk_source, "dedupe", None) or dedupe_records
    for rec in dedupe(entering(), dedupe_options, stats):
        on_record(rec)
        summary.written += rec.lines if type(rec) is LinesFile else 1  # a part written on a Dask worker
    summary.dropped = entered - summary.written
    summary.emit = getattr(dedupe_options, "emit", "kept")
    summary.clusters = getattr(stats, "clusters", 0)
    summary.duplicates = getattr(stats, "duplicates", 0)
    summary.exact_duplicates = getattr(stats, "exact", getattr(stats, "exact_duplicates", 0))
    summary.near_duplicates = getattr(stats, "near", getattr(stats, "near_duplicates", 0))
    summary.duplicates_by_similarity = dict(getattr(stats, "by_band", {}))
    summary.kept_new_lead = getattr(stats, "rejected_new_lead", 0)
    summary.kept_slots = getattr(stats, "rejected_by_slots", 0)
    return summary
