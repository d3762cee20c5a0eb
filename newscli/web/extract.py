"""Main text and metadata of one HTML page, through trafilatura, as a newscli record.

trafilatura (imported here only, on first use) finds the main text and the page's metadata. Its
date comes from the page's markup only (meta tags, `<time>`, JSON-LD, the URL): newscli turns off
htmldate's extensive search, which guesses from dates in the body text (it took a body date for
the publication date of a Libyan page). When the page has no date, the dates step takes one from
the dateline or head line, as for any article.

The extracted text is one paragraph per line; newscli's own clean step runs after this one
(trafilatura keeps Arabic furniture such as "اترك تعليقاً" and share lines).
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from newscli.io.web import HTML_KEY, INSTALL_HINT
from newscli.records import parse_date

__all__ = ["WebOptions", "PageError", "NotArabic", "extract_record", "extract_page", "arabic_share",
           "require_web", "INSTALL_HINT", "HTML_KEY"]



@dataclass(frozen=True)
class WebOptions:
    """How pages become records.

    lang:        "ar" keeps only pages whose main text is mostly Arabic script (the rest are skipped
                 as `not_arabic`); "any" keeps every page; "auto" filters WARC records only (an
                 archive such as CC-NEWS is mostly other languages) and keeps every saved page.
    min_arabic:  the share of Arabic letters among all letters that makes a text "mostly Arabic".
    timeout:     seconds one page may take in the extractor; a page that takes longer is a reject.
    html_field:  for JSONL input: the field holding the page (the reader moves it to HTML_KEY);
                 carried here so the CLI can hand it to the reader.
    keep_html:   keep the page in the record's `html` field (off: pages are large).
    """

    lang: str = "auto"
    min_arabic: float = 0.5
    timeout: float = 10.0
    html_field: str | None = None
    keep_html: bool = False


class PageError(ValueError):
    """The extractor failed on a page, found no main text, or ran out of time (a reject)."""


class NotArabic(ValueError):
    """The page's main text is not mostly Arabic script (skipped, counted as `not_arabic`)."""

    skip_reason = "not_arabic"


def require_web() -> None:
    """Raise ImportError with the install line when the extra is missing."""
    try:
        import trafilatura  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"{INSTALL_HINT} ({exc})") from None


def arabic_share(text: str) -> float:
    """Arabic letters (U+0600-U+06FF and the presentation forms) among all letters of text."""
    arabic = letters = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            o = ord(ch)
            if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFEFF:
                arabic += 1
    return arabic / letters if letters else 0.0


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM-based limit (the extractor is pure Python and lxml; it runs in a main thread, in
    the parent or a worker process). Without SIGALRM or off the main thread: no limit."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise _Timeout()

    try:
        previous = signal.signal(signal.SIGALRM, _raise)
    except ValueError:  # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_page(html: bytes | str, *, url: str | None = None, timeout: float = 10.0) -> dict[str, Any]:
    """{text, title, url, outlet, date, description} of one page; raises PageError."""
    import trafilatura

    try:
        with _time_limit(timeout):
            doc = trafilatura.bare_extraction(
                html, url=url, with_metadata=True, include_comments=False, include_tables=True,
                include_images=False, include_links=False, output_format="python",
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
    except _Timeout:
        raise PageError(f"extractor took longer than {timeout:g} s") from None
    except (RecursionError, MemoryError) as exc:
        raise PageError(f"extractor failed: {type(exc).__name__}") from None
    except Exception as exc:  # lxml and trafilatura raise many kinds on broken markup
        raise PageError(f"extractor failed: {type(exc).__name__}: {exc}"[:300]) from None
    if doc is None:
        raise PageError("no main text found in the page")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (data.get("text") or "").strip()
    if not text:
        raise PageError("no main text found in the page")
    return {
        "text": text,
        "title": _clean(data.get("title")),
        "url": _clean(data.get("url")) or url,
        "outlet": _clean(data.get("sitename")),
        "date": parse_date(data.get("date")) if data.get("date") else None,
        "description": _clean(data.get("description")),
    }


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def extract_record(record: dict, options: WebOptions | None = None) -> dict:
    """The pipeline step: a record carrying a page (HTML_KEY) becomes an article record.

    Fields the input already has (a JSONL record's own title or date) are kept; `text` is the
    main text, one paragraph per line, and a text the input had is kept as `input_text` (then
    `input_input_text`, ... if that name is taken). A record without a page passes through unchanged.
    """
    opts = options or WebOptions()
    html = record.get(HTML_KEY)
    if html is None:
        return record
    page = extract_page(html, url=record.get("url"), timeout=opts.timeout)
    filtered = opts.lang == "ar" or (opts.lang == "auto" and "warc_record_id" in record)
    if filtered and arabic_share(page["text"]) < opts.min_arabic:
        raise NotArabic(f"main text is not mostly Arabic ({arabic_share(page['text']):.0%} Arabic letters)")
    out = dict(record)
    del out[HTML_KEY]
    if isinstance(record.get("text"), str) and record["text"].strip():  # a JSONL record's own text: kept
        name = "input_text"
        while name in out:
            name = "input_" + name
        out[name] = record["text"]
    if opts.keep_html:
        out["html"] = html if isinstance(html, str) else html.decode("utf-8", "replace")
    out["text"] = page["text"]
    for key in ("title", "url", "outlet"):
        if out.get(key) is None and page[key] is not None:
            out[key] = page[key]
    if out.get("date") is None and page["date"] is not None:
        out["date"] = page["date"]
    return out
