"""`--engine dask` inputs: partitions in the local engine's input order, read as the local reader reads.

A partition is a whole input, or, for an uncompressed JSONL file larger than `partition_bytes`, a
byte range cut at newlines whose line count is taken (on the cluster) so every record keeps the
line number, id and `source` the local reader gives it. Read with newscli's own reader (never
`dask.bag.read_text`, which rewrites newlines). Inputs are paths every worker sees, or JSONL files
at fsspec URLs (s3://, gs://, memory://), read through fsspec on the workers.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

__all__ = ["Partition", "DEFAULT_PARTITION_BYTES", "plan_partitions", "read_partition", "is_url", "check_url"]

DEFAULT_PARTITION_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Partition:
    """One unit of work: a whole input, or the byte range [start, end) of an uncompressed JSONL file
    whose first line is line number `first_line` of the file."""

    index: int
    path: str
    start: int = 0
    end: int | None = None
    first_line: int = 1

    @property
    def whole(self) -> bool:
        return self.end is None


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def is_url(path: Any) -> bool:
    """An fsspec URL (s3://, gs://, memory://, ...): read through fsspec, on the workers."""
    return isinstance(path, str) and bool(_URL.match(path))


def check_url(path: str) -> None:
    """On the client, before any work: a URL input names one JSONL file (plain or compressed) that
    fsspec can reach. Raises ValueError with the user's message (a usage error)."""
    from newscli.io.inputs import _is_jsonl_name

    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise ValueError(f"{path}: reading URLs needs fsspec (pip install fsspec)") from None
    if _is_jsonl_name(path) is not True:
        raise ValueError(f"{path}: a URL input must be a JSONL file (.jsonl, .jsonl.gz, .jsonl.zst, ...)")
    try:
        fs, where = url_to_fs(path)
        if not fs.isfile(where):
            raise FileNotFoundError("no such file")
    except ImportError as exc:  # the filesystem's package (s3fs, gcsfs) is missing
        raise ValueError(f"{path}: {str(exc).splitlines()[0]}") from None
    except Exception as exc:
        raise ValueError(f"{path}: cannot read: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def _open(path: str) -> Any:
    """A binary file, local or at an fsspec URL."""
    if is_url(path):
        import fsspec

        return fsspec.open(path, "rb").open()
    return open(path, "rb")


def _size(path: str) -> int:
    if is_url(path):
        from fsspec.core import url_to_fs

        fs, where = url_to_fs(path)
        return int(fs.size(where))
    return os.path.getsize(path) if path != "-" and os.path.isfile(path) else 0


def _splittable(path: str) -> bool:
    """An uncompressed JSONL file (by name), the only kind a byte range can be read from."""
    from newscli.io.compression import sniff_compression
    from newscli.io.inputs import _is_jsonl_name

    if _is_jsonl_name(path) is not True:
        return False
    try:
        with _open(path) as fh:
            return sniff_compression(fh.read(8)) is None
    except OSError:
        return False  # the reader reports it, in order, as the local engine does


def _aligned(fh, pos: int) -> int:
    """The first position at or after pos that starts a line (pos itself when it is 0)."""
    if pos == 0:
        return 0
    fh.seek(pos - 1)
    if fh.read(1) == b"\n":
        return pos
    fh.readline()
    return fh.tell()


@contextmanager
def _in_dir(cwd: str | None) -> Iterator[None]:
    """Run in the client's working directory, so relative input paths name the same files on a
    worker as they do for the user (workers of a remote cluster start elsewhere). Workers run one
    task at a time (`--nthreads 1`), so changing directory is safe there."""
    here = os.getcwd()
    if cwd is None or cwd == here:
        yield
        return
    try:
        os.chdir(cwd)
    except OSError as exc:
        raise RuntimeError(f"the client's working directory {cwd} is not on this worker ({exc.strerror}): "
                           "put the inputs on storage every worker sees, at the same path") from None
    try:
        yield
    finally:
        os.chdir(here)


def _range_lines(path: str, lo: int, hi: int | None, cwd: str | None = None) -> tuple[int, int, int]:
    """(aligned start, aligned end, newlines in between) for the approximate range [lo, hi)."""
    with _in_dir(cwd), _open(path) as fh:
        start = _aligned(fh, lo)
        size = _size(path)
        end = size if hi is None or hi >= size else _aligned(fh, hi)
        end = max(end, start)
        fh.seek(start)
        left, lines = end - start, 0
        while left > 0:
            block = fh.read(min(left, 1 << 22))
            if not block:
                break
            lines += block.count(b"\n")
            left -= len(block)
        return start, end, lines


def plan_partitions(paths: list[str], partition_bytes: int = DEFAULT_PARTITION_BYTES,
                    count: Callable[[list[tuple[str, int, int | None]]], list[tuple[int, int, int]]] | None = None) -> list[Partition]:
    """Partitions in input order. `count` maps [(path, lo, hi)] to [(start, end, lines)] (on the
    cluster); by default it runs here."""
    count = count or (lambda jobs: [_range_lines(*j) for j in jobs])
    plan: list[tuple[str, list[tuple[int, int | None]] | None]] = []
    jobs: list[tuple[str, int, int | None]] = []
    for path in paths:
        size = _size(path)
        if size > partition_bytes and _splittable(path):
            cuts = list(range(0, size, partition_bytes))
            ranges = [(lo, cuts[i + 1] if i + 1 < len(cuts) else None) for i, lo in enumerate(cuts)]
            plan.append((path, ranges))
            jobs.extend((path, lo, hi) for lo, hi in ranges)
        else:
            plan.append((path, None))
    counted = iter(count(jobs)) if jobs else iter(())
    parts: list[Partition] = []
    for path, ranges in plan:
        if ranges is None:
            parts.append(Partition(len(parts), path))
            continue
        line = 1
        for _ in ranges:
            start, end, lines = next(counted)
            if end > start:
                parts.append(Partition(len(parts), path, start, end, line))
            line += lines
    return parts


def read_partition(part: Partition, text_field: str = "text", html_field: str | None = None,
                   lazy: bool = False) -> Iterator[Any]:
    """The records (and Rejects) of one partition, as the local reader yields them; with lazy, JSONL
    lines come as RawLines (parsed in the steps, which then know the line a skipped record came
    from), as the local engine reads them."""
    from newscli.io.discovery import display_name
    from newscli.io.inputs import read_one

    if part.whole and is_url(part.path):
        yield from _read_url(part.path, text_field, html_field, lazy)
        return
    if part.whole:
        kwargs: dict[str, Any] = {"text_field": text_field, "lazy": lazy}
        if html_field is not None:
            kwargs["html_field"] = html_field
        yield from read_one(part.path, **kwargs)
        return
    with _open(part.path) as fh:
        fh.seek(part.start)
        left, lineno = part.end - part.start, part.first_line - 1  # type: ignore[operator]
        while left > 0:
            line = fh.readline(left)
            if not line:
                break
            left -= len(line)
            lineno += 1
            rec = _line_record(line, lineno, display_name(part.path), text_field, html_field, lazy)
            if rec is not None:
                yield rec


def _line_record(line: bytes, lineno: int, name: str, text_field: str, html_field: str | None, lazy: bool) -> Any:
    """One JSONL line as the local reader reads it (None for a blank line)."""
    from newscli.io.jsonl import chomp, line_item, parse_line

    raw = line_item(chomp(line), lineno, name, text_field, html_field)
    return raw if raw is None or lazy else parse_line(raw)


def _read_url(url: str, text_field: str, html_field: str | None, lazy: bool) -> Iterator[Any]:
    """A whole JSONL file at an fsspec URL, plain or compressed, line by line."""
    from newscli.io import Reject
    from newscli.io.compression import open_decompressed

    lineno = 0
    try:
        with _open(url) as raw:
            stream, kind = open_decompressed(raw)
            for line in stream:
                lineno += 1
                rec = _line_record(line, lineno, url, text_field, html_field, lazy)
                if rec is not None:
                    yield rec
    except Exception as exc:  # corrupt compressed data, the storage went away: a reject, as a local file's
        yield Reject(url, lineno + 1, f"cannot read: {type(exc).__name__}: {exc}"[:300])
