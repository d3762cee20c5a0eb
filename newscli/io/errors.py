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

    def as_json(self) -> dict:
        return {"source": self.source, "line": self.line, "error": self.error, "raw": self.raw}

    def message(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.error}"


class UsageError(Exception):
    """A problem with how newscli was called (exit code 2)."""



def _oserror(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__



@dataclass(slots=True)
class Skipped:
    """An input record left out by design, not by error (a WARC request or image record, a page that
    is not Arabic): counted by reason in the summary, written to --rejects with its reason, never
    to the output, and not a failure (exit 0)."""

    source: str
    line: int
    reason: str
    detail: str | None = None

    def as_json(self) -> dict:
        return {"source": self.source, "line": self.line, "error": self.reason, "raw": None,
                "skipped": True, "detail": self.detail}
