"""Running one command: progress, messages, the summary, the stats file, and the exit code.

The commands in `newscli.cli.app` parse options and build the steps; `run_command` does the rest.
`exit_code()` alone decides how the process ends.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from typing import Any, Callable

import orjson
import typer

from newscli.io import (STDIN, InputInfo, Output, Reject, RejectWriter, UsageError, check_output_path,
                        expand_inputs, read_inputs)
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


def _select(fields: str | None) -> Callable[[dict], dict] | None:
    if not fields:
        return None
    names = [f.strip() for f in fields.split(",") if f.strip()]
    if not names:
        raise usage("--fields needs at least one field name")
    return lambda rec: {k: rec.get(k) for k in names}


def _write_stats(path: str | None, summary: Summary) -> None:
    if not path:
        return
    from newscli.io import AtomicFile

    with AtomicFile(path) as fh:
        fh.write(orjson.dumps(summary.as_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


IO_OPTIONS = ("inputs", "files_from", "output", "text_field", "strict", "rejects", "jobs", "stats", "shard_size")


def io_options(params: dict) -> dict:
    """The input/output options every record command shares, from that command's parameters."""
    return {name: params[name] for name in IO_OPTIONS}


def _check_paths(paths_in: list[str] | None, files_from: str | None, targets_in: list[tuple[str, str | None]],
                 shard_size: int | None, output: str | None) -> list[str]:
    paths = expand_inputs(paths_in or [], files_from)
    targets = [(what, path) for what, path in targets_in if path and path != STDIN]
    for i, (what, path) in enumerate(targets):
        check_output_path(path, paths, what)
        for other, other_path in targets[:i]:
            if os.path.abspath(path) == os.path.abspath(other_path):
                raise UsageError(f"the {what} and the {other} are the same file: {path}")
    if shard_size and not output:
        raise UsageError("--shard-size needs -o/--output")
    return paths


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
    steps: list,
    dedupe_options: Any = None,
    clusters: str | None = None,
    fields: str | None = None,
    text_writer: Callable[[dict], str] | None = None,
    fmt: str = "auto",
    line_records: Callable[[list[str]], Any] | None = None,
) -> None:
    """Shared body of every record-processing subcommand. Always ends by raising typer.Exit."""
    try:
        paths = _check_paths(inputs, files_from, [("output", output), ("rejects file", rejects),
                             ("stats file", stats), ("clusters file", clusters)], shard_size, output)
    except UsageError as exc:
        raise usage(str(exc)) from None
    if fmt not in ("auto", "jsonl", "text"):
        raise usage(f"--format must be auto, jsonl or text, not {fmt!r}")
    select = _select(fields)
    info = InputInfo()
    items = line_records(paths) if line_records is not None else read_inputs(
        paths, text_field=text_field, info=info, lazy=True, fmt=_input_format(fmt, text_writer))
    previous = signal.signal(signal.SIGTERM, _sigterm)
    try:
        summary = _run(state, items, info, output=output, rejects=rejects, shard_size=shard_size, steps=steps,
                       dedupe_options=dedupe_options, jobs=jobs, strict=strict, select=select,
                       text_writer=text_writer, fmt=fmt)
    finally:
        signal.signal(signal.SIGTERM, previous)
    _write_stats(stats, summary)
    if not state.quiet:
        err(summary.line())
    raise typer.Exit(exit_code(summary))


def _input_format(fmt: str, text_writer: Callable[[dict], str] | None) -> str:
    """How to read the inputs: --format forces it, except `clean --format jsonl`, which has always
    meant JSONL out (of plain text in, too), so clean's input stays sniffed then."""
    return "auto" if text_writer is not None and fmt == "jsonl" else fmt


def _run(state: State, items: Any, info: InputInfo, *, output: str | None, rejects: str | None,
         shard_size: int | None, steps: list, dedupe_options: Any, jobs: int, strict: bool,
         select: Callable[[dict], dict] | None, text_writer: Callable[[dict], str] | None, fmt: str) -> Summary:
    summary = Summary()
    out: Output | None = None
    rej = RejectWriter(rejects)
    progress = Progress(sys.stderr.isatty() and not state.quiet)

    def on_record(rec: dict) -> None:
        nonlocal out
        if out is None:
            out = Output(output, shard_size=shard_size)
        as_text = text_writer is not None and (fmt == "text" or (fmt == "auto" and info.plain_stdin))
        if as_text:
            out.write_text(text_writer(rec))  # type: ignore[misc]
        else:
            out.write_record(select(rec) if select else rec)

    def on_reject(reject: Reject) -> None:
        report_reject(reject, state)
        rej.write(reject)

    try:
        run(items, steps=steps, on_record=on_record, on_reject=on_reject, dedupe_options=dedupe_options,
            jobs=jobs_count(jobs), strict=strict, tick=progress.tick, summary=summary)
        progress.stop()
        if out is None:
            out = Output(output, shard_size=shard_size)
        summary.outputs = out.commit()
        rej.commit()
        return summary
    except StrictStop:
        progress.stop()
        _abort(out, rej)
        err("stopped at the first bad record (--strict)")
        raise typer.Exit(EXIT_DATA) from None
    except KeyboardInterrupt:
        progress.stop()
        _abort(out, rej)
        summary.interrupted = True
        err("interrupted; no output written")
        raise typer.Exit(exit_code(summary)) from None
    except BrokenPipeError:
        progress.stop()
        _abort(out, rej)
        broken_pipe()
        raise typer.Exit(EXIT_OK) from None
    except OSError as exc:  # disk full, permission denied on the output...
        progress.stop()
        _abort(out, rej)
        err(f"cannot write output: {exc.strerror or exc}")
        raise typer.Exit(EXIT_DATA) from None
    except Exception as exc:  # a worker process died (BrokenProcessPool), or a bug: fail, leave nothing
        progress.stop()
        _abort(out, rej)
        err(f"run failed, no output written: {type(exc).__name__}: {exc}")
        if state.verbose:
            import traceback

            traceback.print_exc()
        raise typer.Exit(EXIT_DATA) from None


def _abort(out: Output | None, rej: RejectWriter) -> None:
    if out is not None:
        out.abort()
    rej.abort()
