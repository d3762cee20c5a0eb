"""Readers: any input (article text files, JSONL/NDJSON, web pages and archives, standard input,
compressed or not) as a stream of records and `Reject`s, in input order, without holding more than
one record in memory. Discovery of the paths is in `discovery`, one JSONL line to a record in
`jsonl`."""

from __future__ import annotations

import contextlib
import itertools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

import orjson

from newscli.io.compression import COMPRESSED_SUFFIXES, _decompress_errors, open_decompressed
from newscli.io.errors import Reject, _oserror
from newscli.io.web import is_html_name, is_single_gzip_warc, is_warc_name, looks_like_html, looks_like_warc, read_html, read_warc
from newscli.io.discovery import (JSONL_SUFFIXES, STDIN, STDIN_NAME, Unreadable, display_name)
from newscli.io.jsonl import RawBlock, RawLine, _raw, chomp, line_item, parse_line
from newscli.records import derive_id, new_record

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
                lazy: bool = False, fmt: str = "auto") -> Iterator[dict | Reject | RawBlock]:
    """Every record (or Reject) from every input, in order. With lazy=True, JSONL comes as RawBlocks
    of whole lines, to be split (newscli.io.jsonl.raw_lines) and turned into records (parse_line) in
    a worker process.

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
        if jsonl and lazy:
            yield from _jsonl_blocks(stream, prefix, name, kind, text_field, html_field)
        elif jsonl:
            yield from _read_jsonl(itertools.chain(prefix, stream), name, kind, text_field, False, html_field)
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
        yield lineno, chomp(line)


def _read_jsonl(stream: Iterable[bytes], name: str, kind: str | None, text_field: str,
                lazy: bool = False, html_field: str | None = None) -> Iterator[dict | Reject | RawLine]:
    for item in _numbered_lines(stream, name, kind):
        if isinstance(item, Reject):
            yield item
            return
        raw = line_item(item[1], item[0], name, text_field, html_field)
        if raw is not None:
            yield raw if lazy else parse_line(raw)


_READ_BYTES = 1 << 13  # per read: a buffered reader's own unit, so a corrupt compressed stream
# loses exactly what reading it line by line loses (see _jsonl_blocks)
BLOCK_BYTES = 1 << 18  # a RawBlock holds about this many bytes of whole lines


def _jsonl_blocks(stream: IO[bytes], prefix: list[bytes], name: str, kind: str | None, text_field: str,
                  html_field: str | None = None) -> Iterator[RawBlock | Reject]:
    """JSONL as RawBlocks of whole lines (lazy reading: worker processes split and parse them).

    The same lines, line numbers and Reject as line-by-line reading (`_read_jsonl` over
    `_numbered_lines`): the stream is read in the units a buffered reader reads, so when the
    compressed data is corrupt or stops early, every line read whole before the fault is kept,
    the line cut by it is lost, and the Reject says after which line."""
    read = getattr(stream, "read1", None) or stream.read
    errors = _decompress_errors()
    pieces = [b"".join(prefix)] if prefix else []
    size = len(pieces[0]) if pieces else 0
    ended = any(b"\n" in p for p in pieces)  # a line end among the pieces not handed out yet
    lineno = 0  # lines handed out
    fault = None
    while True:
        try:
            data = read(_READ_BYTES)
        except errors as exc:
            fault, data = exc, b""
        if data:
            pieces.append(data)
            size += len(data)
            ended = ended or b"\n" in data
            if size < BLOCK_BYTES or not ended:
                continue
        buf = b"".join(pieces)
        cut = buf.rfind(b"\n") + 1 if data or fault is not None else len(buf)  # at the end: the last line too
        if cut:
            lines = buf.count(b"\n", 0, cut) + (buf[cut - 1 : cut] != b"\n")
            yield RawBlock(buf[:cut], name, lineno + 1, lines, text_field, html_field)
            lineno += lines
        if not data:
            break
        pieces, size, ended = [buf[cut:]], len(buf) - cut, False
    if fault is not None:
        yield Reject(name, lineno + 1, f"corrupt or truncated {kind or 'compressed'} data after line {lineno}: {_oserror(fault)}")


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


