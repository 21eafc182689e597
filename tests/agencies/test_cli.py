"""`tinhso token` and `tinhso demo` as commands."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tinhso.agencies.models import Agency, User

pytestmark = pytest.mark.django_db


def test_token_create_prints_a_working_token_once():
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "token", "create", "--user", "demo.steward", "--label", "LGSP", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    assert raw.startswith("tsk_")
    me = Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert me["username"] == "demo.steward"
    listing = io.StringIO()
    call_command("token", "list", "--user", "demo.steward", stdout=listing)
    assert "LGSP" in listing.getvalue()
    assert raw not in listing.getvalue()


def test_token_create_for_an_unknown_user_fails_clearly():
    with pytest.raises(CommandError, match="không-có"):
        call_command("token", "create", "--user", "không-có", stdout=io.StringIO())


def test_demo_runs_again_without_duplicating():
    agencies, users = Agency.objects.count(), User.objects.count()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert Agency.objects.count() == agencies
    assert User.objects.count() == users
    assert "0 mới" in out.getvalue()


def test_demo_builds_another_province_by_code():
    out = io.StringIO()
    call_command("demo", "--province", "01", stdout=out)
    assert "Thành phố Hà Nội" in out.getvalue()
    assert (
        Agency.objects.filter(kind="commune_committee", commune__province__code="01").count() == 126
    )


def test_demo_refuses_an_unknown_province():
    with pytest.raises(CommandError, match="99"):
        call_command("demo", "--province", "99", stdout=io.StringIO())
