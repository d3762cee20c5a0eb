"""The `anywhere` pass: rules that hold on any line of an article, header-led blocks and the
comment thread (issue 13: inline link lines, promos, contact lines, captions, outlet trailers)."""

from __future__ import annotations

from functools import lru_cache

from newscli.clean import _rules as R
from newscli.clean._state import (
    MAX_SOCIAL_WORDS,
    FOLD_PREFIX_CHARS, HINT_CHARS, MAX_CREDIT_WORDS, MAX_RULE_CHARS, MAX_BLOCK_ITEMS, MAX_CAPTION_WORDS, MAX_ITEM_WORDS,
    MAX_ITEM_WORDS_UNPUNCTUATED, MAX_NOTICE_WORDS, MAX_RULE_WORDS, MAX_SECTION_WORDS, MAX_SHORT_RULE_WORDS, SENTENCE_WORDS,
    LineState,
)
from newscli.clean._text import (CLOSERS, HAS_ALNUM, KEY_WORD, PAST_VERBS, TERMINAL, bare_end, conj_verb, fold_line,
                                 is_terminal, key, key_of_folded)
from newscli.clean.options import UserPatterns


@lru_cache(maxsize=32)
def whole_tables(user: frozenset[str]) -> tuple[frozenset[str], int, int]:
    """First words of every whole-line key, max words and max characters of a key."""
    keys = R.ALL_WHOLE | user
    first = frozenset(k.split(" ", 1)[0] for k in keys)
    max_key = max(k.count(" ") + 1 for k in keys)
    max_chars = max(len(k) for k in keys) * 2 + 8
    return first, max_key, max_chars


def _item_like(line: str, w: int) -> bool:
    """A related-link item: a headline (at most 25 words, no sentence end when longer than 15).
    A line of more than 5 words ending with a full stop or colon is body text resuming."""
    end = bare_end(line)
    if w > MAX_ITEM_WORDS or (w > MAX_ITEM_WORDS_UNPUNCTUATED and end.rstrip(CLOSERS + "»”")[-1:] in ".!؟?…"):
        return False
    return not (w > 5 and end.rstrip(CLOSERS).endswith((".", ":")) and not end.endswith(".."))


# Body resuming after a related-links block (the block swallowed unpunctuated paragraphs): words
# a line cut inside a sentence ends with (raw last token); sentence openings are in _text.
_CUT_END_WORDS = frozenset(
    "في من على إلى الى عن مع أن ان إن بأن و أو او ثم التي الذي الذين اللذين بين حول عبر خلال لدى عند قبل بعد".split()
)


def _body_like(st: LineState, j: int) -> bool:
    """Does kept line j read like body text resuming after a related-links block? A sentence end
    (a single full stop), a line starting with a conjunction and a verb (or with a past reporting
    verb, when long), a line cut inside a sentence (ends with a comma, an opening quote or a
    preposition; starts with a comma) or the line before such a continuation."""
    line, w = st.lines[j], st.wc[j]
    end = bare_end(line).rstrip(CLOSERS + "»”")
    if end.endswith(".") and not end.endswith(".."):
        return True
    if line[:1] in "،," or bare_end(line)[-1:] in "،,«":
        return True
    last = line.rsplit(" ", 1)[-1] if w > 1 else ""
    if last in _CUT_END_WORDS:
        return True  # "وقال مرسي، في": a sentence cut by a link in the page
    ks = key(line).split(" ", 2)
    if ks and (conj_verb(ks[0]) or (w >= 8 and ks[0] in PAST_VERBS)):
        return True
    nxt = j + 1
    return nxt < len(st.lines) and st.rule[nxt] is None and st.lines[nxt][:1] in "،,"


def _user_rule(line: str, f: str | None, user: UserPatterns) -> str | None:
    for p, fp in user.prefixes:
        if line.startswith(p) or (f is not None and f.startswith(fp)):
            return "user-prefix"
    for rx in user.regexes:
        if rx.fullmatch(line):
            return "user-re"
    return None


def line_rule(line: str, w: int, k: str | None, user: UserPatterns, f: str | None = None) -> str | None:
    """Rules that hold anywhere in the article (headers handled by the caller).

    k is the line's key (None for lines too long for any phrase), f its fold_line() when known.
    """
    if len(line) > MAX_RULE_CHARS:  # tokens of hundreds of characters are no boilerplate line
        return "symbols" if w <= MAX_RULE_WORDS and not HAS_ALNUM.search(line) else None
    if k:
        if k in R.PHRASES or k in R.END_HEADERS or k in R.BLOCK_HEADERS:
            return "phrase"
        if k in user.whole:
            return "user-phrase"
    elif w <= MAX_RULE_WORDS and not HAS_ALNUM.search(line):
        return "symbols"
    if user.prefixes or user.regexes:
        r = _user_rule(line, f, user)
        if r:
            return r
    if ("الرئيس" in line or "Home" in line or "home" in line) and R.is_home_menu(line):
        return "menu"  # a home-led menu is furniture at any length ("| الرئيسية - محلي - ... |")
    if w > MAX_NOTICE_WORDS:
        return None
    if "تطبيق" in line or "app" in line or "App" in line:
        if R.promo(line):
            return "promo"
    if ("@" in line or "sms" in line or "SMS" in line) and R.contact(line):
        return "contact"
    if ("ضرور" in line or "التاكد" in line or "التأكد" in line or "التحقق" in line) and R.DISCLAIMER_RE.search(fold_line(line)):
        return "disclaimer"
    if w > MAX_RULE_WORDS:
        return None
    if ("http" in line or "www." in line) and R.URL_INVITE_RE.match(fold_line(line)):
        return "link"
    if ("رابط" in line or "للكاتب" in line) and R.TRAILER_RE.match(line):
        return "trailer"
    if f is None and (w <= MAX_CAPTION_WORDS or R.may_be_prefixed(line)):
        f = fold_line(line if w <= MAX_SHORT_RULE_WORDS else line[:FOLD_PREFIX_CHARS])
    if f is None:
        return None
    if R.may_be_prefixed(line):
        if R.link_line(f):
            return "link-line"
        m = R.PREFIX_RE.match(f)
        if m and (w <= MAX_CREDIT_WORDS or not f[: m.end()].lstrip(" *-–—([").startswith(R.CREDIT_PREFIXES)):
            return "prefix"  # "المصدر: وكالات"; "المصدر: طرابلس رفضت عرض …" is a deck line and stays
    if w <= MAX_CAPTION_WORDS and R.caption(line, k if k and k != "\x00" else key_of_folded(f), f):
        return "caption"
    if w <= MAX_SHORT_RULE_WORDS:
        if w <= 2 and R.LINK_RE.match(line):
            return "link"
        if w <= 4 and (R.RELTIME_RE.match(f) or R.CLOCK_RE.match(f)):
            return "time"
        if R.contact_piece(line, f):
            return "contact"
        if ("هنا" in f or "here" in f) and R.CLICK_RE.search(f) and key_of_folded(f).startswith(R.CLICK_START):
            return "click-here"
        if w <= MAX_SOCIAL_WORDS and ("تابع" in f or "شارك" in f or "انشر" in f or "اشترك" in f) and R.social(f):
            return "social"
    return None


class _Keys:
    """Key and fold of a line, computed only as far as the whole-line tables need."""

    def __init__(self, st: LineState, user: UserPatterns) -> None:
        self.st = st
        self.first, self.max_key, self.max_chars = whole_tables(user.whole)

    def key(self, i: int) -> str | None:
        line = self.st.lines[i]
        return key(line) if self.st.wc[i] <= self.max_key and len(line) <= self.max_chars else None

    def key_and_fold(self, i: int) -> tuple[str | None, str | None]:
        line, w = self.st.lines[i], self.st.wc[i]
        if w > MAX_RULE_WORDS:
            return None, None
        f = fold_line(line if w <= MAX_SHORT_RULE_WORDS or len(line) <= self.max_chars else line[:FOLD_PREFIX_CHARS])
        if w <= self.max_key and len(line) <= self.max_chars:
            # a whole-line phrase needs the line's first key word to be a phrase's first word
            m0 = KEY_WORD.search(f, 0, HINT_CHARS) if w > 1 else None
            k0 = m0.group() if m0 else ("" if w > 1 else None)
            if w == 1 or not k0 or k0 in self.first:
                return key_of_folded(f), f
            return "\x00", f  # "no phrase can match" (a key no phrase has)
        return None, f


def _long_line(st: LineState, i: int, keys: _Keys, user: UserPatterns) -> tuple[str | None, bool]:
    """Fast path for a line too long for any key: (rule, proves the body started)."""
    line, w = st.lines[i], st.wc[i]
    if w <= MAX_NOTICE_WORDS:
        if w <= MAX_RULE_WORDS and not line[0].isalnum() and not HAS_ALNUM.search(line):
            return "symbols", False
        r = line_rule(line, w, None, user, None) if w <= MAX_RULE_WORDS else _long_rule(line, user)
        if r:
            return r, False
    elif user.prefixes or user.regexes:
        r = _user_rule(line, None, user)
        if r:
            return r, False
    body = w > SENTENCE_WORDS and (line[-1] in TERMINAL or is_terminal(line))
    return None, body


def _long_rule(line: str, user: UserPatterns) -> str | None:
    """Rules for a line of 26-40 words: user patterns, promos, contact lines."""
    if user.prefixes or user.regexes:
        r = _user_rule(line, None, user)
        if r:
            return r
    if ("تطبيق" in line or "app" in line or "App" in line) and R.promo(line):
        return "promo"
    if ("@" in line or "sms" in line or "SMS" in line) and R.contact(line):
        return "contact"
    return None


def _to_end(st: LineState, i: int, keys: _Keys, rule: str = "comments") -> None:
    """A comment thread (or press-contact block) from line i to the end (phrases inside are
    reported as `phrase`)."""
    for j in range(i, len(st.lines)):
        if st.rule[j] is None:
            kj = keys.key(j)
            st.rule[j] = "phrase" if kj is not None and kj in R.PHRASES else rule


def _block(st: LineState, i: int, keys: _Keys) -> int:
    """A header-led related block from line i; returns the index after it."""
    st.rule[i] = "block"
    j = i + 1
    n = len(st.lines)
    while j < n and j - i <= MAX_BLOCK_ITEMS and _item_like(st.lines[j], st.wc[j]) and not _body_like(st, j):
        kj = keys.key(j)
        if kj is not None and (kj in R.END_HEADERS or kj in R.BLOCK_HEADERS or kj in R.PHRASES):
            break
        st.rule[j] = "block"
        j += 1
    return j


_UNSET = object()  # anywhere_pass: the line rule is not worked out yet


def anywhere_pass(st: LineState, user: UserPatterns) -> None:
    """Mark every line removed by an `anywhere` rule, a block, or the comment section."""
    keys = _Keys(st, user)
    # The key, fold and line rule of a short line depend on its text alone (its word count too is
    # a function of the text): a line seen before in this article is not worked out again
    # (an article of 100k short lines that repeat, a menu or a share bar repeated at every section).
    memo: dict[str, tuple] = {}
    n = len(st.lines)
    seen_body = False
    # still in the page head: every line kept so far is a short label (a section, a menu item), so
    # a link-shaped line here is where the article's own headline stands
    in_head = True
    i = 0
    while i < n:
        if st.rule[i]:
            i += 1
            continue
        w = st.wc[i]
        if w > MAX_SHORT_RULE_WORDS and (w > keys.max_key or len(st.lines[i]) > keys.max_chars):
            r, body = _long_line(st, i, keys, user)
            st.rule[i] = r
            in_head = in_head and r is not None
            seen_body = seen_body or body
            i += 1
            continue
        line = st.lines[i]
        known = memo.get(line)
        if known is None:
            k, f = keys.key_and_fold(i)
            r = _UNSET
        else:
            k, f, r = known
        if k is not None and seen_body and (k in R.END_HEADERS or (w <= 4 and R.comment_count(st.lines[i]))):
            _to_end(st, i, keys)
            return
        if seen_body and f is not None and "استفسار" in f and R.PRESS_CONTACT_RE.match(f):
            _to_end(st, i, keys, "contact")
            return
        if k is not None and k in R.BLOCK_HEADERS:
            i = _block(st, i, keys)
            in_head = False
            continue
        if r is _UNSET:
            r = line_rule(line, w, k, user, f)
            if w <= MAX_SHORT_RULE_WORDS:
                memo[line] = (k, f, r)
        if r == "link-line" and in_head:
            r = None  # "بالصور .. …" first, or under a section label: the article's own headline
        if r:
            st.rule[i] = r
        else:
            in_head = in_head and w <= MAX_SECTION_WORDS and not is_terminal(line)
            if w > SENTENCE_WORDS and is_terminal(line):
                seen_body = True
        i += 1
