"""Shared fixtures. The unit tables and the demo province are built once per session in
the real test database (SQLite or PostgreSQL); each test then runs in a rolled-back
transaction."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tinhso.core.actors import Actor


@pytest.fixture(scope="session", autouse=True)
def _data_dir(tmp_path_factory):
    """Keep files the platform writes (demo password, uploads) out of the developer's ./var."""
    from django.conf import settings

    original = settings.DATA_DIR, settings.MEDIA_ROOT
    settings.DATA_DIR = tmp_path_factory.mktemp("data")
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    yield settings.DATA_DIR
    settings.DATA_DIR, settings.MEDIA_ROOT = original


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _data_dir):
    with django_db_blocker.unblock():
        call_command("demo", stdout=io.StringIO())


@pytest.fixture
def system() -> Actor:
    return Actor.system("tests")


@pytest.fixture
def province(db):
    from tinhso.units.models import Province

    return Province.objects.get(code="80")


@pytest.fixture
def demo_password(db) -> str:
    from tinhso.agencies.demo import demo_password

    return demo_password()


def _user(username: str):
    from tinhso.agencies.models import User

    return User.objects.get(username=username)


@pytest.fixture
def admin_user(db):
    return _user("demo.admin")


@pytest.fixture
def handler_user(db):
    return _user("demo.handler")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def handler_client(client, handler_user):
    client.force_login(handler_user)
    return client


@pytest.fixture
def token_for(db, system):
    """Create an API token for a user name; returns the raw token."""
    from tinhso.agencies import actions

    def make(username: str, label: str = "test") -> str:
        return actions.create_token(system, _user(username), label=label)[1]

    return make


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process copies of settings kept in the database would outlive a test's
    rolled-back transaction: start every test without them."""
    from tinhso.feedback.calendar import forget_settings
    from tinhso.textengine.access import forget

    forget_settings()
    forget()
    yield
    forget_settings()
    forget()
