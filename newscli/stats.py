"""`newscli stats`: a quick report on a corpus of records (pure accumulation; the CLI renders it)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_LINE = re.compile(r":\d+$")


@dataclass
class CorpusStats:
    records: int = 0
    rejected: int = 0
    chars: int = 0
    bytes: int = 0
    max_chars: int = 0
    files: Counter = field(default_factory=Counter)
    outlets: Counter = field(default_factory=Counter)
    years: Counter = field(default_factory=Counter)
    undated: int = 0
    dates_by_system: Counter = field(default_factory=Counter)
    with_dates: int = 0
    with_dup: int = 0
    duplicates: int = 0
    clusters: set = field(default_factory=set)
    removed_lines: int = 0

    def add(self, rec: dict) -> None:
        text = rec.get("text") or ""
        self.records += 1
        n = len(text)
        self.chars += n
        self.bytes += len(text.encode("utf-8"))
        self.max_chars = max(self.max_chars, n)
        self.files[_LINE.sub("", str(rec.get("source", "?")))] += 1
        outlet = rec.get("outlet") or rec.get("input_source")
        if isinstance(outlet, str) and outlet:
            self.outlets[outlet] += 1
        date = rec.get("date")
        if isinstance(date, str) and len(date) >= 4 and date[:4].isdigit():
            self.years[date[:4]] += 1
        else:
            self.undated += 1
        found = rec.get("dates") or []
        if found:
            self.with_dates += 1
        for entry in found:
            if isinstance(entry, dict):
                self.dates_by_system[entry.get("system", "?")] += 1
        self.removed_lines += len(rec.get("removed") or [])
        dup = rec.get("dup")
        if isinstance(dup, dict):
            self.with_dup += 1
            if dup.get("of") is not None:
                self.duplicates += 1
            size = dup.get("size")
            if dup.get("of") is not None or (isinstance(size, int) and not isinstance(size, bool) and size > 1):
                # a cluster of two or more, seen through any member: a kept-only file has only kept copies
                self.clusters.add(dup.get("cluster"))

    def as_dict(self) -> dict:
        return {
            "records": self.records,
            "rejected": self.rejected,
            "text_chars": self.chars,
            "text_bytes": self.bytes,
            "mean_chars": round(self.chars / self.records, 1) if self.records else 0,
            "max_chars": self.max_chars,
            "files": dict(self.files.most_common()),
            "outlets": dict(self.outlets.most_common()),
            "dated": self.records - self.undated,
            "by_year": dict(sorted(self.years.items())),
            "records_with_dates_in_text": self.with_dates,
            "dates_by_system": dict(self.dates_by_system.most_common()),
            "lines_removed": self.removed_lines,
            "records_with_dup": self.with_dup,
            "duplicates": self.duplicates,
            "duplicate_rate": round(self.duplicates / self.with_dup, 4) if self.with_dup else None,
            "duplicate_clusters": len(self.clusters),
        }
