"""Local months (Asia/Ho_Chi_Minh), the unit in which raw readings are partitioned,
archived and deleted — the same calendar as the daily roll-ups, so a month's days are
whole. A month is named by its first day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def of(moment: dt.datetime) -> dt.date:
    """The month `moment` falls in, in local time."""
    return timezone.localtime(moment).date().replace(day=1)


def shift(month: dt.date, by: int = 1) -> dt.date:
    index = month.year * 12 + month.month - 1 + by
    return dt.date(index // 12, index % 12 + 1, 1)


def bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month as aware datetimes (local midnight of the first days)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime(month.year, month.month, 1), zone)
    following = shift(month)
    end = timezone.make_aware(dt.datetime(following.year, following.month, 1), zone)
    return start, end


def between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from `first` to `last`, both included."""
    months = []
    while first <= last:
        months.append(first)
        first = shift(first)
    return months
