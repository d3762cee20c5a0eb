"""The head and tail passes: page furniture above the title, structure (section, title,
dateline), and the furniture and comment threads after the body.

Never delete body for being short: a short line goes only with another signal (a known phrase,
a menu run, a link shape, its place in a block, or a known outlet/place in a dateline).
"""

from __future__ import annotations

import re

from newscli.clean import _rules as R
from newscli.clean._dateline import agency_line, canonical_outlet, dateline_sides, orient
from newscli.clean._state import (
    MAX_BARE_SECTION_WORDS, MAX_BYLINE_WORDS, MAX_COPYRIGHT_WORDS, MAX_MENU_ITEM_WORDS, MAX_MENU_WORDS,
    MAX_NOTICE_WORDS, MAX_RULE_CHARS, MAX_SECTION_WORDS, MAX_SHORT_RULE_WORDS, MAX_THREAD_LOOKBACK,
    MAX_LEAD_TITLE_WORDS, MAX_MENU_RUN, MAX_TITLE_WORDS, MIN_MENU_RUN, SENTENCE_WORDS, LineState,
)
from newscli.clean._text import CLOSERS, DIGIT, bare_end, conj_verb, ends_sentence, fold_line, is_terminal, key, past_verb, words

# cheap hints that a line may be a notice: Arabic substrings (no case) tested with `in`, and a
# case-insensitive Latin regex only when the line has one of its first letters
_NOTICE_HINTS = ("ارتباط", "كوكيز", "خصوصي", "التصفح", "تطبيق", "اشترك", "سجل", "الموقع")
_NOTICE_LATIN_RE = re.compile("cookie|privacy|we use", re.IGNORECASE)
_HAS_DIGIT = re.compile(DIGIT)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")  # an HTML tag left in plain text
# words that make a short last line a sentence, not a name (on the key)
_FUNCTION_WORDS = frozenset(key(w) for w in (
    "في من على الى عن مع تم هو هي هم هذا هذه ذلك تلك التي الذي الذين ان لا لم لن قد كان كانت ثم بعد قبل او يا ما "
    "الله كل عند حتى لقد كما هنا هناك نحن انا انت ليس غير بين").split())


_GLUED = ("وال", "فال", "بال", "كال", "لل")


def _notice_hint(line: str) -> bool:
    for h in _NOTICE_HINTS:
        if h in line:
            return True
    for c in "cCpPwW":
        if c in line:
            return _NOTICE_LATIN_RE.search(line) is not None
    return False


def edge_rule(line: str, w: int) -> str | None:
    """Rules that hold only at the head or the tail of an article (cheap pre-checks first)."""
    if w > MAX_NOTICE_WORDS or len(line) > MAX_RULE_CHARS:
        return None
    if w <= MAX_BYLINE_WORDS and R.BYLINE_RE.match(fold_line(line)) and (not is_terminal(line) or bare_end(line).endswith(":")):
        return "byline"
    if "سمات" in line[:12] and not is_terminal(line) and key(line).startswith("سمات "):
        return "tags"
    if _notice_hint(line) and R.NOTICE_RE.search(key(line)):
        return "notice"
    if w > MAX_COPYRIGHT_WORDS:
        return None
    k = key(line)
    if "©" in line or R.COPYRIGHT_KEY_RE.match(k):
        return "copyright"
    if k in R.FURNITURE:
        return "furniture"
    if w <= 4 and (k in R.CREDITS or k in R.OUTLETS):
        return "credit"
    if "للنشر" in line and R.REUTERS_CREDIT_RE.match(fold_line(line)):
        return "credit"
    if w <= 8 and ("/" in line or "-" in line or "،" in line) and R.outlets_only(line):
        return "credit"
    if w <= MAX_MENU_WORDS and R.is_menu(line):
        return "menu"
    if w <= MAX_SHORT_RULE_WORDS:
        for p in R.TAIL_PREFIXES if k.startswith(R.TAIL_PREFIXES) else ():
            if k.startswith(p) and (len(k) == len(p) or k[len(p)] == " "):
                return "credit"
    return None


def _title_like(line: str, w: int) -> bool:
    """A headline: at most 20 words, with a letter, not a dateline, not ending with a single full
    stop or a colon (a lead-in to a list or a quotation), not a lead sentence (a conjunction and a
    verb first, or more than 12 words opening with a past verb: "سيطرت فرق الدفاع المدني …")."""
    end = bare_end(line)
    if w > MAX_TITLE_WORDS or dateline_sides(line) or end.rstrip(CLOSERS).endswith(":"):
        return False
    if end.endswith(".") and not end.endswith(".."):
        return False
    if not R.LETTER.search(line):
        return False  # "«1»", a verse number
    w0 = key(line).split(" ", 1)[0]
    return not (conj_verb(w0) or (w > MAX_LEAD_TITLE_WORDS and past_verb(w0)))


def _menu_item(line: str, w: int) -> bool:
    return w <= MAX_MENU_ITEM_WORDS and not is_terminal(line) and not R.LIST_ITEM_RE.match(line) and bool(
        R.LETTER.search(line))


def _menu_run(st: LineState, kept: list[int], idx: int, before_title: bool) -> int:
    """Length of the run of menu items starting at kept[idx] (0 when not a menu run).

    A run is 3 to 30 consecutive short item lines with a known label among them or a headline
    right after them; before the title that is enough, after it (or in a record that has a
    title) at least half of the items must be known labels.
    """
    j = idx
    known = 0
    end = min(len(kept), idx + MAX_MENU_RUN + 1)
    while j < end and _menu_item(st.lines[kept[j]], st.wc[kept[j]]):
        k = key(st.lines[kept[j]])
        known += k in R.SECTIONS or k in R.HOME or k in R.FURNITURE or k in R.PHRASES
        j += 1
    run = j - idx
    if run < MIN_MENU_RUN or run > MAX_MENU_RUN or (not before_title and known * 2 < run):
        return 0
    if not known and not (j < len(kept) and _title_like(st.lines[kept[j]], st.wc[kept[j]])):
        return 0  # short lines with no known label and no headline after them: a list or verse
    return run


class _Head:
    """State of the head scan: which structure fields are still open."""

    def __init__(self, st: LineState, section: bool, title: bool, dateline: bool) -> None:
        self.st = st
        self.section_open = section and title
        self.title_open = title
        self.dateline_open = dateline

    def set_dateline(self, i: int, outlet: str | None, place: str | None) -> None:
        res = self.st.res
        res.dateline, res.outlet, res.place = self.st.lines[i], canonical_outlet(outlet), place
        self.st.rule[i] = "dateline"
        self.title_open = self.dateline_open = self.section_open = False

    def dateline(self, i: int) -> bool:
        """Agency line or `A – B` dateline at kept line i: structure, byline or neither."""
        st = self.st
        line, w = st.lines[i], st.wc[i]
        sides = dateline_sides(line)
        if sides:
            o = orient(*sides)
            if o is False or (o and not self.dateline_open):
                st.rule[i] = "byline"  # author – outlet, or a second dateline
                return True
            if o:
                self.set_dateline(i, o[0], o[1])
                return True
        if self.dateline_open and w <= 20 and not ends_sentence(line):
            ag = agency_line(line)
            if ag:
                self.set_dateline(i, ag[0], ag[1])
                return True
        return False

    def menu(self, kept: list[int], idx: int) -> int:
        st = self.st
        run = _menu_run(st, kept, idx, self.title_open and self.dateline_open)
        if not run:
            return 0
        last = kept[idx + run - 1]
        for i in kept[idx:idx + run]:
            st.rule[i] = "menu"
        nxt = idx + run
        if (self.section_open and nxt < len(kept) and key(st.lines[last]) in R.SECTIONS
                and _title_like(st.lines[kept[nxt]], st.wc[kept[nxt]])):
            st.rule[last] = "section"
            st.res.section = st.lines[last]
            self.section_open = False
        return run

    def title(self, kept: list[int], idx: int) -> bool:
        st = self.st
        i = kept[idx]
        line, w = st.lines[i], st.wc[i]
        # the title comes before the dateline: once a dateline is known (or not looked for), no title
        if not (self.title_open and self.dateline_open and idx + 1 < len(kept) and _title_like(line, w)):
            return False
        nxt = kept[idx + 1]
        if self.section_open and not is_terminal(line) and (
            (key(line) in R.SECTIONS and w <= MAX_SECTION_WORDS)
            or (w <= MAX_BARE_SECTION_WORDS and idx + 2 < len(kept) and _title_like(st.lines[nxt], st.wc[nxt])
                and not edge_rule(st.lines[nxt], st.wc[nxt]))
        ):
            st.res.section = line
            st.rule[i] = "section"
            self.section_open = False
            return True
        st.res.title = " ".join(_TAG_RE.sub(" ", line).split()) or line  # "<b>عنوان</b>" in a plain-text page
        st.rule[i] = "title"
        self.title_open = self.section_open = False
        return True


_NAME_JOINS = frozenset({"عبد", "بن", "ابو", "ابن", "ال"})


def _head_name(st: LineState, kept: list[int], idx: int, short: int, title_open: bool) -> bool:
    """A name line (2-3 words) right above a long first paragraph (more than 15 words). While
    a title may still come, 3 words only with a name joint (عبد, بن, أبو): "الهام عبد الفتاح"
    is a name, "افتتاح حديقة عامة" a headline."""
    i = kept[idx]
    if idx + 1 >= len(kept) or not _name_like(st.lines[i], st.wc[i], short):
        return False
    if title_open and st.wc[i] > 2 and key(st.lines[i]).split()[1] not in _NAME_JOINS:
        return False
    return st.wc[kept[idx + 1]] > SENTENCE_WORDS  # (its end may still lose a trailer: not looked at)


def head_pass(st: LineState, section: bool, title: bool, dateline: bool, short: int) -> list[int]:
    """Scan the head: furniture, section, title, dateline. Returns the kept lines from the
    first body line on (one scan, so a second run starts where this one stopped)."""
    h = _Head(st, section, title, dateline)
    kept = st.kept()
    idx = 0
    while idx < len(kept):
        i = kept[idx]
        if h.dateline(i):
            idx += 1
            continue
        edge = edge_rule(st.lines[i], st.wc[i])
        if edge:
            st.rule[i] = edge
            idx += 1
            continue
        run = h.menu(kept, idx)
        if run:
            idx += run
            continue
        if _head_name(st, kept, idx, short, h.title_open and h.dateline_open):
            st.rule[i] = "head-name"  # a reporter's name above the first paragraph
            idx += 1
            continue
        if h.title(kept, idx):
            idx += 1
            continue
        if st.wc[i] <= MAX_SECTION_WORDS and not is_terminal(st.lines[i]) and key(st.lines[i]) in R.SECTIONS:
            st.rule[i] = "furniture"  # a section label where no section is taken
            idx += 1
            continue
        break
    return kept[idx:]


def _thread_start(st: LineState, rest: list[int]) -> int | None:
    """Position in rest of a comment thread without a count line: name, time, text, `رد`.

    The reply button may already be removed as a phrase, so every line after the body start
    is looked at for it; the name and time must be lines still kept."""
    if not rest:
        return None
    pos = {i: x for x, i in enumerate(rest)}
    replies: dict[str, bool] = {}  # line -> is a reply button (short lines repeat: work each out once)
    for r in range(rest[0] + 1, len(st.lines)):
        if st.wc[r] > 3:
            continue
        line = st.lines[r]
        reply = replies.get(line)
        if reply is None:
            reply = replies[line] = key(line) in R.REPLY_KEYS
        if not reply:
            continue
        before = [i for i in rest if i < r][-MAX_THREAD_LOOKBACK:]
        for j in reversed(before):
            if st.wc[j] <= MAX_SHORT_RULE_WORDS and R.TIMESTAMP_RE.search(st.lines[j]) and not ends_sentence(st.lines[j]):
                y = pos[j]
                name = y > 0 and st.wc[rest[y - 1]] <= 5 and not is_terminal(st.lines[rest[y - 1]])
                start = y - 1 if name else y
                return start if start > 0 else None
        return None
    return None


def _name_like(line: str, w: int, short: int) -> bool:
    """A person's name: 2 to `short` words, no digit, no sentence end, no function word. Words
    are counted on the matching key, so a lone mark (which a fold deletes) is not a word."""
    if not short or w > short + 2 or is_terminal(line) or _HAS_DIGIT.search(line) or R.LIST_ITEM_RE.match(line):
        return False
    if dateline_sides(line):  # "عبدالرحمن الشهري – المجاردة": reporter – place, a dateline shape
        return False
    ks = key(line).split()
    # a conjunction or preposition glued to the article (والله, بالمدينة, للطلاب) is not in a name,
    # and a place ("فيينا، النمسا") is a dateline, not a name
    # and a closing verb, greeting or adverb ("انتهى الاجتماع مبكرا", "عاش الوطن حرا") makes a sentence
    return 2 <= len(ks) <= short and not any(
        k in _FUNCTION_WORDS or k.startswith(_GLUED) or k in R.PLACES or k in R.NOT_NAMES for k in ks)


def _reporters(line: str) -> bool:
    """'من مات سبيتالنيك وستيف هولاند': the reporters of an agency story."""
    return line.startswith("من ") and _name_like(line[3:], words(line[3:]), 6)


def tail_pass(st: LineState, rest: list[int], short: int) -> None:
    """Scan the tail from the end: comment threads, credits, notices, tags, a closing name."""
    t = _thread_start(st, rest)
    if t is not None:
        for i in rest[t:]:
            st.rule[i] = "comments"
        rest = rest[:t]
    first = True
    for x in range(len(rest) - 1, 0, -1):
        i = rest[x]
        r = edge_rule(st.lines[i], st.wc[i])
        if r:
            st.rule[i] = r
            continue
        if x + 1 < len(rest) and st.rule[rest[x + 1]] == "credit" and _reporters(st.lines[i]):
            st.rule[i] = "credit"  # "من مات سبيتالنيك" above "(إعداد … للنشرة العربية)"
            continue
        signed = st.lines[i].lstrip("-–—* ")  # "- محمد بن عبد العزيز الرشيد": a signature
        if first and _name_like(signed, words(signed), short + 2 * (signed != st.lines[i])) and ends_sentence(
                st.lines[rest[x - 1]]):
            st.rule[i] = "tail-name"
            first = False
            continue
        break


def body_started(st: LineState, rest: list[int]) -> bool:
    return any(st.wc[i] > SENTENCE_WORDS and is_terminal(st.lines[i]) for i in rest)
