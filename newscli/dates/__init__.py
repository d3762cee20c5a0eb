"""Arabic dates in running text -> ISO 8601, for every Arabic month system.

Systems: libyan (Jamahiriya months, و.ر years), levantine (كانون الثاني ...), egyptian (يناير ...),
maghrebi (جانفي ...), moroccan (يوليوز، غشت ...), mauritanian (أغشت، شتمبر، دجمبر), hijri
(Umm al-Qura via hijridate) and numeric (8/1/2020, 2020-01-08). The month tables are package
data (``data/months.json``); the context rules and their reasons are in docs/dates.md.

Public API: ``find_dates``, ``to_iso``, ``replace_dates``, ``DatesOptions``, ``date_record``.
The library never prints, logs or exits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .scanner import group_annotation, scan

__all__ = ["find_dates", "to_iso", "replace_dates", "DatesOptions", "date_record"]

_DASH_BETWEEN = re.compile(r"[ \u00a0]{0,3}[-–—][ \u00a0]{0,3}")


def find_dates(text: str, *, year_hint: int | None = None) -> list[dict]:
    """Every date expression in ``text``, in order of appearance.

    Each entry is ``{"iso", "match", "start", "end", "system"}`` where ``text[start:end] ==
    match``; ``iso`` is ``YYYY-MM-DD`` (a day) or ``YYYY-MM`` (a month and year alone).
    Optional keys:
      - ``"year_from": "publication"``: the expression had no year and ``year_hint`` gave it;
        without a hint such an expression gives no entry (a year is never invented);
      - ``"range": "from" | "to"``: the two ends of a range ("8-10 الطير 2009" gives two
        entries, the first matching just "8");
      - ``"error"``: the expression is a date that cannot be converted (a Hijri year outside
        the Umm al-Qura table 1343-1500 AH, or a day the table does not have); ``iso`` is then
        None. Never a wrong date.
    An annotation " [ISO]" right after a date (from ``replace_dates(keep=True)``) is not
    reported again.
    """
    return [f.entry for f in scan(text, year_hint)]


def to_iso(s: str) -> str | None:
    """The ISO date of a lone date string ("8 آي النار/يناير 2020م", "يناير 2020",
    "08/01/2020", "2020-01-08"), or None when ``s`` is not exactly one convertible date."""
    stripped = s.strip().strip(".،,؛;")
    found = scan(stripped)
    if len(found) != 1:
        return None
    e = found[0].entry
    if e["start"] != 0 or e["end"] != len(stripped):
        return None
    return e["iso"]


def replace_dates(text: str, *, keep: bool = False, year_hint: int | None = None) -> str:
    """Replace every convertible date expression by its ISO date.

    - A range joined by a dash ("8-10 الطير 2009") becomes one ISO interval
      "2009-04-08/2009-04-10"; ranges and lists in words keep their words:
      "من 8 إلى 10 الطير 2009" -> "من 2009-04-08 إلى 2009-04-10".
    - ``keep=True`` keeps the text and appends `` [ISO]`` after each date; a range or list is
      annotated once after its last end: "8-10 الطير 2009 [2009-04-08/2009-04-10]",
      "يومي 8 و9 يناير 2020 [2020-01-08, 2020-01-09]". An annotation already there is not
      added again.
    - Dates with ``error`` (iso None) are left as they are.
    Idempotent in both modes: ISO output is found again as numeric dates and replaced by
    itself, and existing annotations are recognised.
    """
    found = scan(text, year_hint)
    if not found:
        return text
    parts: list[str] = []
    pos = 0
    i = 0
    while i < len(found):
        j = i
        while found[j].joined and j + 1 < len(found):
            j += 1
        group = found[i:j + 1]
        last = group[-1]
        if keep:
            ann = group_annotation(group)
            if ann and last.annot_end == last.entry["end"]:
                parts.append(text[pos:last.entry["end"]])
                parts.append(f" [{ann}]")
                pos = last.entry["end"]
            i = j + 1
            continue
        first = group[0].entry
        if (
            len(group) == 2
            and first.get("range") == "from"
            and first["iso"]
            and last.entry["iso"]
            and _DASH_BETWEEN.fullmatch(text, first["end"], last.entry["start"])
        ):
            parts.append(text[pos:first["start"]])
            parts.append(f"{first['iso']}/{last.entry['iso']}")
            pos = last.annot_end
        else:
            for f in group:
                if f.entry["iso"] is None:
                    continue
                parts.append(text[pos:f.entry["start"]])
                parts.append(f.entry["iso"])
                pos = f.annot_end
        i = j + 1
    parts.append(text[pos:])
    return "".join(parts)


@dataclass(frozen=True)
class DatesOptions:
    """Options of the dates step.

    replace: also rewrite ``record["text"]`` with ``replace_dates`` (False: text untouched).
    keep: with ``replace``, annotate each date with `` [ISO]`` instead of replacing it.
    publication: when ``record["date"]`` is null, fill it with the first full date
        (YYYY-MM-DD, year written) of ``record["dateline"]``, else of the head of the text
        (the first two non-empty lines when they are short date/dateline lines, or a date
        within the first 50 characters of the first line).
    """

    replace: bool = False
    keep: bool = False
    publication: bool = True


_ISO_YEAR = re.compile(r"(\d{4})-\d{2}")


def _full_date(text: str | None, limit: int | None = None) -> str | None:
    if not text:
        return None
    for f in scan(text):
        e = f.entry
        if limit is not None and e["start"] > limit:
            return None
        iso = e["iso"]
        if iso and len(iso) == 10 and "year_from" not in e:
            return iso
    return None


def _publication_date(record: dict) -> str | None:
    dl = record.get("dateline")
    found = _full_date(dl) if isinstance(dl, str) else None
    if found:
        return found
    text = record.get("text") or ""
    lines = [ln for ln in text[:2000].split("\n") if ln.strip()][:2]
    for k, line in enumerate(lines):
        if len(line) <= 120:
            found = _full_date(line)
            if found:
                return found
        elif k == 0:
            found = _full_date(line, limit=50)
            if found:
                return found
            break
        else:
            break
    return None


def date_record(record: dict, options: DatesOptions = DatesOptions()) -> dict:
    """The dates step: returns a new record with ``dates`` filled (and ``date``, ``text``).

    - ``dates``: ``find_dates(record["text"], year_hint=...)`` computed on the text as
      returned, so offsets always index the returned ``record["text"]``. With
      ``options.replace`` that is the rewritten text, whose dates are ISO (system
      "numeric"); this makes the step idempotent (running it twice gives the same record).
    - ``date``: kept when set; when null and ``options.publication``, the publication date
      found in the dateline or head (see ``DatesOptions``), else left null.
    - year hint for yearless dates: the year of ``date`` (given or found).
    Raises ValueError when ``text`` is not a string.
    """
    text = record.get("text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValueError("record text is not a string")
    out = dict(record)
    date = out.get("date")
    if date is None and options.publication:
        date = _publication_date(out)
        if date is not None:
            out["date"] = date
    hint = None
    if isinstance(date, str):
        m = _ISO_YEAR.match(date)
        if m:
            hint = int(m.group(1))
    if options.replace:
        text = replace_dates(text, keep=options.keep, year_hint=hint)
        out["text"] = text
    out["dates"] = find_dates(text, year_hint=hint)
    return out
