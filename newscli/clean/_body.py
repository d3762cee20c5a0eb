"""Passes over the body once head and tail are known: trailers glued to the last paragraph,
a repeated copy of the body, and the audit (``removed`` and ``explain``)."""

from __future__ import annotations

import re
from typing import Any

from newscli.clean import _rules as R
from newscli.clean._state import (
    FOLLOWING_WORDS, MAX_HEADLINE_RUN, MAX_HEADLINE_WORDS, MAX_RULE_WORDS, MIN_HEADLINE_RUN, MIN_HEADLINE_WORDS, REPEAT_MIN_WORDS, SENTENCE_WORDS, STRUCTURAL, SUBHEAD_SHARED_TRIGRAMS, LineState,
)
from newscli.clean._text import CLOSERS, DIGIT, HAS_ALNUM, TERMINAL, bare_end, ends_sentence, is_terminal, key
from newscli.clean._anywhere import line_rule
from newscli.clean.options import UserPatterns


def _user_trailer(line: str, user: UserPatterns) -> int | None:
    """Start of a user `prefix:` pattern that follows a sentence end in the line."""
    for p, _fp in user.prefixes:
        pos = line.find(p)
        if pos > 0 and bare_end(line[:pos].rstrip())[-1:] in TERMINAL:
            return pos
    return None


def _recheck(st: LineState, i: int, user: UserPatterns) -> None:
    """After a cut, the rest of the line gets the line rules a second run would apply to it."""
    line = st.lines[i]
    if not line:
        return
    k = key(line) if st.wc[i] <= MAX_RULE_WORDS else None
    r = line_rule(line, st.wc[i], k, user)
    if r:
        st.rule[i] = r


def trailer_pass(st: LineState, i: int, user: UserPatterns) -> None:
    """Cut a tag trailer, an outlet trailer or a user prefix off the end of kept line i."""
    _trailers(st, i, user)
    if i in st.partial and st.rule[i] is None:
        _recheck(st, i, user)


def _trailers(st: LineState, i: int, user: UserPatterns) -> None:
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
    end = bare_end(line).rstrip(CLOSERS + "»”-–— ")[-1:]  # a closing quote ends a quoted name here, not a sentence
    if end in ".!:…" or ". " in line or "،" in line or "," in line:  # a comma: a piece of a sentence
        return False
    first = key(line).split(" ", 1)[0]
    return first not in _PARTICLES and first not in _CONTINUES


def _paragraph(st: LineState, i: int, min_words: int = SENTENCE_WORDS) -> bool:
    """A long line that ends a sentence (a colon, a lead-in to a list or a verse, does not)."""
    return st.wc[i] > min_words and ends_sentence(st.lines[i])


# a line starting with one of these continues a sentence (a paragraph broken over lines)
_CONTINUES = frozenset(key(w) for w in "في من على إلى الى عن مع الذي التي الذين أن ان بأن إن و ف ثم أو".split())
_PHONE = re.compile(DIGIT + "{5,}")
# a line starting with a particle is verse or a piece of a sentence, not a headline
_PARTICLES = frozenset(key(w) for w in "ألا ألم أما فإن وإن إن كما إذا فمن فما وما يا إلا هل وهل لقد فقد ولا لا الذي الذى التي".split())
_QUESTION = frozenset({"هل", "لماذا", "كيف", "متى", "اين", "ماذا", "لكن", "قد", "لم", "لن", "كان", "بعد", "قبل", "ما"})


def _headline_run(st: LineState, run: list[int], after: int | None) -> bool:
    """Is a run of headline-shaped lines other stories' headlines, not a broken paragraph or a
    table (a verb with a conjunction first, a continuation after, phone numbers inside)?"""
    firsts = [key(st.lines[i]).split(" ", 1)[0] for i in run]
    w0 = firsts[0]
    if w0[:1] == "و" and (w0[1:2] in "يتنا" or w0[1:] in _CONTINUES or w0[1:] in _QUESTION):  # ويأتي، وأكد، وهل
        return False
    if len(set(firsts)) < len(firsts):  # "قرر المكتب …" twice: parallel items of a list
        return False
    if all(bare_end(st.lines[i]).rstrip(CLOSERS)[-1:] in "؟?" for i in run):  # a series of questions
        return False
    if any(_PHONE.search(st.lines[i]) or " : " in st.lines[i] or "*" in st.lines[i] for i in run):
        return False  # phone numbers, `key : value` rows, starred fixtures: a table
    if sum(":" in " ".join(st.lines[i].split(" ", 3)[:3]) for i in run) >= 2:
        return False  # "حراسة المرمى: …", "خط الدفاع: …": labeled items of a list
    if after is not None:
        nxt = key(st.lines[after]).split(" ", 1)[0]
        if nxt in _CONTINUES or st.lines[after][:1] in "،,":
            return False
    return True




def headlines_pass(st: LineState, rest: list[int]) -> bool:
    """Headlines of other stories placed between paragraphs or after the last one, with no
    header: a run of 2-3 headline-shaped lines after a paragraph that ends a sentence, followed
    by another such paragraph or by the end, in an article whose other lines all end sentences.
    A single line (a subhead), a longer run (verse, a list), a run after a lead-in ending with
    ":" and anything in hard-wrapped text stay."""
    runs: list[list[int]] = []
    x = 0
    n = len(rest)
    while x < n:
        if not _headline(st.lines[rest[x]], st.wc[rest[x]]):
            x += 1
            continue
        y = x
        while y < n and _headline(st.lines[rest[y]], st.wc[rest[y]]):
            y += 1
        run = rest[x:y]
        if (MIN_HEADLINE_RUN <= len(run) <= MAX_HEADLINE_RUN and x > 0 and _paragraph(st, rest[x - 1])
                and (y == n or _paragraph(st, rest[y], FOLLOWING_WORDS))
                and _headline_run(st, run, rest[y] if y < n else None)):
            runs.append(run)
        x = y
    if not runs:
        return False
    # lines of 8+ words without a sentence end: in whole-paragraph text only the runs' own. Judged
    # on all runs at once, so removing one run cannot qualify another on a second pass
    unended = {i for i in rest if st.wc[i] >= FOLLOWING_WORDS and not ends_sentence(st.lines[i])}
    in_runs = {i for run in runs for i in run}
    if not unended.issubset(in_runs):
        return False
    # the article's own subheads restate the body: every line of the run shares word trigrams with
    # the paragraphs (the body without any run, the same set on a second pass)
    body3 = {g for i in rest if i not in in_runs for g in _trigrams(st.lines[i])}
    removed = False
    for run in runs:
        if all(len(_trigrams(st.lines[i]) & body3) >= SUBHEAD_SHARED_TRIGRAMS for i in run):
            continue
        for i in run:
            st.rule[i] = "headlines"
        removed = True
    return removed


def _trigrams(line: str) -> set[tuple[str, ...]]:
    ws = key(line).split()
    return {tuple(ws[j:j + 3]) for j in range(len(ws) - 2)}


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
