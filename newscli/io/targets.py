"""Output targets: what each output path is, and every check before any work.

`plan_outputs` turns (what, path) pairs into Targets: `-` (standard output, at most once), an open
descriptor (/dev/stdout, /dev/fd/N), a regular file (written atomically; symlinks followed) or a
special file (written through). It refuses, with a UsageError, an output over an input (by device
and inode, standard input included), two outputs on one file, a directory, a missing directory,
an unwritable place, an extension newscli cannot write, and an input named like a shard.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from newscli.io.compression import COMPRESSED_SUFFIXES
from newscli.io.errors import UsageError, _oserror
from newscli.io.discovery import STDIN

STDOUT = "-"

# Extensions of formats newscli cannot write: naming one for an output is a usage error, rather
# than a JSONL file that only looks like a CSV.
UNWRITABLE_SUFFIXES = frozenset({".csv", ".tsv", ".xls", ".xlsx", ".ods", ".xml", ".html", ".htm", ".arrow",
                                 ".feather", ".ipc", ".avro", ".orc", ".pkl", ".pickle", ".db", ".sqlite",
                                 ".sqlite3", ".h5", ".hdf5", ".npy", ".npz", ".zip", ".tar", ".7z", ".pdf"})
# Compression extensions newscli does not write: the output would be plain text under that name.
UNWRITABLE_COMPRESSION = frozenset({".lz4", ".br", ".lzma", ".z", ".snappy", ".sz", ".lz", ".lzo", ".zstd",
                                    ".gzip", ".bzip2", ".tgz", ".tbz", ".tbz2", ".txz", ".tzst", ".bz", ".rar"})
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
    if suffixes and suffixes[-1] in UNWRITABLE_COMPRESSION:
        raise UsageError(f"cannot write {path}: newscli compresses with .gz, .bz2, .xz or .zst (by the output's "
                         f"extension), not {Path(path).suffix}")
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


@dataclass
class Target:
    """One planned output: `kind` is 'stdout', 'fd' (an open descriptor, `real` its number), 'file'
    (atomic) or 'special' (a device or FIFO, written through)."""

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


_FD_PATH = re.compile(r"^/(?:dev/fd|proc/self/fd|proc/thread-self/fd|proc/(\d+)/fd)/(\d+)$")
_STD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def fd_of(path: str) -> int | None:
    """The file descriptor that `path` names in this process (/dev/stdout, /dev/fd/N,
    /proc/self/fd/N, or a symlink to one of them), or None."""
    seen = 0
    current = os.path.abspath(path)
    while seen < 40:
        if current in _STD_NAMES:
            return _STD_NAMES[current]
        m = _FD_PATH.match(current)
        if m and (m.group(1) is None or int(m.group(1)) == os.getpid()):
            return int(m.group(2))
        try:
            link = os.readlink(current)
        except OSError:
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
        seen += 1
    return None


def _plan_one(what: str, path: str, shard_size: int | None) -> Target:
    if path == STDOUT:
        if shard_size:
            raise UsageError("--shard-size needs -o/--output naming a file")
        return Target(what, path, "stdout")
    fd = fd_of(path)
    if fd is not None:  # an open descriptor (/dev/stdout, /dev/fd/3, >(cmd)): written through as it is
        if shard_size:
            raise UsageError(f"--shard-size needs a regular file name, not {path}")
        try:
            os.fstat(fd)
        except OSError as exc:
            raise UsageError(f"cannot write the {what} {path}: {_oserror(exc)}") from None
        fmt = output_format(path) if what == "output" else _plain_format(what, path)
        return Target(what, path, "stdout" if fd == 1 else "fd", str(fd), None, None, fmt)
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
    return planned


def _written_names(t: Target) -> list[str]:
    if t.kind in ("stdout", "fd"):
        return [f"/proc/self/fd/{1 if t.kind == 'stdout' else t.real}"]
    if t.shard_size:
        return [shard_name(t.real, 0)] + existing_shards(t.real)
    return [t.real]


def check_output_path(path: str | None, inputs: list[str], what: str = "output") -> None:
    """Refuse to write over an input (raises UsageError). Prefer plan_outputs, which checks more."""
    if path is None or path == STDIN:
        return
    plan_outputs([(what, path)], inputs, reads_stdin=False)
