"""Candidate pairs from the LSH bands and their verification (similarity + slots) into edges."""

from __future__ import annotations

import numpy as np

from newscli.dedupe.cluster import bucket_pairs, head_pairs
from newscli.dedupe.minhash import similarity
from newscli.dedupe.options import DedupeOptions, DedupeStats
from newscli.dedupe.outcomes import new_outcome
from newscli.dedupe.signing import LEAD_PERM, Signed, lead_similarity
from newscli.dedupe.slots import SLOT_K, compare_slots
from newscli.dedupe.spool import READ_BLOCK, Rows, Spool, trim

__all__ = ["Edges", "accept", "needed", "check_pairs", "rows_of", "verified_edges", "day_numbers", "kept_apart",
           "DATES_FAR", "NEW_LEAD"]

# flags of a verified pair (`Edges`, `check_pairs`' "far"): why it needed more than the threshold
DATES_FAR = 1  # publication dates more than max_days apart, or one slot differing on another day
NEW_LEAD = 2  # the leads differ (lead similarity below new_lead_below, or one lead names an outcome
# the other text never names): a follow-up's new lead

_PAIR_FLUSH = 1_000_000  # candidate pairs collected over bands before they are verified


class Edges:
    """Verified pairs: positions i < j, estimated similarity, agreeing and differing slot counts,
    and flags (`DATES_FAR`, `NEW_LEAD`); in ``apart`` (the same columns) the pairs kept apart in
    doubt (`kept_apart`), when the caller collects them."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.apart: list[tuple[np.ndarray, ...]] = []

    @staticmethod
    def _columns(i, j, sim, agree, differ, far) -> tuple[np.ndarray, ...]:
        return (i.astype(np.int64), j.astype(np.int64), sim.astype(np.float32),
                np.minimum(agree, 255).astype(np.uint8), np.minimum(differ, 255).astype(np.uint8),
                np.asarray(far).astype(np.uint8))

    def add(self, i, j, sim, agree, differ, far) -> None:
        self.parts.append(self._columns(i, j, sim, agree, differ, far))

    def add_apart(self, i, j, sim, agree, differ, far) -> None:
        self.apart.append(self._columns(i, j, sim, agree, differ, far))

    def arrays(self) -> tuple[np.ndarray, ...]:
        return _joined(self.parts)

    def apart_arrays(self) -> tuple[np.ndarray, ...]:
        return _joined(self.apart)

    def unique(self, n: int) -> None:
        """Keep each pair (i, j) once (``n``: positions); the first verification of a pair wins
        (every verification of a pair gives the same result)."""
        for name in ("parts", "apart"):
            cols = _joined(getattr(self, name))
            _, first = np.unique(cols[0] * n + cols[1], return_index=True)
            setattr(self, name, [tuple(c[first] for c in cols)] if len(first) else [])


def _joined(parts: list) -> tuple[np.ndarray, ...]:
    if not parts:
        z = np.zeros(0, np.int64)
        return z, z, np.zeros(0, np.float32), np.zeros(0, np.uint8), np.zeros(0, np.uint8), np.zeros(0, np.uint8)
    return tuple(np.concatenate(c) for c in zip(*parts))


def kept_apart(good: np.ndarray, sim: np.ndarray, options: DedupeOptions) -> np.ndarray:
    """The verified pairs kept apart in doubt: similar enough for the threshold, rejected only
    because a differing slot, dates apart or a new lead asked for more (`needed`)."""
    return ~good & (sim >= options.threshold - 1e-9)


def day_numbers(keys) -> np.ndarray:
    """Days since 1970-01-01 (float32, with the time of day) of date keys (YYYYMMDDhhmmss); NaN
    for a missing date. Converted in blocks, so the temporaries stay small."""
    keys = np.asarray(keys, dtype=np.int64)
    out = np.empty(len(keys), dtype=np.float32)
    for a in range(0, len(keys), 1 << 18):
        out[a : a + (1 << 18)] = _days(keys[a : a + (1 << 18)])
    return out


def _days(k: np.ndarray) -> np.ndarray:
    y, mo, d = k // 10**10, (k // 10**8) % 100, (k // 10**6) % 100
    hh, mi = (k // 10**4) % 100, (k // 100) % 100
    mo = np.clip(mo, 1, 12)
    y = y - (mo <= 2)  # days from civil (H. Hinnant), vectorised
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (mo + np.where(mo > 2, -3, 9)) + 2) // 5 + np.clip(d, 1, 31) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = (era * 146097 + doe - 719468).astype(np.float64) + (hh * 60 + mi) / 1440.0
    days[k == np.iinfo(np.int64).max] = np.nan
    return days.astype(np.float32)


def needed(differ, far, options: DedupeOptions) -> np.ndarray:
    """The similarity the verification rule asks of a pair (arrays or scalars): the threshold; when
    the texts differ in exactly one slot (a shared template's number, date or place), enough for a
    copy that edited it (single_slot_threshold); when they differ in two or more slots or their
    publication dates are more than max_days apart (flag `DATES_FAR`; ``True`` means the same),
    enough for a re-publication that updated them (slot_threshold); when their leads differ (flag
    `NEW_LEAD`), at least new_lead_threshold. Never below the threshold."""
    one = max(options.threshold, min(options.single_slot_threshold, options.slot_threshold))
    many = max(options.threshold, options.slot_threshold)
    differ = np.asarray(differ)
    flags = np.asarray(far).astype(np.uint8)
    need = np.where(differ == 0, options.threshold, np.where(differ == 1, one, many))
    need = np.where(flags & DATES_FAR, many, need)
    return np.where(flags & NEW_LEAD, np.maximum(need, max(options.threshold, options.new_lead_threshold)), need)


def accept(sim: np.ndarray, differ: np.ndarray, far: np.ndarray, options: DedupeOptions) -> np.ndarray:
    """The verification rule: similarity at least `needed` for the pair's differing slots, dates and leads."""
    return np.asarray(sim) >= needed(differ, far, options) - 1e-9


_TILE = 4096  # rows per tile: a tile pair with many candidate pairs is read as two contiguous ranges


def _verify(code: np.ndarray, n: int, rows: Rows, days: np.ndarray, opt: DedupeOptions, st: DedupeStats, edges: Edges) -> None:
    """Verify candidate pairs (codes i * n + j). Pairs are grouped by tiles of positions: a tile
    pair holding many pairs (low-variety text, huge buckets) is read with two contiguous reads,
    the scattered rest row by row in blocks."""
    i_all, j_all = code // n, code % n
    tiles = n // _TILE + 1
    key = (i_all // _TILE) * tiles + j_all // _TILE
    order = np.argsort(key, kind="stable")
    key = key[order]
    bounds = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1], [True]]))
    sparse = []
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        idx = order[a:b]
        if b - a < _TILE // 4:
            sparse.append(idx)
            continue
        ti, tj = int(i_all[idx[0]]) // _TILE * _TILE, int(j_all[idx[0]]) // _TILE * _TILE
        sa, la = rows.read_range(ti, min(n, ti + _TILE))
        sb, lb = (sa, la) if ti == tj else rows.read_range(tj, min(n, tj + _TILE))
        for c in range(0, len(idx), READ_BLOCK):  # bounded temporaries
            i, j = i_all[idx[c : c + READ_BLOCK]], j_all[idx[c : c + READ_BLOCK]]
            _check(i, j, sa[i - ti], sb[j - tj], la[i - ti], lb[j - tj], days, opt, st, edges)
    if sparse:
        idx = np.sort(np.concatenate(sparse))
        for a in range(0, len(idx), READ_BLOCK):  # block by block: no pair-sized temporaries
            i, j = i_all[idx[a : a + READ_BLOCK]], j_all[idx[a : a + READ_BLOCK]]
            m = len(i)
            sg, sl = rows.read(np.concatenate([i, j]))
            _check(i, j, sg[:m], sg[m:], sl[:m], sl[m:], days, opt, st, edges)


def _check(i, j, sga, sgb, sla, slb, days, opt: DedupeOptions, st: DedupeStats, edges: Edges) -> None:
    m = len(i)
    good, sim, agree, differ, far, by_slots, by_lead = check_pairs(rows_of(sga, sla), rows_of(sgb, slb), days[i], days[j], opt)
    st.candidate_pairs += m
    st.rejected_by_slots += by_slots
    st.rejected_new_lead += by_lead
    k = int(good.sum())
    st.accepted_pairs += k
    st.rejected_pairs += m - k
    if k:
        edges.add(i[good], j[good], sim[good], agree[good], differ[good], far[good])
    if by_slots + by_lead:  # kept even when not asked for: they make the counts exact (verified_edges)
        apart = kept_apart(good, sim, opt)
        edges.add_apart(i[apart], j[apart], sim[apart], agree[apart], differ[apart], far[apart])


def rows_of(sig: np.ndarray, rest: np.ndarray) -> Signed:
    """The per-record data verification reads, as the spool's rows hold them (signatures; slot
    sketch, lead signature and outcome bits as uint64 columns), as a `Signed` slice for `check_pairs`."""
    end = SLOT_K + LEAD_PERM // 4
    return Signed(exact=None, sig=sig, bands=None, slots=rest[:, :SLOT_K], nchars=None,
                  lead=rest[:, SLOT_K:end].view(np.uint16), outcomes=rest[:, end])  # views of the row buffer


def check_pairs(a: Signed, b: Signed, days_a: np.ndarray, days_b: np.ndarray, opt: DedupeOptions):
    """The verification of candidate pairs, row by row: ``a`` and ``b`` are row-aligned slices of
    per-record data (pair k is a[k], b[k]), days_a/days_b their publication days (`day_numbers`).

    Returns (accepted mask, similarity, agreeing slots, differing slots, flags (`DATES_FAR`,
    `NEW_LEAD`), pairs similar enough but rejected on slots or dates, pairs kept apart by a new lead
    alone). Every engine verifies with this function."""
    m = len(a.sig)
    sim = similarity(a.sig, b.sig)
    above = sim >= opt.threshold - 1e-9
    agree = np.zeros(m, np.int64)
    differ = np.zeros(m, np.int64)
    new_lead = np.zeros(m, bool)
    if above.any():
        agree[above], differ[above] = compare_slots(a.slots[above], b.slots[above])
        new_lead[above] = lead_similarity(a.lead[above], b.lead[above]) < opt.new_lead_below - 1e-9
        if opt.lead_outcomes:
            new_lead[above] |= new_outcome(a.outcomes[above], b.outcomes[above])
    with np.errstate(invalid="ignore"):
        apart = np.abs(days_a - days_b)  # NaN (a date missing): never apart
        # far: more than max_days apart, or one slot differing on another day (a daily template)
        far = (apart > opt.max_days) | ((differ == 1) & (apart >= opt.single_slot_days))
    flags = far.astype(np.uint8) * np.uint8(DATES_FAR) | new_lead.astype(np.uint8) * np.uint8(NEW_LEAD)
    good = accept(sim, differ, flags, opt)
    by_lead = int((above & ~good & accept(sim, differ, far, opt)).sum())  # kept apart by the lead alone
    return good, sim, agree, differ, flags, int(kept_apart(good, sim, opt).sum()) - by_lead, by_lead


def _unique(code: np.ndarray) -> np.ndarray:
    code.sort()
    return code[np.concatenate([[True], code[1:] != code[:-1]])] if len(code) else code


def verified_edges(spool: Spool, reps: np.ndarray, rows: Rows, opt: DedupeOptions, st: DedupeStats) -> Edges:
    """Candidate pairs among ``reps`` from the buckets of every band, each verified once.

    Pairs are collected over bands (up to ``_PAIR_FLUSH`` at a time) as codes ``i * n + j``,
    deduplicated and verified in position order, so the result does not depend on band order or
    chunking. A bucket above max_bucket contributes only its members' pairs with its first
    max_leaders members (linear in the bucket's size). When more than ``_PAIR_FLUSH`` candidates
    were collected, a pair that later bands find again is verified again: the accepted pairs and
    the pairs kept apart are then made unique (and their counts with them), while candidate_pairs
    and rejected_pairs count verifications.
    """
    edges = Edges()
    if len(reps) < 2:
        return edges
    n = spool.n
    days = day_numbers(spool.column("date"))  # float32 per record while pairs are verified
    pending: list[np.ndarray] = []
    pending_n = compact_n = flushes = 0
    for b in range(opt.bands):
        keys = spool.band(b)[reps]
        i, j, large, largest = bucket_pairs(keys, reps, opt.max_bucket)
        del keys
        st.largest_bucket = max(st.largest_bucket, largest)
        st.large_buckets += len(large)
        for members in large:
            hi, hj = head_pairs(members, opt.max_leaders)
            i, j = np.concatenate([i, hi]), np.concatenate([j, hj])
        if len(i):
            pending.append(_unique(i.astype(np.int64) * n + j))
            pending_n += len(pending[-1])
            del i, j
            if pending_n > 2 * compact_n + 65536:  # bands find the same pairs: keep them once
                pending[:] = [_unique(np.concatenate(pending))]
                pending_n = compact_n = len(pending[0])
            if pending_n >= _PAIR_FLUSH:
                _verify(_unique(np.concatenate(pending)), n, rows, days, opt, st, edges)
                flushes += 1
                pending.clear()
                pending_n = compact_n = 0
        if b % 8 == 7:
            trim()
    if pending:
        _verify(_unique(np.concatenate(pending)), n, rows, days, opt, st, edges)
        flushes += 1
    if flushes > 1:  # a pair found again after a flush was verified again: count it once
        edges.unique(n)
        ai, aj, asim, aagree, adiffer, aflags = edges.apart_arrays()
        by_lead = int(accept(asim, adiffer, aflags & DATES_FAR, opt).sum())  # would pass but for the lead
        st.rejected_new_lead = by_lead
        st.rejected_by_slots = len(ai) - by_lead
        st.accepted_pairs = len(edges.arrays()[0])
    return edges
