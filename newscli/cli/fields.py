"""--fields: which output fields, in which order, with dotted paths into `dup` (dup.cluster).

A name is valid when it is a core field, a dotted path into a core field whose keys the schema
fixes (`dup.cluster`, `dup.sim`, ...), or a field of the first record read (an input's own field,
such as `url`). Anything else is a usage error that lists the valid names, raised before the
first record is written.
"""

from __future__ import annotations

from typing import Any

from newscli.io import UsageError


def _dotted() -> dict[str, tuple[str, str]]:
    from newscli.records import json_schema

    out: dict[str, tuple[str, str]] = {}
    for name, spec in json_schema()["properties"].items():
        for key in (spec.get("properties") or {}) if "object" in _types(spec) else ():
            out[f"{name}.{key}"] = (name, key)
    return out


def _types(spec: dict) -> list[str]:
    t = spec.get("type")
    return [t] if isinstance(t, str) else list(t or [])


class Selector:
    """Keeps only the named fields of a record (dotted paths flattened to their own key)."""

    def __init__(self, names: list[str]) -> None:
        from newscli.records import CORE_FIELDS

        self.names = names
        self.core = tuple(CORE_FIELDS)
        self.dotted = _dotted()
        self.checked = False
        for name in names:
            if "." in name and name not in self.dotted and name.split(".", 1)[0] in self.core:
                raise UsageError(f"--fields: unknown field {name!r}; {self._known()}")

    def _known(self, record: dict | None = None) -> str:
        names = list(self.core) + sorted(self.dotted)
        extra = [k for k in (record or {}) if k not in self.core]
        text = "fields: " + ", ".join(names)
        if extra:
            text += "; this input's other fields: " + ", ".join(extra)
        return text

    def _check(self, record: dict) -> None:
        for name in self.names:
            if name not in self.core and name not in self.dotted and name not in record:
                raise UsageError(f"--fields: unknown field {name!r}; {self._known(record)}")
        self.checked = True

    def __call__(self, record: dict) -> dict:
        if not self.checked:
            self._check(record)
        out: dict[str, Any] = {}
        for name in self.names:
            if name in self.dotted:
                top, key = self.dotted[name]
                value = record.get(top)
                out[name] = value.get(key) if isinstance(value, dict) else None
            else:
                out[name] = record.get(name)
        return out


def select_fields(fields: str | None) -> Selector | None:
    """The --fields selector, or None without --fields (raises UsageError for an empty list)."""
    if fields is None:
        return None
    names = [f.strip() for f in fields.split(",") if f.strip()]
    if not names:
        raise UsageError("--fields needs at least one field name")
    if len(set(names)) != len(names):
        raise UsageError(f"--fields names a field twice: {fields}")
    return Selector(names)
