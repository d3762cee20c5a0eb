"""Clustering stages: exact groups, LSH buckets -> candidate pairs, and the final clustering.

All functions work on numpy arrays of positions (0-based input order) and are deterministic: the
result does not depend on how the input was chunked. `leader_clusters` is the final step, a pure
function over the records' survivor keys and the verified pairs (edges): an engine that finds and
verifies pairs in any way (one process, worker pools, a distributed scheduler) gathers the edges
and calls it once.
"""

from __future__ import annotations

import numpy as np

__all__ = ["exact_groups", "bucket_pairs", "head_pairs", "survivor_rank", "leader_clusters"]


def exact_groups(keys: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (member, first member) for every group of equal ``keys``; positions ascending."""
    if not len(keys):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.argsort(keys, kind="stable")
    k, p = keys[order], positions[order]
    start = np.concatenate([[True], k[1:] != k[:-1]])
    first = p[np.flatnonzero(start)][np.cumsum(start) - 1]
    dup = ~start
    return p[dup], first[dup]


def bucket_pairs(keys: np.ndarray, positions: np.ndarray, max_bucket: int):
    """All pairs inside every bucket (equal key) of size 2..max_bucket, vectorised per bucket size.

    Returns ``(i, j, large, largest)``: i < j position arrays, a list of the position arrays of
    buckets larger than ``max_bucket`` (ascending positions) for :func:`leader_pairs`, and the size
    of the largest bucket.
    """
    empty = np.zeros(0, np.int64)
    if len(keys) < 2:
        return empty, empty, [], len(keys)
    positions = np.asarray(positions)
    packable = keys.dtype == np.uint32 and int(positions[0]) >= 0 and int(positions[-1]) < 2**32 and bool(np.all(positions[1:] > positions[:-1]))
    if packable:
        # positions ascend: one sort of (key, position) packed in 64 bits gives the order of a
        # stable argsort by key, with less memory and time
        both = keys.astype(np.uint64) << np.uint64(32)
        both |= positions.astype(np.uint64)
        both.sort()
        k = (both >> np.uint64(32)).astype(np.uint32)
        p = (both & np.uint64(0xFFFFFFFF)).astype(positions.dtype)
        del both
    else:
        order = np.argsort(keys, kind="stable")
        k, p = keys[order], positions[order]
    # keep only the members of buckets of two or more (most texts are alone in their bucket)
    same = k[1:] == k[:-1]
    multi = np.zeros(len(k), dtype=bool)
    multi[1:] = same
    multi[:-1] |= same
    del same
    if not multi.any():
        return empty, empty, [], 1
    k, p = k[multi], p[multi]
    del multi
    start = np.flatnonzero(np.concatenate([[True], k[1:] != k[:-1]]))
    size = np.diff(np.concatenate([start, [len(k)]]))
    us, vs, large = [], [], []
    largest = int(size.max())
    for s in np.unique(size[size >= 2]):
        s = int(s)
        st = start[size == s]
        if s > max_bucket:
            large.extend(p[a : a + s] for a in st)
            continue
        a, b = np.triu_indices(s, 1)
        us.append(p[(st[:, None] + a[None, :]).ravel()])
        vs.append(p[(st[:, None] + b[None, :]).ravel()])
    if not us:
        return empty, empty, large, largest
    i, j = np.concatenate(us), np.concatenate(vs)
    return np.minimum(i, j), np.maximum(i, j), large, largest


def head_pairs(members: np.ndarray, heads: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs of one very large bucket without all pairs: every member with each of the
    bucket's first ``heads`` members (positions ascending). Returns (i, j) with i < j."""
    members = np.asarray(members, dtype=np.int64)
    h = members[:heads]
    i = np.repeat(h, len(members))
    j = np.tile(members, len(h))
    keep = i < j
    return i[keep], j[keep]


def survivor_rank(date_key: np.ndarray, text_len: np.ndarray) -> np.ndarray:
    """Rank of each record in survivor order (0 = kept first): earliest date, longest text, first."""
    n = len(date_key)
    pos = np.arange(n, dtype=np.int64)
    order = np.lexsort((pos, -np.asarray(text_len, dtype=np.int64), np.asarray(date_key, dtype=np.int64)))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = pos
    return rank


def leader_clusters(date_key, text_len, exact, u, v, sim):
    """Final clustering: exact groups, then leader clustering in survivor order. Pure and deterministic.

    Records are indexed 0..m-1 in input order. ``date_key``/``text_len``: survivor keys (earlier date,
    then longer text, then smaller index survives); ``exact``: uint64 hash of the normalized text
    (0 = no exact group); ``u``, ``v``, ``sim``: verified pairs (any orientation, repeats allowed)
    and their similarity.

    Exact copies always form one group, represented by its best member. Groups are visited in
    survivor order: a group joins the most similar *kept copy* (a group that joined no one) among
    its verified partners that come earlier in that order, or becomes a kept copy itself. So every
    dropped record was verified against its own kept copy; there is no chaining through members.

    Returns ``(kept, sim, exact, edge)``: per record the index of its kept copy (itself when kept),
    the similarity to it (NaN for kept copies, 1.0 for exact copies), whether it is an exact copy,
    and the index of the edge it was accepted on (-1 when none).
    """
    m = len(date_key)
    rank = survivor_rank(date_key, text_len)
    exact = np.asarray(exact, dtype=np.uint64)
    grp = np.arange(m, dtype=np.int64)  # best member of each record's exact group
    order = np.lexsort((rank, exact))
    ex = exact[order]
    start = np.ones(m, dtype=bool)
    start[1:] = ex[1:] != ex[:-1]
    head = order[np.flatnonzero(start)][np.cumsum(start) - 1]
    grouped = ex != 0
    grp[order[grouped]] = head[grouped]
    u = grp[np.asarray(u, dtype=np.int64)]
    v = grp[np.asarray(v, dtype=np.int64)]
    sim = np.asarray(sim, dtype=np.float32)
    eidx = np.arange(len(u), dtype=np.int64)
    keep = u != v
    u, v, sim, eidx = u[keep], v[keep], sim[keep], eidx[keep]
    swap = rank[u] > rank[v]
    a = np.where(swap, v, u)  # the earlier in survivor order
    b = np.where(swap, u, v)
    o = np.lexsort((rank[a], -sim, rank[b]))
    a, b, sim, eidx = a[o].tolist(), b[o].tolist(), sim[o].tolist(), eidx[o].tolist()
    leader = list(range(m))
    lsim = [float("nan")] * m
    ledge = [-1] * m
    k, e = 0, len(a)
    while k < e:  # edges grouped by b, b in survivor order; within b most similar first
        bb = b[k]
        while k < e and b[k] == bb:
            if leader[bb] == bb and leader[a[k]] == a[k]:
                leader[bb], lsim[bb], ledge[bb] = a[k], sim[k], eidx[k]
            k += 1
    leader = np.asarray(leader, dtype=np.int64)
    g_sim = np.asarray(lsim, dtype=np.float32)
    g_edge = np.asarray(ledge, dtype=np.int64)
    kept = leader[grp]
    is_exact = (grp == kept) & (np.arange(m) != kept)
    out_sim = np.where(is_exact, np.float32(1.0), g_sim[grp]).astype(np.float32)
    out_sim[kept == np.arange(m)] = np.nan
    edge = np.where(is_exact, -1, g_edge[grp])
    return kept, out_sim, is_exact, edge
