"""The `stats` command's table on a terminal (rich)."""

from __future__ import annotations


def print_stats(data: dict) -> None:
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
