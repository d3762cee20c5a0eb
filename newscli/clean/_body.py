"""Passes over the body once head and tail are known: trailers glued to the last paragraph,
a repeated copy of the body, and the audit (``removed`` and ``explain``)."""

from __future__ import annotations

from typing import Any

from newscli.clean import _rules as R
from newscli.clean._state import REPEAT_MIN_WORDS, STRUCTURAL, LineState
from newscli.clean._text import HAS_ALNUM, TERMINAL, is_terminal
from newscli.clean.options import UserPatterns


def _user_trailer(line: str, user: UserPatterns) -> int | None:
    """Start of a user `prefix:` pattern that follows a sentence end in the line."""
    for p, _fp in user.prefixes:
        pos = line.find(p)
        if pos > 0 and line[:pos].rstrip()[-1:] in TERMINAL:
            return pos
    return None


def trailer_pass(st: LineState, i: int, user: UserPatterns) -> None:
    """Cut a tag trailer, an outlet trailer or a user prefix off the end of kept line i."""
    line = st.lines[i]
    if "رابط" in line or "للكاتب" in line:
        m = R.TRAILER_RE.search(line)
        if m and m.start(1) > 0:
            st.cut(i, m.start(1), "trailer", False)
            line = st.lines[i]
    if user.prefixes:
        pos = _user_trailer(line, user)
        if pos is not None:
            st.cut(i, pos, "user-prefix", False)
            line = st.lines[i]
    if "سمات" not in line and "وسوم" not in line:
        return
    m = R.TAG_TRAILER_RE.search(line)
    if not m:
        return
    if not HAS_ALNUM.search(line[: m.start()]):
        st.rule[i] = "tags"
        return
    st.cut(i, m.start(1), "tags", False)


def repeat_pass(st: LineState, rest: list[int]) -> None:
    """Remove a repeated copy of the body: from the first body line of at least 6 words that
    ends a sentence and repeats an earlier body line, every line that repeats an earlier one
    (exact, after normalization). Detects the repetition, not the words."""
    seen: set[str] = set()
    copying = False
    for i in rest:
        line = st.lines[i]
        if line in seen and (copying or st.wc[i] >= REPEAT_MIN_WORDS and is_terminal(line)):
            st.rule[i] = "repeat"
            copying = True
            continue
        seen.add(line)


def audit(st: LineState) -> tuple[list[str], list[dict[str, Any]]]:
    """``removed`` (each removed line exactly as written in the input; a piece cut off a kept
    line as normalized) and ``explain`` (removed and structural lines, in input order)."""
    removed: list[str] = []
    explain: list[dict[str, Any]] = []
    touched = sorted({i for i, r in enumerate(st.rule) if r is not None} | st.partial.keys())
    for i in touched:
        lineno = st.linenos[i]
        p = st.partial.get(i)
        if p and p[2]:
            removed.append(p[1])
            explain.append({"line": lineno, "rule": p[0], "text": p[1]})
        r = st.rule[i]
        if r is not None:
            text = st.as_written(i) if i not in st.partial else st.lines[i]
            explain.append({"line": lineno, "rule": r, "text": text})
            if r not in STRUCTURAL:
                removed.append(text)
        if p and not p[2]:
            removed.append(p[1])
            explain.append({"line": lineno, "rule": p[0], "text": p[1]})
    return removed, explain
