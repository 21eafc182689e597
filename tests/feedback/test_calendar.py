"""Working days with Vietnam's holidays and the province's own days."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tinhso.feedback.calendar import WorkingCalendar, deadline_for
from tinhso.feedback.models import CalendarDay, Tier, TierDeadline, Track

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, h=9):
    return dt.datetime(y, m, d, h, tzinfo=VN)


def test_weekends_are_skipped():
    cal = WorkingCalendar({})
    # Friday 2026-11-20 + 1 working day = Monday 2026-11-23.
    assert cal.add_working_days(at(2026, 11, 20), 1).date() == dt.date(2026, 11, 23)


def test_lunar_new_year_is_skipped():
    cal = WorkingCalendar({})
    # Tết 2026: 16–20 February (Mon–Fri). A report on Friday 13 Feb, 3 working days later,
    # is due on Wednesday 25 Feb.
    assert cal.add_working_days(at(2026, 2, 13), 3).date() == dt.date(2026, 2, 25)


def test_the_province_adds_a_day_off_and_a_worked_saturday():
    CalendarDay.objects.create(date=dt.date(2026, 11, 23), label="Nghỉ bù (thử)")
    CalendarDay.objects.create(
        date=dt.date(2026, 11, 21), label="Làm bù thứ Bảy", is_working_day=True
    )
    cal = WorkingCalendar()
    assert cal.is_working_day(dt.date(2026, 11, 21))
    assert not cal.is_working_day(dt.date(2026, 11, 23))
    # Saturday 21 worked, Monday 23 off, Tuesday 24 is Vietnam Cultural Day (a national
    # holiday from 2026): two working days after Friday 20 end on Wednesday 25.
    assert cal.add_working_days(at(2026, 11, 20), 2).date() == dt.date(2026, 11, 25)


def test_deadline_by_tier_is_a_setting():
    start = at(2026, 11, 16)  # Monday
    assert deadline_for(Track.ORDINARY, Tier.EMERGENCY, start).date() == dt.date(2026, 11, 17)
    assert deadline_for(Track.ORDINARY, Tier.STANDARD, start).date() == dt.date(2026, 11, 23)
    TierDeadline.objects.update_or_create(tier=Tier.STANDARD, defaults={"working_days": 7})
    # 17, 18, 19, 20, 23, (24 is a holiday) 25, 26.
    assert deadline_for(Track.ORDINARY, Tier.STANDARD, start).date() == dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("track", "options", "due"),
    [
        # Luật Khiếu nại 2011, art. 27: accept within 10 days of receipt.
        (Track.COMPLAINT, {}, dt.date(2026, 11, 26)),
        # art. 28: decide within 30 days of acceptance; 45 complex or remote; 60 both.
        (Track.COMPLAINT, {"accepted": True}, dt.date(2026, 12, 16)),
        (Track.COMPLAINT, {"accepted": True, "complexity": "complex"}, dt.date(2026, 12, 31)),
        (Track.COMPLAINT, {"accepted": True, "remote": True}, dt.date(2026, 12, 31)),
        (
            Track.COMPLAINT,
            {"accepted": True, "complexity": "complex", "remote": True},
            dt.date(2027, 1, 15),
        ),
        # Luật Tố cáo 2018, art. 24(1): accept within 7 working days of receipt.
        # (24 November 2026 is Vietnam Culture Day, a day off.)
        (Track.DENUNCIATION, {}, dt.date(2026, 11, 26)),
        # art. 30(1): 30 days from acceptance, extended once (complex) or twice by 30.
        (Track.DENUNCIATION, {"accepted": True}, dt.date(2026, 12, 16)),
        (
            Track.DENUNCIATION,
            {"accepted": True, "complexity": "complex"},
            dt.date(2027, 1, 15),
        ),
        (
            Track.DENUNCIATION,
            {"accepted": True, "complexity": "especially_complex"},
            dt.date(2027, 2, 14),
        ),
    ],
)
def test_complaints_and_denunciations_follow_the_law(track, options, due):
    start = at(2026, 11, 16)  # a Monday
    assert deadline_for(track, None, start, calendar=WorkingCalendar({}), **options).date() == due


def test_deadline_is_the_end_of_the_day():
    due = WorkingCalendar({}).add_working_days(at(2026, 11, 16), 1)
    assert (due.hour, due.minute) == (23, 59)
    assert due.tzinfo is not None
