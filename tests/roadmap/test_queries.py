"""The plan and task pages read a fixed number of SQL queries, whatever the number of
tasks and reports: the counts at the demo's size stay the same once many are added."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.roadmap.conftest import as_user
from tinhso.agencies.models import Agency, User
from tinhso.roadmap import actions
from tinhso.roadmap.models import Plan, Task
from tinhso.units.models import Commune

pytestmark = pytest.mark.django_db


def queries(path: str) -> int:
    client = Client()
    client.force_login(User.objects.get(username="demo.supervisor"))
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_the_plan_page_reads_as_many_queries_for_many_more_tasks(system):
    plan = Plan.objects.get(is_demo=True)
    path = f"/roadmap/?plan={plan.pk}"
    before = queries(path)
    agencies = list(Agency.objects.all()[:6])
    communes = list(Commune.objects.filter(province__code="80")[:6])
    for i in range(40):
        actions.create_task(
            system,
            plan,
            title=f"Nhiệm vụ {i}",
            owner=agencies[i % 6],
            co_agencies=[agencies[(i + 1) % 6]],
            communes=communes[: i % 6],
            start=dt.date(2025, 1, 1),
            due=dt.date(2025, 6, 30) if i % 2 else dt.date(2030, 1, 1),
        )
    assert queries(path) == before


def test_the_task_page_reads_as_many_queries_for_many_more_reports(make_task):
    task = make_task(start=dt.date(2020, 1, 1), due=dt.date(2030, 12, 31))
    handler, secretariat = as_user("demo.handler"), as_user("demo.supervisor")
    first = actions.submit_report(handler, task, month=dt.date(2020, 1, 1), progress=1, text="a")
    actions.decide_report(secretariat, first, approve=True)
    path = f"/roadmap/tasks/{task.pk}/"
    before = queries(path)
    for month in range(2, 13):
        report = actions.submit_report(
            handler, task, month=dt.date(2020, month, 1), progress=month, text="b"
        )
        if month % 2:
            actions.decide_report(secretariat, report, approve=True)
    assert Task.objects.get(pk=task.pk).reports.count() == 12
    assert queries(path) == before
