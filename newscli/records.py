"""The newscli record: core fields, defaults, input-field collisions and the JSON Schema.

Every record newscli writes has the core fields below, in this order, followed by the input's
other fields unchanged. This module is the one place that decides what a record looks like.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from newscli import isodate

CORE_FIELDS: tuple[str, ...] = (
    "id", "source", "section", "title", "dateline", "outlet", "place",
    "text", "date", "date_from", "dates", "removed", "dup",
)

# Core fields that newscli itself computes: an input field with one of these names (on input that
# is not already a newscli record) is kept under "input_<name>" instead of being overwritten.
_COMPUTED = ("source", "dates", "removed", "dup")
_STRUCTURE = ("section", "title", "dateline", "outlet", "place")

FIELD_DOCS: dict[str, str] = {
    "id": "The input's own `id` (as a string) when present; otherwise a 16-hex-digit hash of source and position.",
    "source": "Where the record came from: the file path, plus `:LINE` for JSONL input (`<stdin>` for standard input).",
    "section": "The article's category label (a standalone line before the title), or null.",
    "title": "The headline, or null. A JSONL input's own `title` is kept.",
    "dateline": "The `outlet – city` line as written, or null when there is none.",
    "outlet": "The outlet named in the dateline, or null.",
    "place": "The place named in the dateline, or null.",
    "text": "The body: one paragraph per line, `\\n`-separated.",
    "date": "Publication date `YYYY-MM-DD`, or null: the input's `date` parsed to ISO, else one found by `dates` in the dateline or head.",
    "date_from": "Where `date` came from: \"input\" (the input's own date), \"dateline\", \"head\" (a head line of the text) or \"agency\" (an agency line), or null when `date` is null.",
    "dates": "Dates found in `text`: objects {iso, match, start, end, system, year_from, range, error} (all keys always present, null where not applicable); empty until `dates` runs.",
    "removed": "Lines `clean` removed, in input order; empty until `clean` runs.",
    "dup": "Dedupe's verdict {cluster, of, sim, exact, size}, or null until `dedupe` runs.",
}


def derive_id(source: str, position: int) -> str:
    """A deterministic id from where a record came from."""
    return hashlib.blake2b(f"{source}\x00{position}".encode(), digest_size=8).hexdigest()


def new_record(*, id: str, source: str, text: str, **fields: Any) -> dict:
    """A record with every core field at its default, then `fields`."""
    rec: dict[str, Any] = {
        "id": id, "source": source, "section": None, "title": None, "dateline": None,
        "outlet": None, "place": None, "text": text, "date": None, "date_from": None, "dates": [], "removed": [],
        "dup": None,
    }
    rec.update(fields)
    return rec


def is_newscli_record(obj: dict) -> bool:
    """True for a record newscli wrote (so a pipe `clean | dates | dedupe` keeps its fields): every
    core field present with the type newscli writes. A record shaped like one but with other types
    (`id: 5`, `date: "yesterday"`, `dup: "nope"`) is read as foreign input, so its computed fields
    are recomputed and its values kept under `input_<name>`."""
    if not all(k in obj for k in CORE_FIELDS if k != "date_from"):  # absent before date_from existed
        return False
    if not (isinstance(obj["id"], str) and isinstance(obj["source"], str) and isinstance(obj["text"], str)):
        return False
    if any(obj[k] is not None and not isinstance(obj[k], str) for k in _STRUCTURE):
        return False
    date = obj["date"]
    if date is not None and not (isinstance(date, str) and _ISO_DAY.match(date)):
        return False
    removed, dates, dup = obj["removed"], obj["dates"], obj["dup"]
    if not isinstance(removed, list) or not all(isinstance(x, str) for x in removed):
        return False
    if not isinstance(dates, list) or not all(_is_date_entry(e) for e in dates):
        return False
    return dup is None or _is_dup(dup)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_date_entry(e: Any) -> bool:
    return isinstance(e, dict) and isinstance(e.get("match"), str) and _is_int(e.get("start")) \
        and _is_int(e.get("end")) and isinstance(e.get("system"), str) and (e.get("iso") is None or isinstance(e.get("iso"), str))


def _is_dup(d: Any) -> bool:
    return isinstance(d, dict) and _is_int(d.get("cluster")) and _is_int(d.get("size")) \
        and isinstance(d.get("exact"), bool) and (d.get("of") is None or isinstance(d.get("of"), str)) \
        and (d.get("sim") is None or isinstance(d.get("sim"), (int, float)) and not isinstance(d.get("sim"), bool))


def _id_of(rid: Any) -> str | None:
    """The input's id as newscli's string id: strings and integers (big ones too) as written."""
    if isinstance(rid, str):
        return rid or None
    if _is_int(rid):
        return str(rid)
    if type(rid).__name__ == "Fragment":  # an integer beyond 64 bits, kept as its JSON text
        import orjson

        text = orjson.dumps(rid).decode()
        return text if text.lstrip("-").isdigit() else None
    return None


def _keep(rec: dict, key: str, value: Any) -> None:
    """Put an input value under `key`; a value already there moves to "input_" + key, and so on
    (input `source` -> `input_source`, the input's own `input_source` -> `input_input_source`)."""
    while key in rec:
        rec[key], value = value, rec[key]
        key = "input_" + key
    rec[key] = value


def from_object(obj: dict, *, source: str, position: int, text_field: str = "text",
                html_field: str | None = None) -> dict:
    """Turn one input JSON object into a record. Raises ValueError for an unusable record.

    Input fields that newscli computes (`source`, `dates`, `removed`, `dup`), structure fields
    that are not strings, a `date` that is not an ISO date, an `id` that is not a string or an
    integer, and `text` when --text-field names another field are kept under "input_<name>";
    when that name is taken too, the value there moves to "input_input_<name>", and so on.

    With html_field, an object whose html_field holds a page (a non-empty string) becomes a record
    carrying that page for the web extraction step; its text field may then be absent or empty (a
    text it has is kept as `input_text` by the extraction step). An object without the field is
    read as an article; a field that is not a string, or an empty page without a text, is refused
    naming the field."""
    if html_field is not None and html_field in obj and obj[html_field] is not None:
        page = obj[html_field]
        given = obj.get(text_field)
        has_text = isinstance(given, str) and bool(given.strip())
        if not isinstance(page, str):
            raise ValueError(f"{html_field!r} is {type(page).__name__}, not a string (--html-field)")
        if not page.strip():
            if not has_text:
                raise ValueError(f"empty HTML page in {html_field!r} and no {text_field!r} text")
            return from_object({k: v for k, v in obj.items() if k != html_field}, source=source,
                               position=position, text_field=text_field)
        from newscli.io.web import HTML_KEY

        rest = {k: v for k, v in obj.items() if k != html_field}
        if not has_text:
            rest[text_field] = "-"  # the extraction step fills the text; validate everything else now
        rec = from_object(rest, source=source, position=position, text_field=text_field)
        if not has_text:
            rec["text"] = ""
        rec[HTML_KEY] = page
        return rec
    if html_field is not None and not isinstance(obj.get(text_field), str):
        raise ValueError(f"no {html_field!r} page and no {text_field!r} text")
    if text_field not in obj:
        raise ValueError(f"no {text_field!r} field")
    text = obj[text_field]
    if not isinstance(text, str):
        raise ValueError(f"{text_field!r} is {type(text).__name__}, not a string")
    if "\x00" in text:
        raise ValueError(f"NUL character in {text_field!r}")
    if text_field == "text" and is_newscli_record(obj):
        rec = {k: obj.get(k) for k in CORE_FIELDS}  # date_from: absent in records of earlier versions
        rec.update((k, v) for k, v in obj.items() if k not in rec)
        return rec
    rid = _id_of(obj.get("id"))
    rec = new_record(id=rid if rid is not None else derive_id(source, position), source=source, text=text)
    extra: list[tuple[str, Any]] = []
    if "id" in obj and rid is None:
        extra.append(("input_id", obj["id"]))
    for key in _STRUCTURE:
        if key in obj:
            if isinstance(obj[key], str) and obj[key].strip():
                rec[key] = obj[key]
            elif obj[key] is not None and obj[key] != "":
                extra.append(("input_" + key, obj[key]))
    if "date" in obj and obj["date"] is not None:
        iso = parse_date(obj["date"])
        rec["date"] = iso
        rec["date_from"] = "input" if iso else None
        if iso != obj["date"]:
            extra.append(("input_date", obj["date"]))
    for key in _COMPUTED:
        if key in obj:
            extra.append(("input_" + key, obj[key]))
    if text_field != "text" and "text" in obj:
        extra.append(("input_text", obj["text"]))
    for key, value in obj.items():
        if key not in CORE_FIELDS and key != text_field:
            rec[key] = value
    for key, value in extra:
        _keep(rec, key, value)
    return rec


def parse_date(value: Any) -> str | None:
    """An input's publication date as ISO `YYYY-MM-DD`, or None when it cannot be read.

    Machine dates (ISO, RFC 2822, DD/MM/YYYY, YYYY/MM/DD) through newscli.isodate; a date written
    in Arabic (`8 يناير 2020`) through newscli.dates, imported only then. The date is the calendar
    date as written (no time-zone shift).
    """
    iso = isodate.parse(value)
    if iso is not None or not isinstance(value, str) or not value.strip():
        return iso
    try:
        from newscli.dates import to_iso
    except ImportError:  # pragma: no cover - dates is part of the package
        return None
    iso = to_iso(value)
    return iso if iso and len(iso) == 10 else None


# Contracts between rooms (CONTRACTS.md): every `dates` entry and every `dup` object has exactly
# these keys, in this order, null where not applicable, so readers never have to guess a type.
DATES_ENTRY_KEYS: tuple[str, ...] = ("iso", "match", "start", "end", "system", "year_from", "range", "error")
DUP_KEYS: tuple[str, ...] = ("cluster", "of", "sim", "exact", "size", "why")


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of a newscli output record."""
    nullable = {"type": ["string", "null"]}
    entry = {
        "type": "object",
        "required": list(DATES_ENTRY_KEYS),
        "additionalProperties": False,
        "properties": {
            "iso": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}(-\d{2})?$",
                    "description": "ISO date (YYYY-MM-DD) or month (YYYY-MM); null only with `error` (e.g. a Hijri year "
                    "outside the Umm al-Qura table)"},
            "match": {"type": "string", "description": "The date as written in `text`."},
            "start": {"type": "integer", "minimum": 0, "description": "Offset of `match` in `text` (characters)."},
            "end": {"type": "integer", "minimum": 0, "description": "End offset of `match` in `text` (exclusive)."},
            "system": {"enum": ["libyan", "levantine", "egyptian", "maghrebi", "moroccan",
                                "mauritanian", "hijri", "numeric"],
                       "description": "The month names or calendar the date is written in."},
            "year_from": {"type": ["string", "null"], "enum": ["publication", "range", None],
                          "description": "Where the year came from when the date has none: the publication "
                          "date (`publication`) or the other end of a range (`range`); null when written."},
            "range": {"type": ["string", "null"], "enum": ["from", "to", None],
                      "description": "`from`/`to` for the two ends of a date range; null otherwise."},
            "error": {"type": ["string", "null"], "description": "Why `iso` is null; null otherwise."},
        },
    }
    props: dict[str, Any] = {
        "id": {"type": "string"},
        "source": {"type": "string"},
        "section": nullable, "title": nullable, "dateline": nullable,
        "outlet": nullable, "place": nullable,
        "text": {"type": "string"},
        "date": {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "date_from": {"enum": ["input", "dateline", "head", "agency", None]},
        "dates": {"type": "array", "items": entry},
        "removed": {"type": "array", "items": {"type": "string"}},
        "dup": {
            "type": ["object", "null"],
            "required": list(DUP_KEYS),
            "additionalProperties": False,
            "properties": {
                "cluster": {"type": "integer", "minimum": 0, "description": "The cluster's number (input order)."},
                "of": {"type": ["string", "null"], "description": "The id of the kept copy; null for a kept record."},
                "sim": {"type": ["number", "null"], "description": "Similarity to the kept copy; null for a kept record."},
                "exact": {"type": "boolean", "description": "An exact duplicate of the kept copy (after normalization)."},
                "size": {"type": "integer", "minimum": 1, "description": "Records in the cluster."},
                "why": {"type": ["object", "null"], "description": "Null unless `dedupe --explain`: then an object "
                        "explaining the verdict (keys in docs/dedupe.md)."},
            },
        },
    }
    for name, schema in props.items():
        schema["description"] = FIELD_DOCS[name]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "newscli record",
        "type": "object",
        "required": list(CORE_FIELDS),
        "properties": props,
        "additionalProperties": True,
    }
