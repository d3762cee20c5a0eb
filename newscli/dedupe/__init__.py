"""Exact and near-duplicate detection for Arabic news (MinHash/LSH with verification, bounded memory).

Stages, each usable alone (pure functions over lists of texts or numpy arrays):

normalize (`normalize_for_dedupe`, `normalize_batch`) -> shingles (`shingles`, `shingle_hashes`)
-> signatures (`signatures`, `signatures_from_hashes`) -> band keys (`band_keys`) -> candidate
pairs (`bucket_pairs`, `leader_pairs`) -> verification (`similarity`, `number_overlap`) ->
clusters (`connected_union`, `kept_per_cluster`).

The streaming step: `prepare(texts, options) -> Signed` per chunk (in workers), then
`dedupe_records(chunks, options, stats)`. See docs/dedupe.md.
"""

from newscli.dedupe.cluster import bucket_pairs, connected_union, exact_groups, kept_per_cluster, leader_pairs
from newscli.dedupe.engine import DedupeOptions, DedupeStats, Packed, Signed, dedupe_records, prepare, signatures
from newscli.dedupe.minhash import band_keys, number_overlap, number_sketches, signatures_from_hashes, similarity
from newscli.dedupe.text import NormalizedBatch, normalize_batch, normalize_for_dedupe, parse_shingle, shingle_hashes, shingles

__all__ = [
    "DedupeOptions",
    "DedupeStats",
    "Signed",
    "Packed",
    "prepare",
    "dedupe_records",
    "signatures",
    "normalize_for_dedupe",
    "normalize_batch",
    "NormalizedBatch",
    "parse_shingle",
    "shingles",
    "shingle_hashes",
    "signatures_from_hashes",
    "band_keys",
    "similarity",
    "number_sketches",
    "number_overlap",
    "exact_groups",
    "bucket_pairs",
    "leader_pairs",
    "connected_union",
    "kept_per_cluster",
]
