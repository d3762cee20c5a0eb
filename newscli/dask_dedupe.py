"""`--engine dask` with dedupe: stages 2-6 of a run on the cluster, with dedupe's own functions.

The records never travel to the client before they are written: each partition's task keeps them
on the worker that read them, in a dedupe `Spool` (temporary files on that worker's disk), and the
later stages move only small keyed arrays.

2. `hold` (per partition): read, web/clean/dates, signing (`newscli.pipeline.apply_steps`), and
   spool the records. The client gets back the rejects in order, the counts, and two columns per
   record (exact hash, flags: 9 bytes), from which it finds the exact groups and the records that
   take part in LSH (`newscli.dedupe.engine.representatives`, as local).
3. `band_rows` (per partition) emits the band rows (band, band key, position) of those records,
   split by a stable partitioner (MurmurHash3's 64-bit finaliser of band and key, never `hash()`,
   never `DataFrame.shuffle`) into buckets; `bucket_candidates` (per bucket) runs `bucket_pairs`
   and `head_pairs` on each band's rows, exactly as the local engine does on all of them: a bucket
   of the same band and key is always whole in one task, so the pair set is local's.
4. `left_rows` (per partition, for the pairs whose first record it holds) deduplicates the pairs
   and attaches that record's per-record data; `verify_right` (per partition, for the second
   record) reads its own and verifies with `newscli.dedupe.verify.check_pairs`, the local rule.
5. The client gathers the accepted edges (small), and the date key, length and id of the records
   in any group or pair, and runs `newscli.dedupe.engine.cluster_members` (`leader_clusters`).
6. Each partition gets its members' verdicts and emits its records in order with their `dup`
   field (`dup_field`, `single_dup`), as local's `_emit` does.

7. With ``parts`` (JSON lines of whole records to a place the workers see), each partition's task
   writes its lines to a part file in a run-private directory (beside the output by default) and
   returns only (path, bytes, lines); the client copies the parts in order into the one writer
   (`newscli.io.outputs.Sink.write_lines_file`: one file or shards cut at the same line counts,
   compression, atomic commit), removing each part once copied and the directory after the run
   (success, failure or interrupt). Before any work every worker writes a probe file there that
   the client must see (else a usage error naming the directory). Otherwise the records (or
   lines) reach the client partition by partition, in order, through Dask.
"""

from __future__ import annotations

import operator
import os
import pickle
import shutil
import tempfile
from collections import Counter
from typing import Any, Iterator

import numpy as np
import orjson

from newscli.dask_tasks import (_nbytes, band_rows, bucket_candidates, emit, hold, left_rows, members_of, probe_parts,
                                summary_of, verify_right)

__all__ = ["DistributedDedupe"]


class DistributedDedupe:
    """The chunks of a `--engine dask` run with dedupe (one per partition: its rejects in order, a
    None per record, and its counts), and `dedupe`, which `newscli.pipeline.run` calls in place of
    `dedupe_records` to run stages 3-6 on the cluster."""

    def __init__(self, engine: Any, paths: list[str], steps: list, options: Any, text_field: str,
                 html_field: str | None, chunk_records: int, keep_empty: bool, serialize: bool = False,
                 parts: tuple[str, str] | None = None) -> None:
        self.engine, self.client, self.serialize = engine, engine.client, serialize
        self.parts = parts  # (directory, name): where the run-private parts directory goes
        self.parts_dir: str | None = None
        self.part_bytes = 0  # bytes of the output's lines written in parts by the workers
        self.args = (paths, steps, options, text_field, html_field, chunk_records, keep_empty)
        self.held: list = []
        self.sizes: list[int] = []
        self.columns: list = []
        self.moved = Counter()  # bytes the client received, by stage (the bench reads it)
        self.sent = Counter()  # bytes the client sent, by stage
        self.shuffled = Counter()  # with measure: bytes of the pieces passed between tasks, by stage
        self.measure = False

    def _submit(self, fn, *args) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def _gather(self, futures: list) -> list:
        return [self.engine._result(f) for f in futures]

    def __iter__(self) -> Iterator[tuple[list, Any, Any]]:
        paths, steps, options, text_field, html_field, chunk_records, keep_empty = self.args
        cwd = os.getcwd()
        try:
            if self.parts is not None:
                self._open_parts()
            for part in self.engine.partitions(paths):
                self.held.append(self._submit(hold, part, steps, options, text_field, html_field, chunk_records,
                                              keep_empty, cwd))
            metas = [self._submit(summary_of, h) for h in self.held]
            for k, fut in enumerate(metas):
                skeleton, counts, exact, flags = self.engine._result(fut)
                fut.release()
                self.moved["2 rejects and columns"] += len(pickle.dumps((skeleton, counts, exact, flags), protocol=5))
                self.sizes.append(len(exact))
                self.columns.append((exact, flags))
                yield skeleton, k, counts
        except BaseException:
            self.release()
            raise

    def _open_parts(self) -> None:
        """The run-private parts directory, and a probe: every worker writes a file there that the
        client must see (a usage error naming the directory otherwise, before any work)."""
        from newscli.io import UsageError

        base, name = self.parts  # type: ignore[misc]
        try:
            self.parts_dir = tempfile.mkdtemp(prefix=f"{name}.parts-", dir=base)
        except OSError as exc:
            raise UsageError(f"cannot make the output's parts directory in {base}: {exc.strerror or exc}") from None
        self.engine.scratch.append(self.parts_dir)
        hint = "the client and every Dask worker must see the output's directory (shared storage), or set " \
               "NEWSCLI_PARTS_DIR to a directory they all see"
        for worker, (status, what) in sorted(self.client.run(probe_parts, self.parts_dir).items()):
            if status != "ok":
                raise UsageError(f"the Dask worker {worker} cannot write in {self.parts_dir}: {what} ({hint})")
            try:
                with open(what, encoding="ascii") as fh:
                    seen = fh.read() == os.path.basename(what)
            except OSError:
                seen = False
            if not seen:
                raise UsageError(f"the Dask worker {worker} writes {self.parts_dir} where the client does not see it "
                                 f"({hint})")
            os.unlink(what)

    def release(self) -> None:
        for fut in self.held:
            try:
                fut.release()
            except Exception:  # the client may be closing already
                pass
        self.held = []
        if self.parts_dir is not None:
            shutil.rmtree(self.parts_dir, ignore_errors=True)
            if not os.path.exists(self.parts_dir) and self.parts_dir in self.engine.scratch:
                self.engine.scratch.remove(self.parts_dir)  # else a cancelled task wrote in it: close() retries
            self.parts_dir = None

    def dedupe(self, chunks: Any, options: Any, stats: Any = None) -> Iterator[dict]:
        """Stages 3-6 once every chunk has been read; yields the records in input order."""
        from newscli.dedupe import DedupeStats

        st = stats if stats is not None else DedupeStats()
        try:
            for _ in chunks:  # the pipeline counts and reports the rejects on the way
                pass
            yield from self._dedupe(options, st)
        finally:
            self.release()

    def _dedupe(self, opt: Any, st: Any) -> Iterator[dict]:
        from newscli.dedupe.engine import apart_rows, cluster_members, cluster_rows, representatives
        from newscli.dedupe.verify import Edges

        wopt = opt.without_callbacks()  # what workers get: the callbacks stay here
        sizes = np.asarray(self.sizes, dtype=np.int64)
        bounds = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        n = int(sizes.sum())
        exact = np.concatenate([c[0] for c in self.columns]) if self.columns else np.zeros(0, np.uint64)
        flags = np.concatenate([c[1] for c in self.columns]) if self.columns else np.zeros(0, np.uint8)
        self.columns = []
        u, first, reps, _ = representatives(flags, exact, st)
        collect = opt.on_kept_apart is not None
        edges, apart = self._edges(reps, n, bounds, wopt, st, collect) if len(reps) >= 2 else (Edges().arrays(), Edges().apart_arrays())
        ids: list = []

        def columns(mem: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            date, tlen, found = self._members(mem, bounds)
            ids[:] = found
            return date, tlen, exact[mem]

        cl = cluster_members(columns, u, first, edges, st)

        def id_of(k: int) -> Any:
            return orjson.loads(ids[k])

        if opt.on_cluster is not None:
            for row in cluster_rows(cl, id_of):
                opt.on_cluster(row)
        if collect:
            pos = np.unique(np.concatenate(apart[:2]))
            blobs = self._members(pos, bounds)[2]
            for row in apart_rows(apart, pos, blobs.__getitem__, opt):
                opt.on_kept_apart(row)
            del blobs
        yield from self._emitted(cl, ids, bounds, sizes, wopt, st)

    def _members(self, pos: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray, list]:
        """Date keys, text lengths and JSON-encoded ids of global positions ``pos`` (ascending),
        read where they are held (stage 5)."""
        owner = np.searchsorted(bounds, pos, side="right") - 1
        futs = {p: self._submit(members_of, self.held[p], pos[owner == p] - bounds[p]) for p in np.unique(owner).tolist()}
        date = np.zeros(len(pos), np.int64)
        tlen = np.zeros(len(pos), np.int64)
        ids: list = [b""] * len(pos)
        for p, fut in futs.items():
            d, t, blob, off = self.engine._result(fut)
            self.moved["5 members"] += d.nbytes + t.nbytes + len(blob) + off.nbytes
            sel = owner == p
            date[sel], tlen[sel] = d, t
            for k, g in enumerate(np.flatnonzero(sel).tolist()):
                ids[g] = blob[off[k]: off[k + 1]]
        return date, tlen, ids

    def _edges(self, reps: np.ndarray, n: int, bounds: np.ndarray, opt: Any, st: Any, collect: bool = False) -> tuple:
        """Stages 3 and 4 on the cluster; the accepted edges gathered here, and with ``collect``
        the pairs kept apart in doubt (`Edges.apart_arrays`)."""
        P = len(self.held)
        T = max(P, self.engine.workers())
        owner = np.searchsorted(bounds, reps, side="right") - 1
        if self.measure:
            self.sent["3 LSH records"] += int(reps.nbytes)
        rows = [self._submit(band_rows, self.held[p], reps[owner == p] - bounds[p], int(bounds[p]), T) for p in range(P)]
        pieces = [[self._submit(operator.getitem, rows[p], t) for p in range(P)] for t in range(T)]
        buckets = [self._submit(bucket_candidates, pieces[t], n, bounds, opt.max_bucket, opt.max_leaders) for t in range(T)]
        sizing = {"3 band rows": [f for row in pieces for f in row]} if self.measure else {}
        del rows, pieces
        pairs = [self._submit(operator.getitem, b, 0) for b in buckets]
        by_left = [[self._submit(operator.getitem, pairs[t], p) for t in range(T)] for p in range(P)]
        left = [self._submit(left_rows, self.held[p], by_left[p], n, int(bounds[p]), bounds) for p in range(P)]
        lpieces = [self._submit(operator.getitem, lf, 0) for lf in left]
        by_right = [[self._submit(operator.getitem, lpieces[p], q) for p in range(P)] for q in range(P)]
        right = [self._submit(verify_right, self.held[q], by_right[q], int(bounds[q]), opt, collect) for q in range(P)]
        if self.measure:
            sizing["3 candidate pairs"] = [f for row in by_left for f in row]
            sizing["4 pairs with rows"] = [f for row in by_right for f in row]
            sizing = {k: [self._submit(_nbytes, f) for f in v] for k, v in sizing.items()}
        del pairs, by_left, lpieces, by_right
        for fut in buckets:
            largest, n_large = self.engine._result(self._submit(operator.itemgetter(1, 2), fut))
            st.largest_bucket = max(st.largest_bucket, largest)
            st.large_buckets += n_large
        parts, aparts = [], []
        for fut in right:
            arrays, (by_slots, by_lead), m, apart = self.engine._result(fut)
            self.moved["4 edges"] += sum(a.nbytes for a in arrays) + sum(a.nbytes for a in apart)
            aparts.append(apart)
            k = len(arrays[0])
            st.candidate_pairs += m
            st.rejected_by_slots += by_slots
            st.rejected_new_lead += by_lead
            st.accepted_pairs += k
            st.rejected_pairs += m - k
            parts.append(arrays)
        for stage, futs in sizing.items():
            self.shuffled[stage] += sum(self._gather(futs))
        return tuple(np.concatenate(c) for c in zip(*parts)), tuple(np.concatenate(c) for c in zip(*aparts))

    def _emitted(self, cl: Any, ids: list, bounds: np.ndarray, sizes: np.ndarray, opt: Any, st: Any) -> Iterator[dict]:
        """Stage 6: each partition's verdicts out, its records (with `dup`) back in order."""
        from newscli.dedupe.engine import Clusters

        mem = cl.mem
        owner = np.searchsorted(bounds, mem, side="right") - 1 if len(bounds) else mem
        kept_at = np.searchsorted(mem, cl.kept)
        in_flight = max(2, self.engine.workers())  # each result is a partition's output lines
        pending: list = []

        def submit(p: int) -> Any:
            sel = np.flatnonzero(owner == p)
            sub = Clusters(mem[sel] - bounds[p], cl.cluster[sel], cl.kept[sel], cl.sim[sel], cl.exact[sel],
                           cl.agree[sel], cl.differ[sel], cl.far[sel], cl.size[sel])
            ofs = [None if cl.kept[g] == mem[g] else orjson.loads(ids[int(kept_at[g])]) for g in sel.tolist()]
            if self.measure:
                self.sent["6 verdicts"] += _nbytes((sub, ofs))
            part = None if self.parts_dir is None else os.path.join(self.parts_dir, f"part-{p:05d}.jsonl")
            return self._submit(emit, self.held[p], sub, ofs, int(bounds[p]), opt, self.serialize, part)

        todo = iter(range(len(self.held)))
        try:
            for p in todo:
                pending.append(submit(p))
                while len(pending) >= in_flight:
                    yield from self._records(pending.pop(0), st)
            while pending:
                yield from self._records(pending.pop(0), st)
        finally:
            for fut in pending:
                try:
                    fut.cancel()
                except Exception:
                    pass

    def _records(self, fut: Any, st: Any) -> Iterator[dict]:
        out = self.engine._result(fut)
        fut.release()
        if self.parts_dir is not None:  # (path, bytes, lines) of a part the worker wrote
            from newscli.io import LinesFile

            path, size, lines = out
            self.moved["7 parts (path, bytes, lines)"] += _nbytes(out)
            self.part_bytes += size
            st.emitted += lines
            yield LinesFile(path, size, lines, self.parts_dir)
            try:  # copied: its disk space goes now
                os.unlink(path)
            except OSError:
                pass
            return
        if self.serialize:  # bytes: the output's lines, written as they are
            self.moved["6 records"] += sum(len(line) for line in out)
            st.emitted += len(out)
            yield from out
            return
        from newscli.io.jsonl import loads as loads_record

        for line, dup in out:
            self.moved["6 records"] += len(line)
            rec = loads_record(line)
            rec["dup"] = dup
            st.emitted += 1
            yield rec
