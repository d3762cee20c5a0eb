"""The options object of the clean step and the user's boilerplate patterns (`--boilerplate FILE`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newscli.normalize import FOLDS, normalize
from newscli.clean._rules import key_set, parse_phrase_lines
from newscli.clean._text import fold_line

__all__ = ["CleanOptions", "UserPatterns", "load_boilerplate_file", "user_patterns"]

#: Default of CleanOptions.short_words: the tail name rule's word limit.
DEFAULT_SHORT_WORDS = 3


@dataclass(frozen=True)
class CleanOptions:
    """Options of the clean step (shared by the library and the CLI).

    folds: named lossy folds from ``newscli.normalize.FOLDS`` applied, in order, to the title
        and the body after the lossless normalization (default none: output is lossless).
        Section, dateline, outlet, place and ``removed`` stay lossless.
    explain: when True, ``clean_record`` sets ``record["explain"]`` to the audit list (one
        ``{"line", "rule", "text"}`` dict per removed or structural line).
    extra_phrases: the user's own boilerplate patterns, one per entry (see
        ``load_boilerplate_file``): a whole line (rule ``user-phrase``), ``prefix: TEXT`` (a line
        starting with TEXT, or TEXT and the rest of the last line after a sentence end:
        ``user-prefix``) or ``re: REGEX`` (a line the expression matches whole: ``user-re``).
    structure: detect section, title and dateline (default True). When False only boilerplate
        is removed and those fields are left as they are.
    short_words: the last line of an article is removed as a name (``tail-name``) only when it
        has at most this many words, no digit, no sentence end and no function word (default 3;
        0 disables the rule).
    """

    folds: tuple[str, ...] = ()
    explain: bool = False
    extra_phrases: tuple[str, ...] = ()
    structure: bool = True
    short_words: int = DEFAULT_SHORT_WORDS

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
        user_patterns(self.extra_phrases)  # raises ValueError on a bad regular expression


@dataclass(frozen=True)
class UserPatterns:
    """The user's patterns, compiled: whole-line keys, prefixes (normalized, folded), regexes."""

    whole: frozenset[str] = frozenset()
    prefixes: tuple[tuple[str, str], ...] = ()  # (normalized text, fold_line of it)
    regexes: tuple[re.Pattern[str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.whole or self.prefixes or self.regexes)


def _split_pattern(entry: str) -> tuple[str, str]:
    for kind in ("prefix:", "re:", "line:"):
        if entry.startswith(kind):
            return kind[:-1], entry[len(kind):].strip()
    return "line", entry


@lru_cache(maxsize=32)
def user_patterns(entries: tuple[str, ...]) -> UserPatterns:
    """Compile CleanOptions.extra_phrases. Raises ValueError (one line) on a bad expression."""
    whole, prefixes, regexes = [], [], []
    for entry in entries:
        kind, body = _split_pattern(entry.strip())
        if not body:
            continue
        if kind == "re":
            try:
                regexes.append(re.compile(body))
            except re.error as exc:
                raise ValueError(f"bad regular expression {body!r}: {exc}") from None
        elif kind == "prefix":
            p = normalize(body)
            prefixes.append((p, fold_line(p)))
        else:
            whole.append(body)
    return UserPatterns(key_set(tuple(whole)), tuple(prefixes), tuple(regexes))


def load_boilerplate_file(path: str | Path) -> tuple[str, ...]:
    """Patterns from a UTF-8 text file, one per line; blank lines and ``#`` comments skipped.

    A line is a whole-line phrase, ``prefix: TEXT`` or ``re: REGEX`` (``line: TEXT`` forces a
    phrase that itself starts with ``prefix:``). Raises ValueError with a one-line message naming
    the file (and the line) when it cannot be read, is not UTF-8 or holds a bad expression.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read boilerplate file {str(path)!r}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"boilerplate file {str(path)!r} is not UTF-8 (byte {exc.start})") from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for n, line in enumerate(lines, 1):
        s = line.strip()
        if s.startswith("re:"):
            try:
                user_patterns((s,))
            except ValueError as exc:
                raise ValueError(f"boilerplate file {str(path)!r} line {n}: {exc}") from None
    return parse_phrase_lines(lines)
