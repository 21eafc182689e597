"""Scorecards and their exports."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tinhso.core.exports import safe_cell

pytestmark = pytest.mark.django_db


def test_scorecard_by_agency_counts_the_demo(supervisor):
    html = supervisor.get("/feedback/scorecards/").content.decode()
    assert "Sở Xây dựng tỉnh Tây Ninh" in html
    assert "Đúng hạn %" in html


@pytest.mark.parametrize("by", ["agency", "commune", "field"])
def test_xlsx_export_opens_and_adds_up(supervisor, by):
    from tinhso.feedback.models import Report

    # From the first report on (the default is the last 90 days; the demo spans more).
    first = Report.objects.earliest("received_at").received_at.date() - dt.timedelta(days=1)
    response = supervisor.get(
        "/feedback/scorecards/", {"by": by, "format": "xlsx", "from": first.isoformat()}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Đã tiếp nhận"
    counted = sum(r[1] for r in rows[1:])
    expected = Report.objects.exclude(status="refused").filter(duplicate_of__isnull=True).count()
    assert counted == expected


def test_csv_export_has_a_bom_for_excel(supervisor):
    response = supervisor.get("/feedback/scorecards/", {"by": "field", "format": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "Giao thông, đường sá" in text


def test_formula_cells_are_neutralised():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("-1+2") == "'-1+2"
    assert safe_cell(-3) == -3
    assert safe_cell("Sở Y tế") == "Sở Y tế"


def test_scorecards_are_for_supervision(handler_client):
    assert handler_client.get("/feedback/scorecards/").status_code == 403


def test_scorecard_query_count_is_pinned(supervisor, django_assert_max_num_queries, monkeypatch):
    from tinhso.feedback import scorecards

    # The demo was written seconds ago, inside the allowance for clock skew: without it,
    # the first read builds the rollups and the second finds nothing changed.
    monkeypatch.setattr(scorecards, "CLOCK_SKEW", dt.timedelta(0))
    supervisor.get("/feedback/scorecards/")
    # Session, user and roles; the refresh (savepoint, state, changed days, on PostgreSQL
    # the oldest open transaction, state saved, release); the live overdue count, the
    # sums, the names; the shell's demo flag.
    with django_assert_max_num_queries(13):
        assert supervisor.get("/feedback/scorecards/").status_code == 200


def _row(by: str, name: str, start=None, end=None):
    from django.utils import timezone

    from tinhso.feedback.scorecards import scorecard

    today = timezone.localdate()
    rows = scorecard(by, start or today - dt.timedelta(days=400), end or today)
    return next((r for r in rows if r.name == name), None)


def _direct(field_code: str, start: dt.date, end: dt.date) -> dict:
    """The same figures counted straight from the reports, to check the rollups against."""
    from django.utils import timezone

    from tinhso.feedback.models import Report

    zone = timezone.get_current_timezone()
    low = dt.datetime.combine(start, dt.time.min, zone)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone)
    reports = (
        Report.objects.filter(field__code=field_code, received_at__gte=low, received_at__lt=high)
        .exclude(status="refused")
        .filter(duplicate_of__isnull=True)
    )
    answered = [r for r in reports if r.answered_at]
    return {
        "received": reports.count(),
        "answered": len(answered),
        "on_time": sum(r.answered_at <= r.deadline for r in answered),
        "ratings": sum(r.rating is not None for r in reports),
    }


def test_the_rollups_agree_with_the_reports_over_any_period(field):
    from django.utils import timezone

    today = timezone.localdate()
    for days in (7, 30, 90, 400):
        start = today - dt.timedelta(days=days)
        row = _row("field", field.name, start, today)
        direct = _direct(field.code, start, today)
        got = {k: getattr(row, k) for k in direct} if row else dict.fromkeys(direct, 0)
        assert got == direct, days


def test_a_change_to_an_old_report_reaches_the_scorecard_at_once(system, new_report, field, tan_an):
    from tinhso.feedback import actions

    before = _row("field", field.name) or None
    report = new_report(text="Biển báo giao thông bị đổ ở ngã ba.", field=field)
    after_intake = _row("field", field.name)
    assert after_intake.received == (before.received if before else 0) + 1
    actions.accept_report(system, report, field=field)
    actions.answer_report(system, report, answer="Đã dựng lại biển báo.")
    actions.close_report(system, report, resolution="fixed")
    actions.rate_report(system, report, rating=5)
    answered = _row("field", field.name)
    assert answered.answered == after_intake.answered + 1
    assert answered.on_time == after_intake.on_time + 1
    assert answered.ratings == after_intake.ratings + 1
    # A refused report leaves the scorecard.
    other = new_report(text="Tin nhắn quảng cáo không liên quan.", field=field)
    assert _row("field", field.name).received == answered.received + 1
    actions.refuse_report(system, other, reason="Không phải phản ánh")
    assert _row("field", field.name).received == answered.received


def test_a_full_rebuild_gives_the_same_figures(supervisor):
    from django.core.management import call_command

    first = supervisor.get("/feedback/scorecards/", {"by": "commune", "format": "csv"}).content
    out = io.StringIO()
    call_command("scorecards", "--full", stdout=out)
    assert "rollup rows written" in out.getvalue()
    again = supervisor.get("/feedback/scorecards/", {"by": "commune", "format": "csv"}).content
    assert first == again
