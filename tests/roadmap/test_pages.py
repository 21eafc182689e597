"""The roadmap's pages: the plan with its follow-up and timeline, a task with its reports,
the plan as XLSX — and the demo's plan they show."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.roadmap.conftest import TODAY
from tinhso.agencies.models import User
from tinhso.roadmap.gantt import gantt
from tinhso.roadmap.models import Plan, ProgressReport, ReportState, Task, TaskStatus

pytestmark = pytest.mark.django_db


def signed_in(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def demo_plan() -> Plan:
    return Plan.objects.get(is_demo=True)


def test_the_demo_has_a_plan_across_agencies_and_communes():
    plan = demo_plan()
    tasks = Task.objects.filter(plan=plan)
    today = timezone.localdate()
    assert tasks.count() == 10
    assert all(t.is_demo for t in tasks)
    assert tasks.values("owner").distinct().count() >= 7
    assert tasks.filter(communes__isnull=False).distinct().count() >= 6
    assert tasks.overdue(today).count() == 3
    assert tasks.filter(status=TaskStatus.DONE).count() == 1
    linked = set(tasks.values_list("indicators__code", flat=True)) - {None}
    assert {
        "ho-cap-quang",
        "dien-thoai-thong-minh",
        "kinh-te-so-grdp",
        "ho-so-truc-tuyen",
    } <= linked
    reports = ProgressReport.objects.filter(task__plan=plan)
    states = {s: reports.filter(state=s).count() for s in ReportState.values}
    assert states == {"approved": 4, "returned": 1, "submitted": 2}
    fibre = tasks.get(indicators__code="ho-cap-quang")
    assert fibre.progress == 30  # its latest approved month


def test_anonymous_visitors_are_sent_to_sign_in(client):
    task = Task.objects.filter(plan=demo_plan()).first()
    for url in ("/roadmap/", f"/roadmap/tasks/{task.pk}/", "/roadmap/plan.xlsx"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_plan_page_lists_every_task_with_one_bar_each(client):
    plan = demo_plan()
    page = signed_in(client, "demo.leader").get("/roadmap/").content.decode()
    ids = set(Task.objects.filter(plan=plan).values_list("pk", flat=True))
    assert {int(i) for i in re.findall(r'<li id="task-(\d+)"', page)} == ids
    bars = re.findall(r'<rect class="gantt-bar" data-task="(\d+)"', page)
    assert sorted(int(b) for b in bars) == sorted(ids)
    assert 'id="per-agency"' in page and 'id="per-commune"' in page
    assert "Kế hoạch chuyển đổi số của tỉnh (demo)" in page


def test_the_overdue_filter_keeps_only_overdue_tasks(client):
    plan = demo_plan()
    late = set(
        Task.objects.filter(plan=plan).overdue(timezone.localdate()).values_list("pk", flat=True)
    )
    page = (
        signed_in(client, "demo.leader").get(f"/roadmap/?plan={plan.pk}&overdue=1").content.decode()
    )
    assert {int(i) for i in re.findall(r'<li id="task-(\d+)"', page)} == late
    assert len(re.findall(r'class="gantt-bar"', page)) == len(late)


def test_filters_by_agency_commune_and_status(client):
    plan = demo_plan()
    tasks = Task.objects.filter(plan=plan)
    client = signed_in(client, "demo.leader")

    def listed(query: str) -> set[int]:
        page = client.get(f"/roadmap/?plan={plan.pk}&{query}").content.decode()
        return {int(i) for i in re.findall(r'<li id="task-(\d+)"', page)}

    skhcn = set(tasks.filter(owner__code="SKHCN").values_list("pk", flat=True))
    co = set(tasks.filter(co_agencies__code="SKHCN").values_list("pk", flat=True))
    assert listed("agency=SKHCN") == skhcn | co
    commune = tasks.filter(communes__isnull=False).values_list("communes__code", flat=True)[0]
    assert listed(f"commune={commune}") == set(
        tasks.filter(communes__code=commune).values_list("pk", flat=True)
    )
    assert listed("status=paused") == set(
        tasks.filter(status="paused").values_list("pk", flat=True)
    )


def test_the_gantt_has_one_bar_per_task_and_marks_the_overdue(make_task):
    tasks = [
        make_task(title="a", due=TODAY - dt.timedelta(days=1)),
        make_task(title="b", progress=50, status=TaskStatus.IN_PROGRESS),
    ]
    chart = gantt(tasks, TODAY)
    assert [b.task_id for b in chart.bars] == [t.pk for t in tasks]
    assert [b.overdue for b in chart.bars] == [True, False]
    second = chart.bars[1]
    assert float(second.done_width) == pytest.approx(float(second.width) / 2, abs=0.1)
    assert chart.today_x is not None and all("," not in b.x for b in chart.bars)
    assert gantt([], TODAY) is None


def test_the_plan_as_xlsx_has_every_task(client):
    plan = demo_plan()
    response = signed_in(client, "demo.handler").get(f"/roadmap/plan.xlsx?plan={plan.pk}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    tasks = Task.objects.filter(plan=plan).order_by("due", "pk")
    assert [r[0] for r in rows] == [t.pk for t in tasks]
    assert [r[1] for r in rows] == [t.title for t in tasks]
    fibre = tasks.get(indicators__code="ho-cap-quang")
    row = next(r for r in rows if r[0] == fibre.pk)
    assert row[8] == 12_500_000_000 and row[10] == 30


def test_the_owner_agency_reports_and_the_secretariat_approves_on_the_page(client, make_task):
    task = make_task(start=dt.date(2024, 1, 1), due=dt.date(2030, 12, 31), budget=1_250_000_000)
    handler = signed_in(client, "demo.handler")
    page = handler.get(f"/roadmap/tasks/{task.pk}/").content.decode()
    assert 'id="report-form"' in page and "/decide/" not in page
    assert 'id="task-budget">1.250.000.000<' in page
    month = timezone.localdate().strftime("%Y-%m")
    response = handler.post(
        f"/roadmap/tasks/{task.pk}/report/",
        {"month": month, "progress": "35", "text": "Đã khảo sát", "evidence_link": ""},
    )
    assert response.status_code == 302
    report = task.reports.get()
    assert report.progress == 35
    # the same month again: the form comes back with the error, nothing stored
    again = handler.post(
        f"/roadmap/tasks/{task.pk}/report/", {"month": month, "progress": "40", "text": "x"}
    )
    assert again.status_code == 200 and 'class="errorlist nonfield"' in again.content.decode()
    assert task.reports.count() == 1
    client.logout()
    secretariat = signed_in(client, "demo.supervisor")
    page = secretariat.get(f"/roadmap/tasks/{task.pk}/").content.decode()
    assert f'action="/roadmap/reports/{report.pk}/decide/"' in page
    secretariat.post(f"/roadmap/reports/{report.pk}/decide/", {"decision": "approve"})
    task.refresh_from_db()
    assert task.progress == 35
    assert (
        'id="task-progress">35%' in secretariat.get(f"/roadmap/tasks/{task.pk}/").content.decode()
    )


def test_another_agency_sees_the_task_but_cannot_report(client, make_task):
    task = make_task()
    steward = signed_in(client, "demo.steward")
    page = steward.get(f"/roadmap/tasks/{task.pk}/").content.decode()
    assert 'id="report-form"' not in page
    response = steward.post(
        f"/roadmap/tasks/{task.pk}/report/", {"month": "2026-06", "progress": "5", "text": "x"}
    )
    assert response.status_code == 403
    assert not task.reports.exists()


def test_a_missing_task_is_not_found(client):
    assert signed_in(client, "demo.leader").get("/roadmap/tasks/999999/").status_code == 404


def test_staff_see_the_roadmap_in_the_navigation(client):
    page = signed_in(client, "demo.commune").get("/").content.decode()
    assert 'href="/roadmap/"' in page
    client.logout()
    assert 'href="/roadmap/"' not in client.get("/").content.decode()


def test_the_owner_agency_keeps_status_and_evidence_up_to_date_on_the_page(client, make_task):
    task = make_task()
    handler = signed_in(client, "demo.handler")
    page = handler.get(f"/roadmap/tasks/{task.pk}/").content.decode()
    assert 'id="update-form"' in page and 'name="due"' not in page
    response = handler.post(
        f"/roadmap/tasks/{task.pk}/update/",
        {
            "status": "in_progress",
            "evidence_text": "Biên bản",
            "evidence_url": "",
            "due": "2031-01-01",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.evidence_text, task.due) == (
        "in_progress",
        "Biên bản",
        dt.date(2026, 12, 31),
    )
    client.logout()
    secretariat = signed_in(client, "demo.supervisor")
    assert 'name="due"' in secretariat.get(f"/roadmap/tasks/{task.pk}/").content.decode()
    secretariat.post(
        f"/roadmap/tasks/{task.pk}/update/",
        {"status": "in_progress", "evidence_text": "Biên bản", "due": "2026-11-30"},
    )
    task.refresh_from_db()
    assert task.due == dt.date(2026, 11, 30)
    # another agency: refused, nothing changed
    client.logout()
    steward = signed_in(client, "demo.steward")
    assert 'id="update-form"' not in steward.get(f"/roadmap/tasks/{task.pk}/").content.decode()
    refused = steward.post(f"/roadmap/tasks/{task.pk}/update/", {"status": "done"})
    assert refused.status_code == 403
    task.refresh_from_db()
    assert task.status == "in_progress"
