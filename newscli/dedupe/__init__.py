"""Exact and near-duplicate detection for Arabic news (MinHash/LSH with verification, bounded memory).

A record is dropped only as a copy of its kept copy, verified against that kept copy: similarity
at or above the threshold and, when slots of a shared template differ (numbers, dates, places), at
or above the slot threshold. Stages, each usable alone:

normalize (`normalize_for_dedupe`, `normalize_batch`) -> shingles (`shingles`, `shingle_hashes`)
-> signatures (`signatures_from_hashes`) + slot sketches (`slot_sketches`) -> band keys
(`band_keys`) -> candidate pairs (`bucket_pairs`, `head_pairs`) -> verification (`similarity`,
`compare_slots`, `accept`) -> clusters (`leader_clusters`, a pure function over survivor keys and
verified pairs).

Modules: options (DedupeOptions, DedupeStats), signing (`prepare` -> `Signed`: all a worker needs),
spool (temporary files), verify (pairs -> edges), cluster, engine (`dedupe_records`: clusters and
emit). See docs/dedupe.md.
"""

from newscli.dedupe.cluster import bucket_pairs, exact_groups, head_pairs, leader_clusters, survivor_rank
from newscli.dedupe.engine import dedupe_records
from newscli.dedupe.minhash import band_keys, signatures_from_hashes, similarity
from newscli.dedupe.options import DedupeOptions, DedupeStats, optimal_bands
from newscli.dedupe.signing import Packed, Signed, prepare, signatures
from newscli.dedupe.slots import compare_slots, slot_sketches
from newscli.dedupe.text import NormalizedBatch, normalize_batch, normalize_for_dedupe, parse_shingle, shingle_hashes, shingles
from newscli.dedupe.verify import accept

__all__ = [
    "DedupeOptions",
    "DedupeStats",
    "optimal_bands",
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
    "slot_sketches",
    "compare_slots",
    "accept",
    "exact_groups",
    "bucket_pairs",
    "head_pairs",
    "survivor_rank",
    "leader_clusters",
]
