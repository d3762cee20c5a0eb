"""Compression: sniffing by content, decompressing readers (gzip, bzip2, xz, zstd) and
compressing writers chosen by extension."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from pathlib import Path
from typing import IO, Any

COMPRESSED_SUFFIXES = {".gz", ".bz2", ".xz", ".zst"}
_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)



def sniff_compression(head: bytes) -> str | None:
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def open_decompressed(raw: IO[bytes]) -> tuple[IO[bytes], str | None]:
    """Wrap a binary stream in the decompressor its first bytes call for."""
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type]
    kind = sniff_compression(buffered.peek(8)[:8])
    if kind == "gzip":
        return gzip.GzipFile(fileobj=buffered), kind  # type: ignore[return-value]
    if kind == "bzip2":
        return bz2.BZ2File(buffered), kind  # type: ignore[return-value]
    if kind == "xz":
        return lzma.LZMAFile(buffered), kind  # type: ignore[return-value]
    if kind == "zstd":
        return io.BufferedReader(_ZstdReader(buffered), buffer_size=1 << 16), kind  # type: ignore[arg-type]
    return buffered, None


class _ZstdReader(io.RawIOBase):
    """zstd frames, one after another, raising EOFError when the input stops inside a frame
    (zstandard's stream_reader silently returns what it had, so a truncated file would look whole)."""

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard

        self._zstd = zstandard
        self._raw = raw
        self._d = zstandard.ZstdDecompressor().decompressobj()
        self._pending = b""
        self._fed = False

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        while not self._pending:
            if self._d.eof:
                rest = self._d.unused_data
                self._d = self._zstd.ZstdDecompressor().decompressobj()
                self._fed = False
                if rest:
                    self._pending = self._d.decompress(rest)
                    self._fed = True
                    continue
            data = self._raw.read(1 << 16)
            if not data:
                if self._fed and not self._d.eof:
                    raise EOFError("Compressed file ended before the end-of-stream marker was reached")
                return 0
            self._fed = True
            self._pending = self._d.decompress(data)
        n = min(len(buf), len(self._pending))
        buf[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


_DECOMPRESS_ERRORS: tuple[type[BaseException], ...] = (EOFError, OSError, zlib.error, lzma.LZMAError)


def _decompress_errors() -> tuple[type[BaseException], ...]:
    try:
        import zstandard

        return _DECOMPRESS_ERRORS + (zstandard.ZstdError,)
    except ImportError:  # pragma: no cover
        return _DECOMPRESS_ERRORS


def _compressor(path: str, fh: IO[bytes]) -> IO[bytes]:
    suffix = Path(path).suffix.lower()
    if suffix == ".gz":
        return gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=6, mtime=0)  # type: ignore[return-value]
    if suffix == ".bz2":
        return bz2.BZ2File(fh, mode="wb")  # type: ignore[return-value]
    if suffix == ".xz":
        return lzma.LZMAFile(fh, mode="wb")  # type: ignore[return-value]
    if suffix == ".zst":
        import zstandard

        return zstandard.ZstdCompressor(level=3).stream_writer(fh, closefd=False)  # type: ignore[return-value]
    return fh

