"""Slots: the tokens a templated report fills differently (numbers, dates, weekdays, places, status).

Royal cables to different countries, weather bulletins of different days and market reports of
different sessions share most of their shingles; what tells them apart is *where* they differ: a slot
token (a number, a month or weekday name, a place from `newscli.gazetteer`, a status word such as
"expected" or "final") in the same place of a shared template. An update or a shortened copy differs elsewhere: it adds or removes paragraphs
(their slots have contexts the other text does not have) but keeps the shared slots equal.

Per text we keep a *slot sketch*: for every maximal run of slot tokens, the pair
(context, value) where the context is a hash of the word before and the word after the run and the
value a hash of the run's tokens (a run of names only, without a number, also gets one entry for the
word before and one for the word after, so a name swapped inside a reworded phrase is still seen); the ``SLOT_K`` entries with the smallest context hashes are kept
(a bottom-k sample, so two texts sample the same contexts). Two sketches are compared on the
contexts present in both (below both samples' cut-offs): a context whose values agree is an
*agreeing* slot; one whose values differ is a *differing* slot (counted from both sides, the
smaller count is taken, so a context repeated with more values on one side is not a difference).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from newscli.dedupe.text import NormalizedBatch, mix64, normalize_batch

__all__ = ["SLOT_K", "SLOT_EMPTY", "slot_sketches", "compare_slots", "slot_words", "word_tokens", "clitic_forms",
           "vocabulary_filter", "in_vocabulary"]

SLOT_K = 24  # entries per text (uint64: context << 32 | value)
SLOT_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
_U64 = np.uint64
_LOW = _U64(0xFFFFFFFF)

# Weekdays and month names (Gregorian as written in the Mashreq and the Maghreb, Syriac, Hijri) that
# are not also common words. Written in ordinary spelling; they are folded like the texts.
_DATE_WORDS = """
الأحد الإثنين الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت
يناير فبراير مارس أبريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس سبتمبر أكتوبر نوفمبر ديسمبر
جانفي فيفري أفريل ماي جوان جويلية أوت
كانون شباط آذار نيسان أيار حزيران تموز أيلول تشرين
محرم صفر ربيع جمادى رجب شعبان رمضان شوال القعدة الحجة
"""
# The status of a line-up or a result: "the expected line-up" and, two hours later, "the starting
# line-up" are two reports, as are preliminary and final results. "الرسمية" (official) is left out:
# next to an agency's name ("وكالة الأناضول الرسمية") it made copies differ (docs/dedupe.md).
_STATUS_WORDS = "المنتظرة المتوقعة المرتقبة المحتملة الأساسية النهائية الأولية المبدئية"
# words of multi-word place names that are too common to mark a slot on their own
_NOT_SLOTS = {"ال", "مدينه", "منطقه", "جمهوريه", "مملكه", "دوله", "المملكه", "الجمهوريه", "الدوله", "العربيه",
              "المتحده", "الشماليه", "الجنوبيه", "الشرقيه", "الغربيه", "الوسطى", "بني", "ابو", "راس", "جزر", "سيدي"}
_PREFIXES = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")


@lru_cache(maxsize=1)
def slot_words() -> tuple[str, ...]:
    """The folded slot words (dates, places and status words, with clitic prefixes) used by `slot_sketches`."""
    from newscli.gazetteer import places

    base = set(normalize_batch([_DATE_WORDS + " " + _STATUS_WORDS]).text(0).split())
    for name in places():
        for w in normalize_batch([name]).text(0).split():
            if len(w) >= 3 and w not in _NOT_SLOTS:
                base.add(w)
    return tuple(sorted(clitic_forms(base)))


def clitic_forms(words, article: bool = False) -> set[str]:
    """Folded words with the clitic prefixes in front (و ف ب ل ك and their pairs; ل + ال -> لل);
    with ``article``, also each word that lacks the article with it ("تأجيل" -> "وبالتأجيل")."""
    base = set(words)
    if article:
        base |= {"ال" + w for w in base if not w.startswith("ال")}
    out = set()
    for w in base:
        for p in _PREFIXES:
            out.add(p + w)
        if w.startswith("ال"):  # ل + ال -> لل
            out.update(("ل" + w[1:], "ول" + w[1:], "فل" + w[1:]))
    return out


@lru_cache(maxsize=1)
def _vocabulary() -> np.ndarray:
    h, _, _, _ = word_tokens(normalize_batch([" ".join(slot_words())]).codes)
    return np.unique(h)


_FILTER_BITS = 18  # a token hash's low bits index a table (256 KiB) of the vocabulary's: most tokens stop there


def vocabulary_filter(vocab: np.ndarray) -> np.ndarray:
    """A table (bool, 2**_FILTER_BITS entries) marking the low bits of a sorted vocabulary's hashes."""
    table = np.zeros(1 << _FILTER_BITS, dtype=bool)
    table[(vocab & _U64((1 << _FILTER_BITS) - 1)).astype(np.intp)] = True
    return table


def in_vocabulary(h: np.ndarray, vocab: np.ndarray, table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indices of the tokens whose hash is in the sorted ``vocab``, their positions in ``vocab``);
    ``table``: `vocabulary_filter`. The table lookup is one gather per token; only its few hits are
    searched in ``vocab``."""
    cand = np.flatnonzero(table[(h & _U64((1 << _FILTER_BITS) - 1)).astype(np.intp)])
    if not len(cand) or not len(vocab):
        return cand[:0], cand[:0]
    hc = h[cand]
    at = np.minimum(np.searchsorted(vocab, hc), len(vocab) - 1)
    ok = vocab[at] == hc
    return cand[ok], at[ok]


@lru_cache(maxsize=1)
def _vocabulary_filter() -> np.ndarray:
    return vocabulary_filter(_vocabulary())


_PREFIX = 16  # a token is hashed on its first 16 code points and its length
_P = np.uint64(0x100000001B3)


def word_tokens(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hash, document index, is-a-number flag and start (index into ``codes``) of every word token
    of a batch's code points.

    Memory is one byte per code point plus a few words per token (a 60 MB word is one token), and
    time is linear: each token is hashed on its first ``_PREFIX`` code points and its length (long
    tokens are never slot words); a number is a token whose first ``_PREFIX`` code points and last
    one are ASCII digits.
    """
    N = len(codes)
    if not N:
        return np.zeros(0, _U64), np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0, np.int64)
    blank = (codes == 32) | (codes == 0)
    word = ~blank
    starts = np.flatnonzero(word[1:] & blank[:-1]) + 1
    if word[0]:
        starts = np.concatenate([[0], starts])
    ends = np.flatnonzero(word[:-1] & blank[1:]) + 1
    if word[-1]:
        ends = np.concatenate([ends, [N]])
    del blank, word
    ln = ends - starts
    # tokens by length, longest first: the tokens longer than k are a prefix of that order, so each
    # pass works on a slice (no masks); the hash is the same as token by token
    order = np.argsort(-ln, kind="stable")
    st = starts[order]
    cnt = np.searchsorted(-ln[order], -np.arange(_PREFIX), side="left")  # tokens longer than k
    h = np.zeros(len(st), dtype=_U64)
    num = np.ones(len(st), dtype=bool)
    with np.errstate(over="ignore"):
        for k in range(_PREFIX):
            m = int(cnt[k])
            if not m:
                break
            c = codes[st[:m] + k]
            h[:m] ^= c.astype(_U64)
            h[:m] *= _P
            num[:m] &= (c >= 48) & (c <= 57)
        out_h = np.empty_like(h)
        out_h[order] = h
        out_n = np.empty_like(num)
        out_n[order] = num
        h, num = out_h, out_n
        last = codes[ends - 1]
        num &= (last >= 48) & (last <= 57)
        h ^= ln.astype(_U64)
    doc = np.searchsorted(np.flatnonzero(codes == 0), starts)
    return mix64(h), doc.astype(np.int64), num, starts.astype(np.int64)


def slot_sketches(batch: NormalizedBatch, tokens=None) -> np.ndarray:
    """Slot sketch of every text of the batch: n x SLOT_K uint64, sorted, padded with SLOT_EMPTY.
    ``tokens``: `word_tokens` of the batch's code points, when the caller has them already."""
    n = len(batch.lengths)
    out = np.full((n, SLOT_K), SLOT_EMPTY, dtype=_U64)
    h, doc, is_num, _ = word_tokens(batch.codes) if tokens is None else tokens
    if not len(h):
        return out
    slot = is_num.copy()
    slot[in_vocabulary(h, _vocabulary(), _vocabulary_filter())[0]] = True
    if not slot.any():
        return out
    T = len(h)
    same_prev = np.zeros(T, dtype=bool)
    same_prev[1:] = doc[1:] == doc[:-1]
    start = slot & ~(same_prev & np.concatenate([[False], slot[:-1]]))
    end = slot & ~(np.concatenate([same_prev[1:], [False]]) & np.concatenate([slot[1:], [False]]))
    rs, re_ = np.flatnonzero(start), np.flatnonzero(end)  # run k: tokens rs[k]..re_[k]
    with np.errstate(over="ignore"):
        run_id = np.cumsum(start) - 1
        offset = np.arange(T) - rs[np.maximum(run_id, 0)]
        part = mix64(h ^ (offset.astype(_U64) * _U64(0x9E3779B97F4A7C15)))
        val = np.add.reduceat(np.where(slot, part, _U64(0)), rs)[: len(rs)] if len(rs) else np.zeros(0, _U64)
        prev_ok = (rs > 0) & same_prev[rs]
        nxt = re_ + 1
        next_ok = nxt < T
        next_ok[next_ok] = doc[nxt[next_ok]] == doc[re_[next_ok]]
        hp = np.where(prev_ok, h[np.maximum(rs - 1, 0)], _U64(1))
        hn = np.where(next_ok, h[np.minimum(nxt, T - 1)], _U64(2))
        ctx = mix64(hp * _U64(0x100000001B3) + mix64(hn.copy()))
        d = doc[rs]
        # runs of names only (places, weekdays, months; no number) also get one entry per side, so a
        # country swapped inside a reworded phrase ("رئيس جمهورية X" / "رئيس Y") is still seen
        w = np.add.reduceat(is_num.astype(np.int64), rs)[: len(rs)] == 0
        ctx = np.concatenate([ctx, mix64(hp[w] * _U64(0x100000001B3) + _U64(11)), mix64(hn[w] * _U64(0x100000001B3) + _U64(13))])
        val = np.concatenate([val, val[w], val[w]])
        d = np.concatenate([d, d[w], d[w]])
    ctx32 = np.minimum(ctx >> _U64(32), _U64(0xFFFFFFFE))
    entry = (ctx32 << _U64(32)) | (val & _LOW)
    order = np.lexsort((entry, d))
    entry, d = entry[order], d[order]
    keep = np.ones(len(entry), dtype=bool)
    keep[1:] = (entry[1:] != entry[:-1]) | (d[1:] != d[:-1])
    entry, d = entry[keep], d[keep]
    first = np.searchsorted(d, d)  # index of each doc's first entry
    rank = np.arange(len(d)) - first
    ok = rank < SLOT_K
    out[d[ok], rank[ok]] = entry[ok]
    return out


def compare_slots(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(agreeing, differing) slot counts of row-wise pairs of sketches (m x SLOT_K each)."""
    a = np.atleast_2d(a)
    b = np.atleast_2d(b)
    ca, cb = a >> _U64(32), b >> _U64(32)
    # only contexts below both samples' cut-offs are comparable (a full sample ends at its cut-off)
    cut = np.minimum(_cutoff(a, ca), _cutoff(b, cb))[:, None]
    va, vb = a != SLOT_EMPTY, b != SLOT_EMPTY
    va &= ca <= cut
    vb &= cb <= cut
    same_ctx = (ca[:, :, None] == cb[:, None, :]) & va[:, :, None] & vb[:, None, :]
    same_val = same_ctx & (a[:, :, None] == b[:, None, :])
    a_shared, b_shared = same_ctx.any(axis=2), same_ctx.any(axis=1)
    a_ok, b_ok = same_val.any(axis=2), same_val.any(axis=1)
    agree = a_ok.sum(axis=1)
    differ = np.minimum((a_shared & ~a_ok).sum(axis=1), (b_shared & ~b_ok).sum(axis=1))
    return agree.astype(np.int64), differ.astype(np.int64)


def _cutoff(s: np.ndarray, ctx: np.ndarray) -> np.ndarray:
    full = s[:, -1] != SLOT_EMPTY
    return np.where(full, ctx[:, -1], _U64(0xFFFFFFFF))
