import pytest
from django.test import Client

from tinhso.core.actors import Actor


@pytest.fixture
def field(db):
    from tinhso.feedback.models import Field

    return Field.objects.get(code="giao-thong")


@pytest.fixture
def commune_field(db):
    from tinhso.feedback.models import Field

    return Field.objects.get(code="moi-truong")


@pytest.fixture
def tan_an(db):
    from tinhso.units.models import Commune

    return Commune.objects.get(code="27712")


@pytest.fixture
def new_report(db, tan_an):
    """Submit a fresh report as a citizen; returns a factory."""
    from tinhso.feedback import actions

    def make(text="Rác thải tập kết bên đường lâu ngày bốc mùi hôi thối.", **kwargs):
        kwargs.setdefault("channel", "web")
        kwargs.setdefault("commune", tan_an)
        draft = actions.ReportDraft(text=text, **kwargs)
        report, _created = actions.submit_report(Actor.citizen("10.0.0.1"), draft)
        return report

    return make


def login(username):
    from tinhso.agencies.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def operator():
    return login("demo.operator")


@pytest.fixture
def supervisor():
    return login("demo.supervisor")


@pytest.fixture
def commune_handler():
    """demo.commune belongs to the People's Committee of the commune nearest the centre."""
    return login("demo.commune")


@pytest.fixture
def sxd_handler():
    return login("demo.handler")
