"""The newscli command line: a thin typer layer over the library.

It parses options, builds one options object per step, runs the pipeline, prints messages and the
summary on stderr, and `exit_code()` alone decides how the process ends.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Callable, Optional

import orjson
import typer

from newscli import __version__
from newscli.io import (STDIN, InputInfo, Output, Reject, RejectWriter, UsageError, check_output_path,
                        expand_inputs, read_inputs)
from newscli.pipeline import StrictStop, Summary, run

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

app = typer.Typer(
    name="newscli",
    help="Arabic news corpus tool: clean scraped articles, convert Arabic dates (Libyan months and every "
    "other system) to ISO, remove duplicate articles, export JSONL records.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    quiet: bool = False
    verbose: bool = False


STATE = State()


def _version_callback(value: bool) -> None:
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"newscli {__version__}", f"Python {sys.version.split()[0]}"]
    for dist in ("typer", "rich", "pyarabic", "orjson", "zstandard", "numpy", "xxhash", "hijridate"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} (not installed)")
    typer.echo("\n".join(parts))
    raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True,
                                          help="Show newscli's version and its key dependencies' versions.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No summary line at the end.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Tracebacks for rejected records.")] = False,
) -> None:
    STATE.quiet, STATE.verbose = quiet, verbose


# ------------------------------------------------------------------ shared options
Inputs = Annotated[Optional[list[str]], typer.Argument(
    help="Article .txt files, directories (recursive, sorted), JSONL/NDJSON files, compressed or not "
    "(.gz .bz2 .xz .zst, recognised by content); '-' or nothing for standard input.", show_default=False)]
OutputOpt = Annotated[Optional[str], typer.Option("-o", "--output", help="Write here instead of standard output "
                                                  "(atomically; compressed by extension).", show_default=False)]
FilesFrom = Annotated[Optional[str], typer.Option("--files-from", help="Read more input paths from this file, one per line.",
                                                  show_default=False)]
TextField = Annotated[str, typer.Option("--text-field", help="JSONL field holding the article body.")]
Strict = Annotated[bool, typer.Option("--strict", help="Stop at the first bad record (exit 1).")]
Rejects = Annotated[Optional[str], typer.Option("--rejects", help="Write each rejected record here as JSONL "
                                                "{source, line, error, raw}.", show_default=False)]
Jobs = Annotated[int, typer.Option("-j", "--jobs", min=0, help="Worker processes (0 = all cores). Output is "
                                   "identical for every value.")]
StatsOpt = Annotated[Optional[str], typer.Option("--stats", help="Write the run's summary here as JSON.", show_default=False)]
ShardSize = Annotated[Optional[int], typer.Option("--shard-size", min=1, help="Split --output into numbered shards "
                                                  "of this many records (out-00000.jsonl.gz, ...).", show_default=False)]
Fields = Annotated[Optional[str], typer.Option("--fields", help="Only these output fields, comma-separated, in this order.",
                                               show_default=False)]
Format = Annotated[str, typer.Option("--format", help="auto | jsonl | text. auto: text when standard input is plain "
                                     "text, JSONL otherwise.")]

# clean
Fold = Annotated[Optional[list[str]], typer.Option("--fold", help="A named lossy fold applied after cleaning: search, "
                                                   "diacritics, letters, digits (repeatable; see docs/clean.md).", show_default=False)]
Explain = Annotated[bool, typer.Option("--explain", help="Add `explain` to each record: which rule removed which line.")]
Boilerplate = Annotated[Optional[list[str]], typer.Option("--boilerplate", help="A file of extra boilerplate phrases, "
                                                          "one per line (repeatable).", show_default=False)]
# dates
Replace = Annotated[bool, typer.Option("--replace", help="Also rewrite dates in `text` as ISO dates.")]
# dedupe
Threshold = Annotated[Optional[float], typer.Option("--threshold", min=0.0, max=1.0, help="Similarity at which two "
                                                    "articles are near-duplicates (default 0.5; docs/dedupe.md has the measurements).", show_default=False)]
Shingle = Annotated[Optional[str], typer.Option("--shingle", help="char:N or word:N (default char:5).", show_default=False)]
NumPerm = Annotated[Optional[int], typer.Option("--num-perm", min=8, help="MinHash signature length (default 128).",
                                               show_default=False)]
Bands = Annotated[Optional[int], typer.Option("--bands", min=1, help="LSH bands, must divide --num-perm (default 32, "
                                             "i.e. 32 bands of 4 rows).", show_default=False)]
Emit = Annotated[str, typer.Option("--emit", help="kept | removed | all: which records to write.")]
Clusters = Annotated[Optional[str], typer.Option("--clusters", help="Write one JSON line per duplicate cluster here.",
                                                 show_default=False)]


# ------------------------------------------------------------------ messages and exit codes

def _err(message: str) -> None:
    sys.stderr.write(f"newscli: {message}\n")
    sys.stderr.flush()


def _report_reject(reject: Reject) -> None:
    _err(reject.message())
    if STATE.verbose and reject.detail:
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


def _usage(message: str) -> typer.Exit:
    _err(message)
    return typer.Exit(exit_code(None, usage_error=True))


def _sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _broken_pipe() -> None:
    # the reader went away (`newscli export big.jsonl | head -1`): end quietly
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


class _Progress:
    """A rich progress display on stderr, only when stderr is a terminal and not --quiet."""

    def __init__(self, enabled: bool) -> None:
        self.progress = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.completed:,} records"),
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


def _jobs(jobs: int) -> int:
    return os.cpu_count() or 1 if jobs == 0 else jobs


def _select(fields: str | None) -> Callable[[dict], dict] | None:
    if not fields:
        return None
    names = [f.strip() for f in fields.split(",") if f.strip()]
    if not names:
        raise _usage("--fields needs at least one field name")
    return lambda rec: {k: rec.get(k) for k in names}


def _write_stats(path: str | None, summary: Summary) -> None:
    if not path:
        return
    from newscli.io import AtomicFile

    with AtomicFile(path) as fh:
        fh.write(orjson.dumps(summary.as_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


_IO_OPTIONS = ("inputs", "files_from", "output", "text_field", "strict", "rejects", "jobs", "stats", "shard_size")


def _io_options(params: dict) -> dict:
    """The input/output options every record command shares, from that command's parameters."""
    return {name: params[name] for name in _IO_OPTIONS}


def run_command(
    *,
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
    line_mode: bool = False,
) -> None:
    """Shared body of every record-processing subcommand."""
    signal.signal(signal.SIGTERM, _sigterm)
    try:
        paths = expand_inputs(inputs or [], files_from)
        targets = [(what, path) for what, path in (("output", output), ("rejects file", rejects),
                   ("stats file", stats), ("clusters file", clusters)) if path and path != STDIN]
        for i, (what, path) in enumerate(targets):
            check_output_path(path, paths, what)
            for other, other_path in targets[:i]:
                if os.path.abspath(path) == os.path.abspath(other_path):
                    raise UsageError(f"the {what} and the {other} are the same file: {path}")
        if shard_size and not output:
            raise UsageError("--shard-size needs -o/--output")
    except UsageError as exc:
        raise _usage(str(exc)) from None
    if fmt not in ("auto", "jsonl", "text"):
        raise _usage(f"--format must be auto, jsonl or text, not {fmt!r}")
    select = _select(fields)
    info = InputInfo()
    items = _line_records(paths) if line_mode else read_inputs(paths, text_field=text_field, info=info,
                                                               lazy=_jobs(jobs) > 1)
    summary = Summary()
    out: Output | None = None
    rej = RejectWriter(rejects)
    progress = _Progress(sys.stderr.isatty() and not STATE.quiet)

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
        _report_reject(reject)
        rej.write(reject)

    try:
        run(items, steps=steps, on_record=on_record, on_reject=on_reject, dedupe_options=dedupe_options,
            jobs=_jobs(jobs), strict=strict, tick=progress.tick, summary=summary)
        progress.stop()
        if out is None:
            out = Output(output, shard_size=shard_size)
        summary.outputs = out.commit()
        rej.commit()
    except StrictStop:
        progress.stop()
        _abort(out, rej)
        _err("stopped at the first bad record (--strict)")
        raise typer.Exit(EXIT_DATA) from None
    except KeyboardInterrupt:
        progress.stop()
        _abort(out, rej)
        summary.interrupted = True
        _err("interrupted; no output written")
        raise typer.Exit(exit_code(summary)) from None
    except BrokenPipeError:
        progress.stop()
        _abort(out, rej)
        _broken_pipe()
        raise typer.Exit(EXIT_OK) from None
    except OSError as exc:  # disk full, permission denied on the output...
        progress.stop()
        _abort(out, rej)
        _err(f"cannot write output: {exc.strerror or exc}")
        raise typer.Exit(EXIT_DATA) from None
    except Exception as exc:  # a worker process died (BrokenProcessPool), or a bug: fail, leave nothing
        progress.stop()
        _abort(out, rej)
        _err(f"run failed, no output written: {type(exc).__name__}: {exc}")
        if STATE.verbose:
            import traceback

            traceback.print_exc()
        raise typer.Exit(EXIT_DATA) from None
    _write_stats(stats, summary)
    if not STATE.quiet:
        _err(summary.line())
    raise typer.Exit(exit_code(summary))


def _abort(out: Output | None, rej: RejectWriter) -> None:
    if out is not None:
        out.abort()
    rej.abort()


# ------------------------------------------------------------------ step builders

def _clean_options(fold: list[str] | None, explain: bool, boilerplate: list[str] | None) -> Any:
    from newscli.clean import CleanOptions, load_boilerplate_file

    phrases: list[str] = []
    for path in boilerplate or []:
        try:
            phrases.extend(load_boilerplate_file(path))
        except ValueError as exc:
            raise _usage(f"--boilerplate {path}: {exc}") from None
    try:
        return CleanOptions(folds=tuple(fold or ()), explain=explain, extra_phrases=tuple(phrases))
    except ValueError as exc:
        raise _usage(str(exc)) from None


def _dates_options(replace: bool) -> Any:
    from newscli.dates import DatesOptions

    return DatesOptions(replace=replace)


def _dedupe_options(threshold: float | None, shingle: str | None, num_perm: int | None, bands: int | None,
                    emit: str, clusters: str | None) -> Any:
    from newscli.dedupe import DedupeOptions

    kwargs: dict[str, Any] = {"emit": emit, "clusters_path": clusters}
    for key, value in (("threshold", threshold), ("shingle", shingle), ("num_perm", num_perm), ("bands", bands)):
        if value is not None:
            kwargs[key] = value
    try:
        return DedupeOptions(**kwargs)
    except ValueError as exc:
        raise _usage(str(exc)) from None


# ------------------------------------------------------------------ commands

@app.command()
def export(
    inputs: Inputs = None,
    output: OutputOpt = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    fields: Fields = None,
    no_clean: Annotated[bool, typer.Option("--no-clean", help="Skip the clean step.")] = False,
    no_dates: Annotated[bool, typer.Option("--no-dates", help="Skip the dates step.")] = False,
    no_dedupe: Annotated[bool, typer.Option("--no-dedupe", help="Skip the dedupe step.")] = False,
    fold: Fold = None,
    explain: Explain = False,
    boilerplate: Boilerplate = None,
    replace: Replace = False,
    threshold: Threshold = None,
    shingle: Shingle = None,
    num_perm: NumPerm = None,
    bands: Bands = None,
    emit: Emit = "kept",
    clusters: Clusters = None,
    strict: Strict = False,
    rejects: Rejects = None,
    jobs: Jobs = 1,
    stats: StatsOpt = None,
    shard_size: ShardSize = None,
) -> None:
    """Turn any input into newscli records: clean -> dates -> dedupe -> JSONL, in one pass.

    Example: newscli export data/samples -o corpus.jsonl
    """
    from newscli.export import ExportOptions, steps_for

    options = ExportOptions(
        clean=None if no_clean else _clean_options(fold, explain, boilerplate),
        dates=None if no_dates else _dates_options(replace),
        dedupe=None if no_dedupe else _dedupe_options(threshold, shingle, num_perm, bands, emit, clusters),
    )
    steps, dd = steps_for(options), options.dedupe
    run_command(**_io_options(locals()), steps=steps,
                dedupe_options=dd, clusters=clusters, fields=fields, fmt="jsonl")


@app.command()
def clean(
    inputs: Inputs = None,
    output: OutputOpt = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    fmt: Format = "auto",
    fold: Fold = None,
    explain: Explain = False,
    boilerplate: Boilerplate = None,
    fields: Fields = None,
    strict: Strict = False,
    rejects: Rejects = None,
    jobs: Jobs = 1,
    stats: StatsOpt = None,
    shard_size: ShardSize = None,
) -> None:
    """Split articles into section, title, dateline and body; remove web boilerplate (listed in `removed`).

    Example: newscli clean article.txt | jq .title    (plain text on stdin gives cleaned text out)
    """
    from newscli.clean import format_text
    from newscli.export import ExportOptions, steps_for

    steps = steps_for(ExportOptions(clean=_clean_options(fold, explain, boilerplate), dates=None, dedupe=None))
    writer = partial(_clean_text_out, format_text=format_text, explain=explain)
    run_command(**_io_options(locals()), steps=steps, fields=fields, text_writer=writer, fmt=fmt)


def _clean_text_out(rec: dict, *, format_text: Callable[[dict], str], explain: bool) -> str:
    """Plain-text output of clean; with --explain the audit goes to stderr (stdout stays the article)."""
    if explain:
        for entry in rec.get("explain") or ():
            sys.stderr.write(f"newscli: {rec.get('source')}:{entry['line']}: {entry['rule']}: {entry['text']}\n")
    return format_text(rec)


def _dates_line(rec: dict, *, extract: bool, keep: bool, year: int | None) -> dict:
    """Plain-text mode of `dates`, one input line per record (runs in workers too)."""
    from newscli.dates import find_dates, replace_dates

    if extract:
        rec["_out"] = orjson.dumps({"line": rec["line"], "dates": find_dates(rec["text"], year_hint=year)}).decode()
    else:
        rec["_out"] = replace_dates(rec["text"], keep=keep, year_hint=year)
    return rec


def _line_records(paths: list[str]):
    from newscli.io import read_text_lines

    for item in read_text_lines(paths):
        if isinstance(item, Reject):
            yield item
        else:
            name, lineno, text = item
            yield {"source": f"{name}:{lineno}", "line": lineno, "text": text}


@app.command()
def dates(
    inputs: Inputs = None,
    output: OutputOpt = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    fmt: Format = "auto",
    extract: Annotated[bool, typer.Option("--extract", help="Text mode: one JSON object per input line, "
                                          "{line, dates: [{iso, match, start, end, system}]}.")] = False,
    keep: Annotated[bool, typer.Option("--keep", help="Text mode: keep each date and add [ISO] after it.")] = False,
    year: Annotated[Optional[int], typer.Option("--year", help="Text mode: the publication year, used for dates "
                                                "written without one (marked year_from=publication).", show_default=False)] = None,
    replace: Replace = False,
    fields: Fields = None,
    strict: Strict = False,
    rejects: Rejects = None,
    jobs: Jobs = 1,
    stats: StatsOpt = None,
    shard_size: ShardSize = None,
) -> None:
    """Find dates in Arabic text (Libyan, Levantine, Egyptian, Maghrebi, Hijri, numeric) and convert them to ISO.

    Example: echo "في 8 آي النار/يناير 2020م" | newscli dates    ->    في 2020-01-08
    """
    if fmt not in ("auto", "jsonl", "text"):
        raise _usage(f"--format must be auto, jsonl or text, not {fmt!r}")
    text_mode = extract or fmt == "text"
    if not text_mode and fmt == "auto" and not files_from and list(inputs or [STDIN]) == [STDIN]:
        text_mode = _stdin_is_plain()  # standard input alone: plain text gets the text mode
    if not text_mode:
        from newscli.export import ExportOptions, steps_for

        if keep or year is not None:
            raise _usage("--keep and --year are for text mode (plain text in, or --format text / --extract)")
        steps = steps_for(ExportOptions(clean=None, dates=_dates_options(replace), dedupe=None))
        run_command(**_io_options(locals()), steps=steps, fields=fields, fmt="jsonl")
        return
    step = partial(_dates_line, extract=extract, keep=keep, year=year)
    run_command(**_io_options(locals()), steps=[step],
                text_writer=lambda rec: rec["_out"], fmt="text", line_mode=True)


def _stdin_is_plain() -> bool:
    from newscli.io import peek_stdin_is_jsonl

    return not peek_stdin_is_jsonl()


@app.command()
def dedupe(
    inputs: Inputs = None,
    output: OutputOpt = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    threshold: Threshold = None,
    shingle: Shingle = None,
    num_perm: NumPerm = None,
    bands: Bands = None,
    emit: Emit = "kept",
    clusters: Clusters = None,
    fields: Fields = None,
    strict: Strict = False,
    rejects: Rejects = None,
    jobs: Jobs = 1,
    stats: StatsOpt = None,
    shard_size: ShardSize = None,
) -> None:
    """Remove exact and near-duplicate articles (Arabic-aware MinHash/LSH, verified); every record gets `dup`.

    Example: newscli dedupe corpus.jsonl --clusters clusters.jsonl -o unique.jsonl
    """
    dd = _dedupe_options(threshold, shingle, num_perm, bands, emit, clusters)
    run_command(**_io_options(locals()), steps=[],
                dedupe_options=dd, clusters=clusters, fields=fields, fmt="jsonl")


@app.command()
def stats(
    inputs: Inputs = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON instead of a table.")] = False,
) -> None:
    """Report on a corpus: records, sizes, sources, date coverage by year and system, duplicate rate.

    Example: newscli stats corpus.jsonl --json | jq .by_year
    """
    from newscli.stats import CorpusStats

    try:
        paths = expand_inputs(inputs or [], files_from)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    report = CorpusStats()
    try:
        for item in read_inputs(paths, text_field=text_field):
            if isinstance(item, Reject):
                report.rejected += 1
                _report_reject(item)
            else:
                report.add(item)
    except KeyboardInterrupt:
        _err("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    data = report.as_dict()
    try:
        if as_json:
            sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
            sys.stdout.flush()
        else:
            _print_stats(data)
    except BrokenPipeError:
        _broken_pipe()
    raise typer.Exit(EXIT_DATA if report.rejected else EXIT_OK)


def _print_stats(data: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="corpus", show_header=False)
    for key in ("records", "rejected", "text_chars", "mean_chars", "max_chars", "dated",
                "records_with_dates_in_text", "lines_removed", "records_with_dup", "duplicates",
                "duplicate_rate", "duplicate_clusters"):
        value = data[key]
        table.add_row(key.replace("_", " "), "-" if value is None else f"{value:,}" if isinstance(value, int) else str(value))
    console.print(table)
    for key, title, column in (("by_year", "publication year", "year"),
                               ("dates_by_system", "dates in text by system", "system"),
                               ("outlets", "outlets", "outlet"), ("files", "files", "file")):
        items = list(data[key].items())
        if not items:
            continue
        t = Table(title=title)
        t.add_column(column)
        t.add_column("records" if key != "dates_by_system" else "dates", justify="right")
        for name, count in items[:15]:
            t.add_row(str(name), f"{count:,}")
        if len(items) > 15:
            t.add_row(f"... {len(items) - 15} more", "")
        console.print(t)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a newscli record."""
    from newscli.records import json_schema

    sys.stdout.buffer.write(orjson.dumps(json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # before a command took over (start-up)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        _broken_pipe()
        sys.exit(EXIT_OK)
