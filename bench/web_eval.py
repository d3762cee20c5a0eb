"""Web extraction quality: newscli (trafilatura + newscli's clean) against trafilatura alone.

Two sets, in the same run:
  - the real CNN Arabic page in ../shared/corpora/cnn_arabic_html_newspaper4k (its gold text and
    metadata come with it);
  - the fixture pages written for this project (tests/web/pages, expected.json).

Line-level scores of the body: precision = share of output lines that are gold body lines, recall =
share of gold body lines in the output (lines compared after newscli's lossless normalization and
whitespace folding, for both tools). Title and date
are exact matches against the gold metadata.

    pip install '.[web]' && python bench/web_eval.py [--show]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CNN = ROOT.parent / "shared" / "corpora" / "cnn_arabic_html_newspaper4k"
PAGES = ROOT / "tests" / "web" / "pages"


def fold(line: str) -> str:
    """Lines are compared after newscli's lossless normalization (tatweel, controls, spaces), so
    neither tool is charged for a difference the normalization makes."""
    from newscli.normalize import normalize

    return " ".join(normalize(line).split())


def lines_of(text: str | None) -> list[str]:
    return [fold(x) for x in (text or "").split("\n") if fold(x)]


def score(got: list[str], gold: list[str]) -> tuple[int, int, int]:
    """(true positives, output lines, gold lines)"""
    gold_set = set(gold)
    tp = sum(1 for x in got if x in gold_set)
    return tp, len(got), len(gold)


def newscli_page(html: bytes) -> dict:
    from newscli.clean import clean_record
    from newscli.dates import date_record
    from newscli.io.web import HTML_KEY
    from newscli.records import new_record
    from newscli.web import WebOptions, extract_record

    rec = new_record(id="x", source="page.html", text="")
    rec[HTML_KEY] = html
    rec = extract_record(rec, WebOptions(lang="any"))
    rec = date_record(clean_record(rec))
    return rec


def trafilatura_page(html: bytes) -> dict:
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True)
    d = doc.as_dict() if hasattr(doc, "as_dict") else doc
    return {"text": d.get("text"), "title": d.get("title"), "date": d.get("date")}


def run_set(name: str, pages: list[tuple[str, bytes, dict]], show: bool) -> None:
    print(f"\n== {name}: {len(pages)} pages")
    print(f"{'tool':<24} {'precision':>9} {'recall':>7} {'title':>7} {'date':>7}")
    for tool, fn in (("newscli", newscli_page), ("trafilatura alone", trafilatura_page)):
        tp = n_out = n_gold = titles = dates = 0
        for page_name, html, gold in pages:
            rec = fn(html)
            got = lines_of(rec["text"])
            # newscli's clean moves the title into `title`; trafilatura alone leaves it out too
            t, o, g = score(got, gold["body"])
            tp, n_out, n_gold = tp + t, n_out + o, n_gold + g
            titles += fold(rec.get("title") or "") == fold(gold["title"] or "")
            dates += (rec.get("date") or None) == gold["date"]
            if show:
                extra = [x for x in got if x not in set(gold["body"])]
                for x in extra:
                    print(f"   {tool} {page_name} + {x[:80]}")
        p = tp / n_out if n_out else 0.0
        r = tp / n_gold if n_gold else 0.0
        print(f"{tool:<24} {p:>9.3f} {r:>7.3f} {titles:>3}/{len(pages):<3} {dates:>3}/{len(pages):<3}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", action="store_true", help="print every output line that is not gold body")
    args = ap.parse_args()
    if CNN.exists():
        meta = json.loads((CNN / "metadata_arabic_article.json").read_text(encoding="utf-8"))
        gold = {"body": lines_of((CNN / "txt_arabic_article.txt").read_text(encoding="utf-8")),
                "title": meta.get("title"), "date": None if meta.get("publish_date") in (None, "None") else meta["publish_date"][:10]}
        run_set("CNN Arabic page (real, gold from newspaper4k)", [("cnn", (CNN / "html_arabic_article.html").read_bytes(), gold)], args.show)
    else:
        print("../shared not found: the CNN page is skipped", file=sys.stderr)
    expected = json.loads((PAGES.parent / "expected.json").read_text(encoding="utf-8"))
    pages = []
    for name, exp in sorted(expected.items()):
        if exp["arabic"]:
            pages.append((name, (PAGES / name).read_bytes(), {"body": [fold(b) for b in exp["body"]],
                                                               "title": exp["title"], "date": exp["date"]}))
    run_set("fixture pages (written for newscli)", pages, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
