"""One JSONL line to a record: orjson first, with an exact standard-library fallback for numbers
orjson cannot represent (integers beyond 64 bits, 1E400), and the Reject messages for lines that are
not JSON objects."""

from __future__ import annotations

import copyreg
import json
import math
from dataclasses import dataclass
from typing import Any

import orjson

from newscli.io.errors import Reject
from newscli.records import from_object

@dataclass(slots=True)
class RawLine:
    """One JSONL line not parsed yet: worker processes parse it (see parse_line), so the reading
    process only splits lines."""

    line: bytes
    name: str
    lineno: int
    text_field: str
    html_field: str | None = None  # --html-field: the JSONL field holding a web page


@dataclass(slots=True)
class RawBlock:
    """Consecutive JSONL lines not split yet: what the reading process hands to worker processes
    (`read_inputs(lazy=True)`), so it only cuts the decompressed stream after a line end and counts
    the line ends; `raw_lines` splits a block into the RawLines line-by-line reading gives.

    data: whole lines, each ending in \n except maybe the input's last line; first: the line number
    of the first of them; lines: how many lines data holds (blank ones included)."""

    data: bytes
    name: str
    first: int
    lines: int
    text_field: str
    html_field: str | None = None


_BOM = b"\xef\xbb\xbf"


def chomp(line: bytes) -> bytes:
    """A line without its \n, or \r\n (a last line with no \n keeps a final \r)."""
    if line.endswith(b"\n"):
        line = line[:-1]
        if line.endswith(b"\r"):
            line = line[:-1]
    return line


def line_item(line: bytes, lineno: int, name: str, text_field: str, html_field: str | None) -> RawLine | None:
    """A line (its end removed) as every reader gives it: a byte-order mark removed from the
    input's first line (files saved on Windows); None for a blank line, which is no record."""
    if lineno == 1 and line.startswith(_BOM):
        line = line[3:]
    return RawLine(line, name, lineno, text_field, html_field) if line.strip() else None


def raw_lines(block: RawBlock) -> list[RawLine]:
    """The non-blank lines of a block as RawLines, as reading the input line by line gives them:
    split on \n only, the \n (and a \r before it) removed, then `line_item`."""
    data = block.data
    parts = data.split(b"\n")
    ended = data.endswith(b"\n")
    if ended:
        parts.pop()  # the empty piece after the last line end is not a line
    out = []
    lineno = block.first - 1
    last = len(parts) - 1
    name, field, html = block.name, block.text_field, block.html_field
    for k, line in enumerate(parts):
        lineno += 1
        if line.endswith(b"\r") and (ended or k < last):
            line = line[:-1]
        item = line_item(line, lineno, name, field, html)
        if item is not None:
            out.append(item)
    return out


def take_lines(block: RawBlock, k: int) -> tuple[RawBlock, RawBlock | None]:
    """The block's first k lines as one block, and the rest (None when nothing is left)."""
    if k >= block.lines:
        return block, None
    data, cut = block.data, 0
    for _ in range(k):
        cut = data.index(b"\n", cut) + 1
    return (RawBlock(data[:cut], block.name, block.first, k, block.text_field, block.html_field),
            RawBlock(data[cut:], block.name, block.first + k, block.lines - k, block.text_field, block.html_field))


# Numbers orjson cannot hold exactly: integers beyond 64 bits (it turns them into floats) and
# exponents beyond a double (1E400 fails, 1e-999 becomes 0.0). Lines that have them are parsed
# again with the standard library, keeping those numbers as orjson.Fragment (their text, written
# back byte for byte); every other line stays on the fast path.
# Such a line holds 19 digits in a row or an exponent of 3 digits (rb"[0-9]{19,}|[eE][-+]?[0-9]{3,}").
# Tested without a regex (one scans ~30 MB/s: 1.6 s per 10,000 articles): digits map to "0", e/E
# to "e", signs to "+", every other byte to "."; then three substring searches.
_NUMBER_SHAPE = bytes(48 if 48 <= b <= 57 else 101 if b in (69, 101) else 43 if b in (43, 45) else 46 for b in range(256))
_LONG_DIGITS, _EXP, _SIGNED_EXP = b"0" * 19, b"e000", b"e+000"


def _long_number(line: bytes) -> bool:
    """Whether ``line`` may hold a number orjson cannot read exactly (19 digits, or an exponent of 3)."""
    shape = line.translate(_NUMBER_SHAPE)
    return _LONG_DIGITS in shape or _EXP in shape or _SIGNED_EXP in shape
_INT64 = (-(2**63), 2**64 - 1)


def _exact_int(text: str) -> int | orjson.Fragment:
    value = int(text)
    return value if _INT64[0] <= value <= _INT64[1] else orjson.Fragment(text.encode())


def _exact_float(text: str) -> float | orjson.Fragment:
    value = float(text)
    if math.isinf(value) or (value == 0.0 and any(c in "123456789" for c in text.split("e")[0].split("E")[0])):
        return orjson.Fragment(text.encode())
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _loads_exact(line: bytes) -> Any:
    """json.loads with numbers kept exactly; raises ValueError for anything orjson would refuse."""
    obj = json.loads(line, parse_int=_exact_int, parse_float=_exact_float, parse_constant=_no_constant)
    orjson.dumps(obj)  # lone surrogates (\ud800) are accepted by json, refused by orjson
    return obj


def loads(line: bytes) -> Any:
    """orjson.loads of a line newscli wrote itself (a spooled record), keeping the numbers orjson
    cannot hold exactly (written back as orjson.Fragment) exactly, as `parse_line` read them."""
    if _long_number(line):
        try:
            return _loads_exact(line)
        except (ValueError, TypeError, RecursionError, orjson.JSONEncodeError):
            pass
    return orjson.loads(line)


copyreg.pickle(orjson.Fragment, lambda f: (orjson.Fragment, (orjson.dumps(f),)))  # to and from workers


def parse_line(raw: RawLine) -> dict | Reject:
    """A JSONL line to a record, or a Reject saying why not."""
    line, name, lineno = raw.line, raw.name, raw.lineno
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        obj = None
        if "number" in str(exc):
            try:
                obj = _loads_exact(line)
            except (ValueError, TypeError, RecursionError, orjson.JSONEncodeError):
                obj = None
        if obj is None:
            return Reject(name, lineno, _json_error(line, exc), _raw(line))
    else:
        if isinstance(obj, dict) and _long_number(line):
            try:
                obj = _loads_exact(line)
            except (ValueError, TypeError, RecursionError, orjson.JSONEncodeError):
                pass  # orjson read it: keep that
    if not isinstance(obj, dict):
        return Reject(name, lineno, f"not a JSON object but {_json_type(obj)}", _raw(line))
    try:
        return from_object(obj, source=f"{name}:{lineno}", position=lineno, text_field=raw.text_field,
                           html_field=raw.html_field)
    except ValueError as exc:
        return Reject(name, lineno, str(exc), _raw(line))


def _json_error(line: bytes, exc: Exception) -> str:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as ude:
        return f"invalid UTF-8 at byte {ude.start + 1}"
    if b"\x00" in line:
        return "NUL byte in line"
    msg = str(exc).split(":", 1)[0]
    return f"invalid JSON: {msg}"


def _json_type(obj: Any) -> str:
    return {list: "an array", str: "a string", int: "a number", float: "a number",
            bool: "a boolean", type(None): "null"}.get(type(obj), type(obj).__name__)


def _raw(line: bytes) -> str:
    return line.decode("utf-8", errors="backslashreplace")
