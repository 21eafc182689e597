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

# Formal complaints — Luật Khiếu nại 2011 (02/2011/QH13), detailed by Nghị định
# 124/2020/NĐ-CP:
# - art. 27: accept (thụ lý) or refuse within 10 days of receipt;
# - art. 28: decide (first instance) within 30 days of acceptance, 45 for a complex case;
#   in remote and disadvantaged areas 45, and 60 for a complex case.
COMPLAINT_ACCEPT_DAYS = 10
COMPLAINT_DECIDE_DAYS = {  # (complex, remote) → calendar days from acceptance
    (False, False): 30,
    (True, False): 45,
    (False, True): 45,
    (True, True): 60,
}
# Denunciations — Luật Tố cáo 2018 (25/2018/QH14):
# - art. 24(1): within 7 working days of receipt, check and accept or not;
# - art. 30(1): settle within 30 days of acceptance; a complex case may be extended once,
#   an especially complex case twice, by at most 30 days each time.
DENUNCIATION_ACCEPT_WORKING_DAYS = 7
DENUNCIATION_DECIDE_DAYS = 30
DENUNCIATION_EXTENSION_DAYS = 30
DENUNCIATION_EXTENSIONS = {"": 0, "complex": 1, "especially_complex": 2}
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
    complexity: str = "",
    remote: bool = False,
    calendar: WorkingCalendar | None = None,
) -> dt.datetime:
    """The due time of a report. Ordinary reports: working days by tier from `start`.
    Complaints and denunciations: the statutory limits above — to accept, from receipt
    (`start`); once `accepted`, to decide, from acceptance (`start` is then the moment of
    acceptance), lengthened by `complexity` and, for complaints, a `remote` area."""
    calendar = calendar or WorkingCalendar()
    if track == Track.ORDINARY:
        return calendar.add_working_days(start, tier_days(tier or Tier.STANDARD))
    if track == Track.DENUNCIATION:
        if not accepted:
            return calendar.add_working_days(start, DENUNCIATION_ACCEPT_WORKING_DAYS)
        extensions = DENUNCIATION_EXTENSIONS.get(complexity, 0)
        return calendar.add_days(
            start, DENUNCIATION_DECIDE_DAYS + extensions * DENUNCIATION_EXTENSION_DAYS
        )
    if not accepted:
        return calendar.add_days(start, COMPLAINT_ACCEPT_DAYS)
    return calendar.add_days(start, COMPLAINT_DECIDE_DAYS[(bool(complexity), remote)])
