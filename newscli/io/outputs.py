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

import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable

import orjson

from newscli.io.compression import COMPRESSED_SUFFIXES, _compressor
from newscli.io.errors import Reject, UsageError, _oserror
from newscli.io.inputs import STDIN

STDOUT = "-"

# Extensions of formats newscli cannot write: naming one for an output is a usage error, rather
# than a JSONL file that only looks like a CSV.
UNWRITABLE_SUFFIXES = frozenset({".csv", ".tsv", ".xls", ".xlsx", ".ods", ".xml", ".html", ".htm", ".arrow",
                                 ".feather", ".ipc", ".avro", ".orc", ".pkl", ".pickle", ".db", ".sqlite",
                                 ".sqlite3", ".h5", ".hdf5", ".npy", ".npz", ".zip", ".tar", ".7z", ".pdf"})
PARQUET_SUFFIX = ".parquet"


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def shard_name(path: str, index: int) -> str:
    """out.jsonl.gz -> out-00000.jsonl.gz; .hidden.jsonl -> .hidden-00000.jsonl; out -> out-00000"""
    p = Path(path)
    name = p.name
    lead = len(name) - len(name.lstrip("."))
    stem, dot, rest = name[lead:].partition(".")
    return str(p.with_name(f"{name[:lead]}{stem}-{index:05d}{dot}{rest}"))


def shard_pattern(path: str) -> re.Pattern[str]:
    """The file names (in the output's directory) of every shard of `path`."""
    name = shard_name(path, 0).rsplit("/", 1)[-1]
    head, _, tail = name.partition("-00000")
    return re.compile(re.escape(head) + r"-\d{5,}" + re.escape(tail) + r"\Z")


def existing_shards(path: str) -> list[str]:
    directory = os.path.dirname(os.path.abspath(path))
    pattern = shard_pattern(path)
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    return sorted(os.path.join(directory, n) for n in names if pattern.match(n))


def output_format(path: str | None) -> str:
    """'jsonl' or 'parquet' for an output path (raises UsageError for an extension newscli cannot write)."""
    if not path or path == STDOUT:
        return "jsonl"
    suffixes = [s.lower() for s in Path(path).suffixes]
    compressed = bool(suffixes) and suffixes[-1] in COMPRESSED_SUFFIXES
    base = suffixes[-2] if compressed and len(suffixes) > 1 else (suffixes[-1] if suffixes and not compressed else "")
    if base == PARQUET_SUFFIX:
        if compressed:
            raise UsageError(f"cannot write {path}: Parquet is compressed inside the file; name it {Path(path).stem}")
        return "parquet"
    if base in UNWRITABLE_SUFFIXES:
        raise UsageError(f"cannot write {path}: newscli writes JSONL (.jsonl, .jsonl.gz, ...) or Parquet (.parquet), "
                         f"not {base}")
    return "jsonl"


# ------------------------------------------------------------------ planning (checks before any work)

@dataclass
class Target:
    """One planned output: `kind` is 'stdout', 'file' (atomic) or 'special' (written through)."""

    what: str
    path: str
    kind: str
    real: str = ""  # the path written (symlinks followed)
    mode: int | None = None  # permission bits to keep (an existing regular file)
    shard_size: int | None = None
    fmt: str = "jsonl"


def _identity(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


def _input_identities(inputs: Iterable[str], reads_stdin: bool) -> dict[tuple[int, int], str]:
    ids: dict[tuple[int, int], str] = {}
    for path in inputs:
        if path == STDIN:
            continue
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            ids.setdefault(_identity(st), path)
    if reads_stdin:
        try:
            st = os.fstat(0)
            if stat.S_ISREG(st.st_mode):
                ids.setdefault(_identity(st), "standard input")
        except OSError:
            pass
    return ids


def _probe_directory(directory: str, what: str, path: str) -> None:
    """Create and remove a temporary file where the output will be written: a read-only or
    pseudo file system (/proc, /sys) fails here, before any work."""
    if not os.path.isdir(directory):
        raise UsageError(f"cannot write the {what} {path}: directory {directory} does not exist")
    try:
        fd, probe = tempfile.mkstemp(prefix=".newscli-probe.", dir=directory)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"cannot write the {what} {path}: {_oserror(exc)}") from None


def _plan_one(what: str, path: str, shard_size: int | None) -> Target:
    if path == STDOUT:
        if shard_size:
            raise UsageError("--shard-size needs -o/--output naming a file")
        return Target(what, path, "stdout")
    fmt = output_format(path) if what == "output" else _plain_format(what, path)
    real = os.path.realpath(path)  # a symlink: its target, treated the same way
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise UsageError(f"cannot write the {what} {path}: {_oserror(exc)}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise UsageError(f"cannot write the {what} {path}: it is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        if shard_size:
            raise UsageError(f"--shard-size needs a regular file name, not {path}")
        if not os.access(real, os.W_OK):
            raise UsageError(f"cannot write the {what} {path}: permission denied")
        return Target(what, path, "special", real, None, None, fmt)
    _probe_directory(os.path.dirname(real), what, path)
    if st is not None and not os.access(real, os.W_OK) and not shard_size:
        raise UsageError(f"cannot write the {what} {path}: permission denied")
    mode = stat.S_IMODE(st.st_mode) if st is not None else None
    return Target(what, path, "file", real, mode, shard_size, fmt)


def _plain_format(what: str, path: str) -> str:
    if output_format(path) == "parquet":
        raise UsageError(f"the {what} is JSON lines; Parquet is only for -o/--output ({path})")
    return "jsonl"


def plan_outputs(targets: list[tuple[str, str | None]], inputs: list[str], *, reads_stdin: bool,
                 shard_size: int | None = None) -> list[Target]:
    """Check every output before any work (raises UsageError): `-` at most once; no output over an
    input (by device and inode, standard input included), over another output, or over a file named
    like one of its shards; directories, missing directories and unwritable places refused.

    `targets` are (what, path) pairs, the first being the records output ("output") when present;
    `inputs` are every file the run reads (inputs, --files-from, --boilerplate files)."""
    planned: list[Target] = []
    for what, path in targets:
        if path is None:
            continue
        planned.append(_plan_one(what, path, shard_size if what == "output" else None))
    users = [t for t in planned if t.kind == "stdout"]
    if len(users) > 1:
        raise UsageError(f"only one output can be standard output ('-'); the {users[0].what} and the "
                         f"{users[1].what} both are")
    ids = _input_identities(inputs, reads_stdin)
    seen: dict[Any, Target] = {}
    for t in planned:
        names = _written_names(t)
        for name in names:
            try:
                st = os.stat(name)
            except OSError:
                st = None
            key: Any = ("path", os.path.abspath(name))
            if st is not None:
                if _identity(st) in ids:
                    raise UsageError(f"refusing to write the {t.what} {t.path} over the input {ids[_identity(st)]}")
                if stat.S_ISREG(st.st_mode):
                    key = _identity(st)
                elif stat.S_ISCHR(st.st_mode):
                    continue  # /dev/null, a terminal: several outputs may share it
            if key in seen and seen[key] is not t:
                raise UsageError(f"the {t.what} and the {seen[key].what} are the same file: {t.path}")
            seen[key] = t
            if t.shard_size:
                break
        if t.shard_size:
            pattern = shard_pattern(t.real)
            for other in planned:
                if other is not t and other.kind != "stdout" and pattern.match(os.path.basename(other.real)):
                    raise UsageError(f"the {other.what} {other.path} has the name of a shard of the output {t.path}")
    if any(t.kind == "stdout" for t in planned):
        try:
            st = os.fstat(1)
            if stat.S_ISREG(st.st_mode) and _identity(st) in ids:
                raise UsageError(f"refusing to write standard output over the input {ids[_identity(st)]}")
        except OSError:
            pass
    return planned


def _written_names(t: Target) -> list[str]:
    if t.kind == "stdout":
        return []
    if t.shard_size:
        return [shard_name(t.real, 0)] + existing_shards(t.real)
    return [t.real]


# ------------------------------------------------------------------ writing

def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class AtomicFile:
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

    @property
    def raw(self) -> IO[bytes]:
        return self._raw

    def write(self, data: bytes) -> None:
        self._fh.write(data)

    def finish(self) -> None:
        if self.finished:
            return
        if self._fh is not self._raw:
            self._fh.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
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


class ThroughFile:
    """Standard output or a special file (device, FIFO): written straight through, never replaced."""

    def __init__(self, target: Target) -> None:
        if target.kind == "stdout":
            self._raw: IO[bytes] = sys.stdout.buffer
            self._own = False
        else:
            self._raw = open(target.real, "wb", buffering=1 << 16)
            self._own = True
        self._fh = _compressor(target.path, self._raw) if target.kind != "stdout" else self._raw

    @property
    def raw(self) -> IO[bytes]:
        return self._raw

    def write(self, data: bytes) -> None:
        self._fh.write(data)

    def finish(self) -> None:
        if self._fh is not self._raw:
            self._fh.close()
            self._fh = self._raw
        self._raw.flush()

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
        fh = self._file()
        if self._parquet is not None:
            self._parquet.write(record)
        else:
            fh.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
        self.count += 1

    def write_bytes(self, data: bytes) -> None:
        if self.target.fmt == "parquet":
            raise UsageError(f"plain-text output cannot go to a Parquet file ({self.target.path})")
        self._file().write(data)
        self.count += 1

    def write_text(self, text: str) -> None:
        self.write_bytes(text.encode("utf-8") + b"\n")

    def finish(self) -> None:
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


# ------------------------------------------------------------------ kept for library callers

def check_output_path(path: str | None, inputs: list[str], what: str = "output") -> None:
    """Refuse to write over an input (raises UsageError). Prefer plan_outputs, which checks more."""
    if path is None or path == STDIN:
        return
    plan_outputs([(what, path)], inputs, reads_stdin=False)
