"""The `stats` command: read a corpus, report it as JSON or as rich tables (rendered to text first,
so a reader that goes away is handled like every other command's)."""

from __future__ import annotations

import io
import shutil
import sys

import orjson
import typer

from newscli.cli.runner import (EXIT_DATA, EXIT_INTERRUPTED, EXIT_OK, Messages, State, check_readable, err,
                                handled_signals, usage, write_stdout)
from newscli.io import Reject, UsageError, expand_inputs, read_inputs


def run_stats(state: State, *, inputs: list[str] | None, files_from: str | None, text_field: str, fmt: str = "auto",
              as_json: bool) -> None:
    """Read every record, then print the report. Always ends by raising typer.Exit."""
    from newscli.stats import CorpusStats

    try:
        paths = expand_inputs(inputs or [], files_from)
        check_readable(paths)
    except UsageError as exc:
        raise usage(str(exc)) from None
    report = CorpusStats()
    messages = Messages(state, None)
    with handled_signals():
        try:
            for item in read_inputs(paths, text_field=text_field, fmt=fmt):
                if isinstance(item, Reject):
                    report.rejected += 1
                    messages.reject(item)
                else:
                    report.add(item)
        except KeyboardInterrupt:
            messages.close()
            err("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None
    messages.close()
    data = report.as_dict()
    if as_json:
        write_stdout(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    else:
        write_stdout(render_stats(data).encode("utf-8"))
    raise typer.Exit(EXIT_DATA if report.rejected else EXIT_OK)


def render_stats(data: dict) -> str:
    """The report as rich tables, rendered to text (with colour only on a terminal)."""
    from rich.console import Console

    buf = io.StringIO()
    tty = sys.stdout.isatty()
    console = Console(file=buf, force_terminal=tty, no_color=not tty,
                      width=shutil.get_terminal_size((80, 24)).columns if tty else 80)
    print_stats(data, console)
    return buf.getvalue()


def print_stats(data: dict, console: object) -> None:
    from rich.table import Table

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
