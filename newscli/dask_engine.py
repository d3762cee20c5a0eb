"""`--engine dask`: a run on a Dask cluster, with the local engine's own functions and rules.

1. The client splits the inputs into partitions in the local engine's order (`newscli.dask_inputs`).
2. A worker reads its partition with newscli's own reader and runs the local engine's per-record
   function (`newscli.pipeline.apply_steps`: web extraction, clean, dates, dedupe's signing) chunk
   by chunk (`iter_partition`), the web step under `deadlined` (--page-timeout in a worker thread).
3. Without dedupe, the chunks come back to the client in partition order for the writer. With
   dedupe, the records stay on the workers and dedupe's stages run on the cluster
   (`newscli.dask_dedupe`): only small keyed arrays and, at the end, the output's lines move.

The output is byte-identical to `--engine local` for the same inputs and options: the same
functions run on the same records, and ordering never depends on Dask (results are put back by
partition number, no dataframe shuffle, no bag, no `hash()` of a string, no `read_text`).
"""

from __future__ import annotations

import logging
import os
import re
from collections import deque
from typing import Any, Callable, Iterator

from newscli.dask_inputs import (DEFAULT_PARTITION_BYTES, Partition, _in_dir, _range_lines, check_url, is_url,
                                 plan_partitions, read_partition)

__all__ = ["DaskEngine", "Partition", "INSTALL_HINT", "plan_partitions", "require_dask", "read_partition",
           "DEFAULT_PARTITION_BYTES", "check_url", "is_url", "iter_partition", "run_partition", "deadlined"]

INSTALL_HINT = "--engine dask needs the optional extra: pip install 'newscli[dask]'"
_SCHEDULER_ENV = "NEWSCLI_SCHEDULER"
PARTS_ENV = "NEWSCLI_PARTS_DIR"
NO_WORKER_SECONDS = 60.0
_POLL_SECONDS = 2.0
_CONNECT_SECONDS = 15
_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ucx)://)?[^\s/:]+:\d{1,5}$|^inproc://\S+$")


# Dask's worker profiler samples every thread's stack (sys._current_frames) every 10 ms. On Python
# 3.11 that call can start a garbage collection that deadlocks the process (CPython issue 116969,
# dask/distributed issue 8616): a run hung for good in the test suite, every thread idle. newscli
# reads no profiles, so the workers it starts run without the profiler.
NO_PROFILER = {"distributed.worker.profile.enabled": False}


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


def iter_partition(part: Partition, steps: list, dedupe_options: Any, text_field: str,
                   html_field: str | None, chunk_records: int, keep_empty: bool = False,
                   cwd: str | None = None) -> Iterator[tuple[list, Any, Any]]:
    """On a worker: the local engine's per-record function over one partition, chunk by chunk."""
    from newscli.pipeline import apply_steps, chunked

    steps = _on_worker(steps)
    with _in_dir(cwd):
        for chunk in chunked(read_partition(part, text_field, html_field, lazy=True), chunk_records):
            yield apply_steps(chunk, steps, dedupe_options, pack=dedupe_options is not None, keep_empty=keep_empty)


def run_partition(*args: Any, **kwargs: Any) -> list[tuple[list, Any, Any]]:
    """`iter_partition` as one result (without dedupe, the chunks go back to the client)."""
    return list(iter_partition(*args, **kwargs))


class DaskEngine:
    """A Dask client for one run: a LocalCluster of `jobs` single-threaded worker processes, or the
    running cluster at `scheduler` (or $NEWSCLI_SCHEDULER)."""

    def __init__(self, jobs: int = 1, scheduler: str | None = None, *, processes: bool = True,
                 partition_bytes: int = DEFAULT_PARTITION_BYTES) -> None:
        require_dask()
        from dask.distributed import Client, LocalCluster

        self.partition_bytes = partition_bytes
        self.cluster = None
        self.scratch: list[str] = []  # run-private directories on shared storage, removed at close()
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

            import dask

            with warnings.catch_warnings(), dask.config.set(NO_PROFILER):
                warnings.simplefilter("ignore")  # "port 8787 in use" and the like: not the user's concern
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
        self.scratch = []
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
               keep_empty: bool = False, serialize: bool = False, parts: str | None = None,
               parts_name: str = ".newscli") -> Any:
        """The chunks of a run for `newscli.pipeline.run`'s chunk_source, in input order: without
        dedupe, (records and Rejects, None, counts) chunk by chunk; with dedupe, a
        `newscli.dask_dedupe.DistributedDedupe` (the records stay on the workers), which with
        ``serialize`` gives the output's JSON lines (bytes) instead of records, and with ``parts``
        (a directory the client and every worker see) a `newscli.io.LinesFile` per partition: its
        lines, written by its worker in a run-private directory ``parts/{parts_name}.parts-XXXXXXXX``
        (removed after the run)."""
        from newscli.pipeline import CHUNK_RECORDS

        if dedupe_options is not None:  # stages 2-6 on the cluster (newscli.dask_dedupe)
            dedupe_options = dedupe_options.without_callbacks()  # client-side callbacks stay here
            from newscli.dask_dedupe import DistributedDedupe

            return DistributedDedupe(self, paths, steps, dedupe_options, text_field, html_field,
                                     chunk_records or CHUNK_RECORDS, keep_empty, serialize,
                                     (parts, parts_name) if serialize and parts else None)
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

    def parts_place(self, target: Any) -> tuple[str, str] | None:
        """Where the workers write their parts of the output (stage 7) for a planned output
        (`newscli.io.Target`), as (directory, name prefix): $NEWSCLI_PARTS_DIR, else the output
        file's own directory, else (standard output, a FIFO, a device) the temporary directory when
        the workers are this machine's (a LocalCluster started here); else None (the lines then
        reach the client through Dask). Raises ValueError for a $NEWSCLI_PARTS_DIR that is not a
        directory."""
        import tempfile

        name = f".{os.path.basename(target.real)}" if target.kind == "file" else ".newscli"
        chosen = os.environ.get(PARTS_ENV)
        if chosen:
            if not os.path.isdir(chosen):
                raise ValueError(f"{PARTS_ENV}={chosen}: not a directory")
            return chosen, name
        if target.kind == "file":
            return os.path.dirname(target.real), name
        return (tempfile.gettempdir(), name) if self.cluster is not None else None

    def close(self) -> None:
        import contextlib
        import io
        import shutil
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
        for directory in self.scratch:  # left by a run that ended early (a task still writing then)
            shutil.rmtree(directory, ignore_errors=True)
        self.scratch = []

    def __enter__(self) -> "DaskEngine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
