"""Readers for web input: saved HTML pages and WARC archives.

Both yield records that carry the raw page under `HTML_KEY`; the extraction step (newscli.web.
extract_record) turns each into an article record in the worker processes, so reading stays cheap.

WARC archives (`.warc`, `.warc.gz`, e.g. Common Crawl's CC-NEWS) are read with warcio, imported on
first use. Only `response` records with an HTML content type become records; every other record
(request, metadata, images, PDFs) is counted as skipped by kind. A record whose block is shorter
than its Content-Length (a truncated download or file), a corrupt record header and data left
unread after the last record each become a reject that names the record's byte offset: a record
is never dropped without a word.
"""

from __future__ import annotations

from typing import IO, Iterator

from newscli.io.errors import Reject, Skipped
from newscli.records import derive_id, new_record

INSTALL_HINT = "web input needs the optional extra: pip install 'newscli[web]'"
# The raw page travels in this key from the reader to the extraction step (newscli.web), never written out.
HTML_KEY = "_html"

__all__ = ["HTML_KEY", "INSTALL_HINT", "Skipped", "read_html", "read_warc", "is_html_name", "is_warc_name", "looks_like_html",
           "looks_like_warc", "HTML_SUFFIXES", "MAX_PAGE_BYTES"]

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MAX_PAGE_BYTES = 32 * 1024 * 1024
_HTML_TYPES = ("text/html", "application/xhtml+xml")


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


def read_warc(stream: IO[bytes], name: str) -> Iterator[dict | Reject | Skipped]:
    """Every HTML response of a WARC archive as a record; see the module docstring."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    iterator = ArchiveIterator(stream)
    offset = 0
    try:
        for record in iterator:
            offset = iterator.get_record_offset()
            where = f"{name}@{offset}"
            rtype = record.rec_type
            if rtype != "response":
                yield Skipped(where, 0, f"warc_{rtype}")
                continue
            ctype = _http_content_type(record)
            if ctype not in _HTML_TYPES:
                yield Skipped(where, 0, "warc_not_html")
                continue
            try:
                body = record.content_stream().read(MAX_PAGE_BYTES + 1)
            except Exception as exc:  # a broken chunked/gzip payload
                yield Reject(where, 0, f"WARC record at offset {offset}: unreadable payload: {exc}")
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:
                yield Reject(where, 0, f"WARC record at offset {offset} is truncated "
                                       f"({record.raw_stream.limit} of {record.length} bytes missing)")
                continue
            if len(body) > MAX_PAGE_BYTES:
                yield Reject(where, 0, f"WARC record at offset {offset}: page larger than {MAX_PAGE_BYTES // 2**20} MiB")
                continue
            rec = new_record(id=derive_id(name, offset), source=where, text="")
            url = record.rec_headers.get_header("WARC-Target-URI")
            if url:
                rec["url"] = url
            rid = record.rec_headers.get_header("WARC-Record-ID")
            if rid:
                rec["warc_record_id"] = rid
            wdate = record.rec_headers.get_header("WARC-Date")
            if wdate:
                rec["warc_date"] = wdate
            rec[HTML_KEY] = body
            yield rec
    except ArchiveLoadFailed as exc:
        yield Reject(f"{name}@{offset}", 0, f"corrupt WARC record after offset {offset}: {str(exc)[:200]}")
        return
    except (EOFError, OSError, ValueError) as exc:
        yield Reject(f"{name}@{offset}", 0, f"corrupt or truncated WARC data after offset {offset}: {exc}")
        return
    rest = stream.read(1)
    if rest:
        yield Reject(f"{name}@{offset}", 0, f"data after the last readable WARC record (offset {offset}) could not be read")
