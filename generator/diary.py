"""What a diary shows beyond a blog's lists: "on this day" and a calendar of writing days.

Pure functions over dated documents; the build never reads the clock for them (the reader's "today"
is worked out by the theme's script from a per-language index), so output stays deterministic.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Sequence


def local_day(when: datetime, tz: tzinfo) -> date:
    return when.astimezone(tz).date()


def month_day(when: datetime, tz: tzinfo) -> str:
    """The "MM-DD" key of a date in the site's time zone."""
    return local_day(when, tz).strftime("%m-%d")


def by_month_day(docs: Sequence, tz: tzinfo) -> dict[str, list]:
    """Dated documents grouped by "MM-DD", newest first within a day, keys in calendar order."""
    groups: dict[str, list] = defaultdict(list)
    for doc in docs:
        if doc.date is not None:
            groups[month_day(doc.date, tz)].append(doc)
    return {key: sorted(groups[key], key=lambda d: d.date, reverse=True) for key in sorted(groups)}


def on_this_day(doc, groups: dict[str, list], tz: tzinfo) -> list:
    """The documents of `groups` from the same month and day as `doc` in other years, newest first."""
    if doc.date is None:
        return []
    year = local_day(doc.date, tz).year
    return [d for d in groups.get(month_day(doc.date, tz), []) if local_day(d.date, tz).year != year]


@dataclass(frozen=True)
class Day:
    day: date
    docs: tuple  # what was written that day, oldest first


@dataclass(frozen=True)
class CalendarYear:
    """One year as GitHub and Day One draw it: seven rows (Monday first), one column per week.

    A cell is a `Day`, or None where the week runs into the year before or after."""

    year: int
    rows: tuple[tuple[Day | None, ...], ...]
    written: int  # days with at least one entry


def calendar(docs: Sequence, tz: tzinfo) -> list[CalendarYear]:
    """A year of cells for every year that has an entry, newest year first."""
    days: dict[date, list] = defaultdict(list)
    for doc in docs:
        if doc.date is not None:
            days[local_day(doc.date, tz)].append(doc)
    years = []
    for year in sorted({d.year for d in days}, reverse=True):
        first, last = date(year, 1, 1), date(year, 12, 31)
        start = first - timedelta(days=first.weekday())
        weeks = (last - start).days // 7 + 1
        rows = []
        for weekday in range(7):
            row = []
            for week in range(weeks):
                day = start + timedelta(days=week * 7 + weekday)
                row.append(Day(day, tuple(sorted(days.get(day, []), key=lambda d: d.date)))
                           if first <= day <= last else None)
            rows.append(tuple(row))
        written = sum(1 for d in days if d.year == year)
        years.append(CalendarYear(year, tuple(rows), written))
    return years
