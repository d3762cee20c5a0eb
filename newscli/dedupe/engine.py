"""Dedupe step: options, per-chunk preparation (in workers) and the streaming dedupe stage."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

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
    on_cluster: if set, called with one dict per cluster of two or more records
        ({cluster, size, kept, members}), in cluster order, before the first record is yielded.
        The library never opens a file: the CLI's --clusters writes these rows.
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
    on_cluster: Callable[[dict], None] | None = field(default=None, compare=False, repr=False)
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
    pairs verified (collected over all bands, each verified once; pairs already in one cluster,
    e.g. exact copies, are skipped); accepted_pairs / rejected_pairs:
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


_BATCH_CHARS = 131_072  # texts are processed in slices of about this many characters (cache-sized; bounds RAM)


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


class Packed(tuple):
    """A record already serialized (by a worker process), with what the spool needs to know of it.

    dedupe_records accepts Packed items in place of dicts: the bytes go to the spool as they are,
    so the process that clusters does not serialize the record again."""

    __slots__ = ()

    @classmethod
    def of(cls, record: dict) -> "Packed":
        t = record.get("text")
        return tuple.__new__(cls, (orjson.dumps(record), record.get("id"), record.get("date"),
                                   len(t) if isinstance(t, str) else 0))

    def __reduce__(self):  # a tuple subclass would otherwise be rebuilt through Packed.__new__
        return (_packed, (tuple(self),))


def _packed(items: tuple) -> Packed:
    return tuple.__new__(Packed, items)


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


_BAND_BLOCK = 16384  # records per band-major block of the band-key spool
_READ_BLOCK = 4096  # rows per batch when signatures are read back
_PAIR_FLUSH = 4_000_000  # candidate pairs collected over bands before they are verified


def _trim() -> None:
    """Give freed heap pages back to the OS (glibc keeps them after large numpy temporaries)."""
    global _TRIM
    if _TRIM is None:
        try:
            import ctypes

            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except Exception:  # not glibc: nothing to do
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM = None
_TRIM_EVERY = 16 << 20  # bytes of spooled records between two heap trims while records stream in


class _Spool:
    """Temporary files of one dedupe run. Nothing per record stays in RAM while records stream in:
    records, ids, the per-record columns, signatures (+ number sketches) and band keys all go to
    files; the stages read back only the columns they need."""

    _COLS = {"exact": np.uint64, "date": np.int64, "tlen": np.int64, "idend": np.int64, "flags": np.uint8}

    def __init__(self, tmpdir: str | None, options: DedupeOptions):
        self.dir = tempfile.mkdtemp(prefix="newscli-dedupe-", dir=tmpdir)
        self.opt = options
        self.row_bytes = options.num_perm * 4 + 32  # signature (uint32) + number sketch (4 x uint64)
        self.files = {}
        for name in ("records", "ids", "rows", "bands", *self._COLS):
            self.files[name] = open(self.path(name), "wb", buffering=1 << 20)
        self.n = 0
        self.bytes = 0  # bytes of records spooled
        self.id_end = 0
        self.block = np.empty((options.bands, _BAND_BLOCK), dtype=np.uint32)
        self.block_fill = 0
        self.band_blocks: list[tuple[int, int]] = []  # (file offset, records) of each block
        self.band_offset = 0

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def add(self, records: list[dict], s: Signed) -> None:
        m = len(records)
        if len(s) != m:
            raise ValueError(f"Signed has {len(s)} entries for a chunk of {m} records")
        if s.signing != self.opt._signing:
            raise ValueError(f"Signed was prepared with {s.signing}, options need {self.opt._signing}")
        dumps = orjson.dumps
        date = np.empty(m, np.int64)
        tlen = np.empty(m, np.int64)
        buf, ibuf = [], []
        for k, rec in enumerate(records):
            if type(rec) is Packed:
                data, rid, rdate, tlen[k] = rec
                buf.append(data)
                ibuf.append(dumps(rid))
                date[k] = _date_key(rdate)
                continue
            buf.append(dumps(rec))
            ibuf.append(dumps(rec.get("id")))
            date[k] = _date_key(rec.get("date"))
            t = rec.get("text")
            tlen[k] = len(t) if isinstance(t, str) else 0
        buf.append(b"")
        f = self.files
        data = b"\n".join(buf)
        del buf
        f["records"].write(data)
        self.bytes += len(data)
        del data
        f["ids"].write(b"".join(ibuf))
        idend = np.cumsum(np.fromiter((len(b) for b in ibuf), dtype=np.int64, count=m)) + self.id_end
        if m:
            self.id_end = int(idend[-1])
        sig = np.ascontiguousarray(s.sig, dtype=np.uint32)
        rows = np.empty((m, self.row_bytes), dtype=np.uint8)
        rows[:, : self.row_bytes - 32] = sig.view(np.uint8).reshape(m, -1)
        rows[:, self.row_bytes - 32 :] = np.ascontiguousarray(s.numbers, dtype=np.uint64).view(np.uint8).reshape(m, -1)
        f["rows"].write(rows.data)
        bands = s.bands if s.bands.shape[1:] == (self.opt.bands,) else band_keys(sig, self.opt.bands)
        a = 0
        while a < m:  # band-major blocks, so one band's keys are read back with few large reads
            take = min(m - a, _BAND_BLOCK - self.block_fill)
            self.block[:, self.block_fill : self.block_fill + take] = bands[a : a + take].T
            self.block_fill += take
            a += take
            if self.block_fill == _BAND_BLOCK:
                self._flush_block()
        nonempty_sig = ~(sig == EMPTY).all(axis=1) if m else np.zeros(0, bool)
        nchars = np.asarray(s.nchars)
        flags = (nchars > 0).astype(np.uint8) | ((nonempty_sig & (nchars >= self.opt.min_chars)).astype(np.uint8) << 1)
        for name, arr in (("exact", s.exact), ("date", date), ("tlen", tlen), ("idend", idend), ("flags", flags)):
            f[name].write(np.ascontiguousarray(arr, dtype=self._COLS[name]).data)
        self.n += m

    def _flush_block(self) -> None:
        k = self.block_fill
        if k:
            data = np.ascontiguousarray(self.block[:, :k])
            self.files["bands"].write(data.data)
            self.band_blocks.append((self.band_offset, k))
            self.band_offset += data.nbytes
            self.block_fill = 0

    def close_writers(self) -> None:
        self._flush_block()
        self.block = None
        for f in self.files.values():
            f.close()

    def column(self, name: str) -> np.ndarray:
        return np.fromfile(self.path(name), dtype=self._COLS[name], count=self.n)

    def band(self, b: int) -> np.ndarray:
        """Band ``b``'s key of every record (uint32, input order)."""
        out = np.empty(self.n, dtype=np.uint32)
        a = 0
        with open(self.path("bands"), "rb", buffering=0) as f:
            fd = f.fileno()
            for off, k in self.band_blocks:
                os.preadv(fd, [memoryview(out[a : a + k])], off + b * k * 4)
                a += k
        return out

    def cleanup(self) -> None:
        for f in self.files.values():
            try:
                f.close()
            except Exception:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


class _Rows:
    """Signature + number-sketch rows read back from the spool with positional reads (no memory
    map: the pages read never count in the process's resident set)."""

    def __init__(self, spool: _Spool):
        self.f = open(spool.path("rows"), "rb", buffering=0)
        self.fd = self.f.fileno()
        self.width = spool.row_bytes
        self.num_perm = spool.opt.num_perm

    def read(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(signatures, number sketches) of ``positions`` (any order, repeats allowed)."""
        positions = np.asarray(positions, dtype=np.int64)
        order = np.argsort(positions, kind="stable")
        srt = positions[order]
        new = np.empty(len(srt), dtype=bool)
        new[:1] = True
        np.not_equal(srt[1:], srt[:-1], out=new[1:])
        uniq = srt[new]
        inv = np.empty(len(srt), dtype=np.int64)
        inv[order] = np.cumsum(new) - 1
        buf = np.empty((len(uniq), self.width), dtype=np.uint8)
        if len(uniq):
            # coalesce runs of consecutive positions into one read each
            brk = np.flatnonzero(np.diff(uniq) != 1) + 1
            starts = np.concatenate([[0], brk]).tolist()
            ends = np.concatenate([brk, [len(uniq)]]).tolist()
            first = uniq[starts].tolist()
            mv = memoryview(buf).cast("B")
            w, fd = self.width, self.fd
            for a, b, p in zip(starts, ends, first):
                os.preadv(fd, [mv[a * w : b * w]], p * w)
        sig = buf[:, : self.num_perm * 4].view(np.uint32)[inv]
        nums = buf[:, self.num_perm * 4 :].view(np.uint64)[inv]
        return sig, nums

    def close(self) -> None:
        self.f.close()


class _BucketRows:
    """Rows of one very large bucket's members, read in batches in the order they are visited."""

    def __init__(self, rows: _Rows, members: np.ndarray):
        self.rows, self.members = rows, members
        self.shape = (len(members), rows.num_perm)
        self.dtype = np.dtype(np.uint32)
        self.at = -1
        self.sig = self.nums = None
        self.keep: dict[int, np.ndarray] = {}  # number sketches of members already visited (leaders)
        self.index = {int(m): k for k, m in enumerate(members.tolist())}

    def _load(self, k: int) -> None:
        self.at = (k // _READ_BLOCK) * _READ_BLOCK
        self.sig, self.nums = self.rows.read(self.members[self.at : self.at + _READ_BLOCK])

    def __getitem__(self, m: int) -> np.ndarray:
        k = self.index[int(m)]
        if self.sig is None or not self.at <= k < self.at + _READ_BLOCK:
            self._load(k)
        self.keep[int(m)] = self.nums[k - self.at]
        return self.sig[k - self.at]

    def numbers(self, ms) -> np.ndarray:
        return np.stack([self.keep[int(m)] for m in np.atleast_1d(ms)])


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
    rows = None
    next_trim = _TRIM_EVERY
    try:
        for records, signed in chunks:
            if not records:
                continue
            if signed is None:
                signed = prepare([r.get("text") or "" for r in records], opt)
            spool.add(records, signed)
            if spool.bytes >= next_trim:  # the heap fragments while chunks come and go: give it back
                _trim()
                next_trim = spool.bytes + _TRIM_EVERY
        spool.close_writers()
        n = spool.n
        st.records = n
        idx = np.int32 if n < 2**31 - 1 else np.int64
        labels = np.arange(n, dtype=idx)

        # 1. exact groups
        flags = spool.column("flags")
        nonempty = (flags & 1).astype(bool)
        near = (flags & 2).astype(bool)
        del flags
        st.empty_texts = int((~nonempty).sum())
        st.short_texts = int((nonempty & ~near).sum())
        exact = spool.column("exact")
        exact[~nonempty] = 0
        u, v = _exact_pairs(exact)
        del exact
        connected_union(labels, u, v)
        del u, v
        # 2. LSH over one representative per exact group
        reps = np.flatnonzero(near & (labels == np.arange(n, dtype=idx))).astype(idx)
        del near
        _trim()
        rows = _Rows(spool)
        _near_pairs(spool, reps, rows, labels, opt, st)
        del reps
        _trim()

        # 3. kept copy, size, similarity to kept (only records in clusters of two or more)
        counts = np.bincount(labels, minlength=n).astype(idx) if n else np.zeros(0, idx)
        mem = np.flatnonzero(counts[labels] > 1).astype(idx)  # clustered records, ascending
        date = spool.column("date")[mem]
        tlen = spool.column("tlen")[mem]
        kept = mem[kept_per_cluster(labels[mem], date, tlen)]
        del date, tlen
        is_dup = kept != mem
        dups, dkept = mem[is_dup], kept[is_dup]
        sim = np.full(len(mem), np.nan, dtype=np.float32)
        dsim = np.empty(len(dups), dtype=np.float32)
        for a in range(0, len(dups), _READ_BLOCK):
            s1, _ = rows.read(dups[a : a + _READ_BLOCK])
            s2, _ = rows.read(dkept[a : a + _READ_BLOCK])
            dsim[a : a + _READ_BLOCK] = similarity(s1, s2)
        rows.close()
        rows = None
        exact = spool.column("exact")
        dexact = (exact[dups] == exact[dkept]) & nonempty[dups]
        del exact, nonempty
        dsim[dexact] = 1.0
        sim[is_dup] = dsim
        is_exact = np.zeros(len(mem), dtype=bool)
        is_exact[is_dup] = dexact
        st.clusters = int((counts > 1).sum())
        st.duplicates = len(dups)
        st.exact_duplicates = int(dexact.sum())
        st.near_duplicates = st.duplicates - st.exact_duplicates
        st.largest_cluster = int(counts.max()) if n else 0
        del dups, dkept, dsim, dexact
        id_blob, id_off = _read_ids(spool, mem)
        _trim()

        def id_of(k: int):  # k: index into mem
            return orjson.loads(id_blob[id_off[k] : id_off[k + 1]])


        def member(p: int) -> int:
            return int(np.searchsorted(mem, p))

        if opt.on_cluster is not None:
            _emit_clusters(opt.on_cluster, labels, mem, kept, counts, sim, is_exact, id_of, member)
        # 4. output in input order
        emit = opt.emit
        nm = len(mem)
        mi = 0  # index of the next clustered record
        next_mem = int(mem[0]) if nm else -1
        with open(spool.path("records"), "rb") as f:
            for i, line in enumerate(f):
                if i == next_mem:
                    k = int(kept[mi])
                    is_kept = k == i
                    if not ((emit == "kept" and not is_kept) or (emit == "removed" and is_kept)):
                        rec = orjson.loads(line)
                        if is_kept:
                            rec["dup"] = {"cluster": int(labels[i]), "of": None, "sim": None, "exact": False, "size": int(counts[labels[i]])}
                        else:
                            rec["dup"] = {"cluster": int(labels[i]), "of": id_of(member(k)), "sim": round(float(sim[mi]), 4),
                                          "exact": bool(is_exact[mi]), "size": int(counts[labels[i]])}
                        st.emitted += 1
                        yield rec
                    mi += 1
                    next_mem = int(mem[mi]) if mi < nm else -1
                elif emit != "removed":
                    rec = orjson.loads(line)
                    rec["dup"] = {"cluster": i, "of": None, "sim": None, "exact": False, "size": 1}
                    st.emitted += 1
                    yield rec
    finally:
        if rows is not None:
            rows.close()
        spool.cleanup()


def _exact_pairs(exact: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`exact_groups` over all records with little memory: (member, first member) pairs of every
    group of equal non-zero hashes (0 = empty text, never grouped), members ascending."""
    srt = np.sort(exact)
    rep = srt[1:][srt[1:] == srt[:-1]]  # hashes seen twice or more (sorted, with repeats)
    del srt
    rep = rep[rep != 0]
    if not len(rep):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rep = rep[np.concatenate([[True], rep[1:] != rep[:-1]])]
    found = []
    for a in range(0, len(exact), 1 << 20):  # membership test block by block (bounded temporaries)
        kb = exact[a : a + (1 << 20)]
        hit = rep[np.minimum(np.searchsorted(rep, kb), len(rep) - 1)] == kb
        found.append(np.flatnonzero(hit) + a)
    pos = np.concatenate(found)
    return exact_groups(exact[pos], pos)


def _read_ids(spool: _Spool, positions: np.ndarray) -> tuple[bytes, np.ndarray]:
    """The JSON-encoded ids of ``positions`` (ascending) as one bytes object + offsets."""
    ends = spool.column("idend")
    starts = np.concatenate([[0], ends[:-1]])[positions] if len(ends) else np.zeros(0, np.int64)
    ends = ends[positions]
    lens = ends - starts
    off = np.zeros(len(positions) + 1, dtype=np.int64)
    np.cumsum(lens, out=off[1:])
    blob = bytearray(int(off[-1]))
    mv = memoryview(blob)
    if len(positions):
        with open(spool.path("ids"), "rb", buffering=0) as f:
            fd = f.fileno()
            # runs of consecutive positions are contiguous in the file: one read per run
            brk = np.flatnonzero(np.diff(positions) != 1) + 1
            a_s = np.concatenate([[0], brk]).tolist()
            b_s = np.concatenate([brk, [len(positions)]]).tolist()
            for a, b in zip(a_s, b_s):
                os.preadv(fd, [mv[int(off[a]) : int(off[b])]], int(starts[a]))
    return bytes(blob), off


def _near_pairs(spool: _Spool, reps: np.ndarray, rows: _Rows, labels: np.ndarray, opt: DedupeOptions, st: DedupeStats) -> None:
    """Candidate pairs from the buckets of every band, verified once each, unioned into ``labels``.

    The pairs of the bands are collected (up to ``_PAIR_FLUSH`` at a time), deduplicated and
    verified in position order, so a pair found by several bands is read and compared once. The
    clusters are the connected components of the accepted pairs whatever the order of the unions.
    """
    if len(reps) < 2:
        return
    thr = opt.threshold
    min_no = opt.min_number_overlap
    n = len(labels)
    pending: list[np.ndarray] = []
    pending_n = compact_n = 0

    def flush() -> None:
        nonlocal pending_n
        if not pending:
            return
        code = np.concatenate(pending)
        pending.clear()
        pending_n = 0
        if not len(code):
            return
        code.sort()
        code = code[np.concatenate([[True], code[1:] != code[:-1]])]
        acc_i, acc_j = [], []
        for a in range(0, len(code), _READ_BLOCK):  # block by block: no pair-sized temporaries
            c = code[a : a + _READ_BLOCK]
            i, j = c // n, c % n
            keep = labels[i] != labels[j]
            i, j = i[keep], j[keep]
            m = len(i)
            if not m:
                continue
            sg, nb = rows.read(np.concatenate([i, j]))
            good = similarity(sg[:m], sg[m:]) >= thr - 1e-9
            if min_no > 0:
                num_ok = number_overlap(nb[:m], nb[m:]) >= min_no - 1e-9
                st.rejected_by_numbers += int((good & ~num_ok).sum())
                good &= num_ok
            st.candidate_pairs += m
            k = int(good.sum())
            st.accepted_pairs += k
            st.rejected_pairs += m - k
            if k:
                acc_i.append(i[good])
                acc_j.append(j[good])
        del code
        if acc_i:
            connected_union(labels, np.concatenate(acc_i), np.concatenate(acc_j))

    for b in range(opt.bands):
        keys = spool.band(b)[reps]
        i, j, large, largest = bucket_pairs(keys, reps, opt.max_bucket)
        st.largest_bucket = max(st.largest_bucket, largest)
        del keys
        if len(i):
            keep = labels[i] != labels[j]
            code = np.sort(i[keep].astype(np.int64) * n + j[keep])
            del i, j, keep
            code = code[np.concatenate([[True], code[1:] != code[:-1]])] if len(code) else code
            pending.append(code)
            pending_n += len(code)
            if pending_n > 2 * compact_n + 65536:  # bands find the same pairs: keep them once
                merged = np.concatenate(pending)
                merged.sort()
                pending[:] = [merged[np.concatenate([[True], merged[1:] != merged[:-1]])]]
                del merged
                pending_n = compact_n = len(pending[0])
            if pending_n >= _PAIR_FLUSH:
                flush()
                compact_n = 0
        if b % 8 == 7:
            _trim()
        for members in large:
            st.large_buckets += 1
            br = _BucketRows(rows, members)

            def accept(m: int, leaders: np.ndarray, s: np.ndarray, lsig: np.ndarray, br=br):
                sims = (lsig == s[None, :]).mean(axis=1)
                good = sims >= thr - 1e-9
                if min_no > 0 and good.any():
                    nb = number_overlap(np.broadcast_to(br.numbers(m), (len(leaders), 4)), br.numbers(leaders)) >= min_no - 1e-9
                    st.rejected_by_numbers += int((good & ~nb).sum())
                    good &= nb
                st.candidate_pairs += len(leaders)
                if not good.any():
                    st.rejected_pairs += len(leaders)
                    return None
                st.accepted_pairs += 1
                return int(np.argmax(np.where(good, sims, -1.0)))

            us, vs = leader_pairs(members, br, accept, opt.max_leaders)
            connected_union(labels, np.asarray(us, np.int64), np.asarray(vs, np.int64))
    flush()


def _emit_clusters(on_cluster, labels, mem, kept, counts, sim, is_exact, id_of, member) -> None:
    order = np.lexsort((mem, labels[mem]))  # indices into mem, by cluster then position
    a = 0
    while a < len(order):
        c = int(labels[mem[order[a]]])
        b = a + int(counts[c])
        group = order[a:b].tolist()
        k = int(kept[group[0]])
        line = {
            "cluster": c,
            "size": len(group),
            "kept": id_of(member(k)),
            "members": [
                {"id": id_of(g), "pos": int(mem[g]), "kept": int(mem[g]) == k, "exact": bool(is_exact[g]),
                 "sim": None if int(mem[g]) == k else round(float(sim[g]), 4)}
                for g in group
            ],
        }
        on_cluster(line)
        a = b
