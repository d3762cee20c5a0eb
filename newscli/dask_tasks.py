"""`--engine dask` with dedupe: the tasks that run on the workers (see newscli.dask_dedupe for the stages).

Each calls dedupe's own functions on data of one partition (a `Held`: its records and dedupe data
in a `Spool` on the worker that read them) or of one bucket of the shuffle.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import weakref
from collections import Counter
from dataclasses import fields
from typing import Any

import numpy as np
import orjson

__all__ = ["Held", "hold", "summary_of", "bucket_of", "band_rows", "bucket_candidates", "left_rows", "verify_right",
           "members_of", "emit", "probe_parts"]


class Held:
    """One partition's records and dedupe data, kept on the worker that read them (a `Spool`: files
    in a temporary directory, removed when Dask releases the result). Moved between workers by
    value (the files' bytes), which Dask avoids: its size is the spool's."""

    def __init__(self, spool: Any, skeleton: list, counts: Any) -> None:
        self.spool, self.skeleton, self.counts = spool, skeleton, counts
        self._done = weakref.finalize(self, spool.cleanup)

    def __sizeof__(self) -> int:  # what Dask's scheduler weighs before moving it
        return int(sum(os.path.getsize(self.spool.path(n)) for n in self.spool.files)) + 64

    def __reduce__(self):
        blobs = {}
        for name in self.spool.files:
            with open(self.spool.path(name), "rb") as fh:
                blobs[name] = fh.read()
        state = {k: v for k, v in self.spool.__dict__.items() if k not in ("files", "dir", "block")}
        return (_rebuild, (state, blobs, self.skeleton, self.counts))


def _rebuild(state: dict, blobs: dict, skeleton: list, counts: Any) -> Held:
    from newscli.dedupe.spool import Spool

    spool = Spool.__new__(Spool)
    spool.__dict__.update(state)
    spool.dir = tempfile.mkdtemp(prefix="newscli-dedupe-", dir=state["opt"].tmpdir)
    spool.block = None
    spool.files = {}
    for name, data in blobs.items():
        with open(spool.path(name), "wb") as fh:
            fh.write(data)
        spool.files[name] = fh  # closed: `cleanup` closes them again, harmlessly
    return Held(spool, skeleton, counts)


def hold(part: Any, steps: list, options: Any, text_field: str, html_field: str | None, chunk_records: int,
         keep_empty: bool, cwd: str | None) -> Held:
    """Stage 2: the local engine's per-record function over one partition; the records go to a
    spool on this worker, the rejects (and a None per record) stay in order for the client."""
    from newscli import dask_engine
    from newscli.dedupe.spool import Spool
    from newscli.io import Reject
    from newscli.pipeline import ChunkCounts

    spool = Spool(options.tmpdir, options)
    try:
        skeleton: list = []
        counts = ChunkCounts(dates=Counter())
        for out, signed, c in dask_engine.iter_partition(part, steps, options, text_field, html_field, chunk_records,
                                                         keep_empty, cwd):  # chunk by chunk into the spool
            recs = [r for r in out if not isinstance(r, Reject)]
            skeleton.extend(r if isinstance(r, Reject) else None for r in out)
            if recs:
                spool.add(recs, signed)
            counts.removed_lines += c.removed_lines
            counts.dates.update(c.dates)
        spool.close_writers()
    except BaseException:
        spool.cleanup()
        raise
    return Held(spool, skeleton, counts)


def summary_of(held: Held) -> tuple[list, Any, np.ndarray, np.ndarray]:
    """What the client needs of a partition: rejects in order, counts, exact hashes and flags."""
    return held.skeleton, held.counts, held.spool.column("exact"), held.spool.column("flags")


def bucket_of(band: np.ndarray, key: np.ndarray, buckets: int) -> np.ndarray:
    """The bucket task of band rows: a stable 64-bit mix of (band, key), the same in every process."""
    from newscli.dedupe.text import mix64

    h = (band.astype(np.uint64) << np.uint64(32)) | key.astype(np.uint64)
    return (mix64(h) % np.uint64(buckets)).astype(np.int64)


def band_rows(held: Held, reps: np.ndarray, offset: int, buckets: int) -> list[tuple[np.ndarray, ...]]:
    """Stage 3, map side: (band, key, position) rows of the LSH records (local indices ``reps``),
    split by bucket task; within a piece, band by band, positions ascending."""
    spool = held.spool
    bands = spool.opt.bands
    if not len(reps) or not spool.n:
        return [(np.zeros(0, np.uint16), np.zeros(0, np.uint32), np.zeros(0, np.int64))] * buckets
    band = np.repeat(np.arange(bands, dtype=np.uint16), len(reps))
    key = np.concatenate([spool.band(b)[reps] for b in range(bands)])
    pos = np.tile(reps.astype(np.int64) + offset, bands)
    t = bucket_of(band, key, buckets)
    order = np.argsort(t, kind="stable")
    cuts = np.searchsorted(t[order], np.arange(buckets + 1))
    return [(band[order[a:b]], key[order[a:b]], pos[order[a:b]]) for a, b in zip(cuts[:-1], cuts[1:])]


def bucket_candidates(pieces: list, n: int, bounds: np.ndarray, max_bucket: int, max_leaders: int):
    """Stage 3, reduce side: candidate pairs of every bucket of this task's (band, key)s, with
    `bucket_pairs` and `head_pairs` as local. Returns the pair codes (i * n + j, unique) split by
    the partition holding i, the largest bucket and the number of buckets above max_bucket."""
    from newscli.dedupe.cluster import bucket_pairs, head_pairs

    band = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, np.uint16)
    key = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros(0, np.uint32)
    pos = np.concatenate([p[2] for p in pieces]) if pieces else np.zeros(0, np.int64)
    codes, largest, n_large = [], 0, 0
    for b in np.unique(band).tolist():
        sel = np.flatnonzero(band == b)
        order = sel[np.argsort(pos[sel], kind="stable")]
        i, j, large, big = bucket_pairs(key[order], pos[order], max_bucket)
        largest, n_large = max(largest, big), n_large + len(large)
        for members in large:
            hi, hj = head_pairs(members, max_leaders)
            i, j = np.concatenate([i, hi]), np.concatenate([j, hj])
        if len(i):
            codes.append(np.unique(i.astype(np.int64) * n + j))
    code = np.unique(np.concatenate(codes)) if codes else np.zeros(0, np.int64)
    owner = np.searchsorted(bounds, code // n, side="right") - 1 if n else np.zeros(0, np.int64)
    cuts = np.searchsorted(owner, np.arange(len(bounds) + 1))
    return [code[a:b] for a, b in zip(cuts[:-1], cuts[1:])], largest, n_large


def _nbytes(obj: Any) -> int:
    return len(pickle.dumps(obj, protocol=5))


def _take(s: Any, idx: np.ndarray) -> Any:
    """Rows ``idx`` of every per-record array of a `Signed` slice (whatever fields it carries)."""
    out = {f.name: getattr(s, f.name) for f in fields(s)}
    for name, value in out.items():
        if isinstance(value, np.ndarray):
            out[name] = value[idx]
    return type(s)(**out)


def _concat(parts: list) -> Any:
    out = {f.name: getattr(parts[0], f.name) for f in fields(parts[0])}
    for name, value in out.items():
        if isinstance(value, np.ndarray):
            out[name] = np.concatenate([getattr(p, name) for p in parts])
    return type(parts[0])(**out)


def _rows(held: Held, local: np.ndarray) -> tuple[Any, np.ndarray]:
    """The per-record data verification reads (as the local engine reads it from its spool) and the
    publication days of local positions."""
    from newscli.dedupe.spool import Rows
    from newscli.dedupe.verify import day_numbers, rows_of

    rows = Rows(held.spool)
    try:
        data = rows_of(*rows.read(local))
    finally:
        rows.close()
    return data, day_numbers(held.spool.column("date")[local])


def left_rows(held: Held, pieces: list, n: int, offset: int, bounds: np.ndarray) -> tuple[list, int]:
    """Stage 4, first half: the candidate pairs whose first record is here, each once, with that
    record's data, split by the partition holding the second. Returns (pieces, pairs)."""
    code = np.unique(np.concatenate(pieces)) if pieces else np.zeros(0, np.int64)
    i, j = code // n, code % n
    order = np.argsort(np.searchsorted(bounds, j, side="right"), kind="stable")
    i, j = i[order], j[order]
    data, days = _rows(held, i - offset)
    cuts = np.searchsorted(np.searchsorted(bounds, j, side="right") - 1, np.arange(len(bounds) + 1))
    return [(i[a:b], j[a:b], _take(data, np.arange(a, b)), days[a:b]) for a, b in zip(cuts[:-1], cuts[1:])], len(code)


def verify_right(held: Held, pieces: list, offset: int, options: Any, apart: bool = False) -> tuple[tuple, int, int, tuple]:
    """Stage 4, second half: verify the pairs whose second record is here with the local rule.
    Returns (accepted edges as `Edges.arrays()`, (pairs rejected on slots or dates, pairs kept
    apart by a new lead alone), pairs, with ``apart`` the pairs kept apart in doubt as
    `Edges.apart_arrays()`, else empty arrays)."""
    from newscli.dedupe.verify import Edges, check_pairs, kept_apart

    pieces = [p for p in pieces if len(p[0])]
    edges = Edges()
    if not pieces:
        return edges.arrays(), (0, 0), 0, edges.apart_arrays()
    i = np.concatenate([p[0] for p in pieces])
    j = np.concatenate([p[1] for p in pieces])
    left = _concat([p[2] for p in pieces])
    days_i = np.concatenate([p[3] for p in pieces])
    right, days_j = _rows(held, j - offset)
    good, sim, agree, differ, far, by_slots, by_lead = check_pairs(left, right, days_i, days_j, options)
    if good.any():
        edges.add(i[good], j[good], sim[good], agree[good], differ[good], far[good])
    if apart and by_slots + by_lead:
        a = kept_apart(good, sim, options)
        edges.add_apart(i[a], j[a], sim[a], agree[a], differ[a], far[a])
    return edges.arrays(), (by_slots, by_lead), len(i), edges.apart_arrays()


def members_of(held: Held, local: np.ndarray) -> tuple[np.ndarray, np.ndarray, bytes, np.ndarray]:
    """Stage 5: date keys, text lengths and JSON ids of local positions (ascending)."""
    from newscli.dedupe.spool import read_ids

    blob, off = read_ids(held.spool, local)
    return held.spool.column("date")[local], held.spool.column("tlen")[local], blob, off


def emit(held: Held, cl: Any, ofs: list, offset: int, options: Any, serialize: bool, part: str | None = None) -> Any:
    """Stage 6: this partition's records in order, as `options.emit` selects them, each with its
    ``dup`` field (``cl``: the verdicts of its clustered records, positions local): as (record
    line, dup) pairs; with ``serialize`` as the output's JSON lines (the writer's own
    serialization, done here); with ``part`` (stage 7) those lines written to the file ``part``,
    in a directory the client sees too, returning only (path, bytes, lines)."""
    from newscli.dedupe.engine import dup_field, single_dup

    writer = _Part(part) if part is not None else None
    out: list = []
    add = writer.add if writer is not None else (
        (lambda line, dup: out.append(_line(line, dup))) if serialize else (lambda line, dup: out.append((line, dup))))
    mode, mem = options.emit, cl.mem
    nm, mi = len(mem), 0
    next_mem = int(mem[0]) if nm else -1
    try:
        with open(held.spool.path("records"), "rb") as f:
            for i, line in enumerate(f):
                if i == next_mem and cl.size[mi] > 1:
                    is_kept = int(cl.kept[mi]) == i + offset
                    if not ((mode == "kept" and not is_kept) or (mode == "removed" and is_kept)):
                        add(line, dup_field(cl, mi, is_kept, ofs[mi], options))
                elif mode != "removed":
                    add(line, single_dup(i + offset))
                if i == next_mem:
                    mi += 1
                    next_mem = int(mem[mi]) if mi < nm else -1
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    return writer.close() if writer is not None else out


def _line(line: bytes, dup: Any) -> bytes:
    """An output line as `newscli.io.outputs.Sink.write_record` writes it (a record with its `dup`)."""
    from newscli.io.jsonl import loads as loads_record

    rec = loads_record(line)
    rec["dup"] = dup
    return orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE)


def _where() -> str:
    try:
        from distributed import get_worker

        return f"the Dask worker {get_worker().address}"
    except Exception:  # not in a worker (a test calling the task directly)
        return "a Dask worker"


class _Part:
    """One partition's part of the output: an `AtomicFile` (a temporary name, renamed when whole, so
    a task Dask runs again, its worker lost, rewrites it from the start) that counts its lines and
    says in one line which directory it could not write."""

    def __init__(self, path: str) -> None:
        from newscli.io import AtomicFile

        self.path, self.size, self.lines = path, 0, 0
        try:
            self.file = AtomicFile(path)
        except OSError as exc:
            raise _part_error(path, exc) from None

    def add(self, line: bytes, dup: Any) -> None:
        data = _line(line, dup)
        try:
            self.file.write(data)
        except OSError as exc:
            self.abandon()
            raise _part_error(self.path, exc) from None
        self.size += len(data)
        self.lines += 1

    def close(self) -> tuple[str, int, int]:
        try:
            self.file.commit()
        except OSError as exc:
            self.abandon()
            raise _part_error(self.path, exc) from None
        return self.path, self.size, self.lines

    def abandon(self) -> None:
        self.file.abort()


def _part_error(path: str, exc: OSError) -> Exception:
    from newscli.io import PartError

    return PartError(f"{_where()} cannot write its part of the output in {os.path.dirname(path)}: "
                     f"{exc.strerror or exc} (the client and every worker must see that directory)")


def probe_parts(directory: str) -> tuple[str, str]:
    """On every worker before a run (``client.run``): write a file in the parts directory; the
    client then checks that it sees it. Returns ("ok", the file's path) or ("error", why)."""
    import uuid

    path = os.path.join(directory, f"probe-{uuid.uuid4().hex}")
    try:
        with open(path, "w", encoding="ascii") as fh:
            fh.write(os.path.basename(path))
    except OSError as exc:
        return "error", str(exc.strerror or exc)
    return "ok", path
