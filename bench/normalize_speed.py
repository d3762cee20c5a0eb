"""normalize() and fold("search") throughput, current code against a git revision, same run.

    python bench/normalize_speed.py --against main [--docs 8000] [--repeat 5]

REV's newscli/normalize.py is loaded from `git show` as a separate module (it may import
newscli.chars: the current one is used). Input: the `text` of the first --docs records of
../shared/corpora/ant_multisource_2018 (synthetic prose when absent). CPU time, best of --repeat,
runs interleaved; also counts texts where both give identical output.
(bench/clean_speed.py --against compares the whole clean step, whose copy of REV lacks REV's data
files and the modules clean imports, so its identity count is not meaningful for normalize.)
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / ".." / "shared" / "corpora" / "ant_multisource_2018" / "ant_multisource_2018.jsonl.gz"

from newscli import normalize as _current  # noqa: E402,F401

current = sys.modules["newscli.normalize"]


def load_rev(rev: str):
    src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:newscli/normalize.py"], check=True,
                         capture_output=True).stdout
    path = Path(tempfile.mkdtemp()) / "normalize_rev.py"
    path.write_bytes(src)
    spec = importlib.util.spec_from_file_location("normalize_rev", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def load(n: int) -> list[str]:
    if not CORPUS.exists():
        return ["أعلنت وزارة الاقتصاد، اليوم الثلاثاء، عن خطة جديدة لدعم المشروعات الصغيرة\u200f ـ "
                "والمتوسطة في المدن الساحلية.\n" * 8] * n
    out = []
    with gzip.open(CORPUS, "rb") as fh:
        for i, line in enumerate(fh):
            if i >= n:
                break
            t = orjson.loads(line).get("text")
            if isinstance(t, str):
                out.append(t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", required=True)
    ap.add_argument("--docs", type=int, default=8000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    old = load_rev(args.against)
    texts = load(args.docs)
    mb = sum(len(t.encode()) for t in texts) / 1e6
    same = sum(old.normalize(t) == current.normalize(t) for t in texts)
    same_fold = sum(old.fold(old.normalize(t), "search") == current.fold(current.normalize(t), "search") for t in texts)
    runs = {"normalize": lambda m: [m.normalize(t) for t in texts],
            "normalize+fold search": lambda m: [m.fold(m.normalize(t), "search") for t in texts]}
    print(f"{len(texts)} texts, {mb:.1f} MB; CPU time, best of {args.repeat}, interleaved")
    for name, fn in runs.items():
        best = {"current": float("inf"), args.against: float("inf")}
        for _ in range(args.repeat):
            for label, mod in (("current", current), (args.against, old)):
                t0 = time.process_time()
                fn(mod)
                best[label] = min(best[label], time.process_time() - t0)
        print(f"{name:22} current {mb / best['current']:6.1f} MB/s   {args.against} {mb / best[args.against]:6.1f} MB/s"
              f"   current/{args.against} speed {best[args.against] / best['current']:.2f}x")
    print(f"identical: normalize {same}/{len(texts)}, search fold {same_fold}/{len(texts)}")
    print(f"rerun: python bench/normalize_speed.py --against {args.against} --docs {args.docs} --repeat {args.repeat}")


if __name__ == "__main__":
    main()
