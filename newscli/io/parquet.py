"""Parquet output (the optional `newscli[parquet]` extra): an explicit Arrow schema built from the
record's JSON Schema (`newscli schema`), written in streamed row groups so memory stays flat.

Columns: every core field, typed from the JSON Schema (strings, integers, numbers, booleans, lists,
and structs for `dates` entries and `dup`; an object whose keys the schema does not fix, such as
`dup.why`, is its JSON text), then `extra`: the record's other fields (the input's own fields) as
one JSON object text (an input field named `extra` included), or null when there are none. With
--fields, the columns are exactly those fields, typed like the core field or the dotted path into
one (`dup.cluster` int64) they name (a field outside the core is its JSON text; a string stays a
string).
"""

from __future__ import annotations

from typing import IO, Any

import orjson

ROW_GROUP_RECORDS = 2000
EXTRA_COLUMN = "extra"
INSTALL_HINT = "Parquet output needs pyarrow: pip install 'newscli[parquet]'"


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        from newscli.io.errors import UsageError

        raise UsageError(INSTALL_HINT) from None
    return pyarrow


def require_pyarrow() -> None:
    """Raise UsageError (with how to install it) when pyarrow is missing."""
    _pyarrow()


def _types(spec: dict) -> list[str]:
    t = spec.get("type")
    if t is None and "enum" in spec:
        return ["string"] if all(isinstance(v, str) for v in spec["enum"] if v is not None) else []
    if isinstance(t, str):
        return [t]
    return [x for x in (t or []) if x != "null"]


def arrow_type(spec: dict) -> Any:
    """The Arrow type of one JSON Schema property (a JSON string where the schema fixes no shape)."""
    pa = _pyarrow()
    types = _types(spec)
    if types == ["string"]:
        return pa.string()
    if types == ["integer"]:
        return pa.int64()
    if types == ["number"]:
        return pa.float64()
    if types == ["boolean"]:
        return pa.bool_()
    if types == ["array"] and isinstance(spec.get("items"), dict):
        return pa.list_(arrow_type(spec["items"]))
    if types == ["object"] and spec.get("properties"):
        return pa.struct([pa.field(k, arrow_type(v)) for k, v in spec["properties"].items()])
    return pa.string()  # JSON text


def arrow_schema(fields: list[str] | None = None) -> Any:
    """The Arrow schema of newscli's Parquet output (all core fields + `extra`, or just `fields`)."""
    from newscli.records import json_schema

    pa = _pyarrow()
    props = json_schema()["properties"]
    names = list(props) + [EXTRA_COLUMN] if fields is None else list(fields)
    specs = {n: _spec(props, n) for n in names}
    return pa.schema([pa.field(n, arrow_type(specs[n]) if specs[n] is not None else pa.string()) for n in names])


def _spec(props: dict, name: str) -> dict | None:
    """The JSON Schema of a core field or of a dotted path into one (``dup.cluster``), else None."""
    if name in props:
        return props[name]
    head, _, rest = name.partition(".")
    spec = props.get(head)
    while spec is not None and rest:
        key, _, rest = rest.partition(".")
        spec = (spec.get("properties") or {}).get(key)
    return spec if spec is not None and name not in ("", EXTRA_COLUMN) else None


def _convert(value: Any, typ: Any) -> Any:
    pa = _pyarrow()
    if value is None:
        return None
    if pa.types.is_struct(typ):
        if not isinstance(value, dict):
            raise ValueError(f"expected an object, got {type(value).__name__}")
        return {f.name: _convert(value.get(f.name), f.type) for f in typ}
    if pa.types.is_list(typ):
        return [_convert(v, typ.value_type) for v in value]
    if pa.types.is_string(typ) and not isinstance(value, str):
        return orjson.dumps(value).decode()
    return value


class ParquetRows:
    """Records to one Parquet stream, ROW_GROUP_RECORDS records per row group."""

    def __init__(self, raw: IO[bytes], fields: list[str] | None = None) -> None:
        pa = _pyarrow()
        import pyarrow.parquet as pq

        self.schema = arrow_schema(fields)
        self._all = fields is None
        self._core = [f.name for f in self.schema if f.name != EXTRA_COLUMN] if self._all else list(fields or [])
        self._core_set = frozenset(self._core)  # an input field named "extra" goes into the extra column
        self._types = {f.name: f.type for f in self.schema}
        self._writer = pq.ParquetWriter(pa.PythonFile(raw, mode="w"), self.schema, compression="zstd")
        self._rows: list[dict] = []

    def write(self, record: dict) -> None:
        row = {name: _convert(record.get(name), self._types[name]) for name in self._core}
        if self._all:
            extra = {k: v for k, v in record.items() if k not in self._core_set}
            row[EXTRA_COLUMN] = orjson.dumps(extra).decode() if extra else None
        self._rows.append(row)
        if len(self._rows) >= ROW_GROUP_RECORDS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            pa = _pyarrow()
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()

    def abandon(self) -> None:
        self._rows = []
