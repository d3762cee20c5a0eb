"""The real scraped seed article (../shared/examples/seed-article.txt); skipped when absent.
tests/clean/cases/structure.json holds an equivalent article of our own writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscli.clean import CleanOptions, clean_record, clean_text, format_text

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "examples" / "seed-article.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/examples/seed-article.txt absent")

SIX = [
    "الوسوم",
    "مقالات ذات صلة",
    "اترك تعليقاً",
    "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *",  # as written in the input (issue 13)
    "زر الذهاب إلى الأعلى",
    "إغلاق",
]


def _seed() -> str:
    return SEED.read_text(encoding="utf-8").replace("\r\n", "\n")


def test_seed_structure_and_boilerplate():
    raw = _seed()
    r = clean_text(raw)
    assert r.section == "محلي"
    assert r.title == "اتفاق تركي روسي على السعي لوقف قتال دائم في ليبيا وبحث إنشاء مجموعة عمل مشتركة"
    assert r.dateline == "أوج – أنقرة"
    assert (r.outlet, r.place) == ("أوج", "أنقرة")
    assert r.removed == SIX
    # every body paragraph intact: the 8 paragraphs between the dateline and "الوسوم"
    lines = [x for x in raw.split("\n") if x.strip()]
    start = lines.index("أوج – أنقرة") + 1
    end = lines.index("الوسوم")
    assert r.body == lines[start:end]
    assert len(r.body) == 8


def test_seed_record_idempotent_and_text_roundtrip():
    rec = {"id": "seed", "source": str(SEED), "section": None, "title": None, "dateline": None,
           "outlet": None, "place": None, "text": _seed(), "date": None, "dates": [], "removed": [], "dup": None}
    opts = CleanOptions(explain=True)
    once = clean_record(rec, opts)
    assert clean_record(once, opts) == once
    assert [e["rule"] for e in once["explain"]][:3] == ["section", "title", "dateline"]
    # the plain-text output cleans to the same article
    again = clean_text(format_text(once))
    assert (again.section, again.title, again.dateline) == (once["section"], once["title"], once["dateline"])
    assert "\n".join(again.body) == once["text"]
    assert again.removed == []
