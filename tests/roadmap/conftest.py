"""Helpers of the roadmap's tests: a plan of the test's own and tasks made through the
actions, owned by the Sở Xây dựng (demo.handler's agency) unless told otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhso.agencies.models import Agency, User
from tinhso.core.actors import Actor
from tinhso.roadmap import actions

TODAY = dt.date(2026, 6, 15)


def as_user(username: str) -> Actor:
    return Actor.for_user(User.objects.get(username=username))


@pytest.fixture
def sxd(db):
    return Agency.objects.get(code="SXD")


@pytest.fixture
def plan(db, system):
    return actions.create_plan(
        system,
        name="Kế hoạch thử",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 12, 31),
    )


@pytest.fixture
def make_task(system, plan, sxd):
    def make(**fields):
        values = {
            "title": "Nâng cấp hạ tầng",
            "owner": sxd,
            "start": dt.date(2026, 1, 1),
            "due": dt.date(2026, 12, 31),
        }
        values.update(fields)
        return actions.create_task(system, plan, **values)

    return make
