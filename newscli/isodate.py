"""Input dates written for machines: ISO dates and datetimes, RFC 2822, day-first and year-first
numeric dates. The one place that parses them (records' input `date`, dedupe's date key); it never
builds the Arabic date scanner of `newscli.dates` (which handles dates written in Arabic text).

    parse("2020-01-08T10:00:00Z")            -> "2020-01-08"
    parse("Fri, 18 May 2018 06:17:27 GMT")   -> "2018-05-18"
    parse("08/01/2020")                      -> "2020-01-08"   (day first)
    parse("1436/10/15")                      -> "2015-07-31"   (a 1300-1600 year is Hijri)
    parse("يوم 8 يناير")                      -> None           (Arabic text: newscli.dates)
    sort_key("2020-01-08 10:30")             -> 20200108103000

The date is the calendar date as written: no time-zone shift. A numeric date whose year is in
HIJRI_YEARS (1300-1600, as for numeric dates in text) is a Hijri date: it is converted from Umm
al-Qura (hijridate, 1343-1500 AH) to Gregorian, and gives None when the table lacks it (no news
publication date is a Gregorian date of those centuries).
"""

from __future__ import annotations

import email.utils
import re
from datetime import date as _date
from typing import Any

__all__ = ["parse", "sort_key", "valid", "HIJRI_YEARS"]

HIJRI_YEARS = (1300, 1600)

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])")
_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:$|\s)")
_YMD = re.compile(r"^\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:$|\s)")
_RFC2822 = re.compile(r"^\s*(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})(?:$|\s)")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                         "nov", "dec"), 1)}
_KEY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")


def valid(y: int, m: int, d: int) -> str | None:
    """`YYYY-MM-DD` when y-m-d is a real calendar date, else None."""
    try:
        return _date(y, m, d).isoformat()
    except ValueError:
        return None


def _day(y: int, m: int, d: int) -> str | None:
    """`valid`, or for a year in HIJRI_YEARS the Gregorian date of that Umm al-Qura day."""
    if not HIJRI_YEARS[0] <= y <= HIJRI_YEARS[1]:
        return valid(y, m, d)
    from hijridate import Hijri

    try:
        return Hijri(y, m, d).to_gregorian().isoformat()
    except (ValueError, OverflowError):
        return None


def parse(value: Any) -> str | None:
    """`YYYY-MM-DD` of an ISO date/datetime, RFC 2822 date, `DD/MM/YYYY` (also `.` or `-`) or
    `YYYY/MM/DD`; None for anything else (including dates written in Arabic words). A year
    1300-1600 is Hijri (see the module doc)."""
    if not isinstance(value, str) or not value.strip():
        return None
    if m := _ISO.match(value):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(value):
        return _day(int(m[3]), int(m[2]), int(m[1]))
    if m := _YMD.match(value):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if (m := _RFC2822.match(value)) and m[2].lower() in _MONTHS:
        return valid(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    if any("a" <= c.lower() <= "z" for c in value[:4]) or "," in value:
        parsed = email.utils.parsedate_tz(value)
        if parsed and parsed[0]:
            return valid(parsed[0], parsed[1], parsed[2])
    return None


def sort_key(value: Any) -> int | None:
    """YYYYMMDDhhmmss of an ISO date or datetime string (as newscli writes `date`), for ordering
    records by date; None when `value` is not one."""
    if not isinstance(value, str):
        return None
    m = _KEY.match(value.strip())
    if not m:
        return None
    y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
    return ((((y * 100 + mo) * 100 + d) * 100 + hh) * 100 + mi) * 100 + ss
