"""MinHash signatures (one-permutation hashing with densification) and band keys.

One-permutation hashing (Li, Owen & Zhang 2012): every shingle has one mixed 32-bit hash; its high
16 bits pick one of ``num_perm`` bins and an odd multiple of it (a bijection) is the value; a
signature is the minimum value per bin. This needs one pass over the shingles instead of ``num_perm`` passes, and runs for a whole batch
of documents in a few numpy calls. Bins left empty (short texts) are filled by rotation
densification (Shrivastava & Li 2014): an empty bin takes the value of the next non-empty bin to its
right (circularly) plus ``distance * C``, so two texts with the same shingles still agree. The
fraction of equal positions of two signatures estimates the Jaccard similarity of their shingle sets.
"""

from __future__ import annotations

import numpy as np

from newscli.dedupe.text import NormalizedBatch, char_shingle_hashes, mix64, shingle_hashes

__all__ = ["EMPTY", "signatures_from_hashes", "band_keys", "similarity", "batch_signatures"]

EMPTY = np.uint32(0xFFFFFFFF)  # a signature of all EMPTY: the text had no shingle
_U64 = np.uint64
_ROT = np.uint32(0x9E3779B1)


def signatures_from_hashes(hashes: np.ndarray, doc: np.ndarray, n_docs: int, num_perm: int) -> np.ndarray:
    """OPH signatures (n_docs x num_perm, uint32) from mixed shingle hashes and their doc index.

    ``hashes`` are mixed uint32 values (as from `shingle_hashes`); uint64 hashes are folded to 32
    bits first. The high 16 bits of a hash pick its bin, an odd multiple of the hash is its value.
    """
    hashes = _as_u32(hashes)
    rows = np.asarray(doc, dtype=np.intp) * num_perm
    return _oph(hashes, rows, n_docs, num_perm)


def signatures_from_counts(hashes: np.ndarray, counts: np.ndarray, num_perm: int) -> np.ndarray:
    """Like `signatures_from_hashes` when the hashes are grouped text after text (``counts[d]`` of
    text d): the document index is never materialised as a 64-bit array."""
    n_docs = len(counts)
    if n_docs * num_perm < 2**31:
        rows = np.repeat(np.arange(0, n_docs * num_perm, num_perm, dtype=np.uint32), counts)
    else:
        rows = np.repeat(np.arange(n_docs, dtype=np.intp) * num_perm, counts)
    return _oph(_as_u32(hashes), rows, n_docs, num_perm)


def _as_u32(hashes: np.ndarray) -> np.ndarray:
    if hashes.dtype == np.uint32:
        return hashes
    h64 = np.asarray(hashes, dtype=_U64)
    return (h64 ^ (h64 >> _U64(32))).astype(np.uint32)


def _oph(hashes: np.ndarray, rows: np.ndarray, n_docs: int, num_perm: int) -> np.ndarray:
    sig = np.full(n_docs * num_perm, EMPTY, dtype=np.uint32)
    if len(hashes):
        with np.errstate(over="ignore"):
            if num_perm & (num_perm - 1) == 0:  # a power of two: the top bits
                key = hashes >> np.uint32(32 - (num_perm.bit_length() - 1))
            else:
                key = hashes >> np.uint32(16)
                key *= np.uint32(num_perm)
                key >>= np.uint32(16)
            key = key.astype(rows.dtype, copy=False)
            key += rows
            val = hashes * _VAL
        np.minimum(val, np.uint32(0xFFFFFFFE), out=val)
        np.minimum.at(sig, key, val)
    sig = sig.reshape(n_docs, num_perm)
    _densify(sig)
    return sig


_VAL = np.uint32(0x9E3779B1)


def _densify(sig: np.ndarray) -> None:
    empty = sig == EMPTY
    rows = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
    if not len(rows):
        return
    k = sig.shape[1]
    sub = sig[rows]
    sub2 = np.concatenate([sub, sub], axis=1)
    idx = np.where(sub2 != EMPTY, np.arange(2 * k), 2 * k)
    nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1][:, :k]
    dist = (nxt - np.arange(k)).astype(np.uint32)
    with np.errstate(over="ignore"):
        filled = np.take_along_axis(sub2, nxt, axis=1) + dist * _ROT
    sig[rows] = np.where(sub == EMPTY, np.minimum(filled, np.uint32(0xFFFFFFFE)), sub)


def band_keys(sig: np.ndarray, bands: int) -> np.ndarray:
    """32-bit key per band (n x bands, uint32): a hash of the band's ``num_perm // bands`` values.

    Texts without shingles get key 0 in every band (callers exclude them from the index).
    """
    n, k = sig.shape
    rows = k // bands
    s = sig[:, : bands * rows].reshape(n, bands, rows).astype(_U64)
    with np.errstate(over="ignore"):
        acc = np.full((n, bands), 0x243F6A8885A308D3, dtype=_U64)
        for r in range(rows):
            acc = (acc ^ s[:, :, r]) * _U64(0x100000001B3)
        acc = mix64(acc)
    return (acc >> _U64(32)).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray | float:
    """Estimated Jaccard similarity: fraction of equal signature positions (row-wise for 2-D)."""
    eq = np.asarray(a) == np.asarray(b)
    if eq.ndim == 1:
        return float(eq.mean())
    return eq.mean(axis=1)


def batch_signatures(batch: NormalizedBatch, kind: str, n: int, num_perm: int, seed: int):
    """MinHash signatures of every text of a normalized batch."""
    n_docs = len(batch.lengths)
    if kind == "char":
        sig = signatures_from_counts(*char_shingle_hashes(batch, n, seed), num_perm)
    else:
        h, d = shingle_hashes(batch, kind, n, seed)
        sig = signatures_from_hashes(h, d, n_docs, num_perm)
    return sig
