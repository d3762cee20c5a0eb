"""Arabic dates in running text -> ISO 8601, for every Arabic month system.

Systems: libyan (Jamahiriya months, و.ر years), levantine (كانون الثاني ...), egyptian (يناير ...),
maghrebi (جانفي ...), moroccan (يوليوز، غشت ...), mauritanian (أغشت، شتمبر، دجمبر), hijri
(Umm al-Qura via hijridate) and numeric (8/1/2020, 2020-01-08). The month tables are package
data (``data/months.json``); the context rules and their reasons are in docs/dates.md.

Public API: ``find_dates``, ``to_iso``, ``replace_dates``, ``DatesOptions``, ``date_record``.
The library never prints, logs or exits.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from .resolve import group_annotation, scan

__all__ = ["find_dates", "to_iso", "replace_dates", "DatesOptions", "date_record"]

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DASH_BETWEEN = re.compile(r"[ \u00a0]{0,3}[-–—][ \u00a0]{0,3}")
_GLUE_AFTER = re.compile(r"[-/.]?\d")  # text that would continue an ISO date written here
_GLUE_BEFORE = re.compile(r"\d[-/.]?$")


def _glues(text: str, start: int, end: int) -> bool:
    """Whether an ISO date written over text[start:end] would run into digits around it and read
    as another date ("يناير1000-1" -> "1000-01-1", read again as 1000-01-01): then the date is left
    as written, so replacing stays idempotent."""
    return bool(_GLUE_AFTER.match(text, end) or _GLUE_BEFORE.search(text, max(0, start - 2), start))


def find_dates(text: str, *, year_hint: int | None = None, pub_date: str | None = None) -> list[dict]:
    """Every date expression in ``text``, in order of appearance.

    Each entry has exactly the keys ``iso, match, start, end, system, year_from, range, error``
    (in that order; null where not applicable), with ``text[start:end] == match``:
      - ``iso``: ``YYYY-MM-DD`` (a day) or ``YYYY-MM`` (a month and year alone); null only with
        ``error`` (a date that cannot be converted: a Hijri year outside the Umm al-Qura table
        1343-1500 AH, or a day the table does not have). Never a wrong date.
      - ``system``: libyan, levantine, egyptian, maghrebi, moroccan, mauritanian, hijri or
        numeric. A Hijri date with the Gregorian date of the same day beside it ("15 شوال
        1436هـ الموافق 31 يوليو 2015م") is one entry over both: system hijri, iso the written
        Gregorian date.
      - ``year_from``: null when the year is written in the expression; ``"range"`` when it
        comes from the other end of a range or list ("15 و16 جانفي 2017": the 15th);
        ``"publication"`` when it comes from ``pub_date`` (the nearest such date to it, or the
        one before/after it when "الماضي"/"المقبل" follows) or ``year_hint`` (that year).
        Without either, a yearless day gives no entry (a year is never invented); a Hijri day
        without a year needs ``pub_date``.
      - ``range``: ``"from"``/``"to"`` for the two ends of a range ("8-10 الطير 2009",
        "من 15 إلى غاية 19 مارس 2017"); null otherwise (also in a list "28 و29 و30 أفريل").
    An annotation " [ISO]" right after a date (from ``replace_dates(keep=True)``) is not
    reported again.
    """
    return [f.entry for f in scan(text, year_hint, _pub(pub_date))]


def _pub(pub_date: str | None):
    if not pub_date:
        return None
    m = _ISO_DAY.match(pub_date)
    if not m:
        raise ValueError(f"pub_date {pub_date!r} is not YYYY-MM-DD")
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"pub_date {pub_date!r} is not a valid date") from None


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


def replace_dates(text: str, *, keep: bool = False, year_hint: int | None = None, pub_date: str | None = None) -> str:
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
    found = scan(text, year_hint, _pub(pub_date))
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
            and first["range"] == "from"
            and first["iso"]
            and last.entry["iso"]
            and _DASH_BETWEEN.fullmatch(text, first["end"], last.entry["start"])
        ):
            parts.append(text[pos:first["start"]])
            parts.append(f"{first['iso']}/{last.entry['iso']}")
            pos = last.annot_end
        else:
            for f in group:
                if f.entry["iso"] is None or _glues(text, f.entry["start"], f.annot_end):
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
    publication: when ``record["date"]`` is null, fill it from the dateline, a head line or
        an agency line (see ``newscli.dates.publication``) and say where in ``date_from``.
    """

    replace: bool = False
    keep: bool = False
    publication: bool = True


def date_record(record: dict, options: DatesOptions = DatesOptions()) -> dict:
    """The dates step: returns a new record with ``dates`` filled (and ``date``, ``date_from``, ``text``).

    - ``dates``: ``find_dates(record["text"], pub_date=record["date"])`` computed on the text
      as returned, so offsets always index the returned ``record["text"]``. With
      ``options.replace`` that is the rewritten text, whose dates are ISO (system
      "numeric"); this makes the step idempotent (running it twice gives the same record).
    - ``date``: kept when set (``date_from`` "input" unless already set); when null and
      ``options.publication``, the publication date found in the dateline, a head line or an
      agency line, with ``date_from`` "dateline", "head" or "agency"; else both stay null.
    Raises ValueError when ``text`` is not a string.
    """
    from .publication import publication_date

    text = record.get("text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValueError("record text is not a string")
    out = dict(record)
    date = out.get("date")
    if date is not None:
        if out.get("date_from") is None:
            out["date_from"] = "input"
    else:
        out["date_from"] = None
    if date is None and options.publication:
        found = publication_date(out)
        if found is not None:
            date, out["date_from"] = found
            out["date"] = date
    pub = None
    if isinstance(date, str) and _ISO_DAY.match(date):
        try:
            pub = _pub(date[:10])
        except ValueError:
            pub = None
        pub = pub and pub.isoformat()
    if options.replace:
        text = replace_dates(text, keep=options.keep, pub_date=pub)
        out["text"] = text
    out["dates"] = find_dates(text, pub_date=pub)
    return out
