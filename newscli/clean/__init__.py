"""Article structure, Arabic web-boilerplate removal with an audit trail, lossless normalization.

Pure functions; nothing here prints, exits or logs. See docs/clean.md for every rule.

    >>> r = clean_text("محلي\\n\\nعنوان الخبر\\n\\nأوج – أنقرة\\nنص الخبر الأول.\\n\\nإغلاق")
    >>> r.section, r.title, r.outlet, r.place, r.body, r.removed
    ('محلي', 'عنوان الخبر', 'أوج', 'أنقرة', ['نص الخبر الأول.'], ['إغلاق'])

Rooms: ``options`` (CleanOptions, user patterns), ``_text`` (keys and folds over
``newscli.chars``), ``_rules`` (phrase lists and line predicates), ``_dateline``, ``_state``
(the line state and named limits), the passes ``_anywhere``, ``_edges`` (head and tail) and
``_body`` (trailers, repeated copies, the audit).
"""

from __future__ import annotations

from newscli.normalize import fold, normalize
from newscli.clean._anywhere import anywhere_pass
from newscli.clean._body import audit, headlines_pass, repeat_pass, trailer_pass
from newscli.clean._edges import head_pass, tail_pass
from newscli.clean._state import CleanResult, LineState
from newscli.clean.options import CleanOptions, load_boilerplate_file, user_patterns

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
    "dateline": "structure: an `outlet – place` dateline or an agency line `place date agency` (not a removal)",
    "phrase": "whole line equals a phrase of data/phrases.txt",
    "user-phrase": "whole line equals a phrase given in CleanOptions.extra_phrases",
    "user-prefix": "line (or the end of the last line after a sentence end) starts with a user `prefix:` pattern",
    "user-re": "whole line matches a user `re:` pattern",
    "prefix": "line starts with an anchored prefix of data/prefixes.txt and a separator",
    "link-line": "inline link to another story: شاهد.. / اقرأ.. / بالفيديو: and a headline",
    "promo": "app promotion: تطبيق/app with a download or notification word",
    "contact": "columnist's contact line: SMS or e-mail address with a contact word",
    "disclaimer": "opinion/unverified-media disclaimer (لا تعكس بالضرورة …, لا يمكنها التأكد من صحة …)",
    "caption": "photo caption: صورة …, جانب من …, … (أرشيفية), short and without sentence end",
    "trailer": "per-outlet trailer: رابط الخبر بصحيفة …: <title>, own line or glued to the last line",
    "block": "header of data/block_headers.txt and the list items that follow it",
    "comments": "comment thread: header, count line or name/time/text/رد after the body: to the end",
    "headlines": "2+ headlines of other stories (4-20 words, no sentence end) between paragraphs or after the last one",
    "repeat": "a repeated copy of body lines (or the title repeated as the first body line)",
    "symbols": "line without any letter or digit (separators, lone punctuation)",
    "link": "line that is only a URL or an e-mail address",
    "time": "relative time line (منذ ساعتين, قبل 5 دقائق)",
    "click-here": "short line with اضغط هنا / انقر هنا",
    "menu": "breadcrumb or menu line, or a head run of 3+ short menu items",
    "nav": "slider navigation words (Next Previous) before the first line",
    "furniture": "head/tail: page furniture of data/furniture.txt (skip links, cookie buttons, login)",
    "byline": "head/tail: author line (كتب - فلان:, author – outlet) or a second dateline",
    "notice": "head/tail: cookie, privacy, newsletter or app notice (data/notices.txt)",
    "copyright": "head/tail: copyright line",
    "credit": "head/tail: credit, agency or contact line (data/tail_prefixes.txt, a lone outlet)",
    "tags": "tail: tag trailer (سمات …, الوسوم: …), whole line or the end of the last line",
    "head-name": "head: a reporter's name (2-3 words, no digit or function word) right above a paragraph",
    "tail-name": "tail: the last line is an author's name (2-3 words, no digit or function word)",
}

_DEFAULT = CleanOptions()


def _nav(st: LineState) -> None:
    """Slider navigation glued to the first line ("Next Previous عين اليوم – واس")."""
    from newscli.clean._rules import NAV_PREFIX_RE

    if st.lines:
        m = NAV_PREFIX_RE.match(st.lines[0])
        if m:
            st.cut(0, m.end(), "nav", True)


def _clean(text: str, opts: CleanOptions, section: bool, title: bool, dateline: bool,
           known_title: str | None = None) -> CleanResult:
    st = LineState.of(text)
    user = user_patterns(opts.extra_phrases)
    _nav(st)
    anywhere_pass(st, user)
    s = opts.structure
    rest = head_pass(st, section and s, title and s, dateline and s, known_title, opts.short_words)
    repeat_pass(st, rest)
    headlines_pass(st, [i for i in rest if st.rule[i] is None])
    rest = [i for i in rest if st.rule[i] is None]
    if rest:
        trailer_pass(st, rest[-1], user)
    tail_pass(st, [i for i in rest if st.rule[i] is None], opts.short_words)
    body_idx = [i for i in rest if st.rule[i] is None]
    if body_idx and body_idx[-1] not in st.partial:  # the tail scan may have uncovered a trailer
        trailer_pass(st, body_idx[-1], user)
    res = st.res
    res.removed, res.explain = audit(st)
    body = [st.lines[i] for i in st.kept() if st.lines[i]]
    if opts.folds:
        # a fold can delete a mark standing between two spaces: normalize again so the spaces
        # collapse now and not on a second run (clean stays idempotent with folds)
        body = [b for b in (normalize(fold(b, *opts.folds)) for b in body) if b]
        if res.title is not None:
            res.title = normalize(fold(res.title, *opts.folds))
    res.body = body
    return res


def clean_text(text: str, options: CleanOptions | None = None) -> CleanResult:
    """Clean one raw article (section line, title, dateline, body, boilerplate) given as text.

    Detects section, title and dateline (unless ``options.structure`` is False), removes
    boilerplate lines and returns them in input order with the rule that removed each.
    """
    return _clean(text, options or _DEFAULT, True, True, True)


_STRUCT = ("section", "title", "dateline", "outlet", "place")


def clean_record(record: dict, options: CleanOptions | None = None) -> dict:
    """Clean a record and return it (a new dict; the input is not changed).

    Structure fields are filled only where the record has null; a record that already carries
    a title keeps it (only ``text`` is cleaned, the title is normalized). ``text`` becomes the
    body paragraphs joined with "\\n"; ``removed`` is extended; with ``options.explain``,
    ``explain`` is extended. Idempotent: cleaning the output again changes nothing.
    """
    opts = options or _DEFAULT
    out = dict(record)
    title = out.get("title")
    has_title = isinstance(title, str) and title.strip() != ""
    t = normalize(title.replace("\r", " ").replace("\n", " ")) if has_title else None
    res = _clean(out.get("text") or "", opts, out.get("section") is None, not has_title,
                 out.get("dateline") is None, known_title=t)
    if t is not None:
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
