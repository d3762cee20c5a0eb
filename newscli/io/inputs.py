"""Inputs: discovery (directories, --files-from, standard input) and readers (article text files,
JSONL/NDJSON), turning any input into a stream of records and `Reject`s, in input order, without
holding more than one record in memory."""

from __future__ import annotations

import contextlib
import os
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

def expand_inputs(inputs: Iterable[str], files_from: str | None = None) -> list[str]:
    """Paths to read, in order: directories recursively and sorted, `-` for stdin."""
    items = list(inputs)
    if files_from is not None:
        try:
            fh = sys.stdin if files_from == STDIN else open(files_from, encoding="utf-8")
            with fh if fh is not sys.stdin else _nullctx(fh):
                for line in fh:
                    line = line.rstrip("\n").rstrip("\r")
                    if line.strip() and not line.lstrip().startswith("#"):
                        items.append(line)
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--files-from {files_from}: cannot read: {_oserror(exc)}") from None
    if not items:
        items = [STDIN]
    out: list[str] = []
    for item in items:
        if item != STDIN and os.path.isdir(item):
            found = [str(p) for p in Path(item).rglob("*") if p.is_file() and is_input_name(p.name)
                     and not any(part.startswith(".") for part in p.relative_to(item).parts)]
            out.extend(sorted(found))
        else:
            out.append(item)
    return out


DIRECTORY_SUFFIXES = {".txt", ".text", ".warc"} | JSONL_SUFFIXES | set(HTML_SUFFIXES)


def is_input_name(name: str) -> bool:
    """Which files a directory contributes: .txt/.text/.jsonl/.ndjson/.json (compressed or not) and
    files without an extension. README.md, images and the like are skipped; a file named on the
    command line is always read."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    while suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    return not suffixes or suffixes[-1] in DIRECTORY_SUFFIXES or not suffixes[-1][1:].isalpha()


class _nullctx:
    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def __enter__(self) -> Any:
        return self.obj

    def __exit__(self, *exc: Any) -> None:
        return None


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


def _looks_like_jsonl(stream: IO[bytes]) -> bool:
    head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
    stripped = head.lstrip(b" \t\r\n\xef\xbb\xbf")
    return stripped.startswith(b"{")


@dataclass
class InputInfo:
    """What the reader found out about the inputs (used by the CLI to choose output formats)."""

    plain_stdin: bool = False
    files: list[str] = field(default_factory=list)


def read_inputs(paths: list[str], *, text_field: str = "text", html_field: str | None = None, info: InputInfo | None = None,
                lazy: bool = False) -> Iterator[dict | Reject | RawLine]:
    """Every record (or Reject) from every input, in order. With lazy=True, JSONL lines come as
    RawLine, to be turned into records by parse_line (in a worker process)."""
    for path in paths:
        yield from read_one(path, text_field=text_field, html_field=html_field, info=info, lazy=lazy)


_STDIN_CACHE: list = []


def _stdin_decompressed() -> tuple[IO[bytes], str | None]:
    """Standard input behind its decompressor, opened once (so it can be peeked at, then read)."""
    raw = sys.stdin.buffer
    if _STDIN_CACHE and _STDIN_CACHE[0] is raw:
        return _STDIN_CACHE[1], _STDIN_CACHE[2]
    stream, kind = open_decompressed(raw)
    _STDIN_CACHE[:] = [raw, stream, kind]
    return stream, kind


def peek_stdin_is_jsonl() -> bool:
    """Whether standard input holds JSONL (without consuming it)."""
    try:
        stream, _ = _stdin_decompressed()
        return _looks_like_jsonl(stream)
    except _decompress_errors():
        return False


@contextlib.contextmanager
def _opened(path: str) -> Iterator[tuple[str, IO[bytes] | None, str | None, Reject | None]]:
    """(display name, decompressed stream, compression, None), or a Reject when the input cannot
    be opened; the file is closed on exit (standard input is left open)."""
    name = STDIN_NAME if path == STDIN else path
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


def read_one(path: str, *, text_field: str = "text", html_field: str | None = None, info: InputInfo | None = None,
             lazy: bool = False) -> Iterator[dict | Reject | RawLine]:
    with _opened(path) as (name, stream, kind, reject):
        if reject is not None:
            yield reject
            return
        by_name = None if path == STDIN else _is_jsonl_name(path)
        try:
            if path == STDIN and not stream.peek(1):  # an empty pipe holds no record (a `grep` upstream found nothing)
                return
            jsonl = by_name if by_name is not None else _looks_like_jsonl(stream)
        except _decompress_errors() as exc:
            yield Reject(name, 1, f"corrupt or truncated {kind or 'compressed'} data: {_oserror(exc)}")
            return
        if info is not None:
            if path == STDIN and not jsonl:
                info.plain_stdin = True
            info.files.append(name)
        web = _web_kind(path, stream, by_name)
        if web == "warc":
            yield from _read_warc(path, name, stream)
        elif web == "html":
            yield from read_html(stream, name, kind)
        elif jsonl:
            yield from _read_jsonl(stream, name, kind, text_field, lazy, html_field)
        else:
            yield from _read_article(stream, name, kind)


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


def parse_line(raw: RawLine) -> dict | Reject:
    """A JSONL line to a record, or a Reject saying why not."""
    line, name, lineno = raw.line, raw.name, raw.lineno
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return Reject(name, lineno, _json_error(line, exc), _raw(line))
    if not isinstance(obj, dict):
        return Reject(name, lineno, f"not a JSON object but {_json_type(obj)}", _raw(line))
    try:
        return from_object(obj, source=f"{name}:{lineno}", position=lineno, text_field=raw.text_field,
                           html_field=raw.html_field)
    except ValueError as exc:
        return Reject(name, lineno, str(exc), _raw(line))


def _numbered_lines(stream: IO[bytes], name: str, kind: str | None) -> Iterator[tuple[int, bytes] | Reject]:
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


def _read_jsonl(stream: IO[bytes], name: str, kind: str | None, text_field: str,
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


def _read_article(stream: IO[bytes], name: str, kind: str | None) -> Iterator[dict | Reject]:
    try:
        data = stream.read(MAX_ARTICLE_BYTES + 1)
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
    if not text.strip():
        yield Reject(name, 1, "empty article", text)
        return
    yield new_record(id=derive_id(name, 0), source=name, text=text)


def read_text_lines(paths: list[str]) -> Iterator[tuple[str, int, str] | Reject]:
    """Plain-text mode: every line of every input as (source, line number, text without \n)."""
    for path in paths:
        with _opened(path) as (name, stream, kind, reject):
            if reject is not None:
                yield reject
                continue
            for item in _numbered_lines(stream, name, kind):
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


