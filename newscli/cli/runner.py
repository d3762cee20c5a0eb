"""Running one command: progress, messages, the summary, the stats file, and the exit code.

The commands in `newscli.cli.app` parse options and build the steps; `run_command` does the rest.
`exit_code()` alone decides how the process ends.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
from dataclasses import dataclass
from typing import Any, Callable

import orjson
import typer

from newscli.cli.fields import select_fields
from newscli.io import (STDIN, STDOUT, InputInfo, LinesFile, OutputSet, PartError, Reject, Target, UsageError,
                        expand_inputs, plan_outputs, read_inputs, write_reject)
from newscli.export import steps_for
from newscli.pipeline import StrictStop, Summary, run

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass
class State:
    """The global options (-q/--quiet, -v/--verbose), carried in typer's context object."""

    quiet: bool = False
    verbose: bool = False


# ------------------------------------------------------------------ messages and exit codes

def err(message: str) -> None:
    sys.stderr.write(f"newscli: {message}\n")
    sys.stderr.flush()


def report_reject(reject: Reject, state: State) -> None:
    err(reject.message())
    if state.verbose and reject.detail:
        sys.stderr.write(reject.detail)


def exit_code(summary: Summary | None, *, usage_error: bool = False) -> int:
    """The one place that decides how newscli exits."""
    if usage_error:
        return EXIT_USAGE
    if summary is None:
        return EXIT_OK
    if summary.interrupted:
        return EXIT_INTERRUPTED
    if summary.rejected:
        return EXIT_DATA
    return EXIT_OK


def usage(message: str) -> typer.Exit:
    err(message)
    return typer.Exit(exit_code(None, usage_error=True))


def _sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def write_stdout(data: bytes) -> None:
    """Bytes to standard output; a reader that went away ends the command quietly (exit 0)."""
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        broken_pipe()
        raise typer.Exit(EXIT_OK) from None
    except OSError as exc:  # a full disk, /dev/full, an I/O error: one line, exit 1
        broken_pipe()  # nothing more goes to that descriptor (the interpreter's final flush included)
        err(f"cannot write the output -: {exc.strerror or exc}")
        raise typer.Exit(EXIT_DATA) from None


def broken_pipe() -> None:
    # the reader went away (`newscli export big.jsonl | head -1`): end quietly
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


class Progress:
    """A rich progress display on stderr, only when stderr is a terminal and not --quiet."""

    def __init__(self, enabled: bool) -> None:
        self.progress = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import Progress as RichProgress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = RichProgress(SpinnerColumn(), TextColumn("{task.completed:,} records"),
                                     TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                     console=Console(stderr=True), transient=True)
        self.task = self.progress.add_task("newscli", total=None, rate="")
        self.progress.start()

    def tick(self, n: int) -> None:
        if self.progress is not None:
            task = self.progress.tasks[0]
            speed = task.speed
            self.progress.update(self.task, advance=n, rate=f"{speed:,.0f} rec/s" if speed else "")

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def jobs_count(jobs: int) -> int:
    return os.cpu_count() or 1 if jobs == 0 else jobs


MAX_MESSAGES = 20  # per-record messages on stderr; the rest are counted, and kept in --rejects


class Messages:
    """Per-record messages on stderr, at most MAX_MESSAGES, then one line saying how many more."""

    def __init__(self, state: State, rejects: str | None) -> None:
        self.state, self.rejects, self.shown, self.more = state, rejects, 0, 0

    def reject(self, reject: Reject) -> None:
        if self.shown < MAX_MESSAGES:
            self.shown += 1
            report_reject(reject, self.state)
        else:
            self.more += 1

    def close(self) -> None:
        if self.more:
            where = f"see --rejects {self.rejects}" if self.rejects else "use --rejects FILE to keep them all"
            err(f"… and {self.more} more ({where})")
            self.more = 0


def _write_stats(sink: Any, summary: Summary) -> None:
    if sink is not None:
        sink.write_bytes(orjson.dumps(summary.as_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


IO_OPTIONS = ("inputs", "files_from", "output", "text_field", "strict", "rejects", "jobs", "stats", "shard_size",
              "keep_empty", "engine", "scheduler")


def io_options(params: dict) -> dict:
    """The input/output options every record command shares, from that command's parameters."""
    return {name: params[name] for name in IO_OPTIONS}


def check_readable(paths: list[str], urls: bool = False) -> None:
    """A path named on the command line (or in --files-from) that is missing or unreadable is a
    usage error, before any output exists. With urls (--engine dask), fsspec URLs are inputs too."""
    for path in paths:
        if path == STDIN:
            continue
        if urls and "://" in path:
            from newscli.dask_engine import check_url, is_url

            if is_url(path):
                try:
                    check_url(path)
                except ValueError as exc:
                    raise UsageError(str(exc)) from None
                continue
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file or directory")
        if not os.access(path, os.R_OK):
            raise UsageError(f"{path}: permission denied")


def plan(*, inputs: list[str] | None, files_from: str | None, targets: list[tuple[str, str | None]],
         shard_size: int | None, extra_inputs: list[str] = (), urls: bool = False) -> tuple[list[str], list[Target]]:
    """Every check before any work: inputs readable, outputs writable and never over an input."""
    paths = expand_inputs(inputs or [], files_from)
    check_readable(paths, urls)
    output = dict(targets).get("output")
    if shard_size and (output is None or output == STDIN):
        raise UsageError("--shard-size needs -o/--output")
    reads_stdin = STDIN in paths or files_from == STDIN
    readers = paths + [p for p in [files_from, *extra_inputs] if p]
    planned = plan_outputs(targets, readers, reads_stdin=reads_stdin, shard_size=shard_size)
    if any(t.fmt == "parquet" for t in planned):
        from newscli.io.parquet import require_pyarrow

        require_pyarrow()
    return paths, planned


def run_command(
    *,
    state: State,
    inputs: list[str] | None,
    files_from: str | None,
    output: str | None,
    text_field: str,
    strict: bool,
    rejects: str | None,
    jobs: int,
    stats: str | None,
    shard_size: int | None,
    keep_empty: bool = False,
    options: Any = None,
    steps: list | None = None,
    clusters: str | None = None,
    kept_apart: str | None = None,
    fields: str | None = None,
    text_writer: Callable[[dict], str] | None = None,
    fmt: str = "auto",
    line_records: Callable[[list[str]], Any] | None = None,
    extra_inputs: list[str] = (),
    html_field: str | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> None:
    """Shared body of every record-processing subcommand. Always ends by raising typer.Exit.

    `options` is a newscli.export.ExportOptions (the run is `export.export()`); text-mode `dates`
    passes its own `steps` and `line_records` instead."""
    if fmt not in ("auto", "jsonl", "text"):
        raise usage(f"--format must be auto, jsonl or text, not {fmt!r}")
    targets = [("output", output or STDOUT), ("rejects file", rejects), ("stats file", stats),
               ("clusters file", clusters), ("kept-apart file", kept_apart)]
    try:
        paths, planned = plan(inputs=inputs, files_from=files_from, targets=targets, shard_size=shard_size,
                              extra_inputs=list(extra_inputs), urls=engine == "dask")
        select = select_fields(fields)
        if text_writer is not None and fmt == "text" and planned[0].fmt == "parquet":
            raise UsageError(f"plain-text output cannot go to a Parquet file ({output})")
    except UsageError as exc:
        raise usage(str(exc)) from None
    _require_web_extra(paths, html_field)
    info = InputInfo()
    items = line_records(paths) if line_records is not None else read_inputs(
        paths, text_field=text_field, html_field=html_field, info=info, lazy=True,
        fmt=_input_format(fmt, text_writer))
    try:
        with handled_signals():
            cluster = _dask_engine(engine, scheduler, paths, jobs, options is None or line_records is not None)
    except KeyboardInterrupt:  # while a Dask cluster was starting: nothing was written yet
        err("interrupted; no output written")
        _silence_stderr()  # Dask's exit hooks complain about the half-started cluster
        raise typer.Exit(EXIT_INTERRUPTED) from None
    outs = OutputSet(planned, fields=select.names if select else None)
    try:
        with handled_signals():
            # records serialized on the workers when the output is JSON lines of whole records
            lines = text_writer is None and select is None and planned[0].fmt != "parquet"
            # parts only with dedupe (without it the records come to the client through Dask)
            deduped = options is not None and options.dedupe is not None
            parts = _parts_place(cluster, planned[0]) if cluster is not None and lines and deduped else None
            remote = None if cluster is None else (
                lambda opts: cluster.chunks(paths, steps_for(opts), opts.dedupe, text_field=text_field,
                                            html_field=html_field, keep_empty=opts.keep_empty, serialize=lines,
                                            parts=parts and parts[0], parts_name=parts[1] if parts else ""))
            summary = _run(state, items, info, outs, options=options, steps=steps, rejects=rejects, jobs=jobs,
                           strict=strict, select=select, text_writer=text_writer, fmt=fmt, keep_empty=keep_empty,
                           clusters=clusters is not None, kept_apart=kept_apart is not None, remote=remote)
    finally:
        if cluster is not None:
            cluster.close()
    if not state.quiet:
        err(summary.line())
    raise typer.Exit(exit_code(summary))


def _parts_place(cluster: Any, target: Target) -> tuple[str, str] | None:
    try:
        return cluster.parts_place(target)
    except ValueError as exc:
        raise usage(str(exc)) from None


def _input_format(fmt: str, text_writer: Callable[[dict], str] | None) -> str:
    """How to read the inputs: --format forces it, except `clean --format jsonl`, which has always
    meant JSONL out (of plain text in, too), so clean's input stays sniffed then."""
    return "auto" if text_writer is not None and fmt == "jsonl" else fmt


def _dask_engine(engine: str, scheduler: str | None, paths: list[str], jobs: int, text_mode: bool) -> Any:
    """The Dask engine for `--engine dask` (None for local), after the checks that make it usable."""
    if engine not in ("local", "dask"):
        raise usage(f"--engine must be local or dask, not {engine!r}")
    if engine == "local":
        if scheduler:
            raise usage("--scheduler goes with --engine dask")
        return None
    if text_mode or STDIN in paths:
        raise usage("--engine dask reads files that every worker can see, not standard input or plain-text lines")
    try:
        from newscli.dask_engine import DaskEngine, require_dask

        require_dask()
    except ImportError as exc:
        raise usage(str(exc)) from None
    try:
        return DaskEngine(jobs=jobs_count(jobs), scheduler=scheduler)
    except (ValueError, ConnectionError) as exc:
        raise usage(str(exc)) from None


def _silence_stderr() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stderr.fileno())
    except OSError:
        pass


def _require_web_extra(paths: list[str], html_field: str | None) -> None:
    """Web input (by name, or --html-field) without the optional extra is a usage error, up front."""
    from newscli.io.web import INSTALL_HINT, is_html_name, is_warc_name

    if html_field is None and not any(p != STDIN and (is_html_name(p) or is_warc_name(p)) for p in paths):
        return
    try:
        from newscli.web import require_web

        require_web()
    except ImportError:
        raise usage(INSTALL_HINT) from None


class handled_signals:
    """SIGTERM ends a run like Ctrl-C (KeyboardInterrupt, exit 130); the previous handler is restored."""

    def __enter__(self) -> "handled_signals":
        self.previous = signal.signal(signal.SIGTERM, _sigterm)
        return self

    def __exit__(self, *exc: Any) -> None:
        signal.signal(signal.SIGTERM, self.previous)


def _run(state: State, items: Any, info: InputInfo, outs: OutputSet, *, options: Any, steps: list | None,
         rejects: str | None, jobs: int, strict: bool, select: Any, text_writer: Callable[[dict], str] | None,
         fmt: str, keep_empty: bool, clusters: bool, kept_apart: bool = False,
         remote: Callable[[Any], Any] | None = None) -> Summary:
    from newscli.export import export

    summary = Summary()
    out = outs.sink("output")
    rej = outs.sink("rejects file")
    messages = Messages(state, rejects)
    progress = Progress(sys.stderr.isatty() and not state.quiet)

    def on_record(rec: dict) -> None:
        if type(rec) is LinesFile:  # a part of the output written by a Dask worker (--engine dask)
            out.write_lines_file(rec)  # type: ignore[union-attr]
            return
        if type(rec) is bytes:  # a line serialized on a Dask worker (--engine dask)
            out.write_bytes(rec)  # type: ignore[union-attr]
            return
        as_text = text_writer is not None and (fmt == "text" or (fmt == "auto" and info.plain_stdin))
        if as_text:
            out.write_text(text_writer(rec))  # type: ignore[misc, union-attr]
        else:
            out.write_record(select(rec) if select else rec)  # type: ignore[union-attr]

    def on_reject(reject: Reject) -> None:
        messages.reject(reject)
        write_reject(rej, reject)

    def on_skip(reject: Reject) -> None:
        write_reject(rej, reject)

    try:
        if options is None:
            run(items, steps=steps or [], on_record=on_record, on_reject=on_reject, on_skip=on_skip,
                jobs=jobs_count(jobs), strict=strict, tick=progress.tick, summary=summary, keep_empty=True)
        else:
            if clusters and options.dedupe is not None:
                sink = outs.sink("clusters file")
                options = dataclasses.replace(options, dedupe=dataclasses.replace(
                    options.dedupe, on_cluster=sink.write_record))  # type: ignore[union-attr]
            if kept_apart and options.dedupe is not None:
                sink = outs.sink("kept-apart file")
                options = dataclasses.replace(options, dedupe=dataclasses.replace(
                    options.dedupe, on_kept_apart=sink.write_record))  # type: ignore[union-attr]
            options = dataclasses.replace(options, jobs=jobs_count(jobs), keep_empty=keep_empty)
            export(items, options, on_record=on_record, on_reject=on_reject, on_skip=on_skip, tick=progress.tick,
                   strict=strict, summary=summary, chunk_source=None if remote is None else remote(options))
        progress.stop()
        messages.close()
        summary.outputs = outs.paths("output")
        _write_stats(outs.sink("stats file"), summary)
        outs.commit()
        return summary
    except StrictStop:
        _fail(progress, messages, outs)
        err("stopped at the first bad record (--strict)")
        raise typer.Exit(EXIT_DATA) from None
    except KeyboardInterrupt:
        _fail(progress, messages, outs)
        summary.interrupted = True
        err("interrupted; no output written")
        raise typer.Exit(exit_code(summary)) from None
    except BrokenPipeError:  # the reader of standard output went away (`| head -1`): exit 0
        _fail(progress, messages, outs)
        broken_pipe()
        side = [t.what for t in outs.targets if t.what != "output"]
        if side:  # they would describe a run that did not finish: not written, and said so
            err("the reader of standard output went away before the end; not written: "
                + ", ".join(f"the {what}" for what in side))
        raise typer.Exit(EXIT_OK) from None
    except UsageError as exc:
        _fail(progress, messages, outs)
        raise usage(f"{exc}; no output written") from None
    except PartError as exc:  # --engine dask: a part of the output not written or not visible here
        _fail(progress, messages, outs)
        err(f"{exc}; no output written")
        raise typer.Exit(EXIT_DATA) from None
    except OSError as exc:  # disk full, permission denied on the output...
        _fail(progress, messages, outs)
        what = getattr(exc, "what", "output")
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        err(f"cannot write the {what}{where}: {exc.strerror or exc}; no output written")
        raise typer.Exit(EXIT_DATA) from None
    except Exception as exc:  # a worker process died (BrokenProcessPool), or a bug: fail, leave nothing
        _fail(progress, messages, outs)
        err(f"run failed, no output written: {type(exc).__name__}: {exc}")
        if state.verbose:
            import traceback

            traceback.print_exc()
        raise typer.Exit(EXIT_DATA) from None


def _fail(progress: Progress, messages: Messages, outs: OutputSet) -> None:
    progress.stop()
    messages.close()
    outs.abort()
