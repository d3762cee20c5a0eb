"""Errors shared by readers, writers and the CLI: a rejected record and a usage error."""

from __future__ import annotations

from dataclasses import dataclass, field

@dataclass(slots=True)
class Reject:
    """A record that could not be read or processed: where, why, and the raw input."""

    source: str
    line: int
    error: str
    raw: str | None = None
    detail: str | None = field(default=None, compare=False)  # a traceback, shown with -v
    # "error" (could not be read or processed); otherwise a record skipped by design, not an error:
    # "empty" (a blank body), "emptied" (clean left no body text), "not_arabic" (a web page whose
    # main text is not mostly Arabic), "warc_request", "warc_not_html", ... (WARC records that are
    # not pages). Only "error" makes the exit code 1.
    reason: str = "error"

    @property
    def skipped(self) -> bool:
        return self.reason != "error"

    def as_json(self) -> dict:
        return {"source": self.source, "line": self.line, "error": self.error, "raw": self.raw, "reason": self.reason}

    def message(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.error}"


class UsageError(Exception):
    """A problem with how newscli was called (exit code 2)."""


class PartError(Exception):
    """A part of the output written elsewhere (`--engine dask`: by a worker, in a directory the
    client and the workers must share) that could not be written or is not visible here (exit 1,
    one line: the message names the directory)."""



def _oserror(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__

