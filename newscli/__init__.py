"""newscli: a command-line corpus tool for Arabic news.

Library API (pure functions: they never print, exit or configure logging):

- ``newscli.normalize(text)``: lossless Arabic normalization; ``newscli.fold(text, "search")``.
- ``newscli.clean_text(text, options)`` / ``newscli.CleanOptions``: structure and boilerplate removal.
- ``newscli.find_dates(text)`` / ``newscli.to_iso(s)``: Arabic dates to ISO.
- ``newscli.dedupe``: normalize -> signature -> band keys -> clusters.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from newscli.normalize import fold, normalize, search_fold  # noqa: E402

_LAZY = {
    "clean_text": "newscli.clean", "clean_record": "newscli.clean", "CleanOptions": "newscli.clean",
    "find_dates": "newscli.dates", "to_iso": "newscli.dates", "replace_dates": "newscli.dates",
    "DatesOptions": "newscli.dates",
    "DedupeOptions": "newscli.dedupe",
}

__all__ = ["__version__", "normalize", "fold", "search_fold", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newscli' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
