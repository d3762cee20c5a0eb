"""Signing: everything a worker process computes for a chunk of texts (`prepare` -> `Signed`).

A worker needs only this module: normalize, shingle, MinHash-sign, band keys, exact-text hash and
slot sketch of each text, and `Packed` to hand a record over already serialized.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import orjson
import xxhash

from newscli.dedupe.minhash import band_keys, batch_signatures, signatures_from_counts
from newscli.dedupe.options import DedupeOptions
from newscli.dedupe.outcomes import outcome_bits
from newscli.dedupe.slots import slot_sketches, word_tokens
from newscli.dedupe.text import NormalizedBatch, char_shingle_hashes, normalize_batch, parse_shingle

__all__ = ["Signed", "prepare", "signatures", "lead_signatures", "lead_similarity", "Packed", "LEAD_CHARS", "LEAD_PERM"]

LEAD_CHARS = 200  # the lead: the first 200 characters of the normalized text
LEAD_PERM = 64  # values of a lead signature (uint16 each: 128 bytes per record)


@dataclass
class Signed:
    """What `prepare` computes for a chunk of texts (picklable; numpy arrays).

    exact: uint64 hash (xxh3) of each normalized text (0 for an empty one); sig: MinHash signatures,
    n x num_perm uint32; bands: band keys, n x bands uint32; slots: slot sketches, n x SLOT_K uint64
    (`newscli.dedupe.slots`); nchars: length of each normalized text; lead: MinHash of each text's
    lead (`lead_signatures`), n x LEAD_PERM uint16; outcomes: outcome classes of each text's lead and
    of all of it (`newscli.dedupe.outcomes.outcome_bits`), n uint64; signing: (shingle, num_perm,
    seed) used.
    """

    exact: np.ndarray
    sig: np.ndarray
    bands: np.ndarray
    slots: np.ndarray
    nchars: np.ndarray
    lead: np.ndarray | None = None
    outcomes: np.ndarray | None = None
    signing: tuple = field(default=())

    def __len__(self) -> int:
        return len(self.exact)


def lead_signatures(batch: NormalizedBatch, seed: int) -> np.ndarray:
    """MinHash signatures (n x LEAD_PERM, uint16: the low 16 bits of each value) of the char-5
    shingles of each text's lead, its first LEAD_CHARS normalized characters."""
    n = len(batch.lengths)
    lens = np.minimum(batch.lengths, LEAD_CHARS).astype(np.int64)
    total = int(lens.sum())
    new_starts = np.cumsum(lens + 1) - (lens + 1)
    codes = np.zeros(total + n, dtype=batch.codes.dtype)
    if total:
        doc = np.repeat(np.arange(n), lens)
        off = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
        codes[new_starts[doc] + off] = batch.codes[batch.starts[doc] + off]
    lead = NormalizedBatch(codes=codes, starts=new_starts, lengths=lens)
    sig = signatures_from_counts(*char_shingle_hashes(lead, 5, seed), LEAD_PERM)
    return (sig & np.uint32(0xFFFF)).astype(np.uint16)


def lead_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of two rows of lead signatures (row-wise)."""
    return (np.atleast_2d(a) == np.atleast_2d(b)).mean(axis=1)


def signatures(texts: list[str], options: DedupeOptions) -> np.ndarray:
    """MinHash signatures (len(texts) x num_perm, uint32) of the normalized texts."""
    return prepare(texts, options).sig


_BATCH_CHARS = 131_072  # texts are processed in slices of about this many characters (cache-sized; bounds RAM)


def prepare(texts: list[str], options: DedupeOptions) -> Signed:
    """Normalize, shingle and sign a chunk of texts (pure; run it in worker processes).

    The result for a text does not depend on the other texts of the chunk.
    """
    texts = ["" if t is None else t for t in texts]
    parts, a, size = [], 0, 0
    for k, t in enumerate(texts):
        size += len(t)
        if size >= _BATCH_CHARS:
            parts.append(_prepare(texts[a : k + 1], options))
            a, size = k + 1, 0
    if a < len(texts) or not parts:
        parts.append(_prepare(texts[a:], options))
    if len(parts) == 1:
        return parts[0]
    return Signed(
        exact=np.concatenate([p.exact for p in parts]),
        sig=np.concatenate([p.sig for p in parts]),
        bands=np.concatenate([p.bands for p in parts]),
        slots=np.concatenate([p.slots for p in parts]),
        nchars=np.concatenate([p.nchars for p in parts]),
        lead=np.concatenate([p.lead for p in parts]),
        outcomes=np.concatenate([p.outcomes for p in parts]),
        signing=options.signing,
    )


def _prepare(texts: list[str], options: DedupeOptions) -> Signed:
    kind, n = parse_shingle(options.shingle)
    batch = normalize_batch(texts)
    sig = batch_signatures(batch, kind, n, options.num_perm, options.seed)
    codes = batch.codes
    exact = np.fromiter(
        (xxhash.xxh3_64_intdigest(codes[a : a + ln]) if ln else 0 for a, ln in zip(batch.starts.tolist(), batch.lengths.tolist())),
        dtype=np.uint64,
        count=len(batch.lengths),
    )
    tokens = word_tokens(codes)  # once, for the slot sketches and the outcome words
    return Signed(exact=exact, sig=sig, bands=band_keys(sig, options.bands), slots=slot_sketches(batch, tokens),
                  nchars=batch.lengths.copy(), lead=lead_signatures(batch, options.seed),
                  outcomes=outcome_bits(batch, tokens, LEAD_CHARS), signing=options.signing)


class Packed(tuple):
    """A record already serialized (by a worker process), with what the spool needs to know of it.

    dedupe_records accepts Packed items in place of dicts: the bytes go to the spool as they are,
    so the process that clusters does not serialize the record again."""

    __slots__ = ()

    @classmethod
    def of(cls, record: dict) -> "Packed":
        t = record.get("text")
        return tuple.__new__(cls, (orjson.dumps(record), record.get("id"), record.get("date"),
                                   len(t) if isinstance(t, str) else 0))

    def __reduce__(self):  # a tuple subclass would otherwise be rebuilt through Packed.__new__
        return (_packed, (tuple(self),))


def _packed(items: tuple) -> Packed:
    return tuple.__new__(Packed, items)
