"""Clustering stages: exact groups, LSH buckets -> candidate pairs, verification, union-find.

All functions work on numpy arrays of positions (0-based input order) and are deterministic: the
result does not depend on how the input was chunked.
"""

from __future__ import annotations

import numpy as np

__all__ = ["connected_union", "exact_groups", "bucket_pairs", "leader_pairs", "kept_per_cluster"]


def connected_union(labels: np.ndarray, u: np.ndarray, v: np.ndarray) -> None:
    """Union the pairs (u[k], v[k]) into ``labels`` in place.

    ``labels[x]`` is always the root of x's cluster, and a root is the smallest position of its
    cluster (so a cluster id is the input position of its first member).
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    while len(u):
        ru, rv = labels[u], labels[v]
        ne = ru != rv
        if not ne.any():
            return
        u, v, ru, rv = u[ne], v[ne], ru[ne], rv[ne]
        np.minimum.at(labels, np.maximum(ru, rv), np.minimum(ru, rv))
        while True:  # pointer jumping until every label is a root
            nxt = labels[labels]
            if np.array_equal(nxt, labels):
                break
            labels[:] = nxt


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


def leader_pairs(members: np.ndarray, sig, accept, max_leaders: int) -> tuple[list[int], list[int]]:
    """Verified pairs inside one very large bucket, without comparing all pairs.

    Members are visited in input order; each is compared with the current leaders (at most
    ``max_leaders``) and paired with the most similar one that ``accept(member, leaders)`` admits;
    a member that matches no leader becomes a leader while there is room. A member matching no
    leader once the leaders are full is not paired in this band (it can still be paired through
    another band). Cost: O(bucket size x max_leaders x num_perm).
    """
    leaders: list[int] = []
    lsig = np.empty((0, sig.shape[1]), dtype=sig.dtype)
    us: list[int] = []
    vs: list[int] = []
    for m in members.tolist():
        s = np.asarray(sig[m])
        if leaders:
            ok = accept(m, np.asarray(leaders, dtype=np.int64), s, lsig)
            if ok is not None:
                us.append(leaders[ok])
                vs.append(m)
                continue
        if len(leaders) < max_leaders:
            leaders.append(m)
            lsig = np.vstack([lsig, s[None, :]])
    return us, vs


def kept_per_cluster(labels: np.ndarray, date_key: np.ndarray, text_len: np.ndarray) -> np.ndarray:
    """Index of the kept record of each record's cluster (earliest date, longest text, first).

    ``labels`` are cluster ids of any value (records with equal labels form a cluster); the result
    indexes the given arrays (with full-corpus labels it is the kept record's position).
    """
    n = len(labels)
    if not n:
        return np.zeros(0, np.int64)
    pos = np.arange(n, dtype=np.int64)
    order = np.lexsort((pos, -np.asarray(text_len, dtype=np.int64), date_key, labels))
    lab = labels[order]
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(lab[1:], lab[:-1], out=first[1:])
    kept_sorted = order[first][np.cumsum(first) - 1]
    out = np.empty(n, dtype=np.int64)
    out[order] = kept_sorted
    return out
