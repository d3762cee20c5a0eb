"""`--engine dask`: the per-record stages of a run on a Dask cluster, with the local engine's rules.

What runs where:

1. The client splits the inputs into partitions in the local engine's order: a whole file, or, for
   an uncompressed JSONL file larger than `partition_bytes`, byte ranges cut at newlines. Workers
   count each range's lines, so every record keeps the line number (and the id and `source`) the
   local reader gives it.
2. A worker reads its partition with newscli's own reader (never `dask.bag.read_text`, which
   rewrites newlines) and runs the local engine's own per-record function
   (`newscli.pipeline.apply_steps`: web extraction, clean, dates and dedupe's signing) chunk by
   chunk, returning the serialized records with their signatures.
3. The client receives partitions in order (at most a few in flight per worker) and hands the
   chunks to the local engine's dedupe and writer, exactly as the local engine does with its
   worker processes' chunks.

So the output is byte-identical to `--engine local` for the same inputs and options by
construction: the same functions run on the same records in the same order; Dask only decides
where. Ordering never depends on Dask: results are put back by partition number, nothing is
shuffled, and no `hash()` of a string is used (it differs across processes).

What stays on the client: candidate pairs, verification and clustering (dedupe's final rule,
bounded memory on disk) and writing. docs/scale.md gives the costs and what that means at
100M articles.
"""

from __future__ import annotations

import logging
import os
import re
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator

__all__ = ["DaskEngine", "Partition", "INSTALL_HINT", "plan_partitions", "require_dask", "read_partition",
           "DEFAULT_PARTITION_BYTES"]

INSTALL_HINT = "--engine dask needs the optional extra: pip install 'newscli[dask]'"
DEFAULT_PARTITION_BYTES = 64 * 1024 * 1024
_SCHEDULER_ENV = "NEWSCLI_SCHEDULER"
NO_WORKER_SECONDS = 60.0
_POLL_SECONDS = 2.0
_CONNECT_SECONDS = 15
_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ucx)://)?[^\s/:]+:\d{1,5}$|^inproc://\S+$")


def _quiet_logs() -> None:
    """Dask's own logging (task failures with tracebacks, shutdown noise) stays out of newscli's
    stderr: a failure reaches the user once, as newscli's one-line error."""
    for name in ("distributed", "tornado", "asyncio", "bokeh"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def require_dask() -> None:
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise ImportError(INSTALL_HINT) from None


@dataclass(frozen=True)
class Partition:
    """One unit of work: a whole input, or the byte range [start, end) of an uncompressed JSONL file
    whose first line is line number `first_line` of the file."""

    index: int
    path: str
    start: int = 0
    end: int | None = None
    first_line: int = 1

    @property
    def whole(self) -> bool:
        return self.end is None


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def is_url(path: Any) -> bool:
    """An fsspec URL (s3://, gs://, memory://, ...): read through fsspec, on the workers."""
    return isinstance(path, str) and bool(_URL.match(path))


def check_url(path: str) -> None:
    """On the client, before any work: a URL input names one JSONL file (plain or compressed) that
    fsspec can reach. Raises ValueError with the user's message (a usage error)."""
    from newscli.io.inputs import _is_jsonl_name

    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise ValueError(f"{path}: reading URLs needs fsspec (pip install fsspec)") from None
    if _is_jsonl_name(path) is not True:
        raise ValueError(f"{path}: a URL input must be a JSONL file (.jsonl, .jsonl.gz, .jsonl.zst, ...)")
    try:
        fs, where = url_to_fs(path)
        if not fs.isfile(where):
            raise FileNotFoundError("no such file")
    except ImportError as exc:  # the filesystem's package (s3fs, gcsfs) is missing
        raise ValueError(f"{path}: {str(exc).splitlines()[0]}") from None
    except Exception as exc:
        raise ValueError(f"{path}: cannot read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def _open(path: str) -> Any:
    """A binary file, local or at an fsspec URL."""
    if is_url(path):
        import fsspec

        return fsspec.open(path, "rb").open()
    return open(path, "rb")


def _size(path: str) -> int:
    if is_url(path):
        from fsspec.core import url_to_fs

        fs, where = url_to_fs(path)
        return int(fs.size(where))
    return os.path.getsize(path) if path != "-" and os.path.isfile(path) else 0


def _splittable(path: str) -> bool:
    """An uncompressed JSONL file (by name), the only kind a byte range can be read from."""
    from newscli.io.compression import sniff_compression
    from newscli.io.inputs import _is_jsonl_name

    if _is_jsonl_name(path) is not True:
        return False
    try:
        with _open(path) as fh:
            return sniff_compression(fh.read(8)) is None
    except OSError:
        return False  # the reader reports it, in order, as the local engine does


def _aligned(fh, pos: int) -> int:
    """The first position at or after pos that starts a line (pos itself when it is 0)."""
    if pos == 0:
        return 0
    fh.seek(pos - 1)
    if fh.read(1) == b"\n":
        return pos
    fh.readline()
    return fh.tell()


@contextmanager
def _in_dir(cwd: str | None) -> Iterator[None]:
    """Run in the client's working directory, so relative input paths name the same files on a
    worker as they do for the user (workers of a remote cluster start elsewhere). Workers run one
    task at a time (`--nthreads 1`), so changing directory is safe there."""
    here = os.getcwd()
    if cwd is None or cwd == here:
        yield
        return
    try:
        os.chdir(cwd)
    except OSError as exc:
        raise RuntimeError(f"the client's working directory {cwd} is not on this worker ({exc.strerror}): "
                           "put the inputs on storage every worker sees, at the same path") from None
    try:
        yield
    finally:
        os.chdir(here)


def _range_lines(path: str, lo: int, hi: int | None, cwd: str | None = None) -> tuple[int, int, int]:
    """(aligned start, aligned end, newlines in between) for the approximate range [lo, hi)."""
    with _in_dir(cwd), _open(path) as fh:
        start = _aligned(fh, lo)
        size = _size(path)
        end = size if hi is None or hi >= size else _aligned(fh, hi)
        end = max(end, start)
        fh.seek(start)
        left, lines = end - start, 0
        while left > 0:
            block = fh.read(min(left, 1 << 22))
            if not block:
                break
            lines += block.count(b"\n")
            left -= len(block)
        return start, end, lines


def plan_partitions(paths: list[str], partition_bytes: int = DEFAULT_PARTITION_BYTES,
                    count: Callable[[list[tuple[str, int, int | None]]], list[tuple[int, int, int]]] | None = None) -> list[Partition]:
    """Partitions in input order. `count` maps [(path, lo, hi)] to [(start, end, lines)] (on the
    cluster); by default it runs here."""
    count = count or (lambda jobs: [_range_lines(*j) for j in jobs])
    plan: list[tuple[str, list[tuple[int, int | None]] | None]] = []
    jobs: list[tuple[str, int, int | None]] = []
    for path in paths:
        size = _size(path)
        if size > partition_bytes and _splittable(path):
            cuts = list(range(0, size, partition_bytes))
            ranges = [(lo, cuts[i + 1] if i + 1 < len(cuts) else None) for i, lo in enumerate(cuts)]
            plan.append((path, ranges))
            jobs.extend((path, lo, hi) for lo, hi in ranges)
        else:
            plan.append((path, None))
    counted = iter(count(jobs)) if jobs else iter(())
    parts: list[Partition] = []
    for path, ranges in plan:
        if ranges is None:
            parts.append(Partition(len(parts), path))
            continue
        line = 1
        for _ in ranges:
            start, end, lines = next(counted)
            if end > start:
                parts.append(Partition(len(parts), path, start, end, line))
            line += lines
    return parts


def read_partition(part: Partition, text_field: str = "text", html_field: str | None = None) -> Iterator[Any]:
    """The records (and Rejects) of one partition, as the local reader yields them."""
    from newscli.io.inputs import read_one

    if part.whole and is_url(part.path):
        yield from _read_url(part.path, text_field, html_field)
        return
    if part.whole:
        kwargs: dict[str, Any] = {"text_field": text_field}
        if html_field is not None:
            kwargs["html_field"] = html_field
        yield from read_one(part.path, **kwargs)
        return
    with _open(part.path) as fh:
        fh.seek(part.start)
        left, lineno = part.end - part.start, part.first_line - 1  # type: ignore[operator]
        while left > 0:
            line = fh.readline(left)
            if not line:
                break
            left -= len(line)
            lineno += 1
            rec = _line_record(line, lineno, part.path, text_field, html_field)
            if rec is not None:
                yield rec


def _line_record(line: bytes, lineno: int, name: str, text_field: str, html_field: str | None) -> Any:
    """One JSONL line as the local reader reads it (None for a blank line)."""
    from newscli.io.jsonl import RawLine, parse_line

    if line.endswith(b"\n"):
        line = line[:-1]
        if line.endswith(b"\r"):
            line = line[:-1]
    if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    if not line.strip():
        return None
    raw = RawLine(line, name, lineno, text_field)
    if html_field is not None:
        raw.html_field = html_field
    return parse_line(raw)


def _read_url(url: str, text_field: str, html_field: str | None) -> Iterator[Any]:
    """A whole JSONL file at an fsspec URL, plain or compressed, line by line."""
    from newscli.io import Reject
    from newscli.io.compression import open_decompressed

    lineno = 0
    try:
        with _open(url) as raw:
            stream, kind = open_decompressed(raw)
            for line in stream:
                lineno += 1
                rec = _line_record(line, lineno, url, text_field, html_field)
                if rec is not None:
                    yield rec
    except Exception as exc:  # corrupt compressed data, the storage went away: a reject, as a local file's
        yield Reject(url, lineno + 1, f"cannot read: {type(exc).__name__}: {exc}"[:300])


class _PastDeadline(BaseException):
    """Raised asynchronously in a worker thread whose page ran out of time (a BaseException, so the
    extractor's own `except Exception` handlers let it through)."""


def _set_async(tid: int, exc: Any) -> None:
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), None if exc is None else ctypes.py_object(exc))


def deadlined(step: Callable, seconds: float, record: dict) -> dict:
    """The web step with `--page-timeout` off the main thread, where the extractor's SIGALRM limit
    cannot run (a Dask worker runs tasks in a thread): a timer thread raises `_PastDeadline` in
    this thread when the page takes longer (delivered, like a signal handler's exception, at the next
    Python instruction), and the page becomes the same reject as on the local engine."""
    import threading

    if seconds <= 0 or threading.current_thread() is threading.main_thread():
        return step(record)  # the step's own limit applies
    tid, lock, state = threading.get_ident(), threading.Lock(), {"on": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["on"]:
                state["fired"] = True
                _set_async(tid, _PastDeadline)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        try:
            return step(record)
        finally:
            with lock:
                state["on"] = False
                if state["fired"]:  # not delivered yet: withdrawn
                    _set_async(tid, None)
            timer.cancel()
    except _PastDeadline:
        from newscli.web import PageError

        raise PageError(f"extractor took longer than {seconds:g} s") from None


def _on_worker(steps: list) -> list:
    """The steps as a worker thread runs them: the web step under `deadlined`."""
    from functools import partial

    out = []
    for step in steps:
        options = getattr(step, "keywords", {}).get("options")
        if getattr(getattr(step, "func", None), "__name__", "") == "extract_record" and getattr(options, "timeout", 0):
            step = partial(deadlined, step, float(options.timeout))
        out.append(step)
    return out


def run_partition(part: Partition, steps: list, dedupe_options: Any, text_field: str,
                  html_field: str | None, chunk_records: int, keep_empty: bool = False,
                  cwd: str | None = None) -> list[tuple[list, Any, Any]]:
    """On a worker: the local engine's per-record function over one partition, chunk by chunk."""
    from newscli.pipeline import apply_steps, chunked

    steps = _on_worker(steps)
    with _in_dir(cwd):
        return [apply_steps(chunk, steps, dedupe_options, pack=dedupe_options is not None, keep_empty=keep_empty)
                for chunk in chunked(read_partition(part, text_field, html_field), chunk_records)]


class DaskEngine:
    """A Dask client for one run: a LocalCluster of `jobs` single-threaded worker processes, or the
    running cluster at `scheduler` (or $NEWSCLI_SCHEDULER)."""

    def __init__(self, jobs: int = 1, scheduler: str | None = None, *, processes: bool = True,
                 partition_bytes: int = DEFAULT_PARTITION_BYTES) -> None:
        require_dask()
        from dask.distributed import Client, LocalCluster

        self.partition_bytes = partition_bytes
        self.cluster = None
        _quiet_logs()
        address = scheduler or os.environ.get(_SCHEDULER_ENV) or None
        if address:
            if not _ADDRESS.match(address):
                raise ValueError(f"not a Dask scheduler address: {address!r} (expected tcp://HOST:PORT)")
            try:
                self.client = Client(address, set_as_default=False, timeout=_CONNECT_SECONDS)
            except Exception as exc:  # OSError, TimeoutError, or distributed's own kinds
                raise ConnectionError(f"cannot reach the Dask scheduler {address}: {type(exc).__name__}: "
                                      f"{str(exc).splitlines()[0][:160] if str(exc) else ''}") from None
        else:
            import warnings

            with warnings.catch_warnings():  # "port 8787 in use" and the like: not the user's concern
                warnings.simplefilter("ignore")
                # silence_logs: a task's failure reaches the user once, as newscli's one-line error,
                # not also as the workers' log with a traceback
                self.cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=processes,
                                            dashboard_address=None, worker_dashboard_address=None,
                                            silence_logs=logging.CRITICAL)
            self.client = Client(self.cluster, set_as_default=False)

    @classmethod
    def of(cls, client: Any, partition_bytes: int = DEFAULT_PARTITION_BYTES) -> "DaskEngine":
        """An engine over an existing client (the tests' in-process cluster)."""
        self = cls.__new__(cls)
        self.client, self.cluster, self.partition_bytes = client, None, partition_bytes
        return self

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def partitions(self, paths: list[str]) -> list[Partition]:
        def count(jobs: list[tuple[str, int, int | None]]) -> list[tuple[int, int, int]]:
            cwd = os.getcwd()
            futures = self.client.map(_range_lines, *zip(*jobs), [cwd] * len(jobs), pure=False)
            return self.client.gather(futures)

        return plan_partitions(paths, self.partition_bytes, count)

    def chunks(self, paths: list[str], steps: list, dedupe_options: Any, *, text_field: str = "text",
               html_field: str | None = None, chunk_records: int | None = None,
               keep_empty: bool = False, serialize: bool = False) -> Any:
        """The chunks of a run for `newscli.pipeline.run`'s chunk_source, in input order: without
        dedupe, (records and Rejects, None, counts) chunk by chunk; with dedupe, a
        `newscli.dask_dedupe.DistributedDedupe` (the records stay on the workers), which with
        ``serialize`` gives the output's JSON lines (bytes) instead of records."""
        from newscli.pipeline import CHUNK_RECORDS

        if dedupe_options is not None and getattr(dedupe_options, "on_cluster", None) is not None:
            dedupe_options = replace(dedupe_options, on_cluster=None)  # a client-side callback stays here
        if dedupe_options is not None:  # stages 2-6 on the cluster (newscli.dask_dedupe)
            from newscli.dask_dedupe import DistributedDedupe

            return DistributedDedupe(self, paths, steps, dedupe_options, text_field, html_field,
                                     chunk_records or CHUNK_RECORDS, keep_empty, serialize)
        return self._chunks(paths, steps, text_field, html_field, chunk_records or CHUNK_RECORDS, keep_empty)

    def _chunks(self, paths: list[str], steps: list, text_field: str, html_field: str | None, chunk_records: int,
                keep_empty: bool) -> Iterator[tuple[list, Any, Any]]:
        """Without dedupe: the chunks come back to the client in order (at most a few partitions in
        flight per worker)."""
        dedupe_options = None
        cwd = os.getcwd()
        parts = self.partitions(paths)
        in_flight = 2 * self.workers()
        pending: deque = deque()
        todo = iter(parts)
        try:
            for part in todo:
                pending.append(self.client.submit(run_partition, part, steps, dedupe_options, text_field, html_field,
                                                  chunk_records, keep_empty, cwd, pure=False))
                while len(pending) >= in_flight:
                    yield from self._result(pending.popleft())
            while pending:
                yield from self._result(pending.popleft())
        finally:
            for fut in pending:
                try:
                    fut.cancel()
                except Exception:  # the client may be closing already (Ctrl-C, --strict)
                    pass

    def _result(self, future: Any) -> Any:
        """A task's result; fails the run when no worker has been there for NO_WORKER_SECONDS (Dask
        itself would wait for one forever)."""
        import asyncio

        waited = 0.0
        while True:
            try:
                return future.result(timeout=_POLL_SECONDS)
            except (TimeoutError, asyncio.TimeoutError):
                if self.client.scheduler_info().get("workers"):
                    waited = 0.0
                    continue
                waited += _POLL_SECONDS
                if waited >= NO_WORKER_SECONDS:
                    raise RuntimeError(f"no Dask worker for {NO_WORKER_SECONDS:.0f} s (they died or never "
                                       "connected to the scheduler)") from None

    def close(self) -> None:
        import contextlib
        import io
        import warnings

        # shutting down after Ctrl-C or an error: Dask may still complain; the user has had newscli's message
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            try:
                self.client.close(timeout=10)
            except Exception:
                pass
            if self.cluster is not None:
                try:
                    self.cluster.close(timeout=10)
                except Exception:
                    pass

    def __enter__(self) -> "DaskEngine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
