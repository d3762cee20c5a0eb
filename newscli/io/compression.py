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
    """Wrap a binary stream in the decompressor its first bytes call for.

    bzip2, xz and zstd are read stream after stream (pbzip2, lbzip2, parallel xz and zstd -T write
    several); data after a stream that is not another valid stream raises an error instead of
    being ignored, as gzip does. Each read decompresses a bounded amount (see _Streams)."""
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)  # type: ignore[arg-type]
    kind = sniff_compression(buffered.peek(8)[:8])
    if kind == "gzip":
        return gzip.GzipFile(fileobj=buffered), kind  # type: ignore[return-value]
    if kind == "bzip2":
        return io.BufferedReader(_Streams(buffered, bz2.BZ2Decompressor, "bzip2"), buffer_size=1 << 16), kind
    if kind == "xz":
        return io.BufferedReader(_Streams(buffered, lzma.LZMADecompressor, "xz"), buffer_size=1 << 16), kind
    if kind == "zstd":
        return io.BufferedReader(_ZstdReader(buffered), buffer_size=1 << 16), kind  # type: ignore[arg-type]
    return buffered, None


_IN_CHUNK = 1 << 16


class _Streams(io.RawIOBase):
    """Concatenated bzip2 or xz streams, read with a bounded output per call (max_length).

    Unlike bz2.BZ2File/lzma.LZMAFile, bytes after a stream that do not start a valid stream raise
    EOFError ("trailing data ...") instead of ending the file quietly: a corrupt later stream of a
    multi-stream archive would otherwise lose its records without a word. Trailing NUL padding
    (which holds no data) is accepted."""

    def __init__(self, raw: IO[bytes], factory: Any, kind: str) -> None:
        self._raw, self._factory, self._kind = raw, factory, kind
        self._d = factory()
        self._in = b""
        self._streams = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        want = len(buf)
        while True:
            if self._d.eof:
                self._streams += 1
                rest = (self._d.unused_data or self._raw.read(_IN_CHUNK)).lstrip(b"\0")
                while not rest:  # NUL padding (stream padding in xz) holds no data
                    rest = self._raw.read(_IN_CHUNK)
                    if not rest:
                        break
                    rest = rest.lstrip(b"\0")
                if not rest:
                    return 0
                self._d = self._factory()
                self._in = rest
                try:
                    out = self._d.decompress(self._in, want)
                except (OSError, lzma.LZMAError) as exc:
                    raise EOFError(f"trailing data after {self._kind} stream {self._streams} is not a valid "
                                   f"{self._kind} stream ({exc})") from None
                self._in = b""
            else:
                if self._d.needs_input and not self._in:
                    self._in = self._raw.read(_IN_CHUNK)
                    if not self._in:
                        raise EOFError("Compressed file ended before the end-of-stream marker was reached")
                out = self._d.decompress(self._in, want)
                self._in = b""
            if out:
                n = len(out)
                buf[:n] = out
                return n


class _ZstdReader(io.RawIOBase):
    """zstd frames, one after another, raising EOFError when the input stops inside a frame
    (zstandard's stream_reader silently returns what it had, so a truncated file would look whole).

    Linear and bounded: the decompressor is fed small pieces of input, sized so that one piece
    gives about _OUT_TARGET bytes (zstandard's decompressobj has no max_length; a 4 KB frame can
    hold 100 MB), and the output is handed out from an offset instead of re-slicing the rest."""

    _OUT_TARGET = 1 << 20
    _MIN_IN, _MAX_IN = 64, 1 << 16

    def __init__(self, raw: IO[bytes]) -> None:
        import zstandard

        self._zstd = zstandard
        self._raw = raw
        self._d = zstandard.ZstdDecompressor().decompressobj()
        self._out = b""
        self._pos = 0
        self._in = b""  # input read but not fed yet
        self._in_pos = 0
        self._step = 256  # bytes of input per feed, adapted to the compression ratio
        self._fed = False

    def readable(self) -> bool:
        return True

    def _next_input(self) -> bytes:
        if self._in_pos >= len(self._in):
            self._in, self._in_pos = self._raw.read(self._MAX_IN), 0
        piece = self._in[self._in_pos:self._in_pos + self._step]
        self._in_pos += len(piece)
        return piece

    def _feed(self) -> bool:
        """Decompress one piece into self._out; False at the end of the input."""
        if self._d.eof:
            rest = self._d.unused_data
            self._d = self._zstd.ZstdDecompressor().decompressobj()
            self._fed = False
            if rest:
                self._in, self._in_pos = rest + self._in[self._in_pos:], 0
        data = self._next_input()
        if not data:
            if self._fed and not self._d.eof:
                raise EOFError("Compressed file ended before the end-of-stream marker was reached")
            return False
        self._fed = True
        out = self._d.decompress(data)
        if len(out) > self._OUT_TARGET:
            self._step = max(self._MIN_IN, self._step * self._OUT_TARGET // len(out))
        elif len(out) < self._OUT_TARGET // 4:
            self._step = min(self._MAX_IN, self._step * 2)
        self._out, self._pos = out, 0
        return True

    def readinto(self, buf: Any) -> int:
        while self._pos >= len(self._out):
            if not self._feed():
                return 0
        n = min(len(buf), len(self._out) - self._pos)
        buf[:n] = self._out[self._pos:self._pos + n]
        self._pos += n
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

