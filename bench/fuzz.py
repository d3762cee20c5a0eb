"""Fuzz targets, one per subcommand, run outside the test suite (issue 11).

    python bench/fuzz.py                       # 100,000 inputs per target, seed 1
    python bench/fuzz.py --n 20000 --targets clean,dates --seed 5

Targets and the properties checked on every input:
  reader   a JSONL line (random, or a mutated real record) -> parse_line: no exception; a record
           or a Reject; every record validates against `newscli schema`.
  clean    clean_record with a random set of folds: no exception; idempotent (cleaning the output
           again changes nothing, folds included); output validates.
  dates    date_record and find_dates: no exception; every entry's text[start:end] == match.
  dedupe   batches of 500 texts (a third of them copies or near-copies) through pipeline.run with
           dedupe --emit all: no exception; every record comes out exactly once, or is skipped as
           empty (and then its body really is empty) (accounting).
  export   batches of 500 through clean -> dates -> dedupe (--emit kept): no exception;
           read == written + dropped + rejected; outputs validate; dates offsets match.

Inputs: random Unicode weighted toward Arabic letters, combining marks, bidi controls, digits of
three scripts, month names, slashes and line breaks; and windows of real records from
../shared/corpora (mutated: characters deleted, duplicated, replaced, or spliced with random text)
when that directory is present. Failing inputs are written to --failures (JSONL) to reproduce them.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import random
import sys
import time
import traceback
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / ".." / "shared" / "corpora"

ARABIC = [chr(c) for c in range(0x0621, 0x064B)] + ["ى", "ة", "ٱ"]
MARKS = [chr(c) for c in list(range(0x064B, 0x0656)) + list(range(0x0610, 0x061B)) + [0x0670, 0x06D6, 0x06E1]]
BIDI = ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202e", "\u2066", "\u2067", "\u2069",
        "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"]
DIGITS = list("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")
WORDS = ["يناير", "آي النار", "كانون الثاني", "رمضان", "ذو الحجة", "هـ", "م", "2020م", "/", "-", ".", "،", " – ",
         "وال", "طرابلس", "بنغازي", "&amp;", "&#1576;", "ـــ", "ﻻ", "ﺑ", "\u2028", "\u0085", "\r\n", "\t", "\u00a0",
         "الأحد", "اقرأ أيضا", "شارك", "المصدر:", "إٔ", "ىٔ", "آ", "ؤ", "ٔ", "ٓ"]
POOLS = [(ARABIC, 40), ([" "], 12), (MARKS, 8), (BIDI, 4), (DIGITS, 10), (WORDS, 12), (["\n"], 5),
         (None, 4)]  # None: any code point


_TOKENS: list = []
_WEIGHTS: list[float] = []
for _pool, _w in POOLS:
    for _tok in (_pool or [None]):
        _TOKENS.append(_tok)
        _WEIGHTS.append(_w / len(_pool or [None]))
_CUM = list(itertools.accumulate(_WEIGHTS))


def _any_char(rng: random.Random) -> str:
    cp = rng.randint(1, 0x10FFFF)
    return chr(cp) if not 0xD800 <= cp <= 0xDFFF else "?"


def random_text(rng: random.Random, max_len: int = 300) -> str:
    toks = rng.choices(_TOKENS, cum_weights=_CUM, k=rng.randint(0, max_len))
    return "".join(t if t is not None else _any_char(rng) for t in toks)


def load_real(limit: int = 3000) -> list[str]:
    texts: list[str] = []
    for path in sorted(CORPORA.glob("*/*.jsonl.gz")):
        with gzip.open(path, "rb") as fh:
            for i, line in enumerate(fh):
                if i >= limit // 4:
                    break
                try:
                    t = orjson.loads(line).get("text")
                except Exception:
                    continue
                if isinstance(t, str) and t.strip():
                    texts.append(t)
    return texts


def mutate(rng: random.Random, text: str) -> str:
    if len(text) > 600:
        start = rng.randrange(len(text) - 400)
        text = text[start:start + rng.randint(50, 600)]
    chars = list(text)
    for _ in range(rng.randint(0, 8)):
        if not chars:
            break
        i = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.3:
            del chars[i]
        elif op < 0.5:
            chars.insert(i, chars[i] * rng.randint(1, 5))
        elif op < 0.8:
            chars[i] = random_text(rng, 3) or "x"
        else:
            chars.insert(i, random_text(rng, 30))
    return "".join(chars)


class Inputs:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.real = load_real()

    def text(self) -> str:
        if self.real and self.rng.random() < 0.4:
            return mutate(self.rng, self.rng.choice(self.real))
        return random_text(self.rng)

    def line(self, i: int) -> bytes:
        rng = self.rng
        r = rng.random()
        obj: dict = {"id": f"f{i}", "text": self.text()}
        if r < 0.15:
            obj.update({"source": rng.choice(["x", 5, None]), "input_source": "o", "date": rng.choice(
                ["2020-01-08", "yesterday", "08/01/2020", "Fri, 18 May 2018 06:17:27 GMT", 7, "8 يناير 2020"])})
        elif r < 0.25:
            obj["id"] = rng.choice([1.5, True, [1], None, "", 10**30])
        elif r < 0.3:
            obj.update(title=rng.choice([None, "عنوان", 3]), dates=[], removed=[], dup=rng.choice([None, "nope"]),
                       section=None, dateline=None, outlet=None, place=None)
        try:
            line = orjson.dumps(obj)
        except TypeError:  # 10**30: write it by hand, as other tools would
            line = orjson.dumps({**obj, "id": 0}).replace(b'"id":0', b'"id":' + str(obj["id"]).encode())
        if rng.random() < 0.1:  # byte-level damage
            b = bytearray(line)
            for _ in range(rng.randint(1, 4)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            line = bytes(b)
        elif rng.random() < 0.05:
            line = rng.choice([b"[1,2]", b"1E400", b'{"text": "\xd8\xae", "n": 123456789012345678901234567890}', b"{}",
                               b'{"text": 5}', b'{"text": "a\\u0000b"}', b'{"text": "\\ud800"}'])
        return line


class Checker:
    def __init__(self, target: str, failures_path: str) -> None:
        from jsonschema import Draft202012Validator

        from newscli.records import json_schema

        self.validator = Draft202012Validator(json_schema())
        self.target = target
        self.counts = {"inputs": 0, "records": 0, "rejects": 0, "failures": 0}
        self.kinds: dict[str, int] = {}
        self.fail_file = open(failures_path, "ab")

    def fail(self, kind: str, data: object) -> None:
        self.counts["failures"] += 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if self.kinds[kind] <= 20:
            self.fail_file.write(orjson.dumps({"target": self.target, "kind": kind, "input": data},
                                              default=repr) + b"\n")

    def valid(self, rec: dict, data: object) -> None:
        err = next(iter(self.validator.iter_errors(rec)), None)
        if err is not None:
            self.fail(f"schema: {err.message[:80]}", data)

    def offsets(self, rec: dict, data: object) -> None:
        for d in rec.get("dates") or ():
            if rec["text"][d["start"]:d["end"]] != d["match"]:
                self.fail("dates offset", data)
                return


def fuzz_reader(n: int, inp: Inputs, ck: Checker) -> None:
    from newscli.io import RawLine, Reject, parse_line

    for i in range(n):
        line = inp.line(i)
        ck.counts["inputs"] += 1
        try:
            out = parse_line(RawLine(line, "f.jsonl", i + 1, "text"))
        except Exception:
            ck.fail("exception: " + traceback.format_exc().splitlines()[-1][:80], line.decode(errors="replace"))
            continue
        if isinstance(out, Reject):
            ck.counts["rejects"] += 1
            continue
        ck.counts["records"] += 1
        ck.valid(orjson.loads(orjson.dumps(out)) if _has_fragment(line) else out, line.decode(errors="replace"))


def _has_fragment(line: bytes) -> bool:
    return b"E400" in line or b"1234567890123456789" in line


def fuzz_clean(n: int, inp: Inputs, ck: Checker) -> None:
    from newscli.clean import CleanOptions, clean_record
    from newscli.records import new_record

    options = [CleanOptions(), CleanOptions(folds=("letters",)), CleanOptions(folds=("search",)),
               CleanOptions(folds=("diacritics", "digits"), explain=True)]
    for i in range(n):
        text = inp.text()
        ck.counts["inputs"] += 1
        opts = options[i % len(options)]
        try:
            rec = new_record(id=str(i), source="f", text=text)
            once = clean_record(rec, opts)
            twice = clean_record(once, opts)
        except Exception:
            ck.fail("exception: " + traceback.format_exc().splitlines()[-1][:80], text)
            continue
        ck.counts["records"] += 1
        a = {k: v for k, v in once.items() if k not in ("removed", "explain")}
        b = {k: v for k, v in twice.items() if k not in ("removed", "explain")}
        if a != b or twice["removed"] != once["removed"]:
            ck.fail(f"not idempotent ({'+'.join(opts.folds) or 'no fold'})", text)
        ck.valid(once, text)


def fuzz_dates(n: int, inp: Inputs, ck: Checker) -> None:
    from newscli.dates import DatesOptions, date_record, find_dates
    from newscli.records import new_record

    opts = [DatesOptions(), DatesOptions(replace=True)]
    for i in range(n):
        text = inp.text()
        ck.counts["inputs"] += 1
        try:
            found = find_dates(text)
            rec = date_record(new_record(id=str(i), source="f", text=text), opts[i % 2])
        except Exception:
            ck.fail("exception: " + traceback.format_exc().splitlines()[-1][:80], text)
            continue
        ck.counts["records"] += 1
        if any(text[d["start"]:d["end"]] != d["match"] for d in found):
            ck.fail("find_dates offset", text)
        ck.offsets(rec, text)
        ck.valid(rec, text)


def _batches(n: int, inp: Inputs, size: int = 500):
    i = 0
    while i < n:
        texts: list[str] = []
        for _ in range(min(size, n - i)):
            r = inp.rng.random()
            if texts and r < 0.2:
                texts.append(inp.rng.choice(texts))  # an exact copy
            elif texts and r < 0.33:
                texts.append(mutate(inp.rng, inp.rng.choice(texts)))  # a near copy
            else:
                texts.append(inp.text())
        yield i, texts
        i += len(texts)


def _run_batch(ck: Checker, texts: list[str], start: int, steps: list, dd, emit_all: bool) -> None:
    from newscli.io import RawLine
    from newscli.pipeline import run

    from newscli.pipeline import is_empty_text

    items = [RawLine(orjson.dumps({"id": f"d{start + k}", "text": t}), "f.jsonl", k + 1, "text")
             for k, t in enumerate(texts)]
    out: list[dict] = []
    rejects: list = []
    skipped: list = []  # empty bodies (and, after clean, emptied ones): skipped and counted, not lost
    ck.counts["inputs"] += len(texts)
    try:
        summary = run(items, steps=steps, on_record=out.append, on_reject=rejects.append, dedupe_options=dd,
                      on_skip=skipped.append)
    except Exception:
        ck.fail("exception: " + traceback.format_exc().splitlines()[-1][:80], texts)
        return
    ck.counts["records"] += len(out)
    ck.counts["rejects"] += len(rejects)
    ck.counts["skipped"] = ck.counts.get("skipped", 0) + len(skipped)
    if [r for r in rejects if r.error.startswith("internal error")]:
        ck.fail("internal error reject", [r.as_json() for r in rejects if r.error.startswith("internal")][:3])
    ids = [r["id"] for r in out]
    if len(set(ids)) != len(ids):
        ck.fail("record written twice", texts)
    if not summary.closes or summary.read != len(texts):
        ck.fail("accounting does not close", texts)
    if summary.empty + summary.emptied != len(skipped):
        ck.fail("skips not counted", texts)
    for r in skipped:  # only a body that really is empty may be skipped as "empty"
        if r.reason == "empty" and not is_empty_text(orjson.loads(r.raw).get("text")):
            ck.fail("non-empty record skipped as empty", r.raw)
    if emit_all and len(out) + len(rejects) + len(skipped) != len(texts):
        ck.fail("record lost", texts)
    for rec in out:
        ck.offsets(rec, rec["id"])
        ck.valid(rec, rec["id"])


def fuzz_dedupe(n: int, inp: Inputs, ck: Checker) -> None:
    from newscli.dedupe import DedupeOptions

    for start, texts in _batches(n, inp):
        _run_batch(ck, texts, start, [], DedupeOptions(emit="all"), True)


def fuzz_export(n: int, inp: Inputs, ck: Checker) -> None:
    from newscli.export import ExportOptions, steps_for

    options = ExportOptions()
    for start, texts in _batches(n, inp):
        _run_batch(ck, texts, start, steps_for(options), options.dedupe, False)


TARGETS = {"reader": fuzz_reader, "clean": fuzz_clean, "dates": fuzz_dates, "dedupe": fuzz_dedupe, "export": fuzz_export}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--targets", default=",".join(TARGETS))
    ap.add_argument("--failures", default="fuzz-failures.jsonl")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    bad = 0
    for name in args.targets.split(","):
        inp = Inputs(args.seed)
        ck = Checker(name, args.failures)
        t0 = time.perf_counter()
        TARGETS[name](args.n, inp, ck)
        took = time.perf_counter() - t0
        c = ck.counts
        print(f"{name:7} inputs {c['inputs']:>7,}  records {c['records']:>7,}  rejects {c['rejects']:>6,}  "
              f"skipped {c.get('skipped', 0):>5,}  "
              f"failures {c['failures']:>4}  {took:6.1f}s  (real-record windows: {'yes' if inp.real else 'no'})", flush=True)
        for kind, k in sorted(ck.kinds.items(), key=lambda kv: -kv[1]):
            print(f"        {k:>6} x {kind}")
        bad += c["failures"]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
