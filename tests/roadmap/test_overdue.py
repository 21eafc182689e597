"""Overdue: the due day has passed and the task is not done."""

from __future__ import annotations

import datetime as dt

from tests.roadmap.conftest import TODAY
from tinhso.roadmap import followup
from tinhso.roadmap.models import Task, TaskStatus
from tinhso.units.models import Commune


def test_overdue_is_past_due_and_not_done(make_task, plan):
    yesterday = make_task(title="a", due=TODAY - dt.timedelta(days=1))
    make_task(title="b", due=TODAY)  # due today: not yet overdue
    make_task(title="c", due=TODAY - dt.timedelta(days=30), status=TaskStatus.DONE, progress=100)
    paused = make_task(title="d", due=TODAY - dt.timedelta(days=30), status=TaskStatus.PAUSED)
    make_task(title="e", due=TODAY + dt.timedelta(days=30))
    overdue = Task.objects.filter(plan=plan).overdue(TODAY)
    assert set(overdue) == {yesterday, paused}
    assert [t.title for t in Task.objects.filter(plan=plan) if t.is_overdue(TODAY)] == ["d", "a"]


def test_counts_per_agency_and_per_commune(make_task, plan):
    from tinhso.agencies.models import Agency

    skhcn = Agency.objects.get(code="SKHCN")
    one, two = Commune.objects.filter(province__code="80").order_by("code")[:2]
    late = TODAY - dt.timedelta(days=1)
    make_task(title="a", due=late, communes=[one, two])
    make_task(title="b", due=late, communes=[one], status=TaskStatus.DONE, progress=100)
    make_task(title="c", owner=skhcn, communes=[one])
    tasks = Task.objects.filter(plan=plan)
    agencies = {c.key: (c.tasks, c.done, c.overdue) for c in followup.per_agency(tasks, TODAY)}
    assert agencies == {"SXD": (2, 1, 1), "SKHCN": (1, 0, 0)}
    communes = {c.key: (c.tasks, c.done, c.overdue) for c in followup.per_commune(tasks, TODAY)}
    assert communes == {one.code: (3, 1, 1), two.code: (1, 0, 1)}
    assert followup.per_agency(tasks, TODAY)[0].key == "SXD"  # the most overdue first
