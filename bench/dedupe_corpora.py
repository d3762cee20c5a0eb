"""Dedupe on each shared corpus, this tree beside another revision in the same run.

Per corpus: records, dropped duplicates (exact / near), dropped by similarity band, and the share of
dropped records whose similarity to their kept copy is below the threshold (must be 0: no chaining),
plus the Egypt check (byte-identical bodies always in one cluster). ``--sample N`` prints N dropped
records per corpus beside their kept copy (first characters of both) to read by eye; nothing of the
corpora is written to disk.

    python bench/dedupe_corpora.py [--against main] [--sample 30]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    for up in REPO.parents:
        if (up / "shared" / "corpora").is_dir():
            return up / "shared" / "corpora"
    return REPO.parent / "shared" / "corpora"


CORPORA = {
    "saudinewsnet": "saudinewsnet/saudinewsnet.jsonl.gz",
    "ant_multisource_2018": "ant_multisource_2018/ant_multisource_2018.jsonl.gz",
    "egypt_news_2013_week": "egypt_news_credibility_2013_week/egypt_news_2013-03-20_to_26.jsonl.gz",
    "ant_jawharafm_tunisia": "ant_jawharafm_tunisia/ant_jawharafm_v1_1.jsonl.gz",
}


def worker(path: str, sample: int) -> dict:
    """Run in a subprocess whose PYTHONPATH selects the newscli under test."""
    import orjson

    src = os.environ.get("PYTHONPATH", "")
    if src:  # an editable install's import hook would win over PYTHONPATH: drop it
        sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "") + repr(f)]
        sys.path.insert(0, src)

    from newscli.dedupe import DedupeOptions, dedupe_records
    from newscli.records import parse_date  # dates as `newscli dedupe` hands them over (ISO)

    assert Path(sys.modules["newscli"].__file__).resolve().is_relative_to(Path(src or REPO).resolve()), sys.modules["newscli"].__file__

    recs = []
    with gzip.open(path) as fh:
        for line in fh:
            r = orjson.loads(line)
            recs.append({"id": r["id"], "text": r.get("text") or "", "date": parse_date(r.get("date")), "dup": None})
    opt = DedupeOptions(emit="all")
    chunks = [(recs[i : i + 1000], None) for i in range(0, len(recs), 1000)]
    out = list(dedupe_records(chunks, opt))
    dropped = [r for r in out if r["dup"]["of"] is not None]
    sims = [r["dup"]["sim"] for r in dropped if not r["dup"]["exact"]]
    body: dict[str, set] = {}
    for r in out:
        if r["text"].strip():
            body.setdefault(r["text"], set()).add(r["dup"]["cluster"])
    groups = [c for c in body.values()]
    by_id = {r["id"]: r for r in out}
    pick = random.Random(5).sample(dropped, min(sample, len(dropped)))
    return {
        "records": len(out), "threshold": opt.threshold, "dropped": len(dropped),
        "exact": sum(r["dup"]["exact"] for r in dropped),
        "ge_0.9": sum(s >= 0.9 for s in sims), "0.7_0.9": sum(0.7 <= s < 0.9 for s in sims),
        "below_0.7": sum(s < 0.7 for s in sims), "below_threshold": sum(s < opt.threshold - 1e-9 for s in sims),
        "below_0.5": sum(s < 0.5 for s in sims),
        "identical_body_groups": sum(1 for c in groups), "identical_bodies_split": sum(1 for c in groups if len(c) > 1),
        "sample": [(r["id"], r["dup"]["of"], r["dup"]["sim"], r["text"][:160].replace("\n", " "),
                    by_id[r["dup"]["of"]]["text"][:160].replace("\n", " ")) for r in pick],
    }


def _tree(rev: str) -> str:
    d = tempfile.mkdtemp(prefix="dedupe-against-")
    data = subprocess.run(["git", "-C", str(REPO), "archive", rev, "newscli"], check=True, capture_output=True).stdout
    tarfile.open(fileobj=BytesIO(data)).extractall(d)
    return d


def run(src: str, path: Path, sample: int) -> dict:
    env = {**os.environ, "PYTHONPATH": src}
    res = subprocess.run([sys.executable, __file__, "--worker", str(path), "--sample", str(sample)], env=env,
                         check=True, capture_output=True, text=True)
    return json.loads(res.stdout)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", help="git revision to compare with, e.g. main")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker, a.sample), ensure_ascii=False))
        return 0
    trees = {"this tree": str(REPO)}
    if a.against:
        trees[a.against] = _tree(a.against)
    cols = ("records", "threshold", "dropped", "exact", "ge_0.9", "0.7_0.9", "below_0.7", "below_0.5", "below_threshold",
            "identical_bodies_split")
    print("corpus                 tree        " + " ".join(f"{c:>10}" for c in cols))
    for name, rel in CORPORA.items():
        path = _shared() / rel
        if not path.exists():
            print(f"skip {name}: absent")
            continue
        for label, src in trees.items():
            r = run(src, path, a.sample if label == "this tree" else 0)
            print(f"{name:<22} {label[:10]:<10} " + " ".join(f"{r[c]:>10}" for c in cols))
            for rid, of, sim, t, k in r["sample"]:
                print(f"    {rid} of {of} sim {sim}\n      dropped: {t}\n      kept:    {k}")
    print(f"\nrerun: python bench/dedupe_corpora.py{' --against ' + a.against if a.against else ''}"
          f"{' --sample ' + str(a.sample) if a.sample else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
