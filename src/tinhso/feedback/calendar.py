"""Working days: Vietnam's public holidays (lunar new year included, from the `holidays`
package), weekends, and the days the province adds or swaps (`CalendarDay`)."""

from __future__ import annotations

import datetime as dt
import time
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tinhso.feedback.models import CalendarDay, Tier, TierDeadline, Track

DEFAULT_TIER_DAYS = {Tier.EMERGENCY: 1, Tier.SIMPLE: 3, Tier.STANDARD: 5}
# Statutory tracks (Luật Khiếu nại 2011 art. 27–28; Luật Tố cáo 2018), in calendar days:
# accept or refuse within 10 days; decide within 30 days of acceptance, 45 if complex.
STATUTORY_ACCEPT_DAYS = 10
STATUTORY_DECIDE_DAYS = 30
STATUTORY_DECIDE_DAYS_COMPLEX = 45
END_OF_DAY = dt.time(23, 59, 59)
# The calendar and the tier settings are read on every intake; each process keeps them
# this long. A change in the admin clears this process's copy at once and reaches the
# other processes within this time.
SETTINGS_SECONDS = 60.0
_settings: dict[str, tuple[float, object]] = {}


def _setting(name: str, load):
    now = time.monotonic()
    hit = _settings.get(name)
    if hit is not None and now - hit[0] < SETTINGS_SECONDS:
        return hit[1]
    value = load()
    _settings[name] = (now, value)
    return value


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
@receiver(post_save, sender=TierDeadline)
@receiver(post_delete, sender=TierDeadline)
def forget_settings(**kwargs) -> None:
    _settings.clear()


@lru_cache(maxsize=32)
def _national(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("VN", years=[year]).keys())


class WorkingCalendar:
    """Answers "is this a working day?" and "when is N working days after this?"."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        if overrides is None:
            overrides = _setting(
                "days", lambda: dict(CalendarDay.objects.values_list("date", "is_working_day"))
            )
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
    configured = _setting(
        "tiers", lambda: dict(TierDeadline.objects.values_list("tier", "working_days"))
    ).get(tier)
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
