"""The committee's monthly report (PDF and XLSX) and the tasks' DTI main indices."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.roadmap.conftest import as_user
from tinhso.agencies.models import User
from tinhso.dti.models import MainIndex
from tinhso.roadmap import actions, monthly
from tinhso.roadmap.models import ReportState, Task, TaskStatus

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)
NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


def approved() -> str:
    with translation.override("vi"):
        return str(ReportState.APPROVED.label)


@pytest.fixture
def month_world(system, plan, make_task, sxd):
    from tinhso.agencies.models import Agency
    from tinhso.units.models import Commune

    commune = Commune.objects.order_by("code").first()
    late = make_task(
        title="Lắp cáp quang xã vùng sâu",
        due=dt.date(2026, 4, 30),
        status=TaskStatus.IN_PROGRESS,
        communes=[commune],
    )
    other = make_task(
        title="Số hóa hồ sơ đất đai",
        owner=Agency.objects.get(code="SNV"),
        status=TaskStatus.IN_PROGRESS,
    )
    make_task(title="Việc đã xong từ trước", due=dt.date(2026, 3, 31), status=TaskStatus.DONE)
    make_task(title="Việc chưa bắt đầu", start=dt.date(2026, 9, 1))
    report = actions.submit_report(
        system, late, month=MAY, progress=40, text="Kéo cáp đến 300 hộ", now=NOW
    )
    actions.decide_report(system, report, approve=True, now=NOW)
    return {"late": late, "other": other, "commune": commune}


def signed_in(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def test_the_month_counts_tasks_under_way_overdue_and_reports(month_world, plan):
    report = monthly.build(plan, Task.objects.all(), MAY, now=NOW)
    titles = {t.title for s in report.agencies for t in s.tasks}
    assert titles == {"Lắp cáp quang xã vùng sâu", "Số hóa hồ sơ đất đai"}
    assert report.as_of == dt.date(2026, 5, 31)
    assert report.overdue == 1
    assert [s.name for s in report.communes] == [month_world["commune"].name]
    assert [(r.task, r.progress, r.state) for r in report.reports] == [
        ("Lắp cáp quang xã vùng sâu", 40, approved())
    ]
    assert (report.count(ReportState.APPROVED), report.count(ReportState.SUBMITTED)) == (1, 0)
    without = {t.title for s in report.agencies for t in s.tasks if not t.reported}
    assert without == {"Số hóa hồ sơ đất đai"}


def test_the_pdf_is_a_pdf_in_vietnamese(client, month_world, plan):
    response = signed_in(client, "demo.leader").get(f"/roadmap/report/2026-05.pdf?plan={plan.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Lắp cáp quang xã vùng sâu" in text
    assert month_world["commune"].name in text
    assert "Kéo cáp đến 300 hộ" in text


def test_the_xlsx_has_a_row_per_task_and_report(client, month_world, plan):
    response = signed_in(client, "demo.leader").get(f"/roadmap/report/2026-05.xlsx?plan={plan.pk}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    agencies = [r for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert sorted(r[1] for r in agencies) == ["Lắp cáp quang xã vùng sâu", "Số hóa hồ sơ đất đai"]
    late = next(r for r in agencies if r[1] == "Lắp cáp quang xã vùng sâu")
    assert late[5] == "có" and late[6] == approved()
    communes = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in communes] == [
        (month_world["commune"].name, "Lắp cáp quang xã vùng sâu")
    ]
    reports = list(book.worksheets[3].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2]) for r in reports] == [("Lắp cáp quang xã vùng sâu", 40)]


def test_a_month_that_is_not_one_is_not_found(client, plan):
    client = signed_in(client, "demo.leader")
    assert client.get(f"/roadmap/report/2026-13.pdf?plan={plan.pk}").status_code == 404
    assert client.get(f"/roadmap/report/2026-5.xlsx?plan={plan.pk}").status_code == 404


def test_the_plan_page_links_this_months_report(client):
    page = signed_in(client, "demo.leader").get("/roadmap/").content.decode()
    assert 'id="monthly-pdf"' in page and 'id="monthly-xlsx"' in page


def test_a_task_names_the_dti_main_indices_it_should_move(client, make_task, system):
    infra = MainIndex.objects.get(framework__code="405", code="ha_tang_so")
    task = make_task(title="Trạm BTS", main_indices=[infra])
    page = signed_in(client, "demo.leader").get(f"/roadmap/tasks/{task.pk}/").content.decode()
    assert 'id="task-main-indices"' in page and "Hạ tầng số" in page
    response = signed_in(client, "demo.leader").get(f"/roadmap/plan.xlsx?plan={task.plan_id}")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "405 Hạ tầng số" in rows[1]
    handler = as_user("demo.handler")  # the owner agency may not change the links
    with pytest.raises(Exception, match="."):
        actions.update_task(handler, task, main_indices=[])
    assert list(task.main_indices.all()) == [infra]


def test_the_demo_links_its_tasks_to_the_2024_main_indices():
    tasks = Task.objects.filter(plan__is_demo=True)
    linked = tasks.filter(main_indices__isnull=False).distinct()
    assert linked.count() == tasks.count()
    frameworks = set(tasks.values_list("main_indices__framework__code", flat=True))
    assert frameworks == {"405"}
    fibre = tasks.get(indicators__code="ho-cap-quang")
    assert list(fibre.main_indices.values_list("code", flat=True)) == ["ha_tang_so"]
