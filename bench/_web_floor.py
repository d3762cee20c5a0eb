"""trafilatura alone over a WARC (the floor bench/web_speed.py compares newscli with): every HTML
response extracted with the settings newscli uses, one JSON line per page to standard output."""

import sys

import orjson
import trafilatura
from warcio.archiveiterator import ArchiveIterator

out = sys.stdout.buffer
with open(sys.argv[1], "rb") as fh:
    for record in ArchiveIterator(fh):
        if record.rec_type != "response":
            continue
        html = record.content_stream().read()
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True,
                                          date_extraction_params={"extensive_search": False, "original_date": True})
        if doc is None:
            continue
        d = doc.as_dict()
        out.write(orjson.dumps({"url": record.rec_headers.get_header("WARC-Target-URI"), "title": d.get("title"),
                                "date": d.get("date"), "text": d.get("text")}, option=orjson.OPT_APPEND_NEWLINE))
