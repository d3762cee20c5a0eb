"""Dedupe text stages: the dedupe normal form, shingles, token hashes (vectorised over many texts).

`normalize_for_dedupe(text)` is defined as::

    collapse(post(c) for c in search_fold(text))

where ``search_fold`` is :func:`newscli.normalize.search_fold` (lossless normalization plus the
``search`` fold: diacritics removed, أ/إ/آ/ٱ→ا, ى→ي, ة→ه, ؤ→و, ئ→ي, Arabic-Indic digits → ASCII) and
``post`` maps each character: combining marks are dropped, letters and digits are kept (lower-cased
when that gives one character), everything else (spaces, newlines, punctuation, symbols) becomes a
space; ``collapse`` turns runs of spaces into one and trims the ends. The result is words separated by
single spaces.

The batch implementation does not call ``search_fold`` for most texts: a text that is already NFC
and contains no character whose fold depends on context (``&`` of HTML entities) or expands to
several characters (presentation-form ligatures) is mapped with one lookup table built from
``search_fold`` applied to every character, which gives the same result by construction (and a
property test checks it). Other texts go through ``search_fold`` first.

Shingle hashes are 32-bit (a polynomial of the code points with odd multipliers, then fmix32),
computed with uint32 numpy arithmetic over the code points of a whole batch at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from newscli import chars
from newscli.normalize import nfc, search_fold

__all__ = ["normalize_for_dedupe", "parse_shingle", "shingles", "NormalizedBatch", "normalize_batch"]

_SPACE = 32
_DEL = 0xFFFFFFFF  # dropped (a control, tatweel or other non-mark the fold deletes)
_DEL_MARK = 0xFFFFFFFD  # dropped combining mark
_NONBMP = 0x10000
_U64 = np.uint64


def _post_char(f: str) -> int:
    """Map one already-folded character to its dedupe code point (or _DEL / _SPACE)."""
    if f.isspace():
        return _SPACE
    if f == chars.TATWEEL:  # tatweel the fold kept (used as a dash): dropped here
        return _DEL
    if unicodedata.category(f).startswith("M"):
        return _DEL_MARK
    if f.isalnum():
        low = f.lower()
        return ord(low if len(low) == 1 else f)
    return _SPACE


_COMPLEX = 0xFFFFFFFE  # LUT marker: the fold of this char depends on context or expands


@lru_cache(maxsize=1)
def _tables() -> np.ndarray:
    """Lookup table over the BMP (+ one slot meaning 'beyond the BMP', resolved in Python)."""
    lut = np.empty(_NONBMP + 1, dtype=np.uint32)
    todo = []
    for cp in range(_NONBMP):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF or ch.isspace():
            lut[cp] = _SPACE
        else:
            todo.append(ch)
    # search_fold of each character, in one call: "\n" separates them and never composes, is
    # never dropped and no character folds to it (whitespace was handled above)
    folded = search_fold("\n".join(todo)).split("\n")
    if len(folded) != len(todo):  # defensive: fall back to one call per character
        folded = [search_fold(ch) for ch in todo]
    for ch, f in zip(todo, folded):
        cp = ord(ch)
        if f == "":
            lut[cp] = _DEL_MARK if unicodedata.category(ch).startswith("M") else _DEL
        elif len(f) == 1:
            lut[cp] = _post_char(f)
        else:
            lut[cp] = _COMPLEX
    lut[ord("&")] = _COMPLEX
    lut[0] = 0  # document separator (a literal NUL inside a text is turned into a space first)
    lut[_NONBMP] = _NONBMP
    return lut


@lru_cache(maxsize=4096)
def _nonbmp(cp: int) -> int:
    return _post_char(chr(cp))


@dataclass(frozen=True)
class NormalizedBatch:
    """Normalized texts of a batch as one code-point array.

    ``codes``: uint32 code points of all normalized texts, each followed by one 0 separator;
    ``starts``/``lengths``: where each text's normalized code points are (without the separator).
    """

    codes: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray

    def text(self, i: int) -> str:
        a = int(self.starts[i])
        return self.codes[a : a + int(self.lengths[i])].tobytes().decode("utf-32-le")


def normalize_batch(texts: list[str]) -> NormalizedBatch:
    """Normalize many texts with a few numpy calls (see module docstring for the definition)."""
    orig = ["" if t is None else (t.replace("\0", " ") if "\0" in t else t) for t in texts]
    prepared = list(orig)
    slow: set[int] = set()  # texts already through search_fold (none at first)
    for k, t in enumerate(prepared):
        if not t.isascii() and not unicodedata.is_normalized("NFC", t):
            # NFC first, then the table, like any NFC text. search_fold removes controls before
            # composing, so a control between a letter and a mark composes there and not here:
            # the check below sends such texts (a dropped character before a mark) to search_fold.
            prepared[k] = nfc(t)  # linear on long mark runs (plain NFC is quadratic)
    mapped, hi = _map(prepared)
    # The table is exact unless a text has an entity or expanding character (_COMPLEX), or a
    # dropped control/tatweel right before a mark (removing it lets NFC compose across it inside
    # search_fold). Those texts take the reference path: search_fold first.
    n = len(prepared)
    if len(hi):
        v = mapped[hi]
        nxt = mapped[hi + 1]  # never out of bounds: the array ends with a 0 separator
        is_cx = v == _COMPLEX
        # (a run of dropped characters is dropped either way; only its last one can precede a mark)
        cx = hi[is_cx | ((v == _DEL) & (nxt == _DEL_MARK))]
        mapped[hi[is_cx]] = _SPACE  # a literal '&' left after unescaping (texts not redone)
        hi = hi[~is_cx]
        if len(cx):
            ends = np.cumsum([len(t) + 1 for t in prepared]) - 1  # separator positions
            redo = [k for k in np.unique(np.searchsorted(ends, cx)).tolist() if k not in slow]
            if redo:
                pieces, prev = [], 0
                for k in redo:
                    pieces.append(mapped[prev : ends[k] - len(prepared[k])])
                    prepared[k] = search_fold(orig[k])
                    new, _ = _map([prepared[k]])
                    new[new == _COMPLEX] = _SPACE
                    pieces.append(new)
                    prev = ends[k] + 1
                pieces.append(mapped[prev:])
                mapped = np.concatenate(pieces)
                hi = np.flatnonzero(mapped >= _DEL_MARK)
        if len(hi):  # drop _DEL and _DEL_MARK (tatweel, controls, diacritics)
            keep = np.ones(len(mapped), dtype=bool)
            keep[hi] = False
            mapped = mapped[keep]
            del keep
    # collapse: of each run of spaces keep only its last one, and only when the run lies between
    # two words of the same text (not at a text's start or end)
    sp = mapped == _SPACE
    if sp.any():
        N = len(mapped)
        edge = np.empty(N + 1, dtype=bool)
        edge[0] = sp[0]
        np.not_equal(sp[1:], sp[:-1], out=edge[1:N])
        edge[N] = False  # the array ends with a separator, never with a space
        bounds = np.flatnonzero(edge)  # alternating: run start, run end (exclusive)
        rs, re_ = bounds[0::2], bounds[1::2]
        ok = (rs > 0) & (mapped[re_] != 0)
        ok[ok] = mapped[rs[ok] - 1] != 0
        keep = ~sp
        keep[re_[ok] - 1] = True
        mapped = mapped[keep]
        del keep, edge, bounds
    del sp
    seps = np.flatnonzero(mapped == 0)
    starts = np.zeros(n, dtype=np.int64)
    if n > 1:
        starts[1:] = seps[:-1] + 1
    lengths = seps - starts
    return NormalizedBatch(codes=np.ascontiguousarray(mapped), starts=starts, lengths=lengths)


_NB = 0xFFFFFFFC  # full-table marker: a code point beyond the BMP, resolved in Python


@lru_cache(maxsize=1)
def _full_table() -> np.ndarray:
    """The BMP table extended to every code point (4.4 MB), so mapping is one gather."""
    lut = np.full(0x110000, _NB, dtype=np.uint32)
    lut[:_NONBMP] = _tables()[:_NONBMP]
    return lut


def _map(prepared: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Table-mapped code points of the texts (each followed by a 0) and the positions of the
    rare values >= _DEL_MARK (dropped characters and _COMPLEX)."""
    raw = np.frombuffer(("\0".join(prepared) + "\0").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    mapped = _full_table()[raw]
    hi = np.flatnonzero(mapped >= _NB)
    if len(hi):
        nb = hi[mapped[hi] == _NB]
        if len(nb):
            mapped[nb] = [_nonbmp(int(c)) for c in raw[nb]]
            hi = hi[mapped[hi] >= _DEL_MARK]
    return mapped, hi


def normalize_for_dedupe(text: str) -> str:
    """The dedupe normal form of one text: ``search_fold`` + words joined by single spaces."""
    return normalize_batch([text]).text(0)


_SPEC = re.compile(r"^(char|word):([0-9]{1,2})$")


def parse_shingle(spec: str) -> tuple[str, int]:
    """Parse ``char:N`` or ``word:N`` (1 <= N <= 32) into ``(kind, N)``; ValueError otherwise."""
    m = _SPEC.match(spec.strip()) if isinstance(spec, str) else None
    if not m or not 1 <= int(m.group(2)) <= 32:
        raise ValueError(f"shingle must be 'char:N' or 'word:N' with 1 <= N <= 32, got {spec!r}")
    return m.group(1), int(m.group(2))


def _splitmix(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


@lru_cache(maxsize=16)
def _multipliers(seed: int, n: int) -> np.ndarray:
    out, s = [], seed
    for _ in range(n):
        s = _splitmix(s)
        out.append(s | 1)
    return np.array(out, dtype=_U64)


def mix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3 fmix64 finaliser, in place on a uint64 array (returned)."""
    h ^= h >> _U64(33)
    h *= _U64(0xFF51AFD7ED558CCD)
    h ^= h >> _U64(33)
    h *= _U64(0xC4CEB9FE1A85EC53)
    h ^= h >> _U64(33)
    return h


_P = 0x100000001B3  # odd: invertible modulo 2**64
_PINV = pow(_P, -1, 1 << 64)


def _zero_count(codes: np.ndarray) -> np.ndarray:
    zc = np.zeros(len(codes) + 1, dtype=np.int32)
    np.cumsum(codes == 0, out=zc[1:])
    return zc


def token_hashes(batch: NormalizedBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """64-bit hash, document index and all-digits flag of every word token (vectorised)."""
    codes = batch.codes
    N = len(codes)
    if N == 0:
        return np.zeros(0, _U64), np.zeros(0, np.int64), np.zeros(0, bool)
    c = codes.astype(_U64)
    blank = (codes == _SPACE) | (codes == 0)
    starts = np.flatnonzero(~blank & np.concatenate([[True], blank[:-1]]))
    ends = np.flatnonzero(~blank & np.concatenate([blank[1:], [True]])) + 1
    with np.errstate(over="ignore"):
        pw = np.full(N + 1, _P, dtype=_U64)
        pw[0] = 1
        pw = np.cumprod(pw, dtype=_U64)  # P**i, wrapping
        ipw = np.full(N + 1, _PINV, dtype=_U64)
        ipw[0] = 1
        ipw = np.cumprod(ipw, dtype=_U64)
        pref = np.zeros(N + 1, dtype=_U64)
        np.cumsum(c * pw[:N], dtype=_U64, out=pref[1:])
        h = (pref[ends] - pref[starts]) * ipw[starts]
    digit = (codes >= 48) & (codes <= 57)
    dc = np.zeros(N + 1, dtype=np.int64)
    np.cumsum(digit, out=dc[1:])
    is_num = (dc[ends] - dc[starts]) == (ends - starts)
    return mix64(h), _zero_count(codes)[starts].astype(np.int64), is_num


_U32 = np.uint32


def mix32(h: np.ndarray, tmp: np.ndarray | None = None) -> np.ndarray:
    """MurmurHash3 fmix32 finaliser, in place on a uint32 array (returned)."""
    tmp = np.empty_like(h) if tmp is None else tmp[: len(h)]
    with np.errstate(over="ignore"):
        np.right_shift(h, _U32(16), out=tmp)
        h ^= tmp
        h *= _U32(0x85EBCA6B)
        np.right_shift(h, _U32(13), out=tmp)
        h ^= tmp
        h *= _U32(0xC2B2AE35)
        np.right_shift(h, _U32(16), out=tmp)
        h ^= tmp
    return h


def char_shingle_hashes(batch: NormalizedBatch, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Mixed uint32 hashes of every ``char:n`` shingle of the batch, text after text, and the number
    of shingles of each text (``max(length - n + 1, 0)``)."""
    codes = batch.codes
    counts = np.maximum(batch.lengths - (n - 1), 0)
    L = len(codes) - n + 1
    if L <= 0 or not len(counts):
        return np.zeros(0, _U32), counts
    M = [_U32(int(m) & 0xFFFFFFFF) for m in _multipliers(seed, n)]
    h = np.empty(L, dtype=_U32)
    tmp = np.empty(L, dtype=_U32)
    with np.errstate(over="ignore"):
        np.multiply(codes[:L], M[0], out=h)
        for k in range(1, n):
            np.multiply(codes[k : k + L], M[k], out=tmp)
            h += tmp
    if int(counts.sum()) != L:
        # windows starting in the n-1 positions before a separator, or on it, cross a text's end
        bad = (np.flatnonzero(codes == 0)[:, None] - np.arange(n)[None, :]).ravel()
        valid = np.ones(L, dtype=bool)
        valid[bad[(bad >= 0) & (bad < L)]] = False
        h = h[valid]
    return mix32(h, tmp), counts


def shingle_hashes(batch: NormalizedBatch, kind: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, doc index) of every shingle of every text in the batch (duplicates kept).

    Hashes are mixed 32-bit values (uint32). A ``char:N`` shingle hash is a polynomial of its N code
    points with odd 32-bit multipliers drawn from ``seed``, then fmix32; windows that cross the end
    of a text are skipped without a per-text loop (the batch has one 0 separator after every text).
    """
    if kind == "char":
        h, counts = char_shingle_hashes(batch, n, seed)
        return h, np.repeat(np.arange(len(counts), dtype=np.intp), counts)
    th, tdoc, _ = token_hashes(batch)
    L = len(th) - n + 1
    if L <= 0:
        return np.zeros(0, _U32), np.zeros(0, np.intp)
    M = _multipliers(seed ^ 0x5A5A, n)
    with np.errstate(over="ignore"):
        h = th[:L] * M[0]
        for k in range(1, n):
            h += th[k : k + L] * M[k]
    valid = tdoc[n - 1 : n - 1 + L] == tdoc[:L]
    h = mix64(h[valid])
    return (h ^ (h >> _U64(32))).astype(_U32), tdoc[:L][valid].astype(np.intp)


def shingles(text: str, spec: str = "char:5", seed: int = 1) -> np.ndarray:
    """Sorted unique 32-bit hashes of the shingles of ``normalize_for_dedupe(text)``.

    ``spec`` is ``char:N`` (N-character windows, spaces included) or ``word:N`` (N-word windows).
    A text shorter than one shingle has none.
    """
    kind, n = parse_shingle(spec)
    h, _ = shingle_hashes(normalize_batch([text]), kind, n, seed)
    return np.unique(h)
