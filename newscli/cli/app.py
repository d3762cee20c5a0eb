"""The typer app and its commands: parse options, build one options object per step, hand over to
`newscli.cli.runner.run_command` (which runs, reports and exits)."""

from __future__ import annotations

import sys
from functools import partial
from typing import Annotated, Callable, Optional

import orjson
import typer

from newscli import __version__
from newscli.cli.options import (Bands, Boilerplate, Clusters, Emit, Explain, Fields, FilesFrom, Fold, Format, InputFormat, Inputs,
                                 Jobs, NumPerm, OutputOpt, Rejects, Replace, ShardSize, Shingle, StatsOpt, Strict,
                                 TextField, Threshold, clean_options, dates_options, dedupe_options)
from newscli.cli.runner import (EXIT_DATA, EXIT_INTERRUPTED, EXIT_OK, State, broken_pipe, err, io_options,
                                report_reject, run_command, usage)
from newscli.io import STDIN, Reject, UsageError, expand_inputs, read_inputs

app = typer.Typer(
    name="newscli",
    help="Arabic news corpus tool: clean scraped articles, convert Arabic dates (Libyan months and every "
    "other system) to ISO, remove duplicate articles, export JSONL records.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True,
                                          help="Show newscli's version and its key dependencies' versions.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No summary line at the end.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Tracebacks for rejected records.")] = False,
) -> None:
    ctx.obj = State(quiet=quiet, verbose=verbose)


def _state(ctx: typer.Context) -> State:
    return ctx.obj if isinstance(ctx.obj, State) else State()


# ------------------------------------------------------------------ commands

@app.command()
def export(
    ctx: typer.Context,
    inputs: Inputs = None,
    output: OutputOpt = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    fmt: InputFormat = "auto",
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
        clean=None if no_clean else clean_options(fold, explain, boilerplate),
        dates=None if no_dates else dates_options(replace),
        dedupe=None if no_dedupe else dedupe_options(threshold, shingle, num_perm, bands, emit, clusters),
    )
    steps, dd = steps_for(options), options.dedupe
    run_command(state=_state(ctx), **io_options(locals()), steps=steps,
                dedupe_options=dd, clusters=clusters, fields=fields, fmt=fmt)


@app.command()
def clean(
    ctx: typer.Context,
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

    steps = steps_for(ExportOptions(clean=clean_options(fold, explain, boilerplate), dates=None, dedupe=None))
    writer = partial(_clean_text_out, format_text=format_text, explain=explain)
    run_command(state=_state(ctx), **io_options(locals()), steps=steps, fields=fields, text_writer=writer, fmt=fmt)


def _clean_text_out(rec: dict, *, format_text: Callable[[dict], str], explain: bool) -> str:
    """Plain-text output of clean; with --explain the audit goes to stderr (stdout stays the article)."""
    if explain:
        for entry in rec.get("explain") or ():
            sys.stderr.write(f"newscli: {rec.get('source')}:{entry['line']}: {entry['rule']}: {entry['text']}\n")
    return format_text(rec)


@app.command()
def dates(
    ctx: typer.Context,
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
    from newscli.dates.textmode import dates_line, line_records, stdin_is_plain

    if fmt not in ("auto", "jsonl", "text"):
        raise usage(f"--format must be auto, jsonl or text, not {fmt!r}")
    text_mode = extract or fmt == "text"
    if not text_mode and fmt == "auto" and not files_from and list(inputs or [STDIN]) == [STDIN]:
        text_mode = stdin_is_plain()  # standard input alone: plain text gets the text mode
    if not text_mode:
        from newscli.export import ExportOptions, steps_for

        if keep or year is not None:
            raise usage("--keep and --year are for text mode (plain text in, or --format text / --extract)")
        steps = steps_for(ExportOptions(clean=None, dates=dates_options(replace), dedupe=None))
        run_command(state=_state(ctx), **io_options(locals()), steps=steps, fields=fields, fmt=fmt)
        return
    step = partial(dates_line, extract=extract, keep=keep, year=year)
    run_command(state=_state(ctx), **io_options(locals()), steps=[step],
                text_writer=lambda rec: rec["_out"], fmt="text", line_records=line_records)


@app.command()
def dedupe(
    ctx: typer.Context,
    inputs: Inputs = None,
    output: OutputOpt = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    fmt: InputFormat = "auto",
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
    dd = dedupe_options(threshold, shingle, num_perm, bands, emit, clusters)
    run_command(state=_state(ctx), **io_options(locals()), steps=[],
                dedupe_options=dd, clusters=clusters, fields=fields, fmt=fmt)


@app.command()
def stats(
    ctx: typer.Context,
    inputs: Inputs = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    fmt: InputFormat = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON instead of a table.")] = False,
) -> None:
    """Report on a corpus: records, sizes, sources, date coverage by year and system, duplicate rate.

    Example: newscli stats corpus.jsonl --json | jq .by_year
    """
    from newscli.stats import CorpusStats

    state = _state(ctx)
    try:
        paths = expand_inputs(inputs or [], files_from)
    except UsageError as exc:
        raise usage(str(exc)) from None
    if fmt not in ("auto", "jsonl", "text"):
        raise usage(f"--format must be auto, jsonl or text, not {fmt!r}")
    report = CorpusStats()
    try:
        for item in read_inputs(paths, text_field=text_field, fmt=fmt):
            if isinstance(item, Reject):
                report.rejected += 1
                report_reject(item, state)
            else:
                report.add(item)
    except KeyboardInterrupt:
        err("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    data = report.as_dict()
    try:
        if as_json:
            sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
            sys.stdout.flush()
        else:
            from newscli.cli.report import print_stats

            print_stats(data)
    except BrokenPipeError:
        broken_pipe()
    raise typer.Exit(EXIT_DATA if report.rejected else EXIT_OK)


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
        broken_pipe()
        sys.exit(EXIT_OK)
