"""Shared name lists (package data in `newscli/data/`): places and news outlets/agencies.

Used by `clean` (a dateline needs a known place or outlet) and by `dedupe` (two reports that name
different places are different reports). The lists are raw lines; each consumer folds them the
way it matches text. One name per line; `#` starts a comment line.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["places", "outlets"]


def _lines(name: str) -> tuple[str, ...]:
    text = resources.files("newscli").joinpath("data", name).read_text(encoding="utf-8")
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(dict.fromkeys(out))


@cache
def places() -> tuple[str, ...]:
    """Countries, capitals, Arab cities and regions, in Arabic spellings (variants on their own lines)."""
    return _lines("places.txt")


@cache
def outlets() -> tuple[str, ...]:
    """News outlets and agencies, as they are written in datelines and credits."""
    return _lines("outlets.txt")
