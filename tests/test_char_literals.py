"""Arabic character sets live in newscli/chars.py only (derived from pyarabic.araby).

Any other module that needs diacritics, tatweel, invisible controls, Arabic-Indic or Persian
digits, special blanks or presentation forms takes them from `newscli.chars`. This test reads every
module's string literals (docstrings excepted) and fails on a hand-written set:
  - a range of Arabic-block characters (`ء-غ`, `\\u0621-\\u063a`);
  - characters of those sets in a literal that is a set: two or more different ones, nothing but
    them, one inside `[...]`, or one under a regex quantifier (`\\u0640{0,3}`).
A word that merely contains one (the Hijri mark "هـ" with its tatweel) is not a set.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from _support import REPO
from newscli import chars

PACKAGE = REPO / "newscli"
_OWN = {PACKAGE / "chars.py"}
# literals that are not character sets, each with its reason
_ALLOWED = {
    ("io/inputs.py", "\ufeff"): "a UTF-8 byte-order mark at the start of a file is stripped, not a character set",
}

_SET_CHARS = set(chars.DIACRITICS + chars.TATWEEL + chars.CONTROLS + chars.DIGITS_EAST + chars.DIGITS_PERSIAN
                 + chars.BLANKS.replace(" ", "").replace("\t", ""))
_RANGE = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff]-[\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff]")


def _is_presentation(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in chars.PRESENTATION_RANGES)


def _is_set(value: str, bad: list[str]) -> bool:
    if len(bad) >= 2 or not value.strip("".join(bad)):
        return True
    cls = "".join(re.escape(c) for c in bad)
    return bool(re.search(rf"\[[^\]]*[{cls}]", value) or re.search(rf"[{cls}][{{*+?]", value))


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    rel = path.relative_to(PACKAGE).as_posix()
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in skip:
            continue
        value = node.value
        if (rel, value) in _ALLOWED:
            continue
        bad = sorted({c for c in value if c in _SET_CHARS or _is_presentation(c)})
        if bad and _is_set(value, bad):
            found.append(f"{rel}:{node.lineno}: {', '.join(f'U+{ord(c):04X}' for c in bad)}")
        if _RANGE.search(value):
            found.append(f"{rel}:{node.lineno}: a range of Arabic characters {_RANGE.search(value).group()!r}")
    return found


def test_no_character_class_literal_outside_chars():
    offences = [o for path in sorted(PACKAGE.rglob("*.py")) if path not in _OWN for o in _offences(path)]
    assert not offences, "character sets outside newscli/chars.py:\n" + "\n".join(offences)


@pytest.mark.parametrize("literal", ["[\u064b-\u0652]", "\u0640", "\u200f\u200e", "[x\u200f]", "[٠-٩]", "\u00a0",
                                     "\ufefb", "[ء-غ]", "\u0640{0,3}", "٠١٢٣"])
def test_the_check_catches_each_kind(tmp_path, literal):
    path = PACKAGE / "_probe_for_test.py"
    try:
        path.write_text(f"X = {literal!r}\n", encoding="utf-8")
        assert _offences(path), literal
    finally:
        path.unlink()


def test_docstrings_and_plain_arabic_words_pass(tmp_path):
    path = PACKAGE / "_probe_for_test.py"
    try:
        path.write_text('"""Mentions \u064b-\u0652 in prose."""\nX = "آي النار"\nY = "هـ"[0]\n', encoding="utf-8")
        assert _offences(path) == []
    finally:
        path.unlink()
