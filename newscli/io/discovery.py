"""Input discovery: the paths a run reads, in order (directories walked recursively and sorted,
symbolic links to directories followed once, `--files-from` read as bytes), and which names a
directory contributes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterable

from newscli.io.compression import COMPRESSED_SUFFIXES
from newscli.io.errors import UsageError, _oserror
from newscli.io.web import HTML_SUFFIXES

STDIN = "-"
STDIN_NAME = "<stdin>"
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}

# --------------------------------------------------------------------------- inputs

class Unreadable(str):
    """A path found while walking a directory that cannot be read (an unreadable subdirectory):
    a str, so it travels with the other paths; reading it gives a Reject naming the error."""

    error: str

    def __new__(cls, path: str, error: str) -> "Unreadable":
        obj = super().__new__(cls, path)
        obj.error = error
        return obj


def expand_inputs(inputs: Iterable[str], files_from: str | None = None) -> list[str]:
    """Paths to read, in order: directories recursively and sorted, `-` for stdin.

    A directory walk follows symbolic links to directories (each directory is walked once, so a
    link loop ends); an unreadable subdirectory becomes an `Unreadable` path and a dangling link
    stays in the list, so reading them reports the error the way a missing named file is reported.
    """
    items = list(inputs)
    if files_from is not None:
        items.extend(read_files_from(files_from))
    if not items:
        items = [STDIN]
    out: list[str] = []
    for item in items:
        if item != STDIN and os.path.isdir(item):
            found: list[str] = []
            _walk(item, found, set())
            out.extend(sorted(found))
        else:
            out.append(item)
    return out


def read_files_from(files_from: str) -> list[str]:
    """The paths listed in a --files-from file (or `-`), read as bytes: one path per line, blank lines
    and lines starting with `#` skipped. A line starting with a backslash is taken literally after
    it (`\\#notes.txt` names `#notes.txt`, `\\ x` names ` x`). Bytes that are not UTF-8 are kept
    as they are (surrogate escapes, as os.fsdecode does), so any file name can be listed."""
    try:
        if files_from == STDIN:
            data = sys.stdin.buffer.read()
        else:
            with open(files_from, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        raise UsageError(f"--files-from {display_name(files_from)}: cannot read: {_oserror(exc)}") from None
    items = []
    for line in data.split(b"\n"):
        if line.endswith(b"\r"):
            line = line[:-1]
        if line.startswith(b"\\"):
            items.append(os.fsdecode(line[1:]))
        elif line.strip() and not line.lstrip().startswith(b"#"):
            items.append(os.fsdecode(line))
    return items


def _walk(top: str, found: list[str], seen: set[tuple[int, int]]) -> None:
    try:
        st = os.stat(top)
        if (st.st_dev, st.st_ino) in seen:  # reached again through a link: read once
            return
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(top) as it:
            entries = list(it)
    except OSError as exc:
        found.append(Unreadable(top, _oserror(exc)))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()  # follows links
            is_file = not is_dir and entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            _walk(entry.path, found, seen)
        elif (is_file or (entry.is_symlink() and not os.path.exists(entry.path))) and is_input_name(entry.name):
            found.append(entry.path)  # a dangling link is kept: reading it reports the error


def display_name(path: str) -> str:
    """A path as shown in records and messages: bytes that are not UTF-8 as \\xNN escapes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", errors="backslashreplace")


DIRECTORY_SUFFIXES = {".txt", ".text", ".warc"} | JSONL_SUFFIXES | set(HTML_SUFFIXES)


def is_input_name(name: str) -> bool:
    """Which files a directory contributes: .txt/.text/.jsonl/.ndjson/.json (compressed or not) and
    files without an extension. README.md, images and the like are skipped; a file named on the
    command line is always read."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    while suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    return not suffixes or suffixes[-1] in DIRECTORY_SUFFIXES or not suffixes[-1][1:].isalpha()
