"""Web pages in: saved HTML files, WARC archives and JSONL records carrying a page.

The optional extra `newscli[web]` (trafilatura for main text and metadata, warcio for WARC
archives) is imported only when a web input is read. `readers` turns inputs into records carrying
the raw page; `extract_record` (a pipeline step, run in the worker processes like clean and
dates) turns each into an article record, after which newscli's own clean, dates and dedupe run.
"""

from newscli.web.extract import (HTML_KEY, INSTALL_HINT, NotArabic, PageError, WebOptions, arabic_share,
                                 extract_page, extract_record, require_web)

__all__ = ["HTML_KEY", "INSTALL_HINT", "NotArabic", "PageError", "WebOptions", "arabic_share", "extract_page",
           "extract_record", "require_web"]
