"""newscli.dates vs dateparser on the same labelled sentences, in the same run.

Sentences: every case of tests/dates/cases/*.jsonl (labels: the expected ISO list; traps
expect nothing; "fail" cases use their "want"). Exact match = the list of ISO dates found
equals the label exactly (order kept; a trap is right only when nothing is found).
dateparser: search_dates(text, languages=["ar"], settings={"DATE_ORDER": "DMY"}); its
datetimes are read as YYYY-MM-DD (a month-year label is compared by its YYYY-MM prefix).

Run:  PYTHONPATH=. /work/venv/bin/python bench/dates_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

from newscli.dates import find_dates

ROOT = Path(__file__).resolve().parents[1]


def load():
    out = []
    for path in sorted((ROOT / "tests" / "dates" / "cases").glob("*.jsonl")):
        for line in path.read_text("utf-8").split("\n"):
            if line.strip():
                c = json.loads(line)
                exp = c["want"] if c["expect"] == "fail" else c["expect"]
                out.append((c["text"], c.get("year_hint"), [x["iso"] if isinstance(x, dict) else x for x in exp]))
    return out


def ours(text, hint):
    return [e["iso"] for e in find_dates(text, year_hint=hint)]


def theirs(search_dates, text):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = search_dates(text, languages=["ar"], settings={"DATE_ORDER": "DMY"}) or []
    return [d.strftime("%Y-%m-%d") for _, d in res]


def same(found, want):
    if len(found) != len(want):
        return False
    return all(w is None or f == w or (len(w) == 7 and f[:7] == w) for f, w in zip(found, want))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200, help="newscli passes over the sentences")
    args = ap.parse_args()
    from dateparser.search import search_dates

    cases = load()
    find_dates("تهيئة 8 يناير 2020")  # build the scanner outside the timing
    theirs(search_dates, "8 يناير 2020")
    # accuracy
    ok_ours = sum(same(ours(t, h), w) for t, h, w in cases)
    ok_theirs = sum(same(theirs(search_dates, t), w) for t, h, w in cases)
    # throughput (newscli: several rounds for a stable time; dateparser: one round)
    t0 = time.perf_counter()
    for _ in range(args.rounds):
        for t, h, _w in cases:
            find_dates(t, year_hint=h)
    t_ours = (time.perf_counter() - t0) / args.rounds
    t0 = time.perf_counter()
    for t, _h, _w in cases:
        theirs(search_dates, t)
    t_theirs = time.perf_counter() - t0
    n = len(cases)
    print(f"sentences: {n} (labelled cases, incl. traps)")
    print(f"newscli    : {n / t_ours:10.0f} sentences/s   exact-match {ok_ours}/{n} = {ok_ours / n:.1%}")
    print(f"dateparser : {n / t_theirs:10.0f} sentences/s   exact-match {ok_theirs}/{n} = {ok_theirs / n:.1%}")
    print(f"throughput ratio newscli/dateparser: {t_theirs / t_ours:.0f}x")
    # long single lines (linear-time check; correctness is asserted in tests/dates/test_api.py)
    N = 1_000_000
    for name, s in [("digits", "1" * N), ("1/1/1...", "1/" * (N // 2)), ("month names", "يناير " * (N // 6)),
                    ("day+month", "8 يناير " * (N // 8)), ("full dates", "8 يناير 2020 " * (N // 13))]:
        t0 = time.perf_counter()
        k = len(find_dates(s))
        print(f"1 MB line of {name:12s}: {time.perf_counter() - t0:.3f} s ({k} dates)")
    print("rerun: PYTHONPATH=. /work/venv/bin/python bench/dates_bench.py")


if __name__ == "__main__":
    main()
