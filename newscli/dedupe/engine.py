"""Dedupe step: options, per-chunk preparation (in workers) and the streaming dedupe stage."""

from __future__ import annotations

import mmap
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import numpy as np
import orjson
import xxhash

from newscli.dedupe.cluster import bucket_pairs, connected_union, exact_groups, kept_per_cluster, leader_pairs
from newscli.dedupe.minhash import EMPTY, band_keys, batch_signatures, number_overlap, similarity
from newscli.dedupe.text import normalize_batch, parse_shingle

__all__ = ["DedupeOptions", "DedupeStats", "Signed", "prepare", "signatures", "dedupe_records"]

_EMITS = ("kept", "removed", "all")


@dataclass(frozen=True)
class DedupeOptions:
    """Options of the dedupe step.

    threshold: estimated Jaccard similarity (of the shingle sets of the normalized texts) at or above
        which a candidate pair is a near duplicate. Default 0.5: on the labelled benchmark
        (bench/dedupe_gen.py) it gives the best F1 with char:5 shingles (see docs/dedupe.md).
    shingle: ``char:N`` (N-character windows over the normalized text, spaces included) or
        ``word:N`` (N-word windows). Default ``char:5``: measured better than word shingles on Arabic.
    num_perm: MinHash signature length (one-permutation hashing bins). Default 128.
    bands: LSH bands; each band hashes ``num_perm // bands`` signature values into one 32-bit key,
        and two texts sharing any band key become a candidate pair. Must divide num_perm. Default
        32 (4 rows): a pair at similarity 0.5 is a candidate with probability 0.87, at 0.6 0.98.
        RAM: 4 bytes per band per text while indexing.
    emit: which records `dedupe_records` yields: ``kept`` (kept copies and singletons, default),
        ``removed`` (only the dropped duplicates) or ``all``.
    clusters_path: if set, a JSONL file with one line per cluster of two or more records (written
        before the first record is yielded, atomically via a ``.tmp`` file).
    tmpdir: directory for the temporary spool files (default: the system temporary directory).
    seed: seed of the shingle hashes (same seed -> same signatures and output).
    min_chars: texts whose normalized form is shorter than this take part only in exact matching
        (a MinHash of a handful of shingles is too noisy). Default 30. Empty texts never match.
    max_bucket: an LSH bucket with more texts than this (templated reports, boilerplate-only
        texts) is not expanded into all pairs; it is clustered by leaders instead (see
        `newscli.dedupe.cluster.leader_pairs`). Default 100.
    max_leaders: leaders per very large bucket. Default 64.
    min_number_overlap: a candidate pair whose texts both contain at least 3 distinct numbers must
        also share at least this fraction of the numbers of the text with fewer (overlap
        coefficient, on a 256-bit sketch); this rejects templated market/weather reports that
        differ only in their figures. 0 disables the check. Default 0.5.
    """

    threshold: float = 0.5
    shingle: str = "char:5"
    num_perm: int = 128
    bands: int = 32
    emit: str = "kept"
    clusters_path: str | None = None
    tmpdir: str | None = None
    seed: int = 1
    min_chars: int = 30
    max_bucket: int = 100
    max_leaders: int = 64
    min_number_overlap: float = 0.5

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, (int, float)) or not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold!r}")
        parse_shingle(self.shingle)
        for name, lo, hi in (("num_perm", 8, 4096), ("bands", 1, 4096), ("max_bucket", 2, 10**7), ("max_leaders", 1, 10**5)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {v!r}")
        if self.num_perm % self.bands:
            raise ValueError(f"bands ({self.bands}) must divide num_perm ({self.num_perm})")
        if self.emit not in _EMITS:
            raise ValueError(f"emit must be one of {', '.join(_EMITS)}, got {self.emit!r}")
        if isinstance(self.min_chars, bool) or not isinstance(self.min_chars, int) or self.min_chars < 0:
            raise ValueError(f"min_chars must be a non-negative integer, got {self.min_chars!r}")
        if not isinstance(self.seed, int) or not 0 <= self.seed < 2**63:
            raise ValueError(f"seed must be an integer in [0, 2**63), got {self.seed!r}")
        if not isinstance(self.min_number_overlap, (int, float)) or not 0.0 <= self.min_number_overlap <= 1.0:
            raise ValueError(f"min_number_overlap must be in [0, 1], got {self.min_number_overlap!r}")

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    @property
    def _signing(self) -> tuple:
        return (self.shingle, self.num_perm, self.seed)


@dataclass
class DedupeStats:
    """Counters filled by `dedupe_records` (read them after the generator is exhausted).

    records: records read; clusters: clusters of two or more records; duplicates: records that are
    not the kept copy of their cluster (= exact_duplicates + near_duplicates); exact_duplicates:
    duplicates whose normalized text equals the kept copy's; largest_cluster: size of the largest
    cluster; empty_texts: records with no text after normalization (never matched); short_texts:
    non-empty texts below min_chars (exact matching only); candidate_pairs: distinct LSH candidate
    pairs verified (pairs already in one cluster are skipped); accepted_pairs / rejected_pairs:
    verification outcomes; rejected_by_numbers: rejected only because of the number check;
    large_buckets: buckets above max_bucket (clustered by leaders); largest_bucket: largest LSH
    bucket seen; emitted: records yielded.
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
    rejected_by_numbers: int = 0
    large_buckets: int = 0
    largest_bucket: int = 0
    emitted: int = 0


@dataclass
class Signed:
    """What `prepare` computes for a chunk of texts (picklable; numpy arrays).

    exact: uint64 hash (xxh3) of each normalized text (0 for an empty one); sig: MinHash signatures,
    n x num_perm uint32; bands: band keys, n x bands uint32; numbers: 256-bit number-set sketches,
    n x 4 uint64; nchars: length of each normalized text; signing: (shingle, num_perm, seed) used.
    """

    exact: np.ndarray
    sig: np.ndarray
    bands: np.ndarray
    numbers: np.ndarray
    nchars: np.ndarray
    signing: tuple = field(default=())

    def __len__(self) -> int:
        return len(self.exact)


def signatures(texts: list[str], options: DedupeOptions) -> np.ndarray:
    """MinHash signatures (len(texts) x num_perm, uint32) of the normalized texts."""
    return prepare(texts, options).sig


_BATCH_CHARS = 1_000_000  # texts are processed in slices of about this many characters (bounds RAM)


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
        numbers=np.concatenate([p.numbers for p in parts]),
        nchars=np.concatenate([p.nchars for p in parts]),
        signing=options._signing,
    )


def _prepare(texts: list[str], options: DedupeOptions) -> Signed:
    kind, n = parse_shingle(options.shingle)
    batch = normalize_batch(texts)
    sig, sk = batch_signatures(batch, kind, n, options.num_perm, options.seed)
    codes = batch.codes
    exact = np.fromiter(
        (xxhash.xxh3_64_intdigest(codes[a : a + ln]) if ln else 0 for a, ln in zip(batch.starts.tolist(), batch.lengths.tolist())),
        dtype=np.uint64,
        count=len(batch.lengths),
    )
    return Signed(exact=exact, sig=sig, bands=band_keys(sig, options.bands), numbers=sk, nchars=batch.lengths.copy(), signing=options._signing)


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
_NO_DATE = np.iinfo(np.int64).max


def _date_key(value) -> int:
    """YYYYMMDDhhmmss of an ISO date/datetime string; missing or unparsable -> sorts last."""
    if not isinstance(value, str):
        return _NO_DATE
    m = _DATE.match(value.strip())
    if not m:
        return _NO_DATE
    y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
    return ((((y * 100 + mo) * 100 + d) * 100 + hh) * 100 + mi) * 100 + ss


class _Spool:
    """Temporary files of one dedupe run and the compact per-record arrays kept in RAM."""

    def __init__(self, tmpdir: str | None, options: DedupeOptions):
        self.dir = tempfile.mkdtemp(prefix="newscli-dedupe-", dir=tmpdir)
        self.opt = options
        self.records = open(os.path.join(self.dir, "records.jsonl"), "wb")
        self.ids = open(os.path.join(self.dir, "ids.bin"), "wb")
        self.sigs = open(os.path.join(self.dir, "sig.u32"), "wb")
        self.nums = open(os.path.join(self.dir, "numbers.u64"), "wb")
        self.n = 0
        self.id_end = 0
        self.parts: dict[str, list[np.ndarray]] = {k: [] for k in ("exact", "date", "tlen", "idend", "nchars", "near")}
        self.band_parts: list[np.ndarray] = []  # per chunk: bands x m (uint32)

    def add(self, records: list[dict], s: Signed) -> None:
        m = len(records)
        if len(s) != m:
            raise ValueError(f"Signed has {len(s)} entries for a chunk of {m} records")
        if s.signing != self.opt._signing:
            raise ValueError(f"Signed was prepared with {s.signing}, options need {self.opt._signing}")
        dumps = orjson.dumps
        date = np.empty(m, np.int64)
        tlen = np.empty(m, np.int64)
        idend = np.empty(m, np.int64)
        buf, ibuf = [], []
        for k, rec in enumerate(records):
            buf.append(dumps(rec))
            ib = dumps(rec.get("id"))
            ibuf.append(ib)
            self.id_end += len(ib)
            idend[k] = self.id_end
            date[k] = _date_key(rec.get("date"))
            t = rec.get("text")
            tlen[k] = len(t) if isinstance(t, str) else 0
        buf.append(b"")
        self.records.write(b"\n".join(buf))
        self.ids.write(b"".join(ibuf))
        self.sigs.write(np.ascontiguousarray(s.sig, dtype=np.uint32).tobytes())
        self.nums.write(np.ascontiguousarray(s.numbers, dtype=np.uint64).tobytes())
        bands = s.bands if s.bands.shape[1:] == (self.opt.bands,) else band_keys(s.sig, self.opt.bands)
        self.band_parts.append(np.ascontiguousarray(bands.T, dtype=np.uint32))
        nonempty_sig = ~(s.sig == EMPTY).all(axis=1) if m else np.zeros(0, bool)
        self.parts["exact"].append(s.exact.astype(np.uint64))
        self.parts["date"].append(date)
        self.parts["tlen"].append(tlen.astype(np.int32))
        self.parts["idend"].append(idend)
        self.parts["nchars"].append(s.nchars.astype(np.int32))
        self.parts["near"].append(nonempty_sig & (s.nchars >= self.opt.min_chars))
        self.n += m

    def close_writers(self) -> None:
        for f in (self.records, self.ids, self.sigs, self.nums):
            f.close()

    def array(self, name: str) -> np.ndarray:
        parts = self.parts.pop(name)
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def cleanup(self) -> None:
        for f in (self.records, self.ids, self.sigs, self.nums):
            try:
                f.close()
            except Exception:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


def _memmap(path: str, dtype, cols: int, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros((0, cols), dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", shape=(n, cols))


def dedupe_records(
    chunks: Iterable[tuple[list[dict], Signed | None]],
    options: DedupeOptions,
    stats: DedupeStats | None = None,
) -> Iterator[dict]:
    """Exact + near-duplicate detection over a stream of record chunks; yields records in input order.

    Each yielded record gets ``record["dup"] = {"cluster", "of", "sim", "exact", "size"}``:
    cluster = input position (0-based) of the cluster's first record (singletons: their own
    position); of = id of the kept record (None for the kept record itself and for singletons);
    sim = estimated similarity to the kept record (None for kept/singletons; 1.0 for exact copies);
    exact = True when the normalized text equals the kept record's; size = records in the cluster
    (1 for a singleton). Records are spooled to a temporary directory (removed on exit, also when the
    generator is closed early or interrupted).
    """
    st = stats if stats is not None else DedupeStats()
    opt = options
    spool = _Spool(opt.tmpdir, opt)
    try:
        for records, signed in chunks:
            if not records:
                continue
            if signed is None:
                signed = prepare([r.get("text") or "" for r in records], opt)
            spool.add(records, signed)
        spool.close_writers()
        n = spool.n
        st.records = n
        exact = spool.array("exact")
        nchars = spool.array("nchars")
        near = spool.array("near").astype(bool)
        nonempty = nchars > 0
        st.empty_texts = int((~nonempty).sum())
        st.short_texts = int((nonempty & ~near).sum())
        sig = _memmap(os.path.join(spool.dir, "sig.u32"), np.uint32, opt.num_perm, n)
        nums = _memmap(os.path.join(spool.dir, "numbers.u64"), np.uint64, 4, n)
        labels = np.arange(n, dtype=np.int64)

        # 1. exact groups
        pos = np.flatnonzero(nonempty)
        u, v = exact_groups(exact[pos], pos)
        connected_union(labels, u, v)
        del u, v, pos
        # 2. LSH over one representative per exact group
        reps = np.flatnonzero(near & (labels == np.arange(n)))
        _near_pairs(spool, reps, sig, nums, labels, opt, st)
        spool.band_parts.clear()
        del reps, near

        # 3. kept copy, size, similarity to kept
        date = spool.array("date")
        tlen = spool.array("tlen")
        kept = kept_per_cluster(labels, date, tlen)
        del date, tlen
        size = np.bincount(labels, minlength=n)[labels] if n else np.zeros(0, np.int64)
        dups = np.flatnonzero(kept != np.arange(n))
        sim = np.full(n, np.nan, dtype=np.float32)
        for a in range(0, len(dups), 65536):
            d = dups[a : a + 65536]
            sim[d] = similarity(sig[d], sig[kept[d]])
        is_exact = np.zeros(n, dtype=bool)
        is_exact[dups] = (exact[dups] == exact[kept[dups]]) & nonempty[dups]
        sim[is_exact] = 1.0
        del exact
        st.clusters = int((np.bincount(labels, minlength=n) > 1).sum()) if n else 0
        st.duplicates = len(dups)
        st.exact_duplicates = int(is_exact.sum())
        st.near_duplicates = st.duplicates - st.exact_duplicates
        st.largest_cluster = int(size.max()) if n else 0
        del dups, sig, nums

        idend = spool.array("idend")
        ids_path = os.path.join(spool.dir, "ids.bin")
        with open(ids_path, "rb") as f:
            ids_map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if spool.id_end else b""

        def id_of(i: int):
            a = int(idend[i - 1]) if i else 0
            return orjson.loads(ids_map[a : int(idend[i])])

        try:
            if opt.clusters_path:
                _write_clusters(opt.clusters_path, labels, kept, size, sim, is_exact, id_of)
            # 4. output in input order
            emit = opt.emit
            with open(os.path.join(spool.dir, "records.jsonl"), "rb") as f:
                for i, line in enumerate(f):
                    k = int(kept[i])
                    is_kept = k == i
                    if (emit == "kept" and not is_kept) or (emit == "removed" and is_kept):
                        continue
                    rec = orjson.loads(line)
                    if is_kept:
                        dup = {"cluster": int(labels[i]), "of": None, "sim": None, "exact": False, "size": int(size[i])}
                    else:
                        dup = {"cluster": int(labels[i]), "of": id_of(k), "sim": round(float(sim[i]), 4), "exact": bool(is_exact[i]), "size": int(size[i])}
                    rec["dup"] = dup
                    st.emitted += 1
                    yield rec
        finally:
            if isinstance(ids_map, mmap.mmap):
                ids_map.close()
    finally:
        spool.cleanup()


def _near_pairs(spool: _Spool, reps: np.ndarray, sig, nums, labels: np.ndarray, opt: DedupeOptions, st: DedupeStats) -> None:
    """Band by band: candidate pairs from buckets, verified, unioned into ``labels``."""
    if len(reps) < 2:
        return
    thr = opt.threshold
    min_no = opt.min_number_overlap

    def verify(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        ok = np.zeros(len(i), dtype=bool)
        for a in range(0, len(i), 65536):
            ii, jj = i[a : a + 65536], j[a : a + 65536]
            s = similarity(sig[ii], sig[jj]) >= thr - 1e-9
            if min_no > 0:
                nb = number_overlap(nums[ii], nums[jj]) >= min_no - 1e-9
                st.rejected_by_numbers += int((s & ~nb).sum())
                s &= nb
            ok[a : a + 65536] = s
        return ok

    def accept(m: int, leaders: np.ndarray, s: np.ndarray, lsig: np.ndarray):
        sims = (lsig == s[None, :]).mean(axis=1)
        good = sims >= thr - 1e-9
        if min_no > 0 and good.any():
            nb = number_overlap(np.broadcast_to(nums[m], (len(leaders), 4)), nums[leaders]) >= min_no - 1e-9
            st.rejected_by_numbers += int((good & ~nb).sum())
            good &= nb
        st.candidate_pairs += len(leaders)
        if not good.any():
            st.rejected_pairs += len(leaders)
            return None
        st.accepted_pairs += 1
        return int(np.argmax(np.where(good, sims, -1.0)))

    n = len(labels)
    for b in range(opt.bands):
        keys = np.concatenate([p[b] for p in spool.band_parts])[reps]
        i, j, large, largest = bucket_pairs(keys, reps, opt.max_bucket)
        st.largest_bucket = max(st.largest_bucket, largest)
        del keys
        if len(i):
            keep = labels[i] != labels[j]
            i, j = i[keep], j[keep]
            code = np.unique(i * n + j)
            i, j = code // n, code % n
            ok = verify(i, j)
            st.candidate_pairs += len(i)
            st.accepted_pairs += int(ok.sum())
            st.rejected_pairs += int((~ok).sum())
            connected_union(labels, i[ok], j[ok])
        for members in large:
            st.large_buckets += 1
            us, vs = leader_pairs(members, sig, accept, opt.max_leaders)
            connected_union(labels, np.asarray(us, np.int64), np.asarray(vs, np.int64))


def _write_clusters(path: str, labels, kept, size, sim, is_exact, id_of) -> None:
    members = np.flatnonzero(size > 1)
    order = members[np.lexsort((members, labels[members]))]
    tmp = path + ".tmp"
    with open(tmp, "wb") as out:
        a = 0
        while a < len(order):
            c = labels[order[a]]
            b = a + int(size[order[a]])
            group = order[a:b]
            k = int(kept[group[0]])
            line = {
                "cluster": int(c),
                "size": len(group),
                "kept": id_of(k),
                "members": [
                    {"id": id_of(int(m)), "pos": int(m), "kept": int(m) == k, "exact": bool(is_exact[m]), "sim": None if int(m) == k else round(float(sim[m]), 4)}
                    for m in group
                ],
            }
            out.write(orjson.dumps(line) + b"\n")
            a = b
    os.replace(tmp, path)
