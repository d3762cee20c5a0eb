"""Readers for web input: saved HTML pages and WARC archives.

Both yield records that carry the raw page under `HTML_KEY`; the extraction step (newscli.web.
extract_record) turns each into an article record in the worker processes, so reading stays cheap.

WARC archives (`.warc`, `.warc.gz`, e.g. Common Crawl's CC-NEWS) are read with warcio, imported on
first use. Only `response` records with an HTML content type become records; every other record
(request, metadata, images, PDFs) is counted as skipped by kind (a `Reject` whose reason is not
"error", so it never makes the exit code 1). A record whose block is shorter
than its Content-Length (a truncated download or file), a corrupt record header and data left
unread after the last record each become a reject that names the record's byte offset: a record
is never dropped without a word.
"""

from __future__ import annotations

from typing import IO, Iterator

from newscli.io.errors import Reject
from newscli.records import derive_id, new_record

INSTALL_HINT = "web input needs the optional extra: pip install 'newscli[web]'"
# The raw page travels in this key from the reader to the extraction step (newscli.web), never written out.
HTML_KEY = "_html"

__all__ = ["HTML_KEY", "INSTALL_HINT", "read_html", "read_warc", "is_html_name", "is_warc_name", "looks_like_html",
           "looks_like_warc", "HTML_SUFFIXES", "MAX_PAGE_BYTES"]

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MAX_PAGE_BYTES = 32 * 1024 * 1024
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_single_gzip_warc(path: str) -> bool:
    """Whether a .warc.gz holds more than one record in its first gzip member (`gzip crawl.warc`),
    not one member per record. Decompresses the first member only, up to a second record's start."""
    import zlib

    d = zlib.decompressobj(31)
    seen = b""
    try:
        with open(path, "rb") as fh:
            while not d.eof:
                block = fh.read(1 << 16)
                if not block:
                    return False
                seen = (seen[-16:] + d.decompress(block, 1 << 20)) if seen else d.decompress(block, 1 << 20)
                if b"\nWARC/1." in seen[8:] or b"\nWARC/0." in seen[8:]:
                    return True
                while d.unconsumed_tail and not d.eof:
                    seen = seen[-16:] + d.decompress(d.unconsumed_tail, 1 << 20)
                    if b"\nWARC/1." in seen or b"\nWARC/0." in seen:
                        return True
    except (OSError, zlib.error):
        return False
    return False


def _base_suffixes(name: str) -> list[str]:
    from pathlib import Path

    suffixes = [s.lower() for s in Path(name).suffixes]
    while suffixes and suffixes[-1] in (".gz", ".bz2", ".xz", ".zst"):
        suffixes.pop()
    return suffixes


def is_html_name(name: str) -> bool:
    s = _base_suffixes(name)
    return bool(s) and s[-1] in HTML_SUFFIXES


def is_warc_name(name: str) -> bool:
    s = _base_suffixes(name)
    return bool(s) and s[-1] in (".warc", ".arc")


def looks_like_warc(head: bytes) -> bool:
    """An uncompressed WARC starts with its version line."""
    return head.startswith(b"WARC/")


def looks_like_html(head: bytes) -> bool:
    """A document that opens with a doctype, <html>, <head> or a comment and then one of those."""
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    while h.startswith(b"<!--"):
        end = h.find(b"-->")
        if end < 0:
            return False
        h = h[end + 3:].lstrip()
    return h.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml"))


def read_html(stream: IO[bytes], name: str, kind: str | None) -> Iterator[dict | Reject]:
    """One saved page: one record (the page decoded by trafilatura from its bytes)."""
    try:
        data = stream.read(MAX_PAGE_BYTES + 1)
    except (EOFError, OSError) as exc:
        yield Reject(name, 1, f"corrupt or truncated {kind or 'compressed'} data: {exc}")
        return
    if len(data) > MAX_PAGE_BYTES:
        yield Reject(name, 1, f"HTML page larger than {MAX_PAGE_BYTES // 2**20} MiB")
        return
    if not data.strip():
        yield Reject(name, 1, "empty HTML page")
        return
    rec = new_record(id=derive_id(name, 0), source=name, text="")
    rec[HTML_KEY] = data
    yield rec


def _http_content_type(record) -> str:
    if record.http_headers is None:
        return ""
    return (record.http_headers.get_header("Content-Type") or "").split(";", 1)[0].strip().lower()


def _warc_payload(record) -> tuple[str, bytes]:
    """("page", body) for an HTML response; otherwise (why not, b""): a skip reason
    (warc_request, warc_not_html, ...) or a defect (truncated, unreadable, too large). Every record
    is read to its end, so a cut one is found whatever its type."""
    if not record.rec_type or record.length is None:  # a header cut short or damaged
        return "corrupt", b""
    page = record.rec_type == "response" and _http_content_type(record) in _HTML_TYPES
    if page and (record.length or 0) > MAX_PAGE_BYTES:  # never read into memory
        while record.raw_stream.read(1 << 20):
            pass
        return ("truncated" if getattr(record.raw_stream, "limit", 0) > 0 else "too large"), b""
    try:
        if page:
            body = record.content_stream().read()  # read() whole: warcio's read(n) may return less
        else:
            body = b""
            while record.raw_stream.read(1 << 20):
                pass
    except Exception:  # a broken chunked or gzip payload
        return "unreadable", b""
    if getattr(record.raw_stream, "limit", 0) > 0:
        return "truncated", b""
    if page:
        return "page", body
    if record.rec_type != "response":
        return f"warc_{record.rec_type}", b""
    return "warc_not_html", b""


def _size(stream: IO[bytes]) -> int | None:
    """The byte size of the regular file stream reads directly (None for a pipe, or when a
    decompressor sits between: its offsets are not the file's)."""
    import io
    import os
    import stat

    if type(stream) not in (io.BufferedReader, io.FileIO):
        return None
    try:
        st = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def _rest_is_blank(stream: IO[bytes], end: int, size: int) -> bool:
    """Whether the bytes after the last record are only the blank lines that close it."""
    if size - end > 64:
        return False
    try:
        stream.seek(end)
        return not stream.read(64).strip()
    except (OSError, ValueError):
        return False


def read_warc(stream: IO[bytes], name: str) -> Iterator[dict | Reject]:
    """Every HTML response of a WARC archive as a record; see the module docstring."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    size = _size(stream)
    iterator = ArchiveIterator(stream)
    end = offset = 0  # where the last whole record ended, and where it began
    records = iter(iterator)
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as exc:  # warcio raises many kinds on a cut or corrupt header (AttributeError too)
            yield Reject(f"{name}@{end}", 0, f"corrupt or truncated WARC record after offset {end}: "
                                              f"{type(exc).__name__}: {str(exc)[:160]}")
            return
        try:
            # the body is read before get_record_offset(): that call reads to the record's end
            verdict, body = _warc_payload(record)
            offset = iterator.get_record_offset()
            end = offset + iterator.get_record_length()
        except Exception as exc:
            yield Reject(f"{name}@{end}", 0, f"corrupt or truncated WARC record after offset {end}: "
                                              f"{type(exc).__name__}: {str(exc)[:160]}")
            return
        where = f"{name}@{offset}"
        if verdict in ("truncated", "unreadable", "too large", "corrupt"):
            detail = {"truncated": f"is truncated ({getattr(record.raw_stream, 'limit', 0)} of {record.length} bytes missing)",
                      "corrupt": "has a broken header (no WARC-Type or Content-Length): truncated or corrupt",
                      "unreadable": "has an unreadable payload",
                      "too large": f"holds a page larger than {MAX_PAGE_BYTES // 2**20} MiB"}[verdict]
            yield Reject(where, 0, f"WARC record at offset {offset} {detail}")
            continue
        if verdict != "page":  # skipped by design: counted by kind, not an error
            yield Reject(where, 0, f"WARC {record.rec_type} record, not an HTML page", reason=verdict)
            continue
        rec = new_record(id=derive_id(name, offset), source=where, text="")
        for key, header in (("url", "WARC-Target-URI"), ("warc_record_id", "WARC-Record-ID"), ("warc_date", "WARC-Date")):
            value = record.rec_headers.get_header(header)
            if value:
                rec[key] = value
        rec[HTML_KEY] = body
        yield rec
    # warcio stops without a word when the file ends inside a record's headers: compare with the size
    if size is not None and end > size:  # gzip: the last member's trailer (its CRC) is cut off
        yield Reject(f"{name}@{offset}", 0, f"the file ends inside the WARC record at offset {offset} "
                                             f"({end - size} bytes missing): truncated")
    elif size is not None and end < size and not _rest_is_blank(stream, end, size):
        yield Reject(f"{name}@{end}", 0, f"{size - end} bytes after offset {end} are not a complete WARC record "
                                          "(the file is truncated or corrupt there)")
    elif size is None and stream.read(1):
        yield Reject(f"{name}@{end}", 0, f"data after offset {end} could not be read as WARC records")
