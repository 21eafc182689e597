"""Weekly and monthly reports: their periods in the province's time, the PDF (Vietnamese
text in the packaged font, SVG charts), the XLSX (numbers and dates typed), the archive,
the schedule (idempotent, both files attached to each e-mail), the CLI and who may
generate a report now."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from tinhso.agencies.models import User
from tinhso.core.models import AuditEntry
from tinhso.ioc import actions, report_files, reports, tasks
from tinhso.ioc.computation import compute
from tinhso.ioc.models import ArchivedReport, ReportDelivery, ReportSubscription

pytestmark = pytest.mark.django_db

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PDF_TYPE = "application/pdf"


@pytest.fixture
def fibre_report(system, fibre_indicator):
    """The digital sector's report for the year 2025's last month, the fibre indicator
    computed (province-wide 2024 = 1000/1800 … see conftest)."""
    actions.set_target(system, fibre_indicator, value=70, deadline=dt.date(2030, 12, 31))
    compute(fibre_indicator)
    return reports.build("digital", reports.period_of("month", dt.date(2025, 12, 10)))


def pdf_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


# --- periods ----------------------------------------------------------------------------


def test_a_week_runs_monday_to_sunday_and_a_month_its_calendar_days():
    week = reports.period_of("week", dt.date(2026, 11, 26))  # a Thursday
    assert (week.start, week.last_day) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert week.start_at.utcoffset() == dt.timedelta(hours=7)
    month = reports.period_of("month", dt.date(2024, 2, 10))
    assert (month.start, month.last_day) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert month.previous().start == dt.date(2024, 1, 1)
    assert reports.period_of("month", dt.date(2025, 12, 31)).end == dt.date(2026, 1, 1)


def test_reports_are_due_on_monday_and_the_first_at_seven_local_time():
    before = dt.datetime(2026, 11, 30, 6, 59, tzinfo=HCM)  # a Monday
    after = dt.datetime(2026, 11, 30, 7, 0, tzinfo=HCM)
    assert reports.last_released("week", before).start == dt.date(2026, 11, 16)
    assert reports.last_released("week", after).start == dt.date(2026, 11, 23)
    first = dt.datetime(2026, 12, 1, 7, 0, tzinfo=HCM)
    assert reports.last_released("month", first - dt.timedelta(minutes=1)).start == dt.date(
        2026, 10, 1
    )
    assert reports.last_released("month", first).start == dt.date(2026, 11, 1)
    # 07:00 in Hồ Chí Minh City is midnight UTC: the local date decides, not the UTC one.
    assert reports.last_released("week", after.astimezone(dt.UTC)).start == dt.date(2026, 11, 23)


# --- content and files ------------------------------------------------------------------


def test_the_content_has_the_value_the_previous_period_and_the_target(fibre_report):
    row = next(r for r in fibre_report.indicators if r.code == "t-cap-quang")
    assert row.value == pytest.approx(100 * (720 + 400) / 1800)  # 2025, known by December
    assert row.previous == row.value  # a yearly value: the same one a month earlier
    assert row.value_period == dt.date(2025, 1, 1)
    assert (row.target, row.target_deadline) == (70, dt.date(2030, 12, 31))
    assert row.status == "watch"  # between bad (50) and good (70)
    assert [v for _, v in row.series] == pytest.approx([55.0, 100 * 1120 / 1800])
    assert fibre_report.feedback is None and fibre_report.air is None


def test_the_pdf_is_in_vietnamese_in_the_packaged_font_with_svg_charts(fibre_report):
    data = report_files.pdf(fibre_report)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Hộ có cáp quang" in text
    assert "Tây Ninh" in text.title()
    assert "01/12/2025" in text and "31/12/2025" in text
    fonts = pdf_fonts(reader)
    assert fonts and all(name.startswith("Tinh-So-Be-Vietnam-Pro") for name in fonts), fonts
    # The @font-face points into the installed package, not at a system font.
    css = report_files.font_css()
    regular = report_files.font_files()[400]
    assert regular.is_file() and "fontpkg_be_vietnam_pro" in regular.parts
    assert regular.as_uri() in css
    page = report_files.html(fibre_report)
    footer = reader.pages[1].extract_text()
    assert f"{fibre_report.province} · {fibre_report.period.label}" in footer
    trends = sum(1 for r in fibre_report.indicators if len(r.series) >= 2)
    assert trends >= 1 and page.count("<svg") == trends  # a chart per indicator with a trend
    assert "stroke-dasharray" in page  # its thresholds


def test_the_footer_text_cannot_leave_its_css_string():
    assert report_files.css_string('Tỉnh "A" </style>\\') == "Tỉnh \\22 A\\22  \\3C /style>\\5C "


def test_the_xlsx_has_numbers_as_numbers_and_dates_as_dates(fibre_report):
    book = load_workbook(io.BytesIO(report_files.xlsx(fibre_report)))
    assert len(book.sheetnames) == 4  # the report, indicators, alerts by severity, alerts
    sheet = book.worksheets[1]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "t-cap-quang")
    assert row[1] == "Hộ có cáp quang"
    assert isinstance(row[4], float) and row[4] == pytest.approx(100 * 1120 / 1800)
    assert isinstance(row[5], dt.datetime) and row[5].date() == dt.date(2025, 1, 1)
    assert row[8] == 70
    about = book.worksheets[0]
    assert about.cell(row=5, column=2).value.date() == dt.date(2025, 12, 1)
    assert about.cell(row=5, column=2).number_format == "DD/MM/YYYY"


def test_the_leaders_xlsx_adds_feedback_and_air(system):
    content = reports.build("leader", reports.period_of("week", dt.date(2026, 11, 25)))
    book = load_workbook(io.BytesIO(report_files.xlsx(content)))
    assert len(book.sheetnames) == 6
    feedback = {r[0]: r[1] for r in book.worksheets[4].iter_rows(min_row=2, values_only=True)}
    assert list(feedback.values())[0] == content.feedback.received
    assert all(isinstance(v, int | float) or v is None for v in feedback.values())


# --- archive and schedule ---------------------------------------------------------------


def test_generating_again_replaces_the_archived_report(system):
    first, drawn = actions.generate_report(system, "health", "week", dt.date(2026, 11, 4))
    with first.pdf.open("rb") as stored:
        assert drawn and stored.read(4) == b"%PDF"
    old_name = first.pdf.name
    again, drawn = actions.generate_report(system, "health", "week", dt.date(2026, 11, 8))
    assert drawn and again.pk == first.pk
    assert ArchivedReport.objects.filter(scope="health").count() == 1
    kept, drawn = actions.generate_report(
        system, "health", "week", dt.date(2026, 11, 2), replace=False
    )
    assert not drawn and kept.pk == first.pk
    assert AuditEntry.objects.filter(action="ioc.generate_report").count() == 2
    assert again.pdf.name != old_name


def test_the_schedule_sends_each_report_once_with_both_files(system, mailoutbox):
    leader = ReportSubscription.objects.create(
        name="Lãnh đạo UBND", scope="leader", frequency="week", recipients="a@x.vn, b@x.vn"
    )
    ReportSubscription.objects.create(
        name="Sở Y tế", scope="health", frequency="month", recipients="yte@x.vn"
    )
    ReportSubscription.objects.create(
        name="Tắt", scope="traffic", frequency="week", recipients="c@x.vn", is_active=False
    )
    monday = dt.datetime(2026, 11, 23, 7, 5, tzinfo=HCM)
    assert tasks.send_due_reports(monday) == (3, 2)  # leader weekly + monthly, health monthly
    assert tasks.send_due_reports(monday + dt.timedelta(minutes=15)) == (0, 0)
    assert ArchivedReport.objects.count() == 3
    assert ReportDelivery.objects.count() == 2
    assert len(mailoutbox) == 2
    weekly = next(m for m in mailoutbox if m.to == ["a@x.vn", "b@x.vn"])
    names = [name for name, _content, _type in weekly.attachments]
    assert names == [
        "bao-cao-leader-week-2026-11-16.pdf",
        "bao-cao-leader-week-2026-11-16.xlsx",
    ]
    pdf, xlsx = (content for _name, content, _type in weekly.attachments)
    assert pdf.startswith(b"%PDF") and xlsx.startswith(b"PK")
    assert [kind for _n, _c, kind in weekly.attachments][0] == PDF_TYPE
    assert leader.deliveries.get().report.period_start == dt.date(2026, 11, 16)
    # A week later the next week's report goes out, the previous one is not sent again.
    assert tasks.send_due_reports(monday + dt.timedelta(days=7)) == (1, 1)
    assert len(mailoutbox) == 3


def test_a_mail_that_fails_is_sent_on_the_next_run(system, mailoutbox, settings):
    ReportSubscription.objects.create(
        name="Lãnh đạo", scope="leader", frequency="week", recipients="a@x.vn"
    )
    monday = dt.datetime(2026, 11, 30, 8, 0, tzinfo=HCM)
    settings.EMAIL_BACKEND = "tests.ioc.test_reports.FailingBackend"
    assert tasks.send_due_reports(monday) == (2, 0)
    assert ReportDelivery.objects.count() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.send_due_reports(monday) == (0, 1)
    assert len(mailoutbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_a_subscription_refuses_what_is_not_an_address():
    from django.core.exceptions import ValidationError

    good = ReportSubscription(
        name="x", scope="leader", frequency="week", recipients="a@x.vn;\n b@x.vn , c@x.vn"
    )
    good.full_clean()
    assert good.addresses == ["a@x.vn", "b@x.vn", "c@x.vn"]
    wrong = ReportSubscription(name="x", scope="leader", frequency="week", recipients="a@x.vn, b")
    with pytest.raises(ValidationError) as caught:
        wrong.full_clean()
    assert "b" in str(caught.value.message_dict["recipients"])
    nowhere = ReportSubscription(name="x", scope="nowhere", frequency="week", recipients="a@x.vn")
    with pytest.raises(ValidationError):
        nowhere.full_clean()


# --- pages and command ------------------------------------------------------------------


def _client(client, username):
    client.force_login(User.objects.get(username=username))
    return client


GENERATE = {"scope": "health", "frequency": "month", "day": "2026-10-15"}


@pytest.mark.parametrize("username", ["demo.leader", "demo.operator"])
def test_generating_now_is_refused_to_leaders_and_operators(client, username):
    response = _client(client, username).post("/ioc/reports/generate/", GENERATE)
    assert response.status_code == 403
    assert not ArchivedReport.objects.exists()
    page = client.get("/ioc/reports/")
    assert page.status_code == 200
    assert b'action="/ioc/reports/generate/"' not in page.content


def test_a_supervisor_generates_a_report_now_and_everyone_on_duty_downloads_it(client):
    supervisor = _client(client, "demo.supervisor")
    assert b'action="/ioc/reports/generate/"' in supervisor.get("/ioc/reports/").content
    response = supervisor.post("/ioc/reports/generate/", GENERATE)
    report = ArchivedReport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#report-{report.pk}")
    assert (report.scope, report.frequency) == ("health", "month")
    assert (report.period_start, report.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    entry = AuditEntry.objects.get(action="ioc.generate_report")
    assert entry.actor_label == "demo.supervisor"
    assert report.summary["partial"] is False and report.summary["indicators"] >= 1
    leader = _client(client, "demo.leader")
    assert f'id="report-{report.pk}"'.encode() in leader.get("/ioc/reports/").content
    download = leader.get(f"/ioc/reports/{report.pk}/pdf/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Type"] == PDF_TYPE
    assert leader.get(f"/ioc/reports/{report.pk}/doc/").status_code == 404


def test_the_command_writes_both_files(tmp_path: Path):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "ioc",
        "report",
        "--scope=leader",
        "--period=week",
        "--date=2026-11-25",
        f"--output={tmp_path}",
        stdout=out,
        stderr=err,
    )
    pdf = tmp_path / "bao-cao-leader-week-2026-11-23.pdf"
    xlsx = tmp_path / "bao-cao-leader-week-2026-11-23.xlsx"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert load_workbook(xlsx).sheetnames
    assert str(pdf) in out.getvalue()
    assert "100%" in err.getvalue()  # the progress bar reached its end
    assert not ArchivedReport.objects.exists()  # the command writes files, not the archive
