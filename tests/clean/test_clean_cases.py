"""Data-driven clean cases: tests/clean/cases/*.json (input article or record + expected JSON).

A case has "name", either "input" (raw article text, cleaned with clean_text) or "record"
(a record, cleaned with clean_record), optional "options" (CleanOptions fields) and "expected"
(only the keys given are compared). "expect": "fail" marks a known gap (strict xfail).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscli.clean import CleanOptions, clean_record, clean_text

CASES = Path(__file__).resolve().parent / "cases"
STRUCT = ("section", "title", "dateline", "outlet", "place")


def _load():
    for path in sorted(CASES.glob("*.json")):
        for n, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            marks = [pytest.mark.xfail(strict=True, reason="known gap")] if case.get("expect") == "fail" else []
            yield pytest.param(case, id=f"{path.stem}[{n}] {case['name'][:60]}", marks=marks)


def run(case: dict) -> dict:
    opts = CleanOptions(**{k: tuple(v) if isinstance(v, list) else v for k, v in case.get("options", {}).items()})
    if "record" in case:
        return clean_record(dict(case["record"]), opts)
    r = clean_text(case["input"], opts)
    return {**{k: getattr(r, k) for k in STRUCT}, "text": "\n".join(r.body), "removed": r.removed}


@pytest.mark.parametrize("case", list(_load()))
def test_case(case):
    got = run(case)
    for k, v in case["expected"].items():
        assert got.get(k) == v, k


def _opts(case: dict, **extra) -> CleanOptions:
    return CleanOptions(**{k: tuple(v) if isinstance(v, list) else v for k, v in case.get("options", {}).items()}, **extra)


def _as_record(case: dict) -> dict:
    """The case as a record: a text case is a record whose title and structure are null."""
    if "record" in case:
        return dict(case["record"])
    return {"title": None, "section": None, "dateline": None, "outlet": None, "place": None,
            "text": case["input"], "removed": []}


@pytest.mark.parametrize("case", [c for c in _load() if c.values[0].get("expect") != "fail"])
def test_case_idempotent(case):
    """Every passing case, text cases included (as a record with null structure fields)."""
    opts = _opts(case)
    once = clean_record(_as_record(case), opts)
    assert clean_record(once, opts) == once


@pytest.mark.parametrize("case", [c for c in _load() if c.values[0].get("expect") != "fail"])
def test_removed_equals_non_structural_explain(case):
    """`removed` is exactly the texts of the explain entries that are not structure, in order."""
    out = clean_record(_as_record(case), _opts(case, explain=True))
    structural = {"section", "title", "dateline"}
    assert out["removed"] == [e["text"] for e in out["explain"] if e["rule"] not in structural]
    assert [e["line"] for e in out["explain"]] == sorted(e["line"] for e in out["explain"])


def test_every_rule_has_a_case():
    """Every removal rule id appears in at least one passing case's explain output."""
    from newscli.clean import RULES

    seen = set()
    for p in _load():
        c = p.values[0]
        if c.get("expect") == "fail":
            continue
        opts = CleanOptions(**{k: tuple(v) if isinstance(v, list) else v for k, v in c.get("options", {}).items()}, explain=True)
        if "record" in c:
            seen.update(e["rule"] for e in clean_record(dict(c["record"]), opts)["explain"])
        else:
            seen.update(e["rule"] for e in clean_text(c["input"], opts).explain)
    assert set(RULES) - seen == set()
