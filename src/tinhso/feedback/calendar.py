"""Working days: Vietnam's public holidays (lunar new year included, from the `holidays`
package), weekends, and the days the province adds or swaps (`CalendarDay`)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

from tinhso.feedback.models import CalendarDay, Tier, TierDeadline, Track

DEFAULT_TIER_DAYS = {Tier.EMERGENCY: 1, Tier.SIMPLE: 3, Tier.STANDARD: 5}
# Statutory tracks (Luật Khiếu nại 2011 art. 27–28; Luật Tố cáo 2018), in calendar days:
# accept or refuse within 10 days; decide within 30 days of acceptance, 45 if complex.
STATUTORY_ACCEPT_DAYS = 10
STATUTORY_DECIDE_DAYS = 30
STATUTORY_DECIDE_DAYS_COMPLEX = 45
END_OF_DAY = dt.time(23, 59, 59)


@lru_cache(maxsize=32)
def _national(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("VN", years=[year]).keys())


class WorkingCalendar:
    """Answers "is this a working day?" and "when is N working days after this?"."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        if overrides is None:
            overrides = dict(CalendarDay.objects.values_list("date", "is_working_day"))
        self.overrides = overrides
        self.zone = ZoneInfo(settings.TIME_ZONE)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5 and day not in _national(day.year)

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end of the `days`-th working day after the day of `start` (local time)."""
        day = start.astimezone(self.zone).date()
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return dt.datetime.combine(day, END_OF_DAY, tzinfo=self.zone)

    def add_days(self, start: dt.datetime, days: int) -> dt.datetime:
        day = start.astimezone(self.zone).date() + dt.timedelta(days=days)
        return dt.datetime.combine(day, END_OF_DAY, tzinfo=self.zone)

    def working_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working days after the day of `start` up to and including the day of `end`."""
        a, b = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        count = 0
        while a < b:
            a += dt.timedelta(days=1)
            count += self.is_working_day(a)
        return count


def tier_days(tier: str) -> int:
    configured = (
        TierDeadline.objects.filter(tier=tier).values_list("working_days", flat=True).first()
    )
    return configured if configured is not None else DEFAULT_TIER_DAYS[Tier(tier)]


def deadline_for(
    track: str,
    tier: str | None,
    start: dt.datetime,
    *,
    accepted: bool = False,
    complex_case: bool = False,
    calendar: WorkingCalendar | None = None,
) -> dt.datetime:
    """The due time of a report: working days by tier for ordinary reports; the
    statutory calendar-day limits for complaints and denunciations."""
    calendar = calendar or WorkingCalendar()
    if track == Track.ORDINARY:
        return calendar.add_working_days(start, tier_days(tier or Tier.STANDARD))
    if not accepted:
        return calendar.add_days(start, STATUTORY_ACCEPT_DAYS)
    days = STATUTORY_DECIDE_DAYS_COMPLEX if complex_case else STATUTORY_DECIDE_DAYS
    return calendar.add_days(start, days)
