"""Outputs: one writer for every path a run writes (records, rejects, stats, clusters, shards).

A run first *plans* its outputs (`plan_outputs`): every target is checked against every input and
against every other target before any work, so a bad path is a usage error and nothing exists yet.
Then each target is written by the same rules:

- `-` is standard output (at most one output may use it);
- a regular file (new or existing) is written to a temporary file in its directory and renamed over
  it only when the whole run succeeded; an existing file keeps its permission bits;
- a symlink is followed: its target is treated by these same rules (the link itself stays);
- anything that is not a regular file (`/dev/stdout`, `/dev/null`, a FIFO, `/dev/fd/N`) is written
  straight through and never replaced or removed;
- compression follows the name's extension (.gz .bz2 .xz .zst); `.parquet` writes Parquet (records
  only; needs the `newscli[parquet]` extra).

`OutputSet.commit()` publishes every output of the run together, after everything succeeded;
`OutputSet.abort()` removes every temporary file (nothing appears at any target).
Sharded output (`--shard-size`) writes one shard at a time (one open file), and at commit removes
stale shards of the same name pattern left by an earlier, longer run.
"""

from __future__ import annotations

import errno
import itertools
import os
import sys
import tempfile
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from newscli.io.compression import _compressor
from newscli.io.errors import PartError, Reject, UsageError
from newscli.io.targets import STDOUT, Target, existing_shards, shard_name

_COPY_BLOCK = 1 << 20
# copy_file_range not possible here (another file system on old kernels, unsupported): copy by blocks
_NO_COPY_RANGE = frozenset({errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EBADF, errno.EPERM,
                            errno.ETXTBSY})


@dataclass(frozen=True)
class LinesFile:
    """A file of output lines written elsewhere (`--engine dask`: one partition's part, written by
    a worker): `lines` JSON lines, `size` bytes, exactly as `Sink.write_record` would write them.
    `Sink.write_lines_file` copies it into the output; `where` names the directory it lies in."""

    path: str
    size: int
    lines: int
    where: str = ""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class _Writer:
    """What both kinds of output file share: a raw binary file behind an optional compressor."""

    _raw: IO[bytes]
    _fh: IO[bytes]

    @property
    def raw(self) -> IO[bytes]:
        return self._raw

    def write(self, data: bytes) -> None:
        self._fh.write(data)

    def copy_from(self, src: IO[bytes], size: int) -> None:
        """`size` bytes of a binary file, streamed in (a block at a time); PartError if it has fewer."""
        left = size
        while left:
            block = src.read(min(left, _COPY_BLOCK))
            if not block:
                raise PartError(f"a part of the output ends {left} bytes early: {src.name}")
            self._fh.write(block)
            left -= len(block)

    def _end_compressor(self) -> None:
        """Write the compressor's trailer (gzip, zstd, ...) and flush what lies under it."""
        if self._fh is not self._raw:
            self._fh.close()
            self._fh = self._raw
        self._raw.flush()


class AtomicFile(_Writer):
    """A regular file written to a temporary name next to its target, renamed on publish().

    finish() completes the data (compression trailer, fsync) and closes the file; publish() renames
    it over the target, keeping `mode` (an existing file's permission bits). abort() removes it.
    """

    def __init__(self, path: str, *, mode: int | None = None, name: str | None = None) -> None:
        self.path = path
        self.mode = mode
        directory = os.path.dirname(os.path.abspath(path))
        fd, self.tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
        self._raw = os.fdopen(fd, "wb", buffering=1 << 20)
        self._fh = _compressor(name or path, self._raw)
        self.finished = self.closed = False

    def copy_from(self, src: IO[bytes], size: int) -> None:
        """Uncompressed: `os.copy_file_range` (no bytes through this process where the file system
        copies itself: a reflink, NFS 4.2 server-side copy), else a block at a time. A range copy
        that stops short of `size` (some file systems return 0 without copying) is redone by blocks."""
        if self._fh is not self._raw or not hasattr(os, "copy_file_range"):
            return super().copy_from(src, size)
        self._raw.flush()
        start, done = src.tell(), 0
        try:
            while done < size:
                n = os.copy_file_range(src.fileno(), self._raw.fileno(), min(size - done, _COPY_BLOCK << 6))
                if not n:
                    break
                done += n
        except OSError as exc:
            if exc.errno not in _NO_COPY_RANGE:
                raise
        if done == size:
            return
        os.lseek(self._raw.fileno(), -done, os.SEEK_CUR)  # what was copied is written again by blocks
        src.seek(start)
        super().copy_from(src, size)

    def finish(self) -> None:
        if self.finished:
            return
        self._end_compressor()
        os.fsync(self._raw.fileno())
        self._raw.close()
        # a finished shard waits for publish() holding only its names: its compressor and buffers go
        # now (1,000 .zst shards kept them all: 1.16 GB)
        self._fh = self._raw = None  # type: ignore[assignment]
        self.finished = True

    def publish(self) -> None:
        if self.closed:
            return
        self.finish()
        os.chmod(self.tmp, self.mode if self.mode is not None else 0o666 & ~_umask())
        os.replace(self.tmp, self.path)
        self.closed = True

    def commit(self) -> None:
        self.finish()
        self.publish()

    def abort(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            if self._raw is not None:
                self._raw.close()
        except Exception:
            pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, exc_type: Any, *rest: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


class ThroughFile(_Writer):
    """Standard output or a special file (device, FIFO): written straight through, never replaced."""

    def __init__(self, target: Target) -> None:
        if target.kind == "stdout":
            sys.stdout.flush()
            self._raw: IO[bytes] = sys.stdout.buffer
            self._own = False
        elif target.kind == "fd":  # a duplicate of the descriptor: its offset and O_APPEND are kept
            self._raw = os.fdopen(os.dup(int(target.real)), "wb", buffering=1 << 16)
            self._own = True
        else:
            self._raw = open(target.real, "wb", buffering=1 << 16)
            self._own = True
        self._fh = _compressor(target.path, self._raw) if target.path != STDOUT else self._raw

    def finish(self) -> None:
        self._end_compressor()

    def publish(self) -> None:
        if self._own and not self._raw.closed:
            self._raw.close()

    def abort(self) -> None:
        if self._own:
            try:
                self._raw.close()
            except OSError:
                pass


def _open(target: Target, path: str | None = None) -> Any:
    if target.kind == "file":
        return AtomicFile(path or target.real, mode=target.mode, name=path or target.path)
    return ThroughFile(target)


class Sink:
    """One planned output as a stream of JSON lines, text lines or (for .parquet) Parquet rows.

    Opened on the first write; with shards, one shard file is open at a time (a full shard is
    finished and closed, and renamed at commit)."""

    def __init__(self, target: Target, *, fields: list[str] | None = None) -> None:
        self.target = target
        self._files: list[Any] = []
        self._current: Any = None
        self._parquet: Any = None
        self._fields = fields
        self.count = 0

    def _file(self) -> Any:
        t = self.target
        if t.shard_size and self._current is not None and self.count and self.count % t.shard_size == 0:
            self._close_current()
        if self._current is None:
            path = shard_name(t.real, len(self._files)) if t.shard_size else None
            self._current = _open(t, path)
            self._files.append(self._current)
            if t.fmt == "parquet":
                from newscli.io.parquet import ParquetRows

                self._parquet = ParquetRows(self._current.raw, self._fields)
        return self._current

    def _close_current(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if self._current is not None:
            self._current.finish()
            self._current = None

    def write_record(self, record: dict) -> None:
        with self._named_errors():
            fh = self._file()
            if self._parquet is not None:
                self._parquet.write(record)
            else:
                fh.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
        self.count += 1

    def _no_parquet(self) -> None:
        if self.target.fmt == "parquet":
            raise UsageError(f"plain-text output cannot go to a Parquet file ({self.target.path})")

    def write_bytes(self, data: bytes) -> None:
        self._no_parquet()
        with self._named_errors():
            self._file().write(data)
        self.count += 1

    def write_lines_file(self, part: LinesFile) -> None:
        """Copy a file of output lines in, streamed (never a whole part in memory), as `write_bytes`
        line by line would write it: shards are cut at the same line counts. Raises PartError when
        the file is not here or not whole (written where this process does not see it)."""
        self._no_parquet()
        where = part.where or os.path.dirname(part.path)
        try:
            src = open(part.path, "rb")
        except OSError as exc:
            raise PartError(f"cannot read the part {os.path.basename(part.path)} of the output in {where}: "
                            f"{exc.strerror or exc} (the client and every worker must see that directory)") from None
        with src:
            size = os.fstat(src.fileno()).st_size
            if size != part.size:
                raise PartError(f"the part {os.path.basename(part.path)} of the output in {where} has {size} bytes here, "
                                f"{part.size} where it was written (the client and every worker must see that directory)")
            with self._named_errors():
                if not self.target.shard_size:
                    if part.lines:
                        self._file().copy_from(src, part.size)
                    self.count += part.lines
                else:
                    self._copy_lines(src, part.lines)

    def _copy_lines(self, src: IO[bytes], lines: int) -> None:
        """`lines` lines from src, a shard's remaining room at a time (a full shard closed first)."""
        left = lines
        while left:
            fh = self._file()
            take = min(self.target.shard_size - self.count % self.target.shard_size, left)  # type: ignore[operator]
            n = 0
            for line in itertools.islice(src, take):
                fh.write(line)
                n += 1
            if n < take:
                raise PartError(f"a part of the output ends {left - n} lines early: {src.name}")
            self.count += take
            left -= take
        if src.read(1):
            raise PartError(f"a part of the output has more than its {lines} lines: {src.name}")

    def _named_errors(self) -> "_NamedErrors":
        return _NamedErrors(self.target)

    def write_text(self, text: str) -> None:
        self.write_bytes(text.encode("utf-8") + b"\n")

    def finish(self) -> None:
        with self._named_errors():
            if not self._files:
                self._file()  # an empty output still exists after a successful run (one empty shard)
            self._close_current()

    def paths(self) -> list[str]:
        t = self.target
        if t.kind == "stdout":
            return []
        if t.shard_size:
            return [shard_name(t.path, i) for i in range(len(self._files))]
        return [t.path]

    def publish(self) -> None:
        with self._named_errors():
            self._publish()

    def _publish(self) -> None:
        for f in self._files:
            f.publish()
        if self.target.shard_size:  # stale shards of an earlier, longer run: removed
            written = {os.path.abspath(f.path) for f in self._files}
            for stale in existing_shards(self.target.real):
                if os.path.abspath(stale) not in written:
                    os.unlink(stale)

    def abort(self) -> None:
        if self._parquet is not None:
            self._parquet.abandon()
            self._parquet = None
        for f in self._files:
            f.abort()


class _NamedErrors:
    """Name the output in an OSError raised while writing it (a broken pipe stays a BrokenPipeError)."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if exc_type is not None and issubclass(exc_type, OSError) and not issubclass(exc_type, BrokenPipeError) \
                and not getattr(exc, "newscli_named", False):
            named = OSError(exc.errno, exc.strerror or str(exc), "-" if self.target.kind == "stdout" else self.target.path)
            named.newscli_named = True  # type: ignore[attr-defined]
            named.what = self.target.what  # type: ignore[attr-defined]
            raise named from exc
        return False


@dataclass
class OutputSet:
    """Every output of one run: opened on demand, committed together, or aborted together."""

    targets: list[Target]
    fields: list[str] | None = None  # --fields: the Parquet columns of the records output
    sinks: dict[str, Sink] = field(default_factory=dict)

    def sink(self, what: str) -> Sink | None:
        if what not in self.sinks:
            target = next((t for t in self.targets if t.what == what), None)
            if target is None:
                return None
            self.sinks[what] = Sink(target, fields=self.fields if what == "output" else None)
        return self.sinks[what]

    def paths(self, what: str) -> list[str]:
        s = self.sink(what)
        return s.paths() if s is not None else []

    def commit(self) -> None:
        """Finish every output (all data written, synced), then publish them all."""
        for t in self.targets:
            self.sink(t.what)
        for s in self.sinks.values():
            s.finish()
        for s in self.sinks.values():
            s.publish()

    def abort(self) -> None:
        for s in self.sinks.values():
            s.abort()


def write_reject(sink: Sink | None, reject: Reject) -> None:
    if sink is not None:
        sink.write_record(reject.as_json())
