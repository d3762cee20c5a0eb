"""The line state the passes of the clean step share, and the step's named limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newscli.normalize import normalize, normalize_lines
from newscli.clean._text import word_counts, words

# --- limits (words per line unless named otherwise) -----------------------------------------
MAX_RULE_WORDS = 25  # longer lines are body prose for every line rule but `notice`
MAX_SHORT_RULE_WORDS = 14  # link, time, click-here, credit, menu: short-line rules
MAX_SOCIAL_WORDS = 10  # a follow/share line ("تابعونا على فيسبوك وتويتر"); a longer one is a sentence
SENTENCE_WORDS = 15  # a line this long that ends a sentence proves the body has started
MAX_TITLE_WORDS = 20  # a headline; a longer first line is the lead paragraph
MAX_LEAD_TITLE_WORDS = 12  # a longer line opening with a past verb is the lead sentence, not the title
MAX_NOTICE_WORDS = 40  # cookie/app notices, promos and contact lines
MAX_COPYRIGHT_WORDS = 15
MAX_MENU_WORDS = 12  # a `a | b | c` menu line
MAX_BYLINE_WORDS = 7
MAX_CAPTION_WORDS = 15
MAX_ITEM_WORDS = 25  # a related-link item under a block header
MAX_ITEM_WORDS_UNPUNCTUATED = 15  # a longer item must not end a sentence
MAX_BLOCK_ITEMS = 30
MAX_MENU_ITEM_WORDS = 3  # one line of a menu run
MIN_MENU_RUN = 3  # lines in a menu run
MAX_MENU_RUN = 30
MAX_SECTION_WORDS = 4  # a known section label
MAX_BARE_SECTION_WORDS = 2  # an unknown label right above a title
REPEAT_MIN_WORDS = 6  # a repeated line this long starts a repeated copy of the body
MAX_CREDIT_WORDS = 7  # "المصدر: …" is a credit only this short
MAX_RULE_CHARS = 1000  # a longer line is prose (or hostile input): no line rule looks at it
FOLD_PREFIX_CHARS = 80  # only this much of a long line is folded for the prefix rules
HINT_CHARS = 24  # a line's first key word is looked for in this many characters
MIN_HEADLINE_RUN = 2  # other stories' headlines in a row between paragraphs or at the end
MAX_HEADLINE_RUN = 3  # a longer run is verse or a list
MIN_HEADLINE_WORDS = 5
MAX_HEADLINE_WORDS = 20
SUBHEAD_SHARED_TRIGRAMS = 2  # a headline-shaped line sharing this many word trigrams with the body restates it: a subhead
FOLLOWING_WORDS = 8  # the sentence that resumes the body after such headlines
MAX_THREAD_LOOKBACK = 4  # lines between a comment's name/time and its reply button

STRUCTURAL = frozenset({"section", "title", "dateline"})


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


@dataclass
class LineState:
    """The article's non-blank lines and what the passes decided about each.

    raw: the input lines as written (index = line number - 1); lines: the normalized non-blank
    lines; linenos: their 1-based input line numbers; wc: word counts; rule: the rule that removed
    (or the structure that took) each line, None for body; partial: index -> (rule, removed text,
    True when the piece was at the start of the line) for a piece cut off a kept line.
    """

    raw: list[str]
    lines: list[str]
    linenos: list[int]
    wc: list[int]
    rule: list[str | None]
    partial: dict[int, tuple[str, str, bool]] = field(default_factory=dict)
    res: CleanResult = field(default_factory=CleanResult)

    @classmethod
    def of(cls, text: str) -> "LineState":
        raw = text.split("\n")
        if "\r" in text:  # a CR (CRLF line ends in JSONL text) is a space, as in a record's title
            norm = [normalize(x.replace("\r", " ")).replace("\n", " ") for x in raw]
        else:
            norm = normalize_lines(text)
        if len(norm) != len(raw):  # cannot happen (normalize keeps newlines); be safe
            norm = [normalize(x).replace("\n", " ") for x in raw]
        if "" in norm:
            linenos = [i + 1 for i, line in enumerate(norm) if line]
            lines = [line for line in norm if line]
        else:  # no blank line: line number = index + 1
            linenos = list(range(1, len(norm) + 1))
            lines = norm
        return cls(raw, lines, linenos, word_counts(lines), [None] * len(lines))

    def kept(self) -> list[int]:
        return [i for i, r in enumerate(self.rule) if r is None]

    def cut(self, i: int, start: int, rule: str, at_start: bool) -> None:
        """Cut lines[i] at `start`: the piece before (at_start) or from there goes to `rule`."""
        line = self.lines[i]
        piece, rest = (line[:start], line[start:]) if at_start else (line[start:], line[:start])
        self.partial[i] = (rule, piece.strip(), at_start)
        self.lines[i] = rest.strip()
        self.wc[i] = words(self.lines[i])

    def as_written(self, i: int) -> str:
        """The input line of lines[i] exactly as written (a final CR dropped)."""
        line = self.raw[self.linenos[i] - 1]
        return line[:-1] if line.endswith("\r") else line
