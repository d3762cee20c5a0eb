"""The typer app and its commands: parse options, build one options object per step, hand over to
`newscli.cli.runner.run_command` (which runs, reports and exits)."""

from __future__ import annotations

import sys
from functools import partial
from typing import Annotated, Any, Callable, Optional

import orjson
import typer
import typer.core

from newscli import __version__
from newscli.cli.options import (Bands, Boilerplate, DedupeExplain, Engine, Scheduler, Clusters, KeptApart, Emit, Explain, Fields, FilesFrom, Fold, Format, HtmlField, InputFormat,
                                 Inputs, Lang, PageTimeout, web_options,
                                 Jobs, KeepEmpty, NumPerm, OutputOpt, Quiet, Rejects, Replace, ShardSize, Shingle,
                                 StatsOpt, Strict, TextField, Threshold, Verbose, clean_options, dates_options,
                                 dedupe_options, flag)
from newscli.cli.runner import State, io_options, run_command, usage
from newscli.io import STDIN


def _no_bool_metavar(params: list) -> list:
    for param in params:  # flags (-h/--help and typer's completion flags too) show no `<bool>` type
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class _Command(typer.core.TyperCommand):
    """A command whose flags all show no `<bool>` type in --help."""

    def get_params(self, ctx: Any) -> list:
        return _no_bool_metavar(super().get_params(ctx))


class _Group(typer.core.TyperGroup):
    def get_params(self, ctx: Any) -> list:
        return _no_bool_metavar(super().get_params(ctx))


app = typer.Typer(
    name="newscli",
    help="Arabic news corpus tool: clean scraped articles, convert Arabic dates (Libyan months and every "
    "other system) to ISO, remove duplicate articles, export JSONL records.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=_Group,
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
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True, metavar="",
                                          help="Show newscli's version and its key dependencies' versions.")] = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    ctx.obj = State(quiet=quiet, verbose=verbose)


def _state(ctx: typer.Context, quiet: bool = False, verbose: bool = False) -> State:
    """-q/-v given before the command (in the context) or after it (the command's own options)."""
    base = ctx.obj if isinstance(ctx.obj, State) else State()
    return State(quiet=base.quiet or quiet, verbose=base.verbose or verbose)


# ------------------------------------------------------------------ commands

@app.command(cls=_Command)
def export(
    ctx: typer.Context,
    inputs: Inputs = None,
    output: OutputOpt = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    fmt: InputFormat = "auto",
    fields: Fields = None,
    no_clean: Annotated[bool, flag("--no-clean", help="Skip the clean step.")] = False,
    no_dates: Annotated[bool, flag("--no-dates", help="Skip the dates step.")] = False,
    no_dedupe: Annotated[bool, flag("--no-dedupe", help="Skip the dedupe step.")] = False,
    lang: Lang = "auto",
    html_field: HtmlField = None,
    page_timeout: PageTimeout = 10.0,
    fold: Fold = None,
    explain: Explain = False,
    boilerplate: Boilerplate = None,
    replace: Replace = False,
    threshold: Threshold = 0.7,
    shingle: Shingle = "char:5",
    num_perm: NumPerm = 128,
    bands: Bands = None,
    emit: Emit = "kept",
    clusters: Clusters = None,
    kept_apart: KeptApart = None,
    strict: Strict = False,
    rejects: Rejects = None,
    jobs: Jobs = 1,
    stats: StatsOpt = None,
    shard_size: ShardSize = None,
    keep_empty: KeepEmpty = False,
    engine: Engine = "local",
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Turn any input into newscli records: clean -> dates -> dedupe -> JSONL, in one pass.

    Example: newscli export data/samples -o corpus.jsonl
    """
    from newscli.export import ExportOptions

    if no_dedupe:  # options that only dedupe reads would be ignored: say so rather than write empty files
        given = [name for name, on in (("--emit", emit != "kept"), ("--clusters", clusters is not None),
                                       ("--kept-apart", kept_apart is not None)) if on]
        if given:
            raise usage(f"{' and '.join(given)} {'need' if len(given) > 1 else 'needs'} the dedupe step; drop --no-dedupe")
    options = ExportOptions(
        web=web_options(lang, html_field, page_timeout),
        clean=None if no_clean else clean_options(fold, explain, boilerplate),
        dates=None if no_dates else dates_options(replace),
        dedupe=None if no_dedupe else dedupe_options(threshold, shingle, num_perm, bands, emit),
    )
    run_command(state=_state(ctx, quiet, verbose), **io_options(locals()), options=options, clusters=clusters,
                kept_apart=kept_apart, fields=fields, fmt=fmt, extra_inputs=[] if no_clean else boilerplate or [], html_field=html_field)


@app.command(cls=_Command)
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
    keep_empty: KeepEmpty = False,
    engine: Engine = "local",
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Split articles into section, title, dateline and body; remove web boilerplate (listed in `removed`).

    Example: newscli clean article.txt | jq .title    (plain text on stdin gives cleaned text out)
    """
    from newscli.clean import format_text
    from newscli.export import ExportOptions

    options = ExportOptions(clean=clean_options(fold, explain, boilerplate), dates=None, dedupe=None)
    writer = partial(_clean_text_out, format_text=format_text, explain=explain)
    run_command(state=_state(ctx, quiet, verbose), **io_options(locals()), options=options, fields=fields,
                text_writer=writer, fmt=fmt, extra_inputs=boilerplate or [])


def _clean_text_out(rec: dict, *, format_text: Callable[[dict], str], explain: bool) -> str:
    """Plain-text output of clean; with --explain the audit goes to stderr (stdout stays the article)."""
    if explain:
        for entry in rec.get("explain") or ():
            sys.stderr.write(f"newscli: {rec.get('source')}:{entry['line']}: {entry['rule']}: {entry['text']}\n")
    return format_text(rec)


@app.command(cls=_Command)
def dates(
    ctx: typer.Context,
    inputs: Inputs = None,
    output: OutputOpt = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    fmt: Format = "auto",
    extract: Annotated[bool, flag("--extract", help="Text mode: one JSON object per input line, "
                                  "{line, dates: [...]} (entries as in the `dates` field).")] = False,
    keep: Annotated[bool, flag("--keep", help="Text mode: keep each date and add [ISO] after it.")] = False,
    year: Annotated[Optional[int], typer.Option("--year", metavar="YEAR", help="Text mode: the publication year, used for dates "
                                                "written without one (marked year_from=publication).", show_default=False)] = None,
    replace: Replace = False,
    fields: Fields = None,
    strict: Strict = False,
    rejects: Rejects = None,
    jobs: Jobs = 1,
    stats: StatsOpt = None,
    shard_size: ShardSize = None,
    keep_empty: KeepEmpty = False,
    engine: Engine = "local",
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
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
    state = _state(ctx, quiet, verbose)
    if not text_mode:
        from newscli.export import ExportOptions

        if keep or year is not None:
            raise usage("--keep and --year are for text mode (plain text in, or --format text / --extract)")
        options = ExportOptions(clean=None, dates=dates_options(replace), dedupe=None)
        run_command(state=state, **io_options(locals()), options=options, fields=fields, fmt=fmt)
        return
    step = partial(dates_line, extract=extract, keep=keep, year=year)
    run_command(state=state, **io_options(locals()), steps=[step],
                text_writer=lambda rec: rec["_out"], fmt="text", line_records=line_records)


@app.command(cls=_Command)
def dedupe(
    ctx: typer.Context,
    inputs: Inputs = None,
    output: OutputOpt = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    fmt: InputFormat = "auto",
    threshold: Threshold = 0.7,
    shingle: Shingle = "char:5",
    num_perm: NumPerm = 128,
    bands: Bands = None,
    emit: Emit = "kept",
    clusters: Clusters = None,
    kept_apart: KeptApart = None,
    explain: DedupeExplain = False,
    fields: Fields = None,
    strict: Strict = False,
    rejects: Rejects = None,
    jobs: Jobs = 1,
    stats: StatsOpt = None,
    shard_size: ShardSize = None,
    keep_empty: KeepEmpty = False,
    engine: Engine = "local",
    scheduler: Scheduler = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Remove exact and near-duplicate articles (Arabic-aware MinHash/LSH, verified); every record gets `dup`.

    Example: newscli dedupe corpus.jsonl --clusters clusters.jsonl -o unique.jsonl
    """
    from newscli.export import ExportOptions

    options = ExportOptions(clean=None, dates=None,
                            dedupe=dedupe_options(threshold, shingle, num_perm, bands, emit, explain))
    run_command(state=_state(ctx, quiet, verbose), **io_options(locals()), options=options, clusters=clusters,
                kept_apart=kept_apart, fields=fields, fmt=fmt)


@app.command(cls=_Command)
def stats(
    ctx: typer.Context,
    inputs: Inputs = None,
    files_from: FilesFrom = None,
    text_field: TextField = "text",
    fmt: InputFormat = "auto",
    as_json: Annotated[bool, flag("--json", help="Print the report as JSON instead of a table.")] = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Report on a corpus: records, sizes, sources, date coverage by year and system, duplicate rate.

    Example: newscli stats corpus.jsonl --json | jq .by_year
    """
    from newscli.cli.report import run_stats

    if fmt not in ("auto", "jsonl", "text"):
        raise usage(f"--format must be auto, jsonl or text, not {fmt!r}")
    run_stats(_state(ctx, quiet, verbose), inputs=inputs, files_from=files_from, text_field=text_field, fmt=fmt,
              as_json=as_json)


@app.command(cls=_Command)
def schema(
    ctx: typer.Context,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Print the JSON Schema of a newscli record."""
    from newscli.cli.runner import write_stdout
    from newscli.records import json_schema

    write_stdout(orjson.dumps(json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


def main() -> None:
    """Console-script entry point: every command ends with the same exit codes (see runner.exit_code)
    and the same handling of SIGINT/SIGTERM (130) and of a reader that went away (0)."""
    from newscli.cli.runner import EXIT_INTERRUPTED, EXIT_OK, broken_pipe, handled_signals

    try:
        with handled_signals():
            app()
    except KeyboardInterrupt:  # before a command took over (start-up)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        broken_pipe()
        sys.exit(EXIT_OK)
