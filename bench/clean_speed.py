"""Throughput of newscli's normalization and clean step, against peers measured in the same run.

    python bench/clean_speed.py [--docs 8000] [--repeat 5] [--against REV]

--against REV also times clean_record of git revision REV (its newscli/normalize.py and
newscli/clean/ imported as a temporary package), interleaved with the current code in the
same run, on the same records built as `newscli export` builds them, and checks that both give
identical records.

Input: the `text` field of the first N records of ../shared/corpora/ant_multisource_2018
(falls back to a synthetic corpus of our own sentences when ../shared is absent).
Times are CPU time (time.process_time) of one core, best of --repeat runs; MB are UTF-8 bytes.
The machine is shared with other jobs, so compare the ratios printed, not absolute figures.

Peers:
- str.translate: one `text.translate(table)` with the same lossless character table (no NFC,
  entity or space handling): the plain-Python baseline.
- pyarabic (minimal): `strip_tatweel(normalize_ligature(text))`, the only pyarabic calls that
  overlap the lossless normalization (pyarabic has no call for bidi controls, presentation forms
  other than the four lam-alef ligatures, NFC, entities or spaces, so this peer does far less).
- pyarabic pipeline: those two calls plus the standard-library steps needed for the same output
  class (NFC, control-character removal by translate, html.unescape, space regex): what a user
  of pyarabic would have to write to get an equivalent normalization.
- fold "search" vs pyarabic `normalize_teh(normalize_alef(normalize_hamza... ))`-style calls:
  strip_tashkeel + normalize_ligature + the letter folds with str.replace (pyarabic's own
  normalize_hamza maps hamza forms to a bare hamza, which is a different fold; see below).
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import subprocess
import tempfile
import html
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newscli.clean import CleanOptions, clean_record  # noqa: E402
from newscli.normalize import FOLDS, fold, normalize  # noqa: E402

norm_mod = sys.modules["newscli.normalize"]
CORPUS = ROOT / ".." / "shared" / "corpora" / "ant_multisource_2018" / "ant_multisource_2018.jsonl.gz"


def load(n: int) -> tuple[list[str], str]:
    if CORPUS.exists():
        out = []
        with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
            for line in fh:
                out.append(json.loads(line).get("text") or "")
                if len(out) >= n:
                    break
        return out, f"ant_multisource_2018 (first {len(out)} texts)"
    para = ("أعلنت وزارة الاقتصاد، اليوم الثلاثاء، عن خطة جديدة لدعم المشروعات الصغيرة والمتوسطة "
            "في المدن الساحلية، تتضمن قروضا ميسرة وتسهيلات في التراخيص.")
    doc = "\n".join([para] * 8 + ["شارك", "زر الذهاب إلى الأعلى", "الاقتصـــاد\u200f"])
    return [doc] * n, "synthetic (../shared absent)"


def load_rev(rev: str):
    """clean_record of git revision `rev` (see bench/clean_rev.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from clean_rev import load_rev as _load

    return _load(rev).clean_record


def load_records(n: int) -> list[dict]:
    import orjson
    from newscli.records import from_object

    out = []
    with gzip.open(CORPUS, "rb") as fh:
        for i, line in enumerate(fh):
            if i >= n:
                break
            try:
                out.append(from_object(orjson.loads(line), source="x", position=i))
            except ValueError:
                pass
    return out


def against(rev: str, n: int, repeat: int) -> None:
    old = load_rev(rev)
    recs = load_records(n)
    mb = sum(len(r["text"].encode("utf-8")) for r in recs) / 1e6
    same = sum(old(r) == clean_record(r) for r in recs)
    print(f"== clean_record, {len(recs)} ant_multisource records ({mb:.1f} MB, with title), "
          f"current vs {rev}; CPU time, best of {repeat}, runs interleaved")
    best = {"current": float("inf"), rev: float("inf")}
    for _ in range(repeat):
        for label, fn in (("current", clean_record), (rev, old)):
            t0 = time.process_time()
            for r in recs:
                fn(r)
            best[label] = min(best[label], time.process_time() - t0)
    for label, dt in best.items():
        print(f"{label:20s} {mb / dt:8.1f} MB/s")
    print(f"speed-up {best[rev] / best['current']:.2f}x; identical records: {same}/{len(recs)}")
    print(f"rerun: python bench/clean_speed.py --against {rev} --docs {n} --repeat {repeat}")


def bench(fn, texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for t in texts:
            fn(t)
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=8000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--against", metavar="REV", help="compare clean_record with git revision REV")
    a = ap.parse_args()
    if a.against:
        if not CORPUS.exists():
            raise SystemExit("--against needs ../shared/corpora/ant_multisource_2018")
        against(a.against, a.docs, a.repeat)
        return
    texts, label = load(a.docs)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {label}, {mb:.1f} MB; CPU time, best of {a.repeat}")

    import pyarabic.araby as araby  # bench-only peer

    table = dict(norm_mod._LOSSLESS)
    controls = {ord(c): None for c in norm_mod._CONTROLS}
    spaces = re.compile(r"[ \t\u00a0\u202f\u2007]+")

    def py_min(t: str) -> str:
        return araby.strip_tatweel(araby.normalize_ligature(t))

    def py_pipeline(t: str) -> str:
        t = html.unescape(t) if "&" in t else t
        t = araby.strip_tatweel(araby.normalize_ligature(t)).translate(controls)
        t = unicodedata.normalize("NFC", t)
        return spaces.sub(" ", t)

    letters = [(chr(k), v) for k, v in FOLDS["letters"].items()]

    def py_fold(t: str) -> str:
        t = araby.strip_tashkeel(t)
        for x, y in letters:
            t = t.replace(x, y)
        return t

    rows = [
        ("newscli normalize()", lambda t: normalize(t)),
        ("str.translate(lossless table)", lambda t: t.translate(table)),
        ("pyarabic minimal (tatweel+ligature)", py_min),
        ("pyarabic pipeline (+NFC, controls, entities, spaces)", py_pipeline),
    ]
    res = {name: bench(fn, texts, a.repeat) for name, fn in rows}
    base = res["newscli normalize()"]
    print("\n== normalization (lossless)")
    for name, _ in rows:
        print(f"{name:54s} {mb / res[name]:8.1f} MB/s   newscli is {res[name] / base:5.2f}x its speed")

    frows = [
        ("newscli fold(search) [on normalized text]", lambda t: fold(t, "search")),
        ("str.translate(search table)", lambda t: t.translate(FOLDS["search"])),
        ("pyarabic strip_tashkeel + letter replaces", py_fold),
    ]
    ntexts = [normalize(t) for t in texts]
    fres = {name: bench(fn, ntexts, a.repeat) for name, fn in frows}
    fbase = fres[frows[0][0]]
    print("\n== search fold (lossy, opt-in)")
    for name, _ in frows:
        print(f"{name:54s} {mb / fres[name]:8.1f} MB/s   newscli is {fres[name] / fbase:5.2f}x its speed")

    opts = CleanOptions()

    def step_jsonl(t: str) -> None:
        clean_record({"title": "عنوان", "section": None, "dateline": None, "outlet": None, "place": None,
                      "text": t, "removed": []}, opts)

    def step_raw(t: str) -> None:
        clean_record({"title": None, "section": None, "dateline": None, "outlet": None, "place": None,
                      "text": t, "removed": []}, opts)

    print("\n== whole clean step (clean_record, one core)")
    for name, fn in (("JSONL record with title", step_jsonl), ("raw article (structure detection)", step_raw)):
        dt = bench(fn, texts, max(1, a.repeat // 2))
        print(f"{name:54s} {mb / dt:8.1f} MB/s  ({len(texts) / dt:,.0f} records/s)  target >= 25 MB/s")
    print("\nrerun: python bench/clean_speed.py --docs 8000 --repeat 5")


if __name__ == "__main__":
    main()
