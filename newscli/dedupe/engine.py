"""The streaming dedupe stage: spool the records, find exact groups and verified pairs, cluster
them (`leader_clusters`), then emit the records in input order with their ``dup`` field."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import orjson

from newscli.dedupe.cluster import leader_clusters
from newscli.dedupe.options import SIM_BANDS, DedupeOptions, DedupeStats
from newscli.dedupe.signing import Signed, prepare
from newscli.dedupe.spool import Rows, Spool, exact_pairs, read_ids, trim
from newscli.dedupe.verify import DATES_FAR, NEW_LEAD, needed, verified_edges

__all__ = ["dedupe_records", "Clusters", "representatives", "cluster_members", "cluster_rows", "apart_rows", "dup_field",
           "single_dup"]

_TRIM_EVERY = 16 << 20  # bytes of spooled records between two heap trims while records stream in


class Clusters:
    """The outcome for the clustered records (``mem``: their positions, ascending; all other
    records are singletons): cluster id, kept position, similarity to it, exact flag, evidence."""

    def __init__(self, mem, cluster, kept, sim, exact, agree, differ, far, size):
        self.mem, self.cluster, self.kept, self.sim, self.exact = mem, cluster, kept, sim, exact
        self.agree, self.differ, self.far, self.size = agree, differ, far, size


def dedupe_records(
    chunks: Iterable[tuple[list[dict], Signed | None]],
    options: DedupeOptions,
    stats: DedupeStats | None = None,
) -> Iterator[dict]:
    """Exact + near-duplicate detection over a stream of record chunks; yields records in input order.

    Each yielded record gets ``record["dup"] = {"cluster", "of", "sim", "exact", "size", "why"}``:
    cluster = input position (0-based) of the cluster's first record (singletons: their own
    position); of = id of the kept record (None for the kept record itself and for singletons);
    sim = estimated similarity to the kept record, always >= threshold for a dropped record (None
    for kept/singletons; 1.0 for exact copies); exact = True when the normalized text equals the
    kept record's; size = records in the cluster (1 for a singleton); why = None, or with
    ``explain`` for a dropped record the evidence it was verified on (see docs/dedupe.md). Records
    are spooled to a temporary directory (removed on exit, also when the generator is closed early
    or interrupted).
    """
    st = stats if stats is not None else DedupeStats()
    opt = options
    spool = Spool(opt.tmpdir, opt)
    try:
        next_trim = _TRIM_EVERY
        for records, signed in chunks:
            if not records:
                continue
            if signed is None:
                signed = prepare([r.get("text") or "" for r in records], opt)
            spool.add(records, signed)
            if spool.bytes >= next_trim:  # the heap fragments while chunks come and go: give it back
                trim()
                next_trim = spool.bytes + _TRIM_EVERY
        spool.close_writers()
        cl, apart = _cluster(spool, opt, st)
        id_blob, id_off = read_ids(spool, cl.mem)
        trim()

        def id_of(k: int):  # k: index into cl.mem
            return orjson.loads(id_blob[id_off[k] : id_off[k + 1]])

        if opt.on_cluster is not None:
            for row in cluster_rows(cl, id_of):
                opt.on_cluster(row)
        if opt.on_kept_apart is not None:
            pos = np.unique(np.concatenate(apart[:2]))
            blob, off = read_ids(spool, pos)
            for row in apart_rows(apart, pos, lambda k: blob[off[k] : off[k + 1]], opt):
                opt.on_kept_apart(row)
            del blob, off
        yield from _emit(spool, cl, id_of, opt, st)
    finally:
        spool.cleanup()


def _cluster(spool: Spool, opt: DedupeOptions, st: DedupeStats) -> tuple[Clusters, tuple]:
    """Exact groups, verified pairs among their representatives, then `leader_clusters`; also the
    pairs kept apart in doubt (`Edges.apart_arrays`, empty unless ``on_kept_apart`` is set)."""
    u, first, reps, nonempty = representatives(spool.column("flags"), spool.column("exact"), st)
    trim()
    rows = Rows(spool)
    try:
        verified = verified_edges(spool, reps, rows, opt, st)
        edges, apart = verified.arrays(), verified.apart_arrays()
        del verified
    finally:
        rows.close()
    del reps

    def columns(mem: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        exact = spool.column("exact")[mem]
        exact[~nonempty[mem]] = 0
        return spool.column("date")[mem], spool.column("tlen")[mem], exact

    return cluster_members(columns, u, first, edges, st), apart


def representatives(flags: np.ndarray, exact: np.ndarray, st: DedupeStats):
    """From every record's flags and exact hash (the spool's columns; `exact` is modified): the
    exact groups' (member, first member) pairs, the positions that take part in LSH (non-empty,
    long enough, and only the first of an exact group), and the non-empty mask."""
    st.records = len(flags)
    nonempty = (flags & 1).astype(bool)
    near = (flags & 2).astype(bool)
    del flags
    st.empty_texts = int((~nonempty).sum())
    st.short_texts = int((nonempty & ~near).sum())
    exact[~nonempty] = 0
    u, first = exact_pairs(exact)  # (member, first member) of every exact group
    del exact  # read again for the clustered records only
    rep = near
    rep[u] = False  # one representative (the first) per exact group takes part in LSH
    return u, first, np.flatnonzero(rep), nonempty


def cluster_members(columns: Callable, u: np.ndarray, first: np.ndarray, edges: tuple, st: DedupeStats) -> Clusters:
    """`leader_clusters` over the records in any exact group or verified pair. ``columns(mem)``
    gives their (date key, text length, exact hash with 0 for an empty text); ``edges``:
    `Edges.arrays()` (in any order)."""
    ei, ej, esim, eagree, ediffer, efar = edges
    mem = np.unique(np.concatenate([u, first, ei, ej])).astype(np.int64)  # records in any group or pair
    del u, first
    m = len(mem)
    date, tlen, exact = columns(mem)
    kept, sim, is_exact, edge = leader_clusters(date, tlen, exact,
                                                np.searchsorted(mem, ei), np.searchsorted(mem, ej), esim)
    del exact, date, tlen
    cluster = np.full(m, m, dtype=np.int64)
    np.minimum.at(cluster, kept, np.arange(m))
    cluster = cluster[kept]
    size = np.bincount(cluster, minlength=m)[cluster] if m else np.zeros(0, np.int64)
    has = edge >= 0
    agree = np.zeros(m, np.int64)
    differ = np.zeros(m, np.int64)
    far = np.zeros(m, np.uint8)  # flags: verify.DATES_FAR, verify.NEW_LEAD
    agree[has], differ[has], far[has] = eagree[edge[has]], ediffer[edge[has]], efar[edge[has]]
    dropped = kept != np.arange(m)
    st.clusters = int(len(np.unique(cluster[size > 1])))
    st.duplicates = int(dropped.sum())
    st.exact_duplicates = int(is_exact.sum())
    st.near_duplicates = st.duplicates - st.exact_duplicates
    st.largest_cluster = int(size.max()) if m else 0
    st.unjoined = int(((size == 1) & ~np.isin(np.arange(m), kept[dropped])).sum()) if m else 0
    ds = sim[dropped & ~is_exact]
    st.by_band = {"exact": st.exact_duplicates, "ge_0.9": int((ds >= 0.9).sum()),
                  "0.7_0.9": int(((ds >= 0.7) & (ds < 0.9)).sum()), "below_0.7": int((ds < 0.7).sum())}
    assert set(st.by_band) == {name for name, _ in SIM_BANDS}
    return Clusters(mem, mem[cluster], mem[kept], sim, is_exact, agree, differ, far, size)


def _why(cl: Clusters, k: int, opt: DedupeOptions) -> dict:
    """``dup.why`` (with --explain): rule ("exact" | "similar" | "similar_despite_slots" |
    "similar_despite_new_lead"), sim, the
    threshold it passed, agreeing and differing slots, whether the dates are far apart and whether
    the leads differ."""
    if cl.exact[k]:
        return {"rule": "exact", "sim": 1.0, "threshold": opt.threshold, "slots_agree": None, "slots_differ": None,
                "dates_apart": None, "new_lead": None}
    differ, flags = int(cl.differ[k]), int(cl.far[k])
    far, lead = bool(flags & DATES_FAR), bool(flags & NEW_LEAD)
    rule = "similar_despite_slots" if differ or far else "similar_despite_new_lead" if lead else "similar"
    return {"rule": rule, "sim": round(float(cl.sim[k]), 4),
            "threshold": float(needed(differ, flags, opt)),
            "slots_agree": int(cl.agree[k]), "slots_differ": differ, "dates_apart": far, "new_lead": lead}


def _emit(spool: Spool, cl: Clusters, id_of: Callable, opt: DedupeOptions, st: DedupeStats) -> Iterator[dict]:
    """The records in input order with their ``dup`` field, as ``opt.emit`` selects them (read back
    from the spool with the numbers orjson cannot hold kept exact, as the reader read them)."""
    from newscli.io.jsonl import loads as loads_record

    emit, mem = opt.emit, cl.mem
    nm = len(mem)
    mi = 0  # index of the next clustered record
    next_mem = int(mem[0]) if nm else -1
    with open(spool.path("records"), "rb") as f:
        for i, line in enumerate(f):
            if i == next_mem and cl.size[mi] > 1:
                k = int(cl.kept[mi])
                is_kept = k == i
                if not ((emit == "kept" and not is_kept) or (emit == "removed" and is_kept)):
                    rec = loads_record(line)
                    rec["dup"] = dup_field(cl, mi, is_kept, None if is_kept else id_of(int(np.searchsorted(mem, k))), opt)
                    st.emitted += 1
                    yield rec
            elif emit != "removed":
                rec = loads_record(line)
                rec["dup"] = single_dup(i)
                st.emitted += 1
                yield rec
            if i == next_mem:
                mi += 1
                next_mem = int(mem[mi]) if mi < nm else -1


def dup_field(cl: Clusters, mi: int, is_kept: bool, of, opt: DedupeOptions) -> dict:
    """``dup`` of a clustered record (``mi``: its index in cl); ``of``: the kept record's id."""
    c, size = int(cl.cluster[mi]), int(cl.size[mi])
    if is_kept:
        return {"cluster": c, "of": None, "sim": None, "exact": False, "size": size, "why": None}
    return {"cluster": c, "of": of, "sim": round(float(cl.sim[mi]), 4), "exact": bool(cl.exact[mi]), "size": size,
            "why": _why(cl, mi, opt) if opt.explain else None}


def single_dup(pos: int) -> dict:
    """``dup`` of a record in no cluster (at input position ``pos``)."""
    return {"cluster": pos, "of": None, "sim": None, "exact": False, "size": 1, "why": None}


def apart_rows(apart: tuple, pos: np.ndarray, id_json: Callable[[int], bytes], opt: DedupeOptions) -> Iterator[dict]:
    """One row per pair kept apart in doubt (``apart``: `Edges.apart_arrays`, in any order), by
    (pos_a, pos_b): the two ids, positions, similarity, the bar the pair missed (`needed`), its
    agreeing and differing slots, whether the dates are apart and whether the leads differ.
    ``pos``: the pairs' positions, unique and ascending; ``id_json(k)``: the JSON-encoded id of
    ``pos[k]``."""
    i, j, sim, agree, differ, flags = apart
    order = np.lexsort((j, i))
    ka, kb = np.searchsorted(pos, i), np.searchsorted(pos, j)
    bar = needed(differ, flags, opt) if len(i) else np.zeros(0)
    for k in order.tolist():
        f = int(flags[k])
        yield {"a": orjson.loads(id_json(int(ka[k]))), "b": orjson.loads(id_json(int(kb[k]))),
               "pos_a": int(i[k]), "pos_b": int(j[k]), "sim": round(float(sim[k]), 4), "threshold": float(bar[k]),
               "slots_agree": int(agree[k]), "slots_differ": int(differ[k]),
               "dates_apart": bool(f & DATES_FAR), "new_lead": bool(f & NEW_LEAD)}


def cluster_rows(cl: Clusters, id_of: Callable) -> Iterator[dict]:
    """One row per cluster of two or more records ({cluster, size, kept, members}), by cluster id;
    each member with its position, whether it is kept or an exact copy, and its similarity to the
    kept copy."""
    mem = cl.mem
    multi = np.flatnonzero(cl.size > 1)
    order = multi[np.lexsort((mem[multi], cl.cluster[multi]))]
    a = 0
    while a < len(order):
        size = int(cl.size[order[a]])
        group = order[a : a + size].tolist()
        k = int(cl.kept[group[0]])
        yield {
            "cluster": int(cl.cluster[group[0]]),
            "size": size,
            "kept": id_of(int(np.searchsorted(mem, k))),
            "members": [
                {"id": id_of(g), "pos": int(mem[g]), "kept": int(mem[g]) == k, "exact": bool(cl.exact[g]),
                 "sim": None if int(mem[g]) == k else round(float(cl.sim[g]), 4)}
                for g in group
            ],
        }
        a += size
