"""Dates on real paragraphs: newscli against dateparser on hand-labelled paragraphs, same run.

Labels: bench/dates_labels.jsonl (corpus, id, paragraph index, pub_date, expected ISO dates,
kinds; conventions in its first line). The paragraph texts are read from ../shared/corpora
(never stored in the repo); the script stops with a message when they are absent (--shared DIR points elsewhere).

For each tool it reports, overall, per kind and per corpus:
  - exact: share of paragraphs whose multiset of ISO dates equals the expected one;
  - precision / recall of dates (multiset intersection per paragraph, summed).
newscli gets the publication year of the record as its year hint (and the publication date
itself when find_dates accepts one); dateparser gets the publication date as RELATIVE_BASE,
so both resolve a yearless date from the same information. "dateparser-abs" is dateparser with
its relative-time parser off (no date for "اليوم"), since relative words are not labelled.

Run (from the repo root, in the bench venv):
    python bench/dates_real.py                      # newscli as installed + dateparser
    python bench/dates_real.py --against main       # also newscli at a git revision
    python bench/dates_real.py --src ../dates       # also newscli from another checkout's files
    python bench/dates_real.py --no-dateparser --misses 40
    python bench/dates_real.py --json out.json
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import inspect
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "bench" / "dates_labels.jsonl"
# ../shared/corpora next to the repo; a git worktree under work/wt/NAME finds it two levels up
SHARED = next((p for p in (REPO / ".." / "shared" / "corpora", REPO / ".." / ".." / "shared" / "corpora")
               if p.exists()), REPO / ".." / "shared" / "corpora")
CORPUS_FILES = {
    "ant_multisource_2018": "ant_multisource_2018/ant_multisource_2018.jsonl.gz",
    "saudinewsnet": "saudinewsnet/saudinewsnet.jsonl.gz",
    "ant_jawharafm_tunisia": "ant_jawharafm_tunisia/ant_jawharafm_v1_1.jsonl.gz",
    "egypt_news_credibility_2013_week": "egypt_news_credibility_2013_week/egypt_news_2013-03-20_to_26.jsonl.gz",
}


# --------------------------------------------------------------------------- inputs

def load_labels(path: Path) -> list[dict]:
    labels = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            if obj.get("_header"):
                continue
            obj["_line"] = n
            labels.append(obj)
    return labels


def load_paragraphs(labels: list[dict], shared: Path) -> dict[tuple, str]:
    """(corpus, id, para) -> paragraph text, reading each corpus once."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for lab in labels:
        wanted[lab["corpus"]].add(lab["id"])
    out: dict[tuple, str] = {}
    for corpus, ids in wanted.items():
        path = shared / CORPUS_FILES[corpus]
        if not path.exists():
            raise SystemExit(f"dates_real: corpus file absent: {path}")
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if not any(i in line for i in ids):  # cheap filter before json
                    continue
                rec = json.loads(line)
                if rec.get("id") in ids:
                    for k, para in enumerate((rec.get("text") or "").split("\n")):
                        out[(corpus, rec["id"], k)] = para
    for lab in labels:
        key = (lab["corpus"], lab["id"], lab["para"])
        if key not in out:
            raise SystemExit(f"dates_real: {LABELS.name} line {lab['_line']}: paragraph {key} not found")
        sha = lab.get("para_sha1")
        if sha and hashlib.sha1(out[key].encode("utf-8")).hexdigest()[:12] != sha:
            print(f"warning: line {lab['_line']}: paragraph {key} changed since labelling", file=sys.stderr)
    return out


def pub_of(lab: dict) -> date | None:
    p = lab.get("pub_date")
    if not p:
        return None
    return date.fromisoformat(p[:10])


# --------------------------------------------------------------------------- tools

def _isos_of_entry(e) -> list[str]:
    """ISO strings of one find_dates entry, tolerant of old and new entry shapes."""
    if isinstance(e, str):
        iso = e
    elif isinstance(e, dict):
        iso = e.get("iso")
        if iso is None and "isos" in e:
            iso = e["isos"]
    else:
        iso = getattr(e, "iso", None)
    if iso is None:
        return []
    if isinstance(iso, (list, tuple)):
        return [str(x) for x in iso if x]
    iso = str(iso)
    if "/" in iso:  # an ISO interval "a/b"
        return [x for x in iso.split("/") if x]
    return [iso]


def newscli_runner():
    import newscli.dates as nd

    params = inspect.signature(nd.find_dates).parameters

    def run(text: str, pub: date | None) -> list[str]:
        kwargs = {}
        if pub is not None:
            if "year_hint" in params:
                kwargs["year_hint"] = pub.year
            for name in ("pub_date", "publication", "reference", "ref_date", "today"):
                if name in params:
                    kwargs[name] = pub.isoformat()
                    break
        out: list[str] = []
        for e in nd.find_dates(text, **kwargs):
            out.extend(_isos_of_entry(e))
        return out

    return run


def dateparser_runner(absolute_only: bool = False):
    """dateparser's search_dates as the brief gives it; ``absolute_only`` also turns off its
    relative-time parser (so "اليوم" / "أمس" give no date), a fairer peer for this label set."""
    from dateparser.search import search_dates

    def run(text: str, pub: date | None) -> list[str]:
        settings = {"DATE_ORDER": "DMY"}
        if absolute_only:
            settings["PARSERS"] = ["timestamp", "custom-formats", "absolute-time"]
        if pub is not None:
            settings["RELATIVE_BASE"] = datetime(pub.year, pub.month, pub.day)
        try:
            found = search_dates(text, languages=["ar"], settings=settings) or []
        except Exception as exc:  # a crash on one paragraph counts as no output
            print(f"dateparser raised {type(exc).__name__} on a paragraph", file=sys.stderr)
            found = []
        return [dt.date().isoformat() for _, dt in found]

    return run


def predict(run, labels, paras) -> tuple[list[list[str]], float]:
    t0 = time.perf_counter()
    out = [run(paras[(lab["corpus"], lab["id"], lab["para"])], pub_of(lab)) for lab in labels]
    return out, time.perf_counter() - t0


def predict_from_dir(src: Path, labels_path: Path, shared: Path, what: str) -> list[list[str]]:
    """newscli imported from the directory ``src`` (holding newscli/), in a subprocess."""
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONDONTWRITEBYTECODE="1")
    res = subprocess.run([sys.executable, __file__, "--labels", str(labels_path), "--shared",
                          str(shared), "--predict-only"], env=env, capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(f"dates_real: newscli at {what} failed:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout)


def predict_at_revision(rev: str, labels_path: Path, shared: Path) -> list[list[str]]:
    """newscli at a git revision (its newscli/ tree extracted to a temporary directory)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "newscli"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        return predict_from_dir(Path(tmp), labels_path, shared, rev)


# --------------------------------------------------------------------------- scoring

def score(labels, preds, select=lambda lab: True) -> dict:
    n = exact = tp = npred = nexp = 0
    for lab, got in zip(labels, preds):
        if not select(lab):
            continue
        want = Counter(lab["expected"])
        have = Counter(got)
        n += 1
        exact += want == have
        tp += sum((want & have).values())
        npred += sum(have.values())
        nexp += sum(want.values())
    return {
        "paragraphs": n,
        "exact": exact / n if n else None,
        "precision": tp / npred if npred else None,
        "recall": tp / nexp if nexp else None,
        "predicted": npred,
        "expected": nexp,
    }


def _fmt(v):
    return "  -  " if v is None else f"{v:.3f}"


def report(labels, results: dict[str, list[list[str]]]) -> dict:
    groups = [("all", lambda lab: True)]
    kinds = sorted({k for lab in labels for k in lab["kinds"]})
    groups += [(f"kind={k}", (lambda k: lambda lab: k in lab["kinds"])(k)) for k in kinds]
    corpora = sorted({lab["corpus"] for lab in labels})
    groups += [(f"corpus={c}", (lambda c: lambda lab: lab["corpus"] == c)(c)) for c in corpora]
    table: dict = {}
    tools = list(results)
    head = f"{'group':44s} {'n':>4s} " + " ".join(f"{t + ' exact/P/R':>28s}" for t in tools)
    print(head)
    for name, sel in groups:
        row = {t: score(labels, results[t], sel) for t in tools}
        table[name] = row
        n = next(iter(row.values()))["paragraphs"]
        cells = " ".join(f"{_fmt(r['exact'])} {_fmt(r['precision'])} {_fmt(r['recall'])}".rjust(28)
                         for r in row.values())
        print(f"{name:44s} {n:4d} {cells}")
    return table


def misses(labels, preds, limit: int) -> list[dict]:
    out = []
    for lab, got in zip(labels, preds):
        want, have = Counter(lab["expected"]), Counter(got)
        if want != have:
            out.append({
                "ref": f"{lab['corpus']}:{lab['id']}:{lab['para']}",
                "kinds": lab["kinds"],
                "missing": sorted((want - have).elements()),
                "extra": sorted((have - want).elements()),
            })
    for m in out[:limit]:
        print(f"  {m['ref']}  [{','.join(m['kinds'])}]  missing={m['missing']} extra={m['extra']}")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--against", metavar="REV", help="also run newscli at this git revision")
    ap.add_argument("--src", type=Path, metavar="DIR",
                    help="also run newscli imported from DIR (a checkout or worktree, uncommitted work included)")
    ap.add_argument("--no-dateparser", action="store_true")
    ap.add_argument("--misses", type=int, default=25, help="list this many newscli misses (0: none)")
    ap.add_argument("--json", type=Path, help="write the figures and misses to this file")
    ap.add_argument("--predict-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    labels = load_labels(args.labels)
    keys = [(lab["corpus"], lab["id"], lab["para"]) for lab in labels]
    dup = [k for k, c in Counter(keys).items() if c > 1]
    if dup:
        raise SystemExit(f"dates_real: duplicate label keys: {dup[:5]}")
    paras = load_paragraphs(labels, args.shared)
    if args.predict_only:
        preds, _ = predict(newscli_runner(), labels, paras)
        json.dump(preds, sys.stdout)
        return

    results: dict[str, list[list[str]]] = {}
    timings = {}
    results["newscli"], timings["newscli"] = predict(newscli_runner(), labels, paras)
    if args.against:
        results[f"newscli@{args.against}"] = predict_at_revision(args.against, args.labels, args.shared)
    if args.src:
        results[f"newscli@{args.src.name}"] = predict_from_dir(args.src.resolve(), args.labels, args.shared, str(args.src))
    if not args.no_dateparser:
        results["dateparser"], timings["dateparser"] = predict(dateparser_runner(), labels, paras)
        results["dateparser-abs"], timings["dateparser-abs"] = predict(dateparser_runner(True), labels, paras)

    print(f"{len(labels)} labelled paragraphs, {sum(len(lab['expected']) for lab in labels)} expected dates; "
          f"newscli from {Path(inspect.getfile(sys.modules['newscli'])).parent}")
    table = report(labels, results)
    print("seconds: " + ", ".join(f"{t} {s:.2f}" for t, s in timings.items()))
    out = {"labels": len(labels), "figures": table, "seconds": timings}
    for tool in results:
        if args.misses and tool.startswith("newscli"):
            print(f"\n{tool} misses (corpus:id:para, expected-but-missing, found-but-not-expected):")
        out[f"misses:{tool}"] = misses(labels, results[tool], args.misses if tool.startswith("newscli") else 0)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
