"""CKAN's write actions driven by the real `ckanapi` client against the live server: an
agency system with a data steward's token creates a dataset, patches it and uploads its
data (a new warehouse version, validated and audited); everyone else is refused as CKAN
refuses, and a corrupt file is refused with the warehouse's reason, publishing nothing."""

from __future__ import annotations

import io

import pytest
import requests
from ckanapi import CKANAPIError, NotAuthorized, NotFound, RemoteCKAN, ValidationError
from django.core.management import call_command
from django.test import Client

from tinhso.agencies import actions as agency_actions
from tinhso.agencies.models import Agency, User
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.warehouse.models import Access, Dataset, VersionStatus

SCHOOLS = "ma,ten,so_hoc_sinh\nTH001,Tiểu học Tân An,812\nTH002,Tiểu học Bến Cầu,455\n"


@pytest.fixture
def demo(transactional_db):
    call_command("demo", stdout=io.StringIO())


def _token(username: str) -> str:
    user = User.objects.get(username=username)
    return agency_actions.create_token(Actor.system("tests"), user, label="ckan")[1]


@pytest.fixture
def steward(demo, live_server):
    """ckanapi with the token of SKHCN's data steward."""
    with RemoteCKAN(live_server.url, apikey=_token("demo.steward")) as client:
        yield client


def test_an_agency_system_creates_patches_and_uploads(steward, live_server, tmp_path):
    created = steward.action.package_create(
        name="truong-moi",
        title="Trường học mới",
        notes="Danh sách trường.",
        owner_org="skhcn",
        private=False,
        license_id="cc-by-4.0",
        tags=[{"name": "giáo dục"}, {"name": "trường"}],
        groups=[{"name": "educ"}],
        extras=[{"key": "frequency", "value": "annual"}],
    )
    assert created["name"] == "truong-moi" and created["private"] is False
    assert created["organization"]["name"] == "skhcn"
    assert [t["name"] for t in created["tags"]] == ["giáo dục", "trường"]
    assert [g["name"] for g in created["groups"]] == ["educ"]
    assert created["resources"] == []
    dataset = Dataset.objects.get(slug="truong-moi")
    assert dataset.access == Access.OPEN and dataset.frequency == "annual"
    assert dataset.owner.code == "SKHCN" and dataset.licence == "cc-by-4.0"

    patched = steward.action.package_patch(
        id=created["id"],
        notes="Các trường tiểu học.",
        extras=[{"key": "importance", "value": "core"}],
    )
    assert patched["notes"] == "Các trường tiểu học." and patched["title"] == "Trường học mới"
    dataset.refresh_from_db()
    assert dataset.importance == "core" and dataset.tags == ["giáo dục", "trường"]

    source = tmp_path / "truong.csv"
    source.write_text(SCHOOLS, encoding="utf-8")
    with source.open("rb") as upload:
        resource = steward.action.resource_create(package_id="truong-moi", upload=upload)
    assert resource["format"] == "CSV" and resource["datastore_active"] is True
    version = dataset.versions.get()
    assert version.status == VersionStatus.ACCEPTED and version.rows == 2
    # The new rows are what the read actions serve.
    rows = steward.action.datastore_search(resource_id=resource["id"])
    assert [r["ma"] for r in rows["records"]] == ["TH001", "TH002"]
    # Each write has its audit entry, by the token.
    steward_user = User.objects.get(username="demo.steward")
    audited = AuditEntry.objects.filter(actor_user_id=steward_user.pk, actor_kind="token")
    assert {
        "warehouse.create_dataset",
        "warehouse.update_metadata",
        "warehouse.add_version",
    } <= set(audited.values_list("action", flat=True))


WIFI = "diem-wifi-cong-cong"  # the demo's open dataset of SKHCN


def test_write_actions_refuse_as_ckan_does(steward, live_server, tmp_path):
    # Another agency's token: a data steward of SXD, refused for SKHCN's datasets.
    sxd = Agency.objects.get(code="SXD")
    agency_actions.create_user(
        Actor.system("tests"),
        username="sxd.steward",
        password=None,
        roles=["data_steward"],
        agency=sxd,
    )
    other = RemoteCKAN(live_server.url, apikey=_token("sxd.steward"))
    handler = RemoteCKAN(live_server.url, apikey=_token("demo.handler"))
    anonymous = RemoteCKAN(live_server.url)
    try:
        with pytest.raises(NotAuthorized):
            other.action.package_create(name="cua-sxd", title="x", owner_org="skhcn")
        with pytest.raises(NotAuthorized):
            other.action.package_patch(id=WIFI, title="Đổi tên")
        with pytest.raises(NotAuthorized):  # a reader, not a steward
            handler.action.package_create(name="cua-sxd", title="x", owner_org="sxd")
        # No token: refused, even with a signed-in session's cookie.
        with pytest.raises(NotAuthorized):
            anonymous.action.package_create(name="vo-danh", title="x", owner_org="skhcn")
        browser = Client()
        browser.force_login(User.objects.get(username="demo.steward"))
        session = requests.Session()
        session.cookies.set("sessionid", browser.cookies["sessionid"].value)
        with RemoteCKAN(live_server.url, session=session) as signed_in:
            assert signed_in.action.package_show(id=WIFI)["name"] == WIFI
            with pytest.raises(NotAuthorized):
                signed_in.action.package_patch(id=WIFI, title="Qua cookie")
        session.close()
        # It allows its own agency's.
        assert other.action.package_create(name="cua-sxd", title="Của SXD", owner_org="sxd")
    finally:
        for client in (other, handler, anonymous):
            client.close()
    assert Dataset.objects.get(slug=WIFI).title != "Qua cookie"
    assert not Dataset.objects.filter(slug__in=["vo-danh"]).exists()

    # Bad fields: 409 with each field's messages and no `message`.
    with pytest.raises(ValidationError) as invalid:
        steward.action.package_create(
            name="Tên Có Dấu",
            owner_org="skhcn",
            license_id="mit",
            groups=[{"name": "khong-co"}],
            extras=[{"key": "frequency", "value": "hourly"}, {"key": "mau", "value": "do"}],
        )
    fields = invalid.value.error_dict
    assert {"name", "license_id", "groups", "frequency", "extras"} <= set(fields)
    assert "message" not in fields and all(isinstance(fields[k], list) for k in ("name", "groups"))
    with pytest.raises(ValidationError) as taken:
        steward.action.package_create(name="truong-hoc", owner_org="skhcn")
    assert list(taken.value.error_dict) in (["name", "__type"], ["__type", "name"])
    with pytest.raises(ValidationError) as missing:
        steward.action.package_create(title="Không tên")
    assert {"name", "owner_org"} <= set(missing.value.error_dict)
    with pytest.raises(NotFound):
        steward.action.package_patch(id="khong-co", title="x")
    with pytest.raises(ValidationError):
        steward.action.package_patch(id=WIFI, title="")

    # A corrupt file: refused with the warehouse's reason, the current version stays.
    dataset = Dataset.objects.get(slug=WIFI)
    before = dataset.current.number
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    with bad.open("rb") as upload, pytest.raises(ValidationError) as refused:
        steward.action.resource_create(package_id=WIFI, upload=upload)
    assert refused.value.error_dict["upload"]
    dataset = Dataset.objects.get(slug=WIFI)
    assert dataset.current.number == before
    rejected = dataset.versions.order_by("-number").first()
    assert rejected.status == VersionStatus.REJECTED
    assert refused.value.error_dict["upload"][0] == rejected.report["message"]
    with pytest.raises(ValidationError) as no_file:
        steward.action.resource_create(package_id=WIFI, url="https://example.org/a.csv")
    assert "url" in no_file.value.error_dict

    # GET on a write action: 400, as CKAN.
    answer = requests.get(f"{live_server.url}/api/3/action/package_create?name=x", timeout=10)
    assert answer.status_code == 400 and "POST" in answer.json()
    with RemoteCKAN(live_server.url, get_only=True) as harvester, pytest.raises(CKANAPIError):
        harvester.action.package_create(name="x")
