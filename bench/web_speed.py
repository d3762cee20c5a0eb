"""Web input speed: pages per second of `newscli export` on a WARC archive, against trafilatura
alone reading the same archive, whole processes, interleaved in the same run.

The archive holds the fixture pages (tests/web/pages, written for this project) repeated to
--pages records (5,000 by default), as gzipped WARC response records, built once in a temporary
directory with warcio.

Commands compared:
  - trafilatura alone: bench/_web_floor.py (warcio + trafilatura.bare_extraction with the same
    settings newscli uses, one JSON line per page);
  - newscli export --no-clean --no-dates --no-dedupe (extraction only: newscli's plumbing);
  - newscli export (extraction, then newscli's clean, dates and dedupe);
each at -j 1, and newscli at -j 2.

    pip install '.[web]' && python bench/web_speed.py [--pages 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import interleaved, machine, median  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "web" / "pages"


def build_warc(path: Path, n: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = [p.read_bytes() for p in sorted(PAGES.glob("*.html"))]
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(n):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            rec = writer.create_warc_record(f"https://example.test/page/{i}", "response",
                                            payload=io.BytesIO(pages[i % len(pages)]), http_headers=headers)
            writer.write_record(rec)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "pages.warc.gz"
        build_warc(warc, args.pages)
        newscli = [py, "-m", "newscli", "-q", "export", str(warc), "--lang", "any", "-o", str(Path(tmp) / "o.jsonl")]
        commands = {
            "trafilatura alone -j 1": [py, str(Path(__file__).with_name("_web_floor.py")), str(warc)],
            "newscli extract only -j 1": newscli + ["--no-clean", "--no-dates", "--no-dedupe"],
            "newscli export -j 1": newscli,
            "newscli export -j 2": newscli + ["-j", "2"],
        }
        results = interleaved(commands, args.runs)
    print(f"machine: {machine()}")
    print(f"{args.pages} pages in one WARC.gz; median of {args.runs} interleaved runs after a warm-up; whole processes")
    base = median([w for w, _, _ in results["trafilatura alone -j 1"]])
    print(f"{'command':<28} {'wall s':>7} {'pages/s':>8} {'CPU s':>7} {'peak MiB':>9} {'vs trafilatura':>15}")
    for name, rows in results.items():
        wall = median([w for w, _, _ in rows])
        cpu = median([c for _, c, _ in rows])
        rss = median([m for _, _, m in rows])
        print(f"{name:<28} {wall:>7.2f} {args.pages / wall:>8.0f} {cpu:>7.2f} {rss:>9.0f} {wall / base:>14.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
