"""Line text helpers of the clean step: the matching key, the matching fold, word counts and
sentence ends. Every character set comes from `newscli.chars`.
"""

from __future__ import annotations

import re

from newscli import chars
from newscli.normalize import FOLDS

# Matching folds letters like the "search" fold, without str.translate (a dictionary lookup per
# character): a few guarded str.replace calls and one regex for marks are much cheaper.
_LETTER_PAIRS = tuple((chr(a), b) for a, b in FOLDS["letters"].items() if b)
# the marks the diacritics fold removes (chars.DIACRITICS), nothing more
_MARKS = re.compile(chars.char_class(chars.DIACRITICS) + "+")

#: Digit class (ASCII, Arabic-Indic, Persian) for the rule regexes.
DIGIT = chars.char_class(chars.DIGITS)

# sentence ends, as the issue defines them (a closing quote or bracket after one also counts)
TERMINAL = frozenset(".!؟?:»”…")
CLOSERS = "\"'»”)]’"

# What the matching key drops (non-word characters, digits, underscore, tatweel) and its
# complement (a run of kept characters, i.e. a key word): two regexes from one class body.
_KEY_DROP_BODY = r"\W\d_" + re.escape(chars.TATWEEL)
KEY_DROP = re.compile("[" + _KEY_DROP_BODY + "]+")
KEY_WORD = re.compile("[^" + _KEY_DROP_BODY + "]+")

HAS_ALNUM = re.compile(r"[^\W_]")
LETTER = re.compile(r"[^\W\d_]")


def _letters(s: str) -> str:
    for a, b in _LETTER_PAIRS:
        if a in s:
            s = s.replace(a, b)
    return s


def fold_line(line: str) -> str:
    """Letters and marks folded as by the search fold (digits kept), lower-cased."""
    return _letters(_MARKS.sub("", line)).lower()


def key(line: str) -> str:
    """Matching key: search fold, lower case, punctuation/symbols/digits dropped, spaces collapsed."""
    return " ".join(_letters(KEY_DROP.sub(" ", _MARKS.sub("", line))).lower().split())


def key_of_folded(folded: str) -> str:
    """key() of a line already passed through fold_line()."""
    return " ".join(KEY_DROP.sub(" ", folded).split())


# A "word" made only of marks a fold may delete (a stray haraka or madda typed between spaces) is
# not counted: the fold deletes it and the spaces around it collapse, so a rule that counted it
# would decide differently on the folded output and clean would not be idempotent. (The mark stays
# in the text; only the count ignores it.)
_FOLDABLE_MARKS = chars.DIACRITICS  # the letters' madda and hamza marks included (chars.LETTER_MARKS)
_LONE_MARKS = re.compile(" " + chars.char_class(_FOLDABLE_MARKS) + "+(?![^ ])")
_SPACE_MARK = re.compile(" " + chars.char_class(_FOLDABLE_MARKS))  # a fast gate for _LONE_MARKS


def word_counts(lines: list[str]) -> list[int]:
    """``[words(line) for line in lines]`` for non-empty lines, with one gate for the article: a
    lone mark needs a space (or a line start) before a mark, which most articles never have."""
    if _SPACE_MARK.search(" " + " ".join(lines)) is None:
        return [line.count(" ") + 1 for line in lines]
    return [words(line) for line in lines]


def words(line: str) -> int:
    """Word count of a normalized line (single spaces); a word of foldable marks only is no word."""
    if not line:
        return 0
    n = line.count(" ") + 1
    if line[0] in _FOLDABLE_MARKS or _SPACE_MARK.search(line) is not None:
        n -= len(_LONE_MARKS.findall(" " + line))
    return n


def bare_end(line: str) -> str:
    """The line as its end checks see it: the marks a fold deletes taken out of its last 12
    characters (and the spaces such a mark leaves at the end). A mark between or after final
    punctuation ("قال.ً", "ء.ؚ.") must not decide differently from the folded line, or clean would
    not be idempotent with folds. A line without such marks there is returned as it is."""
    if line[-1:].isalnum() or line[-2:-1].isalnum():
        return line  # the end checks look at trailing punctuation: here at most one character
    t = line[-12:]
    if _MARKS.search(t) is None:
        return line
    return (line[:-12] + _MARKS.sub("", t)).rstrip(" ")


def is_terminal(line: str) -> bool:
    """Does the line end a sentence (. ! ؟ ? : » ” … possibly followed by closing quotes)?"""
    if not line:
        return False
    last = line[-1]
    if last in TERMINAL:
        return True  # (a fold never deletes it)
    if last not in CLOSERS and last not in _FOLDABLE_MARKS:
        return False
    line = bare_end(line)
    if not line:
        return False
    last = line[-1]
    if last in TERMINAL:
        return True
    if last in CLOSERS:
        stripped = line.rstrip(CLOSERS)
        return bool(stripped) and stripped[-1] in TERMINAL
    return False


def ends_sentence(line: str) -> bool:
    """A real sentence end: like is_terminal but a final colon (a lead-in) does not count."""
    return is_terminal(line) and not bare_end(line).rstrip(CLOSERS).endswith(":")


# Sentence openings, on the key (used by the related-links block's end and by the title check).
PAST_VERBS = frozenset(key(w) for w in (
    "قال قالت أضاف أضافت أكد أكدت أشار أشارت أوضح أوضحت أعلن أعلنت أعرب أعربت كتب كتبت جاء جاءت كان كانت "
    "طالب طالبت شدد شددت لفت لفتت ذكر ذكرت كشف كشفت نفى نفت دعا دعت حذر حذرت بين بينت تابع تابعت اعتبر "
    "اعتبرت اختتم اختتمت استطرد استطردت استمر استمرت شهد شهدت أفاد أفادت نقل نقلت رأى رأت يذكر يشار قد لم لن "
    "لكن كما هو هي هذا وهذا ذلك").split())
_LEAD_WORDS = frozenset(key(w) for w in "في من على إلى الى عن مع أن ان إن التي الذي الذين ثم".split()) | PAST_VERBS


def conj_verb(w0: str) -> bool:
    """و/ف and a verb or particle ("وأضاف", "وتشمل", "وشهدت", "وفي", "فقد"); not a noun that
    starts with و/ف ("وزير", "وفاة", "فريق", "فيديو")."""
    if len(w0) < 3 or w0[0] not in "وف":
        return False
    x = w0[1:]
    if x in _LEAD_WORDS:
        return True
    if w0[0] != "و":
        return False
    if x[0] in "يتن" and len(x) >= 3:  # imperfect: ويأتي، وتشمل، ونفى
        return True
    # a past verb of the feminine (شهدت، بدأت) or of the forms VIII/X (استمر، اعتبر، انتقد)
    return _feminine_past(x, 3) or x.startswith(("است", "اعت", "انت", "اخت", "اقت", "ارت"))


def past_verb(w0: str) -> bool:
    """A past verb opening a sentence (a reporting verb of the list, or a feminine past such as
    "سيطرت", "شهدت"); w0 is a key word."""
    return w0 in PAST_VERBS or (_feminine_past(w0, 4) and not w0.startswith("ال"))


def _feminine_past(w: str, shortest: int) -> bool:
    """A word shaped like a feminine past verb (شهدت، سيطرت): ends with ت, not a plural or a noun
    in وت/يت, ``shortest`` to 6 letters."""
    return w.endswith("ت") and not w.endswith(("ات", "وت", "يت")) and shortest <= len(w) <= 6
