"""Periods of indicators: where one begins, the one before, and how far back to compute."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# How many periods back the scheduled computation looks.
RECENT = {"hour": 48, "day": 60, "month": 24, "quarter": 12, "year": 10}


def floor(moment: dt.datetime | dt.date, period: str) -> dt.datetime:
    """The local start of the period holding `moment`."""
    zone = timezone.get_current_timezone()
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time.min)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zone)
    moment = moment.astimezone(zone)
    if period == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        return day
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(day=1, month=(day.month - 1) // 3 * 3 + 1)
    return day.replace(day=1, month=1)


def step(start: dt.datetime, period: str, n: int = 1) -> dt.datetime:
    """The start of the period `n` periods after (negative: before) the one at `start`."""
    if period == "hour":
        return start + dt.timedelta(hours=n)
    if period == "day":
        return floor(start + dt.timedelta(days=n), "day")
    months = {"month": 1, "quarter": 3, "year": 12}[period] * n
    index = start.year * 12 + start.month - 1 + months
    return start.replace(year=index // 12, month=index % 12 + 1, day=1)


def recent(period: str, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the recent periods the schedule recomputes, the current one last."""
    current = floor(now or timezone.now(), period)
    return step(current, period, -(RECENT[period] - 1)), step(current, period, 1)


def parse(value, period: str) -> dt.datetime:
    """A period as a query returns it (a date, a timestamp, an ISO text, a year) → its
    start."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return floor(dt.date(int(value), 1, 1), period)
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 4 and text.isdigit():
            return floor(dt.date(int(text), 1, 1), period)
        if len(text) == 7:  # 2026-03
            text += "-01"
        value = dt.datetime.fromisoformat(text)
    if isinstance(value, dt.datetime | dt.date):
        return floor(value, period)
    raise ValueError(f"not a period: {value!r}")
