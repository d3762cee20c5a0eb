"""Text mode of `newscli dates`: plain text in, one input line per record.

The CLI reads plain lines with `line_records`, runs `dates_line` over each (in worker processes
too: it is a picklable top-level function), and writes `record["_out"]`. Nothing here prints.
"""

from __future__ import annotations

import re
from typing import Iterator

import orjson

from newscli.io import Reject, peek_stdin_is_jsonl, read_text_lines

from . import find_dates, replace_dates
from .tables import DIGITS


_HAS_DIGIT = re.compile(f"[{DIGITS}]").search


def dates_line(rec: dict, *, extract: bool, keep: bool, year: int | None) -> dict:
    """Convert (or, with extract, list) the dates of one text line; the result is in rec["_out"]."""
    if extract:
        text = rec["text"]
        # no digit and no year: no date can be found (find_dates says the same, at more cost)
        found = find_dates(text, year_hint=year) if year is not None or _HAS_DIGIT(text) else []
        rec["_out"] = orjson.dumps({"line": rec["line"], "dates": found}).decode()
    else:
        rec["_out"] = replace_dates(rec["text"], keep=keep, year_hint=year)
    return rec


def line_records(paths: list[str]) -> Iterator[dict | Reject]:
    """One record {source, line, text} per line of the given text inputs (Rejects pass through)."""
    for item in read_text_lines(paths):
        if isinstance(item, Reject):
            yield item
        else:
            name, lineno, text = item
            yield {"source": f"{name}:{lineno}", "line": lineno, "text": text}


def stdin_is_plain() -> bool:
    """True when standard input is plain text rather than JSONL (peeks without consuming)."""
    return not peek_stdin_is_jsonl()
