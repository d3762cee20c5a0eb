"""Inputs: discovery (directories, --files-from, standard input) and readers (article text files,
JSONL/NDJSON), turning any input into a stream of records and `Reject`s, in input order, without
holding more than one record in memory."""

from __future__ import annotations

import contextlib
import copyreg
import itertools
import json
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

import orjson

from newscli.io.compression import COMPRESSED_SUFFIXES, _decompress_errors, open_decompressed
from newscli.io.errors import Reject, UsageError, _oserror
from newscli.io.web import HTML_SUFFIXES, is_html_name, is_single_gzip_warc, is_warc_name, looks_like_html, looks_like_warc, read_html, read_warc
from newscli.records import derive_id, from_object, new_record

STDIN = "-"
STDIN_NAME = "<stdin>"
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}

# --------------------------------------------------------------------------- inputs

class Unreadable(str):
    """A path found while walking a directory that cannot be read (an unreadable subdirectory):
    a str, so it travels with the other paths; reading it gives a Reject naming the error."""

    error: str

    def __new__(cls, path: str, error: str) -> "Unreadable":
        obj = super().__new__(cls, path)
        obj.error = error
        return obj


def expand_inputs(inputs: Iterable[str], files_from: str | None = None) -> list[str]:
    """Paths to read, in order: directories recursively and sorted, `-` for stdin.

    A directory walk follows symbolic links to directories (each directory is walked once, so a
    link loop ends); an unreadable subdirectory becomes an `Unreadable` path and a dangling link
    stays in the list, so reading them reports the error the way a missing named file is reported.
    """
    items = list(inputs)
    if files_from is not None:
        items.extend(read_files_from(files_from))
    if not items:
        items = [STDIN]
    out: list[str] = []
    for item in items:
        if item != STDIN and os.path.isdir(item):
            found: list[str] = []
            _walk(item, found, set())
            out.extend(sorted(found))
        else:
            out.append(item)
    return out


def read_files_from(files_from: str) -> list[str]:
    """The paths listed in a --files-from file (or `-`), read as bytes: one path per line, blank lines
    and lines starting with `#` skipped. A line starting with a backslash is taken literally after
    it (`\\#notes.txt` names `#notes.txt`, `\\ x` names ` x`). Bytes that are not UTF-8 are kept
    as they are (surrogate escapes, as os.fsdecode does), so any file name can be listed."""
    try:
        if files_from == STDIN:
            data = sys.stdin.buffer.read()
        else:
            with open(files_from, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        raise UsageError(f"--files-from {display_name(files_from)}: cannot read: {_oserror(exc)}") from None
    items = []
    for line in data.split(b"\n"):
        if line.endswith(b"\r"):
            line = line[:-1]
        if line.startswith(b"\\"):
            items.append(os.fsdecode(line[1:]))
        elif line.strip() and not line.lstrip().startswith(b"#"):
            items.append(os.fsdecode(line))
    return items


def _walk(top: str, found: list[str], seen: set[tuple[int, int]]) -> None:
    try:
        st = os.stat(top)
        if (st.st_dev, st.st_ino) in seen:  # reached again through a link: read once
            return
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(top) as it:
            entries = list(it)
    except OSError as exc:
        found.append(Unreadable(top, _oserror(exc)))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()  # follows links
            is_file = not is_dir and entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            _walk(entry.path, found, seen)
        elif (is_file or (entry.is_symlink() and not os.path.exists(entry.path))) and is_input_name(entry.name):
            found.append(entry.path)  # a dangling link is kept: reading it reports the error


def display_name(path: str) -> str:
    """A path as shown in records and messages: bytes that are not UTF-8 as \\xNN escapes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", errors="backslashreplace")


DIRECTORY_SUFFIXES = {".txt", ".text", ".warc"} | JSONL_SUFFIXES | set(HTML_SUFFIXES)


def is_input_name(name: str) -> bool:
    """Which files a directory contributes: .txt/.text/.jsonl/.ndjson/.json (compressed or not) and
    files without an extension. README.md, images and the like are skipped; a file named on the
    command line is always read."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    while suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    return not suffixes or suffixes[-1] in DIRECTORY_SUFFIXES or not suffixes[-1][1:].isalpha()


def _is_jsonl_name(path: str) -> bool | None:
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    while suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    if not suffixes:
        return None
    if suffixes[-1] in JSONL_SUFFIXES:
        return True
    if suffixes[-1] in {".txt", ".text"}:
        return False
    return None


_BLANK = b" \t\r\n\x0b\x0c"


def _sniff(stream: IO[bytes]) -> tuple[bool | None, list[bytes]]:
    """Whether a stream holds JSONL, decided by its first non-blank line read in full, and the
    lines read to decide (to be read again). JSONL when that line starts with `{`, or is a JSON
    array (`[1,2]`: a JSONL line that is not an object, rejected as in a .jsonl file); plain text
    otherwise. None when the stream holds no byte at all."""
    prefix: list[bytes] = []
    while True:
        line = stream.readline(MAX_ARTICLE_BYTES + 1)
        if not line:
            return (None if not prefix else False), prefix
        prefix.append(line)
        head = line[3:] if len(prefix) == 1 and line.startswith(b"\xef\xbb\xbf") else line
        head = head.strip(_BLANK)
        if not head:
            continue
        if head.startswith(b"{"):
            return True, prefix
        if head.startswith(b"["):
            try:
                orjson.loads(head)
                return True, prefix
            except orjson.JSONDecodeError:
                return False, prefix
        return False, prefix


@dataclass
class InputInfo:
    """What the reader found out about the inputs (used by the CLI to choose output formats)."""

    plain_stdin: bool = False
    files: list[str] = field(default_factory=list)


FORMATS = ("auto", "jsonl", "text")


def read_inputs(paths: list[str], *, text_field: str = "text", html_field: str | None = None,
                info: InputInfo | None = None,
                lazy: bool = False, fmt: str = "auto") -> Iterator[dict | Reject | RawLine]:
    """Every record (or Reject) from every input, in order. With lazy=True, JSONL lines come as
    RawLine, to be turned into records by parse_line (in a worker process).

    fmt: "auto" reads .jsonl/.ndjson/.json as JSONL and .txt/.text as one article, and decides for
    standard input and any other name by the first non-blank line (see _sniff); "jsonl" or "text"
    reads every input that way."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    for path in paths:
        yield from read_one(path, text_field=text_field, html_field=html_field, info=info, lazy=lazy, fmt=fmt)


_STDIN_CACHE: list = []


def _stdin_decompressed() -> tuple[IO[bytes], str | None]:
    """Standard input behind its decompressor, opened once (so it can be sniffed, then read)."""
    raw = sys.stdin.buffer
    if _STDIN_CACHE and _STDIN_CACHE[0] is raw:
        return _STDIN_CACHE[1], _STDIN_CACHE[2]
    stream, kind = open_decompressed(raw)
    _STDIN_CACHE[:] = [raw, stream, kind, None]
    return stream, kind


def _stdin_sniffed() -> tuple[bool | None, list[bytes]]:
    """_sniff() of standard input, done once; the lines it read are handed out once."""
    stream, _ = _stdin_decompressed()
    if _STDIN_CACHE[3] is None:
        _STDIN_CACHE[3] = _sniff(stream)
    return _STDIN_CACHE[3]


def _take_stdin_prefix() -> tuple[bool | None, list[bytes]]:
    verdict = _stdin_sniffed()
    _STDIN_CACHE[3] = (verdict[0], [])  # a second read of stdin starts after what was consumed
    return verdict


def _stdin_pending() -> list[bytes]:
    """Lines of standard input already read by a sniff and not handed out yet."""
    if _STDIN_CACHE and _STDIN_CACHE[0] is sys.stdin.buffer and _STDIN_CACHE[3] is not None:
        return _take_stdin_prefix()[1]
    return []


def peek_stdin_is_jsonl() -> bool:
    """Whether standard input holds JSONL (decided by its first non-blank line; nothing is lost:
    the lines read to decide are read again by the reader)."""
    try:
        return bool(_stdin_sniffed()[0])
    except _decompress_errors():
        return False


@contextlib.contextmanager
def _opened(path: str) -> Iterator[tuple[str, IO[bytes] | None, str | None, Reject | None]]:
    """(display name, decompressed stream, compression, None), or a Reject when the input cannot
    be opened; the file is closed on exit (standard input is left open)."""
    name = STDIN_NAME if path == STDIN else display_name(path)
    if isinstance(path, Unreadable):
        yield name, None, None, Reject(name, 0, f"cannot read: {path.error}")
        return
    try:
        raw: IO[bytes] = sys.stdin.buffer if path == STDIN else open(path, "rb")
    except OSError as exc:
        yield name, None, None, Reject(name, 0, f"cannot read: {_oserror(exc)}")
        return
    try:
        try:
            stream, kind = _stdin_decompressed() if path == STDIN else open_decompressed(raw)
        except _decompress_errors() as exc:
            yield name, None, None, Reject(name, 0, f"cannot read: {_oserror(exc)}")
            return
        yield name, stream, kind, None
    finally:
        if path != STDIN:
            raw.close()


def read_one(path: str, *, text_field: str = "text", html_field: str | None = None,
             info: InputInfo | None = None,
             lazy: bool = False, fmt: str = "auto") -> Iterator[dict | Reject | RawLine]:
    with _opened(path) as (name, stream, kind, reject):
        if reject is not None:
            yield reject
            return
        jsonl = {"jsonl": True, "text": False}.get(fmt)
        if jsonl is None and path != STDIN:
            jsonl = _is_jsonl_name(path)
        try:
            web = _web_kind(path, stream, jsonl) if fmt == "auto" else None
        except _decompress_errors() as exc:
            yield Reject(name, 1, f"corrupt or truncated {kind or 'compressed'} data: {_oserror(exc)}")
            return
        if web is not None:
            if info is not None:
                info.files.append(name)
            yield from (_read_warc(path, name, stream) if web == "warc" else read_html(stream, name, kind))
            return
        prefix: list[bytes] = []
        try:
            if path == STDIN:
                sniffed, prefix = _take_stdin_prefix()
                if sniffed is None:  # an empty pipe holds no record (a `grep` upstream found nothing)
                    return
                jsonl = sniffed if jsonl is None else jsonl
            elif jsonl is None:
                sniffed, prefix = _sniff(stream)
                jsonl = bool(sniffed)
        except _decompress_errors() as exc:
            yield Reject(name, 1, f"corrupt or truncated {kind or 'compressed'} data: {_oserror(exc)}")
            return
        if info is not None:
            if path == STDIN and not jsonl:
                info.plain_stdin = True
            info.files.append(name)
        if jsonl:
            yield from _read_jsonl(itertools.chain(prefix, stream), name, kind, text_field, lazy, html_field)
        else:
            yield from _read_article(stream, name, kind, b"".join(prefix))


def _web_kind(path: str, stream: IO[bytes], by_name: bool | None) -> str | None:
    """"warc" or "html" for web input, by name (.warc, .warc.gz, .html, .htm) or, for a name
    that says nothing (standard input, no extension), by content; None otherwise."""
    if path != STDIN:
        if is_warc_name(path):
            return "warc"
        if is_html_name(path):
            return "html"
    if by_name is not None:
        return None
    head = stream.peek(512)[:512] if hasattr(stream, "peek") else b""
    if looks_like_warc(head):
        return "warc"
    if looks_like_html(head):
        return "html"
    return None


def _read_warc(path: str, name: str, stream: IO[bytes]) -> Iterator[dict | Reject]:
    """A named .warc.gz compressed record by record (as WARC writers do) is read from its raw
    bytes, so record offsets are those of the compressed file (what Common Crawl's indexes give);
    anything else, a WARC gzipped as one stream included, from the decompressed stream (offsets
    then count uncompressed bytes)."""
    if path != STDIN and path.lower().endswith(".gz") and not is_single_gzip_warc(path):
        with open(path, "rb") as raw:
            yield from read_warc(raw, name)
    else:
        yield from read_warc(stream, name)


@dataclass(slots=True)
class RawLine:
    """One JSONL line not parsed yet: worker processes parse it (see parse_line), so the reading
    process only splits lines."""

    line: bytes
    name: str
    lineno: int
    text_field: str
    html_field: str | None = None  # --html-field: the JSONL field holding a web page


# Numbers orjson cannot hold exactly: integers beyond 64 bits (it turns them into floats) and
# exponents beyond a double (1E400 fails, 1e-999 becomes 0.0). Lines that have them are parsed
# again with the standard library, keeping those numbers as orjson.Fragment (their text, written
# back byte for byte); every other line stays on the fast path.
_LONG_NUMBER = re.compile(rb"[0-9]{19,}|[eE][-+]?[0-9]{3,}")
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
        if _LONG_NUMBER.search(line) and isinstance(obj, dict):
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


def _numbered_lines(stream: Iterable[bytes], name: str, kind: str | None) -> Iterator[tuple[int, bytes] | Reject]:
    """(line number, line without its \n or \r\n), split on \n only; a Reject, then the end,
    when the compressed data stops early or is corrupt."""
    lineno = 0
    errors = _decompress_errors()
    it = iter(stream)
    while True:
        try:
            line = next(it)
        except StopIteration:
            return
        except errors as exc:
            yield Reject(name, lineno + 1, f"corrupt or truncated {kind or 'compressed'} data after line {lineno}: {_oserror(exc)}")
            return
        lineno += 1
        if line.endswith(b"\n"):
            line = line[:-1]
            if line.endswith(b"\r"):
                line = line[:-1]
        yield lineno, line


def _read_jsonl(stream: Iterable[bytes], name: str, kind: str | None, text_field: str,
                lazy: bool = False, html_field: str | None = None) -> Iterator[dict | Reject | RawLine]:
    for item in _numbered_lines(stream, name, kind):
        if isinstance(item, Reject):
            yield item
            return
        lineno, line = item
        if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):  # a byte-order mark (files saved on Windows)
            line = line[3:]
        if not line.strip():
            continue
        raw = RawLine(line, name, lineno, text_field, html_field)
        yield raw if lazy else parse_line(raw)


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


MAX_ARTICLE_BYTES = 64 * 1024 * 1024


def _read_article(stream: IO[bytes], name: str, kind: str | None, prefix: bytes = b"") -> Iterator[dict | Reject]:
    try:
        data = prefix + stream.read(MAX_ARTICLE_BYTES + 1 - len(prefix)) if len(prefix) <= MAX_ARTICLE_BYTES else prefix
    except _decompress_errors() as exc:
        yield Reject(name, 1, f"corrupt or truncated {kind or 'compressed'} data: {_oserror(exc)}")
        return
    if len(data) > MAX_ARTICLE_BYTES:
        yield Reject(name, 1, f"article file larger than {MAX_ARTICLE_BYTES // 2**20} MiB (is it JSONL? name it .jsonl)")
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield Reject(name, line, f"invalid UTF-8 at byte {exc.start + 1}", _raw(data[:4096]))
        return
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        yield Reject(name, line, "NUL byte in article", text[:4096].replace("\x00", "\\x00"))
        return
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    yield new_record(id=derive_id(name, 0), source=name, text=text)


def read_text_lines(paths: list[str]) -> Iterator[tuple[str, int, str] | Reject]:
    """Plain-text mode: every line of every input as (source, line number, text without \n)."""
    for path in paths:
        with _opened(path) as (name, stream, kind, reject):
            if reject is not None:
                yield reject
                continue
            lines = itertools.chain(_stdin_pending(), stream) if path == STDIN else stream
            for item in _numbered_lines(lines, name, kind):
                if isinstance(item, Reject):
                    yield item
                    break
                lineno, line = item
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    yield Reject(name, lineno, f"invalid UTF-8 at byte {exc.start + 1}", _raw(line))
                    continue
                if "\x00" in text:
                    yield Reject(name, lineno, "NUL byte in line", text.replace("\x00", "\\x00"))
                    continue
                yield (name, lineno, text)


