"""`newscli export` on web input: saved pages, WARC archives, JSONL pages, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")
pytest.importorskip("warcio")

from _support import run_cli  # noqa: E402
from _web_pages import EXPECTED, PAGES, _page, make_warc  # noqa: E402


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_a_directory_of_pages(tmp_path):
    out = tmp_path / "corpus.jsonl"
    res = run_cli("export", str(PAGES), "--no-dedupe", "-o", str(out))
    assert res.returncode == 0, res.stderr.decode()
    recs = _records(out)
    assert len(recs) == len(EXPECTED)  # every page, the English one too (--lang auto filters WARC only)
    by_name = {Path(r["source"]).name: r for r in recs}
    for name, exp in EXPECTED.items():
        rec = by_name[name]
        assert rec["title"] == exp["title"]
        if exp["arabic"]:
            assert rec["text"].split("\n")[-1] == exp["body"][-1] or exp["body"][-1] in rec["text"]
            assert "_html" not in rec and "html" not in rec
    # a date only from the markup: the legacy Libyan page has none, though its body has one
    assert by_name["tripoli-water-legacy.html"]["date"] is None
    assert by_name["tripoli-water-wp.html"]["date"] == "2020-01-08"


def test_export_a_warc_keeps_arabic_html_and_counts_the_rest(tmp_path):
    warc = tmp_path / "CC-NEWS-20240101.warc.gz"
    warc.write_bytes(make_warc([
        ("https://a.test/ar1", "text/html; charset=utf-8", _page("riyadh-rain-cms.html")),
        ("https://a.test/en", "text/html", _page("english-news.html")),
        ("https://a.test/logo.png", "image/png", b"\x89PNG\r\n"),
        ("https://a.test/ar2", "text/html", _page("tunis-olive-amp.html")),
    ]))
    out, rej, stats = tmp_path / "c.jsonl", tmp_path / "rej.jsonl", tmp_path / "s.json"
    res = run_cli("export", str(warc), "-o", str(out), "--rejects", str(rej), "--stats", str(stats))
    assert res.returncode == 0, res.stderr.decode()
    recs = _records(out)
    assert [r["url"] for r in recs] == ["https://a.test/ar1", "https://a.test/ar2"]
    assert all(r["source"].startswith(str(warc) + "@") for r in recs)
    summary = json.loads(stats.read_text())
    assert summary["skipped_by_reason"] == {"not_arabic": 1, "warc_not_html": 1, "warc_request": 1}
    assert summary["read"] == 5 and summary["accounting_closes"]
    skipped = _records(rej)
    assert sorted(s["reason"] for s in skipped) == ["not_arabic", "warc_not_html", "warc_request"]
    assert "skipped 3" in res.stderr.decode()


def test_lang_any_keeps_the_english_page_of_a_warc(tmp_path):
    warc = tmp_path / "c.warc.gz"
    warc.write_bytes(make_warc([("https://a.test/en", "text/html", _page("english-news.html"))]))
    res = run_cli("export", str(warc), "--lang", "any", "--no-dedupe")
    assert res.returncode == 0
    assert "bus routes" in res.stdout.decode()


def test_broken_warc_record_is_a_reject_and_the_run_goes_on(tmp_path):
    data = make_warc([("https://a.test/1", "text/html", _page("riyadh-rain-cms.html")),
                      ("https://a.test/2", "text/html", _page("rabat-school-wp.html"))], gzip=False)
    warc = tmp_path / "cut.warc"
    warc.write_bytes(data[:-900])
    out, rej = tmp_path / "o.jsonl", tmp_path / "r.jsonl"
    res = run_cli("export", str(warc), "-o", str(out), "--rejects", str(rej))
    assert res.returncode == 1
    assert len(_records(out)) == 1
    (bad,) = [r for r in _records(rej) if r["reason"] == "error"]
    assert "truncated" in bad["error"] and "offset" in bad["error"]
    assert f"{warc}@" in res.stderr.decode()


def test_jsonl_with_an_html_field(tmp_path):
    src = tmp_path / "pages.jsonl"
    rows = [{"id": "p1", "html": _page("cairo-metro-wp.html").decode(), "crawl": "2013-08"},
            {"id": "p2", "text": "نص جاهز لا يحتاج استخراجاً من صفحة.\nسطر ثانٍ من المقال."}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    res = run_cli("export", str(src), "--html-field", "html", "--no-dedupe")
    assert res.returncode == 0, res.stderr.decode()
    recs = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert [r["id"] for r in recs] == ["p1", "p2"]
    assert recs[0]["title"] == EXPECTED["cairo-metro-wp.html"]["title"] and recs[0]["crawl"] == "2013-08"
    assert "html" not in recs[0] and "_html" not in recs[0]
    assert recs[1]["text"].startswith("نص جاهز")


def test_a_page_that_breaks_the_extractor_is_a_reject(tmp_path):
    # a sitecustomize that makes trafilatura fail on one page (marked) in every process, workers too
    patch = (
        "import trafilatura\n_real = trafilatura.bare_extraction\n"
        "def _boom(html, *a, **k):\n"
        "    if b'BREAK-ME' in (html if isinstance(html, bytes) else html.encode()):\n"
        "        raise RecursionError('maximum recursion depth exceeded')\n"
        "    return _real(html, *a, **k)\n"
        "trafilatura.bare_extraction = _boom\n")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_bytes(_page("riyadh-rain-cms.html"))
    (pages / "b.html").write_bytes(_page("rabat-school-wp.html").replace(b"<body", b"<!-- BREAK-ME --><body", 1))
    (pages / "c.html").write_bytes(_page("tunis-olive-amp.html"))
    res = run_cli("export", str(pages), "--no-dedupe", shims={"sitecustomize.py": patch}, tmp=tmp_path)
    assert res.returncode == 1
    assert len(res.stdout.decode().splitlines()) == 2
    err = res.stderr.decode()
    assert "b.html" in err and "extractor failed: RecursionError" in err
    assert "Traceback" not in err


def test_without_the_extra_web_input_is_a_usage_error(tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes(_page("riyadh-rain-cms.html"))
    res = run_cli("export", str(page), shims={"trafilatura.py": "raise ImportError('No module named trafilatura')\n"},
                  tmp=tmp_path)
    assert res.returncode == 2
    assert "pip install 'newscli[web]'" in res.stderr.decode()
    assert res.stdout == b""


def test_jobs_do_not_change_the_bytes(tmp_path):
    warc = tmp_path / "many.warc.gz"
    names = sorted(p.name for p in PAGES.glob("*.html"))
    warc.write_bytes(make_warc([(f"https://a.test/{i}", "text/html", _page(names[i % len(names)])) for i in range(450)]))
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    r1 = run_cli("export", str(warc), "--emit", "all", "-o", str(a), "-j", "1", timeout=300)
    r2 = run_cli("export", str(warc), "--emit", "all", "-o", str(b), "-j", "2", timeout=300)
    assert r1.returncode == r2.returncode == 0, (r1.stderr.decode(), r2.stderr.decode())
    assert a.read_bytes() == b.read_bytes()
    arabic = sum(EXPECTED[names[i % len(names)]]["arabic"] for i in range(450))  # the English page is skipped
    assert len(a.read_bytes().splitlines()) == arabic


def _warc_file(tmp_path: Path, name: str, gzip: bool) -> Path:
    data = make_warc([(f"https://a.test/{i}", "text/html", _page(n))
                      for i, n in enumerate(["riyadh-rain-cms.html", "rabat-school-wp.html", "tunis-olive-amp.html"])],
                     gzip=gzip)
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("gz", [True, False])
def test_an_intact_warc_has_no_reject_also_on_stdin(tmp_path, gz):
    path = _warc_file(tmp_path, "ok.warc.gz" if gz else "ok.warc", gz)
    res = run_cli("export", str(path), "--no-dedupe")
    assert res.returncode == 0, res.stderr.decode()
    assert len(res.stdout.splitlines()) == 3
    res = run_cli("export", "--no-dedupe", input=path.read_bytes())
    assert res.returncode == 0, res.stderr.decode()
    assert len(res.stdout.splitlines()) == 3


@pytest.mark.parametrize("gz", [True, False])
def test_every_cut_of_a_warc_is_reported_and_keeps_the_whole_records(tmp_path, gz):
    """Wherever a download stops, the records before the cut are written and the cut one is a
    reject naming its offset: never a crash, never a silent loss (QA: cuts inside headers)."""
    whole = _warc_file(tmp_path, "w.warc.gz" if gz else "w.warc", gz).read_bytes()
    step = max(1, len(whole) // 9)
    for cut in range(37, len(whole) - 8, step):
        path = tmp_path / ("c.warc.gz" if gz else "c.warc")
        path.write_bytes(whole[:cut])
        rej = tmp_path / "r.jsonl"
        res = run_cli("export", str(path), "--no-dedupe", "--rejects", str(rej))
        err = res.stderr.decode()
        assert "Traceback" not in err and "run failed" not in err, (cut, err)
        errors = [r for r in _records(rej) if r["reason"] == "error"]
        assert res.returncode == 1 and len(errors) == 1, (cut, err)
        assert "offset" in errors[0]["error"] or "truncated" in errors[0]["error"], (cut, errors)
        assert len(res.stdout.splitlines()) < 3, cut  # the cut record is never written


def test_a_warc_gzipped_as_one_stream_is_read(tmp_path):
    import gzip

    plain = _warc_file(tmp_path, "p.warc", False).read_bytes()
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(plain))
    res = run_cli("export", str(path), "--no-dedupe")
    assert res.returncode == 0, res.stderr.decode()
    assert len(res.stdout.splitlines()) == 3


def test_html_field_keeps_the_records_own_text_and_names_the_field_in_errors(tmp_path):
    src = tmp_path / "p.jsonl"
    rows = [{"id": "both", "html": _page("cairo-metro-wp.html").decode(), "text": "نص كان في السجل أصلاً."},
            {"id": "num", "html": 123},
            {"id": "emptypage", "html": ""},
            {"id": "nothing"}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    res = run_cli("export", str(src), "--html-field", "html", "--no-dedupe")
    recs = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert [r["id"] for r in recs] == ["both"]
    assert recs[0]["input_text"] == "نص كان في السجل أصلاً." and "افتتح وزير النقل" in recs[0]["text"]
    err = res.stderr.decode()
    assert "'html' is int, not a string" in err
    assert "empty HTML page in 'html'" in err and "no 'html' page and no 'text' text" in err
    assert res.returncode == 1
