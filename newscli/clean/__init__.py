"""Article structure, Arabic web-boilerplate removal with an audit trail, lossless normalization.

Pure functions; nothing here prints, exits or logs. See docs/clean.md for every rule.

    >>> r = clean_text("محلي\\n\\nعنوان الخبر\\n\\nأوج – أنقرة\\nنص الخبر الأول.\\n\\nإغلاق")
    >>> r.section, r.title, r.outlet, r.place, r.body, r.removed
    ('محلي', 'عنوان الخبر', 'أوج', 'أنقرة', ['نص الخبر الأول.'], ['إغلاق'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from newscli.normalize import FOLDS, fold, normalize, normalize_lines
from newscli.clean import _rules as R

__all__ = [
    "CleanOptions",
    "CleanResult",
    "RULES",
    "clean_text",
    "clean_record",
    "format_text",
    "load_boilerplate_file",
]

#: Rule ids that can appear in ``explain`` (structure ids are not removals).
RULES: dict[str, str] = {
    "section": "structure: the section label line (not a removal)",
    "title": "structure: the title line (not a removal)",
    "dateline": "structure: the `outlet – city` dateline (not a removal)",
    "phrase": "whole line equals a phrase of data/phrases.txt",
    "user-phrase": "whole line equals a phrase given in CleanOptions.extra_phrases",
    "prefix": "line starts with an anchored prefix of data/prefixes.txt and a separator",
    "block": "header of data/block_headers.txt and the list items that follow it",
    "comments": "header of data/end_headers.txt after the body started: everything to the end",
    "symbols": "line without any letter or digit (separators, lone punctuation)",
    "link": "line that is only a URL or an e-mail address",
    "time": "relative time line (منذ ساعتين, قبل 5 دقائق)",
    "click-here": "short line with اضغط هنا / انقر هنا",
    "menu": "breadcrumb or menu line (items between » › > | / separators)",
    "nav": "slider navigation words (Next Previous) before the first line",
    "byline": "head/tail: author line (كتب - فلان:, name – outlet) or a second dateline",
    "notice": "head/tail: cookie, privacy, newsletter or app notice (data/notices.txt)",
    "copyright": "head/tail: copyright line",
    "credit": "head/tail: credit or contact line (data/tail_prefixes.txt)",
    "tags": "tail: tag trailer (سمات …, الوسوم: …), whole line or the end of the last line",
    "head-short": "head: short line without sentence-ending punctuation before the body",
    "tail-short": "tail: short line without sentence-ending punctuation after the body",
}


@dataclass(frozen=True)
class CleanOptions:
    """Options of the clean step (shared by the library and the CLI).

    folds: named lossy folds from ``newscli.normalize.FOLDS`` applied, in order, to the title
        and the body after the lossless normalization (default none: output is lossless).
        Section, dateline, outlet, place and ``removed`` stay lossless.
    explain: when True, ``clean_record`` sets ``record["explain"]`` to the audit list (one
        ``{"line", "rule", "text"}`` dict per removed or structural line).
    extra_phrases: the user's own boilerplate phrases, matched whole-line like data/phrases.txt
        (rule ``user-phrase``); see ``load_boilerplate_file``.
    structure: detect section, title and dateline (default True). When False only boilerplate
        is removed and those fields are left as they are.
    short_words: a head or tail line without sentence-ending punctuation is removed when it
        has at most this many words (default 5; 0 disables the head/tail short-line rule).
    """

    folds: tuple[str, ...] = ()
    explain: bool = False
    extra_phrases: tuple[str, ...] = ()
    structure: bool = True
    short_words: int = 5

    def __post_init__(self) -> None:
        # accept any iterable of strings (a list from the CLI or JSON) but store tuples:
        # the options must stay hashable and picklable
        for name in ("folds", "extra_phrases"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise ValueError(f"{name} must be a sequence of strings, not a string")
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        for name in self.folds:
            if name not in FOLDS:
                raise ValueError(f"unknown fold {name!r}; known: {', '.join(sorted(FOLDS))}")
        if self.short_words < 0:
            raise ValueError("short_words must be >= 0")


_DEFAULT = CleanOptions()
TERMINAL = R.TERMINAL
_KEY_WORD = re.compile(r"[^\W\d_\u0640]+")  # complement of _rules._KEY_DROP
CLOSERS = R._CLOSERS


@dataclass
class CleanResult:
    """What ``clean_text`` found. ``explain`` line numbers are 1-based lines of the input text."""

    section: str | None = None
    title: str | None = None
    dateline: str | None = None
    outlet: str | None = None
    place: str | None = None
    body: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    explain: list[dict[str, Any]] = field(default_factory=list)


def load_boilerplate_file(path: str | Path) -> tuple[str, ...]:
    """Phrases from a UTF-8 text file, one per line; blank lines and ``#`` comments skipped.

    Raises ValueError with a one-line message when the file cannot be read or decoded.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read boilerplate file {str(path)!r}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"boilerplate file {str(path)!r} is not UTF-8 (byte {exc.start})") from None
    return R.parse_phrase_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _whole_tables(extra: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str], int, int]:
    """User phrase keys, first words of every whole-line key, max words and max characters."""
    user = R.user_phrase_keys(extra) if extra else frozenset()
    keys = R.ALL_WHOLE | user
    first = frozenset(k.split(" ", 1)[0] for k in keys)
    max_key = max(k.count(" ") + 1 for k in keys)
    max_chars = max(len(k) for k in keys) * 2 + 8
    return user, first, max_key, max_chars


def _title_like(line: str) -> bool:
    if R.words(line) > 35 or R.dateline_sides(line):
        return False
    return not (line.endswith(".") and not line.endswith(".."))


def _item_like(line: str, w: int) -> bool:
    """A related-link item: a headline (at most 25 words, no sentence end when longer than 15).
    A line of more than 5 words ending with a full stop or colon is body text resuming."""
    if w > 25 or (w > 15 and R.is_terminal(line)):
        return False
    return not (w > 5 and line.rstrip(R._CLOSERS).endswith((".", ":")) and not line.endswith(".."))


def _whole_rule(k: str, user: frozenset[str]) -> str | None:
    if k in R.PHRASES or k in R.END_HEADERS or k in R.BLOCK_HEADERS:
        return "phrase"
    if user and k in user:
        return "user-phrase"
    return None


def _anywhere_rule(line: str, w: int, k: str | None, user: frozenset[str], f: str | None = None) -> str | None:
    """Rules that hold anywhere in the article (headers handled by the caller).

    k is the line's key (None for lines too long for any phrase), f its fold_line() when known.
    """
    if k:
        r = _whole_rule(k, user)
        if r:
            return r
    elif w <= 25 and not R.HAS_ALNUM.search(line):
        return "symbols"
    if w > 25:
        return None
    if f is None:
        f = R.fold_line(line if w <= 14 else line[:80])
    if R.may_be_prefixed(line) and R.PREFIX_RE.match(f):
        return "prefix"
    if w <= 14:
        if w <= 2 and R.LINK_RE.match(line):
            return "link"
        if w <= 4 and R.RELTIME_RE.match(f):
            return "time"
        if ("هنا" in f or "here" in f) and R.CLICK_RE.search(f) and R.key_of_folded(f).startswith(R.CLICK_START):
            return "click-here"
        if R.is_home_menu(line):
            return "menu"
    return None


# cheap hints that a line may be a notice: Arabic substrings (no case) tested with `in`, and a
# case-insensitive Latin regex only when the line has one of its first letters (c, p, w have no
# other case-insensitive equivalents in `re`)
_NOTICE_HINTS = ("ارتباط", "كوكيز", "خصوصي", "التصفح", "تطبيق", "اشترك", "سجل", "الموقع")
_NOTICE_LATIN_RE = re.compile("cookie|privacy|we use", re.IGNORECASE)


def _notice_hint(line: str) -> bool:
    for h in _NOTICE_HINTS:
        if h in line:
            return True
    for c in "cCpPwW":
        if c in line:
            return _NOTICE_LATIN_RE.search(line) is not None
    return False


def _edge_rule(line: str, w: int) -> str | None:
    """Rules that hold only at the head or the tail of an article (cheap pre-checks first)."""
    if w > 40:
        return None
    if w <= 7 and R.BYLINE_RE.match(R.fold_line(line)) and (not R.is_terminal(line) or line.endswith(":")):
        return "byline"
    if "سمات" in line[:12] and not R.is_terminal(line) and R.key(line).startswith("سمات "):
        return "tags"
    if _notice_hint(line) and R.NOTICE_RE.search(R.key(line)):
        return "notice"
    if w > 15:
        return None
    k = R.key(line)
    if "©" in line or R.COPYRIGHT_KEY_RE.match(k):
        return "copyright"
    if w <= 12 and R.is_menu(line):
        return "menu"
    if w <= 14:
        for p in R.TAIL_PREFIXES if k.startswith(R.TAIL_PREFIXES) else ():
            if k.startswith(p) and (len(k) == len(p) or k[len(p)] == " "):
                return "credit"
    return None


_MAX_SHORT_RUN = 3


def _split_trailer(i: int, lines: list[str], wc: list[int], rule: list, partial: dict) -> None:
    """Cut a tag trailer off the end of line i; a line left without letters goes entirely."""
    if "سمات" not in lines[i] and "وسوم" not in lines[i]:
        return
    m = R.TAG_TRAILER_RE.search(lines[i])
    if not m:
        return
    head = lines[i][: m.start()].rstrip()
    if not R.HAS_ALNUM.search(head):
        rule[i] = "tags"
        return
    partial[i] = ("tags", m.group(1), False)
    lines[i] = head
    wc[i] = R.words(head)


def _short(line: str, w: int, short: int) -> bool:
    """Short line without a sentence end, not a numbered list item ("4- المكسيك")."""
    return w <= short and not R.is_terminal(line) and not R.LIST_ITEM_RE.match(line)


def _cap_short(rule: list[str | None], region: list[int], name: str) -> None:
    """More than a few short lines in a row at an edge is a list (teams, groups), not furniture."""
    marked = [i for i in region if rule[i] == name]
    if len(marked) > _MAX_SHORT_RUN:
        for i in marked:
            rule[i] = None


def _clean(
    text: str,
    opts: CleanOptions,
    detect_section: bool,
    detect_title: bool,
    detect_dateline: bool,
) -> CleanResult:
    raw = normalize_lines(text)
    if len(raw) != text.count("\n") + 1:  # cannot happen (normalize keeps newlines); be safe
        raw = [normalize(x).replace("\n", " ") for x in text.split("\n")]
    if "" in raw:
        linenos: list[int] | None = [i + 1 for i, line in enumerate(raw) if line]
        lines = [line for line in raw if line]
    else:  # no blank line: line number = index + 1
        linenos = None
        lines = raw
    n = len(lines)
    wc = [line.count(" ") + 1 for line in lines]
    rule: list[str | None] = [None] * n
    partial: dict[int, tuple[str, str, bool]] = {}  # index -> (rule, removed text, before line)
    res = CleanResult()
    user, first_words, max_key, max_chars = _whole_tables(opts.extra_phrases)
    short = opts.short_words

    def keyof(i: int) -> str | None:
        line = lines[i]
        return R.key(line) if wc[i] <= max_key and len(line) <= max_chars else None

    def key_and_fold(i: int) -> tuple[str | None, str | None]:
        line, w = lines[i], wc[i]
        if w > 25:
            return None, None
        f = R.fold_line(line if w <= 14 or len(line) <= max_chars else line[:80])
        if w <= max_key and len(line) <= max_chars:
            # a whole-line phrase needs the line's first word to be a phrase's first word
            # first word of key_of_folded(f[:24]): the first run of non-dropped characters
            m0 = _KEY_WORD.search(f, 0, 24) if w > 1 else None
            k0 = m0.group() if m0 else ("" if w > 1 else None)
            if w == 1 or not k0 or k0 in first_words:
                return R.key_of_folded(f), f
            return "\x00", f  # "no phrase can match" (a key no phrase has)
        return None, f

    # slider navigation glued to the first line
    if n:
        m = R.NAV_PREFIX_RE.match(lines[0])
        if m:
            partial[0] = ("nav", m.group().strip(), True)
            lines[0] = lines[0][m.end():]
            wc[0] = R.words(lines[0])

    # rules that hold anywhere, with header-led blocks and the comment section
    seen_body = False
    i = 0
    while i < n:
        if rule[i]:
            i += 1
            continue
        line, w = lines[i], wc[i]
        if w > 14 and (w > max_key or len(line) > max_chars):
            # fast path for a long line: it has no key (no phrase, header or block), so of the
            # anywhere rules only `symbols` and `prefix` can hold (same result as below)
            if w <= 25:
                if not line[0].isalnum() and not R.HAS_ALNUM.search(line):
                    rule[i] = "symbols"
                    i += 1
                    continue
                if R.may_be_prefixed(line) and R.PREFIX_RE.match(
                    R.fold_line(line if len(line) <= max_chars else line[:80])
                ):
                    rule[i] = "prefix"
                    i += 1
                    continue
            if w > 15 and (line[-1] in TERMINAL or (line[-1] in CLOSERS and R.is_terminal(line))):
                seen_body = True
            i += 1
            continue
        k, f = key_and_fold(i)
        if k is not None and k in R.END_HEADERS and seen_body:
            for j in range(i, n):
                if rule[j] is None:
                    kj = keyof(j)
                    rule[j] = "phrase" if kj is not None and kj in R.PHRASES else "comments"
            break
        if k is not None and k in R.BLOCK_HEADERS:
            rule[i] = "block"
            j = i + 1
            while j < n and j - i <= 30 and _item_like(lines[j], wc[j]):
                kj = keyof(j)
                if kj is not None and (kj in R.END_HEADERS or kj in R.BLOCK_HEADERS or kj in R.PHRASES):
                    break
                rule[j] = "block"
                j += 1
            i = j
            continue
        r = _anywhere_rule(line, w, k, user, f)
        if r:
            rule[i] = r
        elif w > 15 and R.is_terminal(line):
            seen_body = True
        i += 1

    kept = [i for i in range(n) if rule[i] is None]
    m_kept = len(kept)
    # body_after(x): is there a body-like line in kept[x:]? Only the last one matters.
    last_body = -1
    for x in range(m_kept - 1, -1, -1):
        i = kept[x]
        if wc[i] > short or R.is_terminal(lines[i]):
            last_body = x
            break

    # head: section, title (raw articles), dateline, bylines, furniture, short unpunctuated
    # lines before the body. One scan, so a second run starts where this one stopped.
    structure = opts.structure
    section_open = detect_section and detect_title and structure
    title_open = detect_title and structure
    dateline_open = detect_dateline and structure
    head_end = m_kept
    for idx, i in enumerate(kept):
        line, w = lines[i], wc[i]
        sides = R.dateline_sides(line)
        edge = None if sides else _edge_rule(line, w)
        if title_open and not sides and not edge and idx + 1 < m_kept and dateline_open:
            nxt = lines[kept[idx + 1]]
            if section_open and not R.is_terminal(line) and (
                (R.key(line) in R.SECTIONS and w <= 4)
                or (w <= 2 and idx + 2 < m_kept and _title_like(nxt) and not _edge_rule(nxt, wc[kept[idx + 1]]))
            ):
                res.section = line
                rule[i] = "section"
                section_open = False
                continue
            if _title_like(line):
                res.title = line
                rule[i] = "title"
                title_open = section_open = False
                continue
        section_open = False
        if sides:
            o = R.orient(*sides)
            if o and dateline_open:
                res.dateline, (res.outlet, res.place) = line, o
                rule[i] = "dateline"
                title_open = dateline_open = False
            else:
                rule[i] = "byline"
            continue
        if edge:
            rule[i] = edge
            continue
        if short and idx + 1 <= last_body and _short(line, w, short):
            rule[i] = "head-short"
            continue
        head_end = idx
        break
    if head_end:
        _cap_short(rule, kept[:head_end], "head-short")

    # tag trailer glued to the last paragraph (3alyoum: "... . سمات وسم وسم")
    rest = kept[head_end:]
    if rest:
        _split_trailer(rest[-1], lines, wc, rule, partial)

    # tail: credits, notices, tags, short unpunctuated lines after the body
    # body_before(x): is there a body-like line in rest[:x]? Only the first one matters.
    first_body = len(rest)
    for x, i in enumerate(rest):
        if wc[i] > short or R.is_terminal(lines[i]):
            first_body = x
            break
    n_tail_short = 0
    for x in range(len(rest) - 1, -1, -1):
        i = rest[x]
        line, w = lines[i], wc[i]
        r = _edge_rule(line, w)
        if r:
            rule[i] = r
            continue
        if short and x > first_body and _short(line, w, short):
            rule[i] = "tail-short"
            n_tail_short += 1
            continue
        break
    if n_tail_short > _MAX_SHORT_RUN:  # (_cap_short changes nothing otherwise)
        _cap_short(rule, rest, "tail-short")

    body_idx = [i for i in kept if rule[i] is None]
    if body_idx and body_idx[-1] not in partial:  # the tail scan may have uncovered a trailer
        _split_trailer(body_idx[-1], lines, wc, rule, partial)
        body_idx = [i for i in kept if rule[i] is None]

    removed: list[str] = []
    explain: list[dict[str, Any]] = []
    touched = sorted({i for i in range(n) if rule[i] is not None} | partial.keys()) if n else []
    for i in touched:
        lineno = linenos[i] if linenos is not None else i + 1
        p = partial.get(i)
        if p and p[2]:
            removed.append(p[1])
            explain.append({"line": lineno, "rule": p[0], "text": p[1]})
        r = rule[i]
        if r is not None:
            explain.append({"line": lineno, "rule": r, "text": lines[i]})
            if r not in ("section", "title", "dateline"):
                removed.append(lines[i])
        if p and not p[2]:
            removed.append(p[1])
            explain.append({"line": lineno, "rule": p[0], "text": p[1]})
    body = [lines[i] for i in body_idx if lines[i]]
    if opts.folds:
        # a fold can delete a mark standing between two spaces: normalize again so the spaces
        # collapse now and not on a second run (clean stays idempotent with folds)
        body = [b for b in (normalize(fold(b, *opts.folds)) for b in body) if b]
        if res.title is not None:
            res.title = normalize(fold(res.title, *opts.folds))
    res.body = body
    res.removed = removed
    res.explain = explain
    return res


def clean_text(text: str, options: CleanOptions | None = None) -> CleanResult:
    """Clean one raw article (section line, title, dateline, body, boilerplate) given as text.

    Detects section, title and dateline (unless ``options.structure`` is False), removes
    boilerplate lines and returns them in input order with the rule that removed each.
    """
    return _clean(text, options or _DEFAULT, detect_section=True, detect_title=True, detect_dateline=True)


_STRUCT = ("section", "title", "dateline", "outlet", "place")


def clean_record(record: dict, options: CleanOptions | None = None) -> dict:
    """Clean a record in place-compatible fashion and return it (a new dict).

    Structure fields are filled only where the record has null; a record that already carries
    a title keeps it (only ``text`` is cleaned, the title is normalized). ``text`` becomes the
    body paragraphs joined with "\\n"; ``removed`` is extended; with ``options.explain``,
    ``explain`` is extended. Idempotent: cleaning the output again changes nothing.
    """
    opts = options or _DEFAULT
    out = dict(record)
    title = out.get("title")
    has_title = isinstance(title, str) and title.strip() != ""
    text = out.get("text") or ""
    res = _clean(
        text,
        opts,
        detect_section=out.get("section") is None,
        detect_title=not has_title,
        detect_dateline=out.get("dateline") is None,
    )
    if has_title:
        t = normalize(title.replace("\r", " ").replace("\n", " "))
        out["title"] = normalize(fold(t, *opts.folds)) if opts.folds else t
    for name in _STRUCT:
        if out.get(name) is None:
            value = getattr(res, name)
            if value is not None or name not in out:
                out[name] = value
    out["text"] = "\n".join(res.body)
    prev = out.get("removed")
    out["removed"] = (list(prev) if isinstance(prev, list) else []) + res.removed
    if opts.explain:
        prev_e = out.get("explain")
        out["explain"] = (list(prev_e) if isinstance(prev_e, list) else []) + res.explain
    return out


def format_text(record: dict) -> str:
    """Plain text of a cleaned article in the input layout: section, blank, title, blank,
    dateline, then the body paragraphs separated by blank lines (ends with one newline)."""
    head: list[str] = []
    if record.get("section"):
        head.append(record["section"] + "\n\n")
    if record.get("title"):
        head.append(record["title"] + "\n\n")
    if record.get("dateline"):
        head.append(record["dateline"] + "\n")
    paras = [p for p in (record.get("text") or "").split("\n") if p]
    return "".join(head) + "\n\n".join(paras) + ("\n" if paras or head else "")
