"""Passes over the body once head and tail are known: trailers glued to the last paragraph,
a repeated copy of the body, and the audit (``removed`` and ``explain``)."""

from __future__ import annotations

from typing import Any

from newscli.clean import _rules as R
from newscli.clean._state import (
    MAX_HEADLINE_WORDS, MIN_HEADLINE_RUN, MIN_HEADLINE_WORDS, REPEAT_MIN_WORDS, SENTENCE_WORDS, STRUCTURAL, LineState,
)
from newscli.clean._text import CLOSERS, HAS_ALNUM, TERMINAL, ends_sentence, is_terminal
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
    """Remove a repeated copy of the body: once one of the first two body lines comes again
    (at least 6 words, ending a sentence), every later line that repeats an earlier body line.
    Detects the repetition, not the words; lines repeated elsewhere (two products with the same
    specifications) stay."""
    if len(rest) < 2:
        return
    heads = {st.lines[i] for i in rest[:2] if st.wc[i] >= REPEAT_MIN_WORDS and is_terminal(st.lines[i])}
    if not heads:
        return
    seen: set[str] = set()
    copying = False
    for x, i in enumerate(rest):
        line = st.lines[i]
        if line in seen and (copying or (x >= 2 and line in heads)):
            st.rule[i] = "repeat"
            copying = True
            continue
        seen.add(line)


def _headline(line: str, w: int) -> bool:
    """Shape of another story's headline: 4-20 words, no sentence end (a question is fine),
    no full stop inside, not a list item, not a continuation."""
    if w < MIN_HEADLINE_WORDS or w > MAX_HEADLINE_WORDS or R.LIST_ITEM_RE.match(line):
        return False
    end = line.rstrip(CLOSERS + "»”")[-1:]  # a closing quote ends a quoted name here, not a sentence
    return end not in ".!:…" and ". " not in line and not line.startswith(("،", ","))


def _paragraph(st: LineState, i: int) -> bool:
    """A long line that ends a sentence (a colon, a lead-in to a list or a verse, does not)."""
    return st.wc[i] > SENTENCE_WORDS and ends_sentence(st.lines[i])


def headlines_pass(st: LineState, rest: list[int]) -> None:
    """Headlines of other stories placed between paragraphs or after the last one, with no
    header: a run of 2+ headline-shaped lines after a paragraph that ends a sentence, followed
    by another such paragraph or by the end. A single line (a subhead) and a run after a
    lead-in ending with ":" (a list, a verse) stay."""
    x = 0
    n = len(rest)
    while x < n:
        if not _headline(st.lines[rest[x]], st.wc[rest[x]]):
            x += 1
            continue
        y = x
        while y < n and _headline(st.lines[rest[y]], st.wc[rest[y]]):
            y += 1
        if y - x >= MIN_HEADLINE_RUN and x > 0 and _paragraph(st, rest[x - 1]) and (y == n or _paragraph(st, rest[y])):
            for i in rest[x:y]:
                st.rule[i] = "headlines"
        x = y


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
