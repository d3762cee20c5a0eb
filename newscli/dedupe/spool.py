"""The spool: a dedupe run's temporary files, so nothing per record stays in RAM while records stream in.

Records, ids, per-record columns (exact hash, date key, text length, flags), rows (signature + slot
sketch) and band keys go to files in a private temporary directory; the stages read back only the
columns they need, with positional reads.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np
import orjson

from newscli.isodate import sort_key

from newscli.dedupe.cluster import exact_groups
from newscli.dedupe.minhash import EMPTY, band_keys
from newscli.dedupe.options import DedupeOptions
from newscli.dedupe.signing import LEAD_PERM, Packed, Signed
from newscli.dedupe.slots import SLOT_K

__all__ = ["Spool", "Rows", "date_key", "trim", "exact_pairs", "read_ids", "READ_BLOCK"]

_NO_DATE = np.iinfo(np.int64).max


def date_key(value) -> int:
    """YYYYMMDDhhmmss of an ISO date/datetime string (newscli.isodate.sort_key, the one parser of
    input dates); missing or unparsable -> sorts last."""
    key = sort_key(value)
    return _NO_DATE if key is None else key


_BAND_BLOCK = 16384  # records per band-major block of the band-key spool
READ_BLOCK = 4096  # rows per batch when signatures are read back
_PAIR_FLUSH = 4_000_000  # candidate pairs collected over bands before they are verified


def trim() -> None:
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


class Spool:
    """Temporary files of one dedupe run. Nothing per record stays in RAM while records stream in:
    records, ids, the per-record columns, signatures (+ number sketches) and band keys all go to
    files; the stages read back only the columns they need."""

    _COLS = {"exact": np.uint64, "date": np.int64, "tlen": np.int64, "idend": np.int64, "flags": np.uint8}

    def __init__(self, tmpdir: str | None, options: DedupeOptions):
        self.dir = tempfile.mkdtemp(prefix="newscli-dedupe-", dir=tmpdir)
        self.opt = options
        # signature (uint32) + slot sketch (uint64) + lead signature (uint16) + outcome bits (uint64)
        self.row_bytes = options.num_perm * 4 + SLOT_K * 8 + LEAD_PERM * 2 + 8
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
        if s.signing != self.opt.signing:
            raise ValueError(f"Signed was prepared with {s.signing}, options need {self.opt.signing}")
        dumps = orjson.dumps
        date = np.empty(m, np.int64)
        tlen = np.empty(m, np.int64)
        buf, ibuf = [], []
        for k, rec in enumerate(records):
            if type(rec) is Packed:
                data, rid, rdate, tlen[k] = rec
                buf.append(data)
                ibuf.append(dumps(rid))
                date[k] = date_key(rdate)
                continue
            buf.append(dumps(rec))
            ibuf.append(dumps(rec.get("id")))
            date[k] = date_key(rec.get("date"))
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
        w_sig, w_slots = sig.shape[1] * 4, SLOT_K * 8
        rows[:, :w_sig] = sig.view(np.uint8).reshape(m, -1)
        rows[:, w_sig : w_sig + w_slots] = np.ascontiguousarray(s.slots, dtype=np.uint64).view(np.uint8).reshape(m, -1)
        w_lead = LEAD_PERM * 2
        rows[:, w_sig + w_slots : w_sig + w_slots + w_lead] = np.ascontiguousarray(s.lead, dtype=np.uint16).view(np.uint8).reshape(m, -1)
        rows[:, w_sig + w_slots + w_lead :] = np.ascontiguousarray(s.outcomes, dtype=np.uint64).view(np.uint8).reshape(m, -1)
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


class Rows:
    """Signature + slot-sketch rows read back from the spool with positional reads (no memory
    map: the pages read never count in the process's resident set)."""

    def __init__(self, spool: Spool):
        self.f = open(spool.path("rows"), "rb", buffering=0)
        self.fd = self.f.fileno()
        self.width = spool.row_bytes
        self.num_perm = spool.opt.num_perm

    def read(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(signatures, the rest of each row as uint64: slot sketch, lead signature, outcome bits; split by
        `newscli.dedupe.verify.rows_of`) of ``positions`` (any order, repeats allowed)."""
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

    def read_range(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """Like `read`, for the consecutive positions a..b-1, with one read."""
        buf = np.empty((b - a, self.width), dtype=np.uint8)
        os.preadv(self.fd, [memoryview(buf).cast("B")], a * self.width)
        return buf[:, : self.num_perm * 4].view(np.uint32), buf[:, self.num_perm * 4 :].view(np.uint64)

    def close(self) -> None:
        self.f.close()


def exact_pairs(exact: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def read_ids(spool: Spool, positions: np.ndarray) -> tuple[bytes, np.ndarray]:
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


