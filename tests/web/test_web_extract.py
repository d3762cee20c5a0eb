"""The web extraction step and readers, on the fixture pages written for this project."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("trafilatura")
warcio = pytest.importorskip("warcio")

from newscli.web import HTML_KEY, NotArabic, PageError, WebOptions, arabic_share, extract_page, extract_record  # noqa: E402
from _web_pages import EXPECTED, _page, make_warc  # noqa: E402
from newscli.io.web import looks_like_html, looks_like_warc, read_html, read_warc  # noqa: E402

@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["arabic"]))
def test_every_body_paragraph_of_every_fixture_is_extracted(name):
    page = extract_page(_page(name))
    lines = page["text"].split("\n")
    for para in EXPECTED[name]["body"]:
        assert para in lines, (name, para[:40])
    assert page["title"] == EXPECTED[name]["title"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_date_comes_from_the_markup_only(name):
    # legacy pages have no date in their markup; one has "8 آي النار/يناير 2020م" in the body, which
    # trafilatura's default extensive search turns into 2020-01-01: newscli must not take it
    assert extract_page(_page(name))["date"] == EXPECTED[name]["date"]


def test_outlet_from_site_name():
    assert extract_page(_page("riyadh-rain-wp.html"))["outlet"] == "الوئام"


def test_arabic_share():
    assert arabic_share("هذا نص عربي") == 1.0
    assert arabic_share("plain English text") == 0.0
    assert 0.4 < arabic_share("نص عربي mixed نص") < 1.0
    assert arabic_share("12345 !!") == 0.0


def test_extract_record_fills_fields_and_drops_the_page():
    rec = {"id": "x", "source": "p.html", "text": "", "title": None, "url": None, HTML_KEY: _page("cairo-metro-cms.html")}
    out = extract_record(rec, WebOptions(lang="ar"))
    assert HTML_KEY not in out and "html" not in out
    assert out["title"] == EXPECTED["cairo-metro-cms.html"]["title"]
    assert out["date"] == "2013-08-28" and out["outlet"] == "بوابة الأخبار"
    assert out["text"].split("\n")[0].startswith("القاهرة – افتتح وزير النقل")


def test_input_fields_win_over_page_metadata():
    rec = {"id": "x", "source": "s", "text": "", "title": "عنوان من المدخل", "date": "2001-02-03",
           HTML_KEY: _page("cairo-metro-cms.html")}
    out = extract_record(rec)
    assert out["title"] == "عنوان من المدخل" and out["date"] == "2001-02-03"


def test_keep_html_keeps_the_page():
    rec = {"id": "x", "source": "s", "text": "", HTML_KEY: _page("cairo-metro-amp.html")}
    assert "<article>" in extract_record(rec, WebOptions(keep_html=True))["html"]


def test_non_arabic_page_is_skipped_only_with_lang_ar():
    rec = {"id": "x", "source": "s", "text": "", HTML_KEY: _page("english-news.html")}
    with pytest.raises(NotArabic) as info:
        extract_record(rec, WebOptions(lang="ar"))
    assert info.value.skip_reason == "not_arabic"
    assert "bus routes" in extract_record(rec, WebOptions(lang="any"))["text"]


def test_a_record_without_a_page_passes_through():
    rec = {"id": "x", "source": "s", "text": "نص"}
    assert extract_record(rec) is rec


@pytest.mark.parametrize("html", [b"", b"<html><body></body></html>", b"<html><body><script>var x = 1;</script></body></html>"])
def test_pages_without_main_text_are_page_errors(html):
    with pytest.raises(PageError):
        extract_page(html)


def test_extractor_exception_becomes_page_error(monkeypatch):
    import trafilatura

    def boom(*a, **k):
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(trafilatura, "bare_extraction", boom)
    with pytest.raises(PageError, match="parser exploded"):
        extract_page(_page("cairo-metro-cms.html"))


def test_time_limit_per_page(monkeypatch):
    import time

    import trafilatura

    def slow(*a, **k):
        time.sleep(5)

    monkeypatch.setattr(trafilatura, "bare_extraction", slow)
    t0 = time.monotonic()
    with pytest.raises(PageError, match="longer than"):
        extract_page(_page("cairo-metro-cms.html"), timeout=0.2)
    assert time.monotonic() - t0 < 2


def test_sniffing():
    assert looks_like_html(b"\xef\xbb\xbf  <!DOCTYPE html><html>")
    assert looks_like_html(b"<!-- saved --><html lang='ar'>")
    assert not looks_like_html(b'{"id": 1}')
    assert looks_like_warc(b"WARC/1.0\r\n")


def test_read_html_file():
    recs = list(read_html(io.BytesIO(_page("tunis-olive-amp.html")), "pages/t.html", None))
    assert len(recs) == 1 and recs[0]["source"] == "pages/t.html" and recs[0][HTML_KEY].startswith(b"<!doctype")
    (empty,) = read_html(io.BytesIO(b"  \n"), "e.html", None)
    assert empty.error == "empty HTML page"


def _warc_items(data: bytes, name: str = "c.warc.gz"):
    from newscli.io import open_decompressed

    if name.endswith(".gz"):
        return list(read_warc(io.BytesIO(data), name))
    return list(read_warc(open_decompressed(io.BytesIO(data))[0], name))


@pytest.mark.parametrize("gz", [True, False])
def test_warc_html_responses_become_records_others_are_counted(gz):
    data = make_warc([("http://a.test/1", "text/html; charset=utf-8", _page("riyadh-rain-cms.html")),
                      ("http://a.test/logo.png", "image/png", b"\x89PNG\r\n"),
                      ("http://a.test/2", "text/html", _page("rabat-school-wp.html"))], gzip=gz)
    items = _warc_items(data, "c.warc.gz" if gz else "c.warc")
    from newscli.io import Reject

    recs = [i for i in items if isinstance(i, dict)]
    skipped = [i for i in items if isinstance(i, Reject) and i.reason != "error"]
    assert len(skipped) + len(recs) == len(items)
    assert [r["url"] for r in recs] == ["http://a.test/1", "http://a.test/2"]
    assert recs[0][HTML_KEY] == _page("riyadh-rain-cms.html") and recs[1][HTML_KEY] == _page("rabat-school-wp.html")
    assert sorted(s.reason for s in skipped) == ["warc_not_html", "warc_request"]
    assert all("@" in r["source"] and r["warc_record_id"].startswith("<urn:uuid:") for r in recs)
    assert len({r["id"] for r in recs}) == 2


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_record_is_a_reject_with_its_offset(gz):
    from newscli.io import Reject

    data = make_warc([("http://a.test/1", "text/html", _page("riyadh-rain-cms.html")),
                      ("http://a.test/2", "text/html", _page("rabat-school-wp.html"))], gzip=gz)
    items = _warc_items(data[: len(data) - 900], "t.warc.gz" if gz else "t.warc")
    recs = [i for i in items if isinstance(i, dict)]
    rejects = [i for i in items if isinstance(i, Reject) and i.reason == "error"]
    assert len(recs) == 1 and len(rejects) == 1
    assert "offset" in rejects[0].error and rejects[0].source.startswith(("t.warc.gz@", "t.warc@"))


def test_corrupt_warc_header_is_a_reject():
    from newscli.io import Reject

    data = make_warc([("http://a.test/1", "text/html", _page("riyadh-rain-cms.html"))], gzip=False)
    bad = data + b"NOT A WARC HEADER\r\n\r\n" + b"x" * 100
    items = _warc_items(bad, "b.warc")
    assert sum(isinstance(i, dict) for i in items) == 1
    assert any(isinstance(i, Reject) and i.reason == "error" for i in items)
