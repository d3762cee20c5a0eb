"""Outputs: atomic files, numbered shards, standard output, and the rejects file."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

from newscli.io.compression import _compressor
from newscli.io.errors import Reject, UsageError
from newscli.io.inputs import STDIN

def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def check_output_path(path: str | None, inputs: list[str], what: str = "output") -> None:
    """Refuse to write over an input (raises UsageError)."""
    if path is None or path == STDIN:
        return
    for item in inputs:
        if item != STDIN and same_file(path, item):
            raise UsageError(f"refusing to write the {what} {path} over an input file")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"cannot write {what} {path}: directory {parent} does not exist")


class AtomicFile:
    """A file written to a temporary name next to its target and renamed on commit().

    Compression follows the target's extension (.gz .bz2 .xz .zst). abort() (also on any
    exception inside `with`) removes the temporary file, so a failed run leaves nothing at path.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.special = os.path.exists(path) and not os.path.isfile(path)
        if self.special:  # /dev/null, a named pipe: nothing to rename, write straight through
            self.tmp = path
            self._raw = open(path, "wb", buffering=1 << 20)
        else:
            directory = os.path.dirname(os.path.abspath(path))
            fd, self.tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
            self._raw = os.fdopen(fd, "wb", buffering=1 << 20)
        self._fh = _compressor(path, self._raw)
        self.closed = False

    def write(self, data: bytes) -> None:
        self._fh.write(data)

    def commit(self) -> None:
        if self.closed:
            return
        if self._fh is not self._raw:
            self._fh.close()
        self._raw.flush()
        if self.special:
            self._raw.close()
            self.closed = True
            return
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.chmod(self.tmp, 0o666 & ~_umask())
        os.replace(self.tmp, self.path)
        self.closed = True

    def abort(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self._raw.close()
        except Exception:
            pass
        if self.special:
            return
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def shard_name(path: str, index: int) -> str:
    """out.jsonl.gz -> out-00000.jsonl.gz"""
    p = Path(path)
    name = p.name
    stem, dot, rest = name.partition(".")
    return str(p.with_name(f"{stem}-{index:05d}{dot}{rest}"))


class Output:
    """Where records (or text lines) go: stdout, one atomic file, or atomic numbered shards.

    Nothing appears at the target paths until commit(); abort() removes every temporary file.
    """

    def __init__(self, path: str | None, *, shard_size: int | None = None) -> None:
        self.path = path if path not in (None, STDIN) else None
        self.shard_size = shard_size if self.path else None
        self._files: list[AtomicFile] = []
        self._current: AtomicFile | None = None
        self._count = 0
        self._stdout = None if self.path else sys.stdout.buffer
        if self.path and not self.shard_size:
            self._current = AtomicFile(self.path)
            self._files.append(self._current)

    def _target(self) -> Any:
        if self._stdout is not None:
            return self._stdout
        if self.shard_size and self._count % self.shard_size == 0:
            self._current = AtomicFile(shard_name(self.path, len(self._files)))  # type: ignore[arg-type]
            self._files.append(self._current)
        return self._current

    def write_record(self, record: dict) -> None:
        self._target().write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
        self._count += 1

    def write_text(self, text: str) -> None:
        self._target().write(text.encode("utf-8") + b"\n")
        self._count += 1

    @property
    def count(self) -> int:
        return self._count

    def commit(self) -> list[str]:
        if self._stdout is not None:
            self._stdout.flush()
            return []
        if self.path and not self._files:  # sharded output with no record: one empty shard
            self._files.append(AtomicFile(shard_name(self.path, 0)))
        for f in self._files:
            f.commit()
        return [f.path for f in self._files]

    def abort(self) -> None:
        for f in self._files:
            f.abort()


class RejectWriter:
    """--rejects FILE: every rejected record as JSONL {source, line, error, raw}, atomically."""

    def __init__(self, path: str | None) -> None:
        self.file = AtomicFile(path) if path else None

    def write(self, reject: Reject) -> None:
        if self.file is not None:
            self.file.write(orjson.dumps(reject.as_json(), option=orjson.OPT_APPEND_NEWLINE))

    def commit(self) -> None:
        if self.file is not None:
            self.file.commit()

    def abort(self) -> None:
        if self.file is not None:
            self.file.abort()
