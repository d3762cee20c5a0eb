"""The dedupe step's options (`DedupeOptions`) and counters (`DedupeStats`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable

from newscli.dedupe.text import parse_shingle

__all__ = ["DedupeOptions", "DedupeStats", "optimal_bands", "SIM_BANDS"]

_EMITS = ("kept", "removed", "all")


_FP_WEIGHT, _FN_WEIGHT = 0.2, 0.8  # a missed candidate is a missed copy; a false candidate only costs a check


@lru_cache(maxsize=64)
def optimal_bands(threshold: float, num_perm: int) -> int:
    """LSH bands for ``threshold``: as datasketch's ``optimal_param``, the (bands, rows) with
    bands x rows <= num_perm minimising the weighted false-positive area (candidate probability
    ``1 - (1 - s**r)**b`` integrated below the threshold) plus false-negative area (its complement
    integrated above). False negatives weigh 0.8 and false positives 0.2 (datasketch: 0.5 each)
    because every candidate is verified: a false candidate costs one comparison, a missed one a
    missed copy. Rows are then ``num_perm // bands``.
    """
    import numpy as np

    s = (np.arange(400) + 0.5) / 400
    b, r = zip(*((b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)))
    b, r = np.array(b, dtype=np.float64)[:, None], np.array(r, dtype=np.float64)[:, None]
    p = 1.0 - (1.0 - s[None, :] ** r) ** b
    err = np.where(s[None, :] < threshold, _FP_WEIGHT * p, _FN_WEIGHT * (1.0 - p)).sum(axis=1)
    return int(b[int(np.argmin(err)), 0])


@dataclass(frozen=True)
class DedupeOptions:
    """Options of the dedupe step.

    threshold: estimated Jaccard similarity (of the char-5 shingle sets of the normalized texts) at or
        above which two texts can be the same article. Default 0.7, chosen for precision on the
        labeled real hard pairs of bench/dedupe_pairs.tsv (grid in docs/dedupe.md).
    slot_threshold: a pair whose texts fill a shared template's slots differently (numbers, dates,
        weekdays, places in the same context; see `newscli.dedupe.slots`), or whose publication
        dates are more than max_days apart, is the same article only at or above this similarity.
        Default 0.95. Set it to the threshold to turn the slot check off.
    single_slot_threshold: the similarity needed when exactly one slot differs (and the dates are
        not far apart): a copy that edited one number or name (a toll revised, a place added to a
        list) differs in one slot; a templated report of another day or country mostly in two or
        more. Default 0.8 (never below threshold; never above slot_threshold).
    single_slot_days: single_slot_threshold holds only for publication dates less than this many
        days apart (or a date missing): one slot that differs between days is a daily template's
        next bulletin (weather, market close) as often as an edited copy, so it needs
        slot_threshold. Default 1 (the same day).
    max_days: publication dates (the records' ``date``) further apart than this many days count as
        a differing slot. Default 2. A missing date never differs.
    new_lead_threshold: the similarity needed when the two texts' leads differ (their first 200
        normalized characters have an estimated Jaccard similarity below new_lead_below): a
        follow-up that puts a new lead (a verdict, a claim, a second call) over the earlier body,
        which the rest of the rule cannot tell from a copy. Default 0.9; set it to the threshold to
        turn the lead check off. Measured in docs/dedupe.md ("The lead check").
    new_lead_below: lead similarity below which the leads differ. Default 0.4.
    lead_outcomes: a lead that names an outcome (a court's postponement or verdict;
        `newscli.dedupe.outcomes`) which the other text never names is a new lead too, whatever
        the lead similarity: the court that postponed the case it was to hear that morning.
        Default True. Measured in docs/dedupe.md ("Outcome words").
    shingle: ``char:N`` (N-character windows over the normalized text, spaces included) or ``word:N``.
    num_perm: MinHash signature length. Default 128.
    bands: LSH bands, each of ``num_perm // bands`` rows (the first bands x rows signature values
        are used). Default None: derived from threshold and num_perm as datasketch's optimal_param
        does (`optimal_bands`).
    emit: which records `dedupe_records` yields: ``kept`` (kept copies and singletons, default),
        ``removed`` (only the dropped duplicates) or ``all``.
    explain: fill ``dup.why`` of every dropped record (the evidence it was verified on).
    on_cluster: called with one row per cluster of two or more records ({cluster, size, kept,
        members}), in cluster order, before the first record is yielded. The library opens no file.
    on_kept_apart: called with one row per pair *kept apart in doubt*: similar enough for the
        threshold, but a differing slot, publication dates apart or a new lead asked for more
        ({a, b, pos_a, pos_b, sim, threshold, slots_agree, slots_differ, dates_apart, new_lead};
        ``threshold`` is the bar the pair missed), ordered by (pos_a, pos_b), after the cluster
        rows and before the first record is yielded. Both records of such a pair are kept unless
        one is dropped as a copy of a third record (which is common: a copy of one of them merged
        with it).
    tmpdir: directory for the temporary spool files (default: the system temporary directory).
    seed: seed of the shingle hashes (same seed -> same signatures and output).
    min_chars: texts whose normalized form is shorter than this take part only in exact matching.
        Default 30. Empty texts never match.
    max_bucket: an LSH bucket with more texts than this is not expanded into all pairs: each member
        is compared with the bucket's first ``max_leaders`` members only, so low-variety text stays
        linear. Default 32.
    max_leaders: comparisons per member of a bucket above max_bucket. Default 8.
    """

    threshold: float = 0.7
    slot_threshold: float = 0.95
    single_slot_threshold: float = 0.8
    single_slot_days: float = 1.0
    max_days: float = 2.0
    new_lead_threshold: float = 0.9
    new_lead_below: float = 0.4
    lead_outcomes: bool = True
    shingle: str = "char:5"
    num_perm: int = 128
    bands: int | None = None
    emit: str = "kept"
    explain: bool = False
    on_cluster: Callable[[dict], None] | None = field(default=None, compare=False, repr=False)
    on_kept_apart: Callable[[dict], None] | None = field(default=None, compare=False, repr=False)
    tmpdir: str | None = None
    seed: int = 1
    min_chars: int = 30
    max_bucket: int = 32
    max_leaders: int = 8

    def without_callbacks(self) -> "DedupeOptions":
        """These options as worker processes and Dask tasks get them: without on_cluster and
        on_kept_apart (only the process that clusters calls them; they need not pickle)."""
        if self.on_cluster is None and self.on_kept_apart is None:
            return self
        return replace(self, on_cluster=None, on_kept_apart=None)

    def __post_init__(self) -> None:
        for name in ("max_days", "single_slot_days"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0:
                raise ValueError(f"{name} must be a number >= 0, got {v!r}")
        if isinstance(self.new_lead_below, bool) or not isinstance(self.new_lead_below, (int, float)) \
                or not 0.0 <= self.new_lead_below <= 1.0:
            raise ValueError(f"new_lead_below must be in [0, 1], got {self.new_lead_below!r}")
        if not isinstance(self.lead_outcomes, bool):
            raise ValueError(f"lead_outcomes must be True or False, got {self.lead_outcomes!r}")
        for name in ("threshold", "slot_threshold", "single_slot_threshold", "new_lead_threshold"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 < v <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {v!r}")
        parse_shingle(self.shingle)
        if self.bands is None and isinstance(self.num_perm, int) and not isinstance(self.num_perm, bool) and 8 <= self.num_perm <= 4096:
            object.__setattr__(self, "bands", optimal_bands(float(self.threshold), self.num_perm))
        for name, lo, hi in (("num_perm", 8, 4096), ("bands", 1, 4096), ("max_bucket", 2, 10**7), ("max_leaders", 1, 10**5)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {v!r}")
        if self.bands > self.num_perm:
            raise ValueError(f"bands ({self.bands}) must not exceed num_perm ({self.num_perm})")
        if self.emit not in _EMITS:
            raise ValueError(f"emit must be one of {', '.join(_EMITS)}, got {self.emit!r}")
        if isinstance(self.min_chars, bool) or not isinstance(self.min_chars, int) or self.min_chars < 0:
            raise ValueError(f"min_chars must be a non-negative integer, got {self.min_chars!r}")
        if not isinstance(self.seed, int) or not 0 <= self.seed < 2**63:
            raise ValueError(f"seed must be an integer in [0, 2**63), got {self.seed!r}")

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    @property
    def signing(self) -> tuple:
        """What a signature depends on: (shingle, num_perm, seed)."""
        return (self.shingle, self.num_perm, self.seed)


# similarity bands of the closing summary: (name, lower bound inclusive)
SIM_BANDS = (("exact", None), ("ge_0.9", 0.9), ("0.7_0.9", 0.7), ("below_0.7", 0.0))


@dataclass
class DedupeStats:
    """Counters filled by `dedupe_records` (read them after the generator is exhausted).

    records: records read; clusters: clusters of two or more records; duplicates: records that are
    not the kept copy of their cluster (= exact_duplicates + near_duplicates); exact_duplicates:
    duplicates whose normalized text equals the kept copy's; largest_cluster: size of the largest
    cluster; empty_texts: records with no text after normalization (never matched); short_texts:
    non-empty texts below min_chars (exact matching only); candidate_pairs: LSH candidate pairs
    verified (distinct up to a million candidates; beyond, a pair later bands find again is verified
    and counted again); accepted_pairs: distinct pairs accepted; rejected_pairs: verifications that
    rejected; rejected_by_slots:
    pairs above the threshold rejected because their slots or dates differ (templated reports);
    rejected_new_lead: pairs that would have passed but for a new lead (`new_lead_threshold`): kept
    apart in doubt;
    unjoined: records with a verified pair whose partner was itself a dropped copy and that matched
    no kept copy (kept: the leader rule never chains); large_buckets: buckets above max_bucket;
    largest_bucket: largest LSH bucket seen; emitted: records yielded; by_band: dropped records by
    similarity to their kept copy (exact, >= 0.9, 0.7-0.9, below 0.7).
    """

    records: int = 0
    clusters: int = 0
    duplicates: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    largest_cluster: int = 0
    empty_texts: int = 0
    short_texts: int = 0
    candidate_pairs: int = 0
    accepted_pairs: int = 0
    rejected_pairs: int = 0
    rejected_by_slots: int = 0
    rejected_new_lead: int = 0
    unjoined: int = 0
    large_buckets: int = 0
    largest_bucket: int = 0
    emitted: int = 0
    by_band: dict = field(default_factory=lambda: {name: 0 for name, _ in SIM_BANDS})

    def band_line(self) -> str:
        """The dropped records by similarity band, for a closing summary."""
        b = self.by_band
        return (f"dropped by similarity: exact {b['exact']}, >=0.9 {b['ge_0.9']}, "
                f"0.7-0.9 {b['0.7_0.9']}, below 0.7 {b['below_0.7']}")
