"""A plan imported from XLSX in the export's columns: the round trip gives the same
tasks; a wrong cell refuses the whole file, naming its row and column."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tinhso.agencies.models import User
from tinhso.core.models import AuditEntry
from tinhso.roadmap.importing import PlanRefused, read_plan
from tinhso.roadmap.models import Plan, Task

pytestmark = pytest.mark.django_db


def exported(client) -> bytes:
    client.force_login(User.objects.get(username="demo.leader"))
    plan = Plan.objects.get(is_demo=True)
    response = client.get(f"/roadmap/plan.xlsx?plan={plan.pk}")
    assert response.status_code == 200
    return response.content


def facts(task: Task) -> tuple:
    return (
        task.title,
        task.goal,
        task.owner_id,
        sorted(task.co_agencies.values_list("pk", flat=True)),
        sorted(task.communes.values_list("pk", flat=True)),
        task.start,
        task.due,
        task.budget,
        task.status,
        task.progress,
        sorted(task.indicators.values_list("pk", flat=True)),
        sorted(task.main_indices.values_list("pk", flat=True)),
        task.evidence_text,
        task.evidence_url,
    )


def test_export_then_import_gives_the_same_tasks(client, tmp_path):
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(exported(client))
    out = io.StringIO()
    call_command("roadmap", "import", str(path), "--plan", "Kế hoạch nhập lại", stdout=out)
    copy = Plan.objects.get(name="Kế hoạch nhập lại")
    demo = Plan.objects.get(is_demo=True)
    original = [facts(t) for t in Task.objects.filter(plan=demo).order_by("due", "pk")]
    imported = [facts(t) for t in Task.objects.filter(plan=copy).order_by("due", "pk")]
    assert imported == original
    assert any(f[11] for f in imported) and any(f[4] for f in imported)  # links came back
    assert "10" in out.getvalue()
    entry = AuditEntry.objects.filter(action="roadmap.import_tasks").get()
    assert len(entry.after["tasks"]) == 10


def test_a_wrong_cell_refuses_the_whole_file_with_its_row_and_column(client, tmp_path):
    book = load_workbook(io.BytesIO(exported(client)))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    owner, due, progress = 4, 8, 11  # the export's columns, from 1
    sheet.cell(3, owner).value = "Sở Không Có"
    sheet.cell(4, due).value = "31/02/2026"
    sheet.cell(5, progress).value = 150
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(PlanRefused) as refused:
        read_plan(buffer.getvalue())
    where = [(r.row, r.column) for r in refused.value.refusals]
    assert where == [(3, header[owner - 1]), (4, header[due - 1]), (5, header[progress - 1])]
    assert "Sở Không Có" in refused.value.refusals[0].reason
    path = tmp_path / "sai.xlsx"
    path.write_bytes(buffer.getvalue())
    tasks = Task.objects.count()
    with pytest.raises(CommandError, match="Sở Không Có"):
        call_command("roadmap", "import", str(path), "--plan", "Kế hoạch sai")
    assert Task.objects.count() == tasks
    assert not Plan.objects.filter(name="Kế hoạch sai").exists()


def test_a_file_without_the_required_columns_is_refused(client):
    book = load_workbook(io.BytesIO(exported(client)))
    book.active.delete_cols(4)  # the owner agency
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(PlanRefused) as refused:
        read_plan(buffer.getvalue())
    assert [r.row for r in refused.value.refusals] == [1]
    with pytest.raises(PlanRefused):
        read_plan(b"not a workbook")


def test_the_secretariat_uploads_a_plan_on_its_page(client):
    data = exported(client)
    client.force_login(User.objects.get(username="demo.supervisor"))
    assert 'id="plan-import"' in client.get("/roadmap/").content.decode()
    upload = SimpleUploadedFile("ke-hoach.xlsx", data)
    response = client.post("/roadmap/import/", {"file": upload, "name": "Kế hoạch tải lên"})
    copy = Plan.objects.get(name="Kế hoạch tải lên")
    assert response.status_code == 302 and response["Location"].endswith(f"?plan={copy.pk}")
    assert copy.tasks.count() == 10


def test_a_refused_upload_lists_each_cell_and_adds_nothing(client):
    book = load_workbook(io.BytesIO(exported(client)))
    book.active.cell(6, 7).value = "không phải ngày"  # the start day of row 6
    buffer = io.BytesIO()
    book.save(buffer)
    demo = Plan.objects.get(is_demo=True)
    before = demo.tasks.count()
    client.force_login(User.objects.get(username="demo.supervisor"))
    upload = SimpleUploadedFile("sai.xlsx", buffer.getvalue())
    response = client.post("/roadmap/import/", {"file": upload, "plan": demo.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-refusals"' in page and re.findall(r'data-row="(\d+)"', page) == ["6"]
    assert demo.tasks.count() == before


def test_only_the_secretariat_imports(client):
    client.force_login(User.objects.get(username="demo.handler"))
    assert client.get("/roadmap/import/").status_code == 403
    assert 'id="plan-import"' not in client.get("/roadmap/").content.decode()
