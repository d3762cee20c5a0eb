"""The fixture pages (tests/web/pages, written for this project; see make_pages.py) and a WARC
builder, shared by the web tests."""

from __future__ import annotations

import io
import json
from pathlib import Path

PAGES = Path(__file__).parent / "pages"
EXPECTED = json.loads((PAGES.parent / "expected.json").read_text(encoding="utf-8"))


def _page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def make_warc(pages: list[tuple[str, str, bytes]], *, gzip: bool = True) -> bytes:
    """A WARC of (url, content type, body) responses, plus a request record first."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip)
    req = writer.create_warc_record("http://example.test/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
    writer.write_record(req)
    for url, ctype, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return buf.getvalue()
