"""newscli.dedupe.cluster: candidate pairs and the final leader clustering (pure functions)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as hs

from newscli.dedupe import bucket_pairs, head_pairs, leader_clusters, survivor_rank


def test_bucket_pairs_with_any_positions():
    keys = np.array([7, 3, 7, 3, 9, 7], dtype=np.uint32)
    for pos in (np.array([2, 5, 8, 11, 12, 20]), np.array([20, 5, 8, 11, 12, 2])):
        i, j, large, largest = bucket_pairs(keys, pos, 100)
        pairs = sorted(zip(i.tolist(), j.tolist()))
        p = pos.tolist()
        expect = sorted({(min(p[a], p[b]), max(p[a], p[b])) for a in range(6) for b in range(a + 1, 6) if keys[a] == keys[b]})
        assert pairs == expect and largest == 3 and large == []


def test_large_bucket_pairs_are_linear():
    members = np.arange(10, 1010, dtype=np.int64)
    i, j = head_pairs(members, 8)
    assert len(i) == 8 * 1000 - 36 and (i < j).all() and set(i.tolist()) == set(range(10, 18))


def test_survivor_rank_earliest_then_longest_then_first():
    date = np.array([20200102, 20200101, 20200101, 20200103, 20200101])
    tlen = np.array([10, 10, 10, 10, 30])
    assert survivor_rank(date, tlen).tolist() == [3, 1, 2, 4, 0]


def test_chain_does_not_drop_the_far_end():
    # A~B and B~C verified, A and C not: C is not a copy of A, so it stays a kept copy
    kept, sim, exact, edge = leader_clusters(np.zeros(3), np.array([30, 20, 10]), np.zeros(3, np.uint64),
                                             [0, 1], [1, 2], [0.8, 0.7])
    assert kept.tolist() == [0, 0, 2] and sim[1] == np.float32(0.8) and edge.tolist() == [-1, 0, -1]


def test_joins_most_similar_kept_copy_and_exact_copies_stay_together():
    date = np.zeros(5)
    tlen = np.array([50, 40, 30, 30, 10])
    exact = np.array([0, 0, 9, 9, 0], dtype=np.uint64)  # 2 and 3 have one normalized text
    # 4 verifies against kept 0 (0.6) and kept 1 (0.9): joins 1; 3's pair maps to its group
    kept, sim, is_exact, _ = leader_clusters(date, tlen, exact, [4, 4, 3], [0, 1, 0], [0.6, 0.9, 0.7])
    assert kept.tolist() == [0, 1, 0, 0, 1]
    assert is_exact.tolist() == [False, False, False, False, False]
    assert sim[2] == sim[3] == np.float32(0.7)
    kept, sim, is_exact, _ = leader_clusters(date, tlen, exact, [], [], [])
    assert kept.tolist() == [0, 1, 2, 2, 4] and is_exact.tolist() == [False, False, False, True, False]


@settings(max_examples=200, deadline=None)
@given(hs.integers(2, 25).flatmap(lambda n: hs.tuples(
    hs.just(n),
    hs.lists(hs.integers(0, 3), min_size=n, max_size=n),
    hs.lists(hs.integers(1, 5), min_size=n, max_size=n),
    hs.lists(hs.integers(0, 2), min_size=n, max_size=n),
    hs.lists(hs.tuples(hs.integers(0, n - 1), hs.integers(0, n - 1), hs.floats(0.5, 1.0)), max_size=3 * n),
    )))
def test_invariant_every_dropped_record_verified_against_its_kept_copy(case):
    n, date, tlen, ex, edges = case
    exact = np.array([0 if e == 0 else 100 + e for e in ex], dtype=np.uint64)
    u = [a for a, b, s in edges]
    v = [b for a, b, s in edges]
    s = [x for a, b, x in edges]
    kept, sim, is_exact, edge = leader_clusters(np.array(date), np.array(tlen), exact, u, v, s)
    group = {}
    for i in range(n):
        group.setdefault(int(exact[i]) or -1 - i, []).append(i)
    verified = {}
    for a, b, x in edges:
        for ga in group[int(exact[a]) or -1 - a]:
            for gb in group[int(exact[b]) or -1 - b]:
                key = (min(ga, gb), max(ga, gb))
                verified[key] = max(verified.get(key, 0.0), x)
    rank = survivor_rank(np.array(date), np.array(tlen))
    for i in range(n):
        k = int(kept[i])
        assert kept[k] == k  # a kept copy keeps itself: no chains
        if k == i:
            assert np.isnan(sim[i])
            continue
        assert rank[k] < rank[i]
        if is_exact[i]:
            assert exact[i] == exact[k] != 0 and sim[i] == 1.0
        else:
            assert sim[i] >= 0.5 and abs(verified[(min(i, k), max(i, k))] - sim[i]) < 1e-6
    for g in group.values():  # exact copies always together
        assert len({int(kept[i]) for i in g}) == 1
    # the result does not depend on the order the edges arrive in
    for o in (np.arange(len(edges))[::-1], np.roll(np.arange(len(edges)), len(edges) // 2)):
        k2, _, _, _ = leader_clusters(np.array(date), np.array(tlen), exact, np.array(u, dtype=np.int64)[o],
                                      np.array(v, dtype=np.int64)[o], np.array(s, dtype=np.float32)[o])
        assert k2.tolist() == kept.tolist()
