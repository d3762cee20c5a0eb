"""Outcome words: a lead that reports what the other text never mentions is a new lead.

A follow-up often keeps the earlier story's whole body and most of its lead's wording and changes
one thing: the court *postponed* the case it was to hear that morning, or *ruled* on it. Its lead
then shares enough of the earlier lead that the lead check (`newscli.dedupe.signing.
lead_similarity`) does not fire. An outcome class (package data ``newscli/dedupe/data/outcomes.txt``:
a postponement, a verdict) named in one text's lead and nowhere in the other text marks such a
lead; a copy of the same story repeats its lead's outcome. `outcome_bits` keeps per text a uint64:
the classes of its lead (tokens starting in its first `LEAD_CHARS` normalized characters) in the
low 32 bits, the classes anywhere in it in the high 32. Classes that copies name with other words
(deaths, arrests, resignations) were measured and left out (docs/dedupe.md, "Outcome words")."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

from newscli.dedupe.slots import clitic_forms, in_vocabulary, vocabulary_filter, word_tokens
from newscli.dedupe.text import NormalizedBatch, normalize_batch

__all__ = ["outcome_classes", "outcome_bits", "new_outcome"]

_U64 = np.uint64
_LOW = _U64(0xFFFFFFFF)


@lru_cache(maxsize=1)
def outcome_classes() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(class name, words in ordinary spelling) of each outcome class, from the package data."""
    text = resources.files("newscli.dedupe").joinpath("data", "outcomes.txt").read_text(encoding="utf-8")
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, colon, words = line.partition(":")
        if not colon or not name.strip() or not words.split():
            raise ValueError(f"outcomes.txt: a class line is 'name: word word ...', got {line[:60]!r}")
        out.append((name.strip(), tuple(words.split())))
    if not out:
        raise ValueError("outcomes.txt has no class")
    if len(out) > 32:
        raise ValueError(f"outcomes.txt has {len(out)} classes; at most 32 fit in a text's bits")
    return tuple(out)


@lru_cache(maxsize=1)
def _table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted token hashes of every outcome form (folded, with prefixes), each one's class bits, and
    their `newscli.dedupe.slots.vocabulary_filter`."""
    forms, bits = [], []
    for k, (_, words) in enumerate(outcome_classes()):
        for form in sorted(clitic_forms(normalize_batch([" ".join(words)]).text(0).split(), article=True)):
            forms.append(form)  # with clitics and the article: "وبالتأجيل", "للتأجيل"
            bits.append(1 << k)
    h, _, _, _ = word_tokens(normalize_batch([" ".join(forms)]).codes)
    order = np.argsort(h, kind="stable")
    h, b = h[order], np.asarray(bits, dtype=_U64)[order]
    # one hash per form; a form in two classes gets both bits
    keep = np.concatenate([[True], h[1:] != h[:-1]])
    start = np.flatnonzero(keep)
    return h[keep], np.bitwise_or.reduceat(b, start), vocabulary_filter(h[keep])


def outcome_bits(batch: NormalizedBatch, tokens, lead_chars: int) -> np.ndarray:
    """Per text of the batch, a uint64: the outcome classes named in its lead (tokens starting in its
    first ``lead_chars`` characters) in the low 32 bits, those named anywhere in the high 32.
    ``tokens`` is `newscli.dedupe.slots.word_tokens` of the batch's code points."""
    n = len(batch.lengths)
    out = np.zeros(n, dtype=_U64)
    h, doc, _, start = tokens
    if not len(h):
        return out
    vocab, vbits, table = _table()
    hit, at = in_vocabulary(h, vocab, table)
    if not len(hit):
        return out
    doc, bits, start = doc[hit], vbits[at], start[hit]
    lead = (start - batch.starts[doc]) < lead_chars
    np.bitwise_or.at(out, doc, bits << _U64(32))
    np.bitwise_or.at(out, doc[lead], bits[lead])
    return out


def new_outcome(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise: does one text's lead name an outcome class the other text never names?"""
    a, b = np.asarray(a, dtype=_U64), np.asarray(b, dtype=_U64)
    return (((a & _LOW) & ~(b >> _U64(32))) | ((b & _LOW) & ~(a >> _U64(32)))) != 0
