"""The real `ckanapi` client (what scripts, `ckanapi dump` and other portals use) against
the live test server: every read action answers, and each CKAN error comes out as the
exception ckanapi raises for it."""

from __future__ import annotations

import io
import json

import pytest
from ckanapi import (
    NotAuthorized,
    NotFound,
    RemoteCKAN,
    SearchQueryError,
    ValidationError,
)
from django.core.management import call_command

from tinhso.agencies import actions as agency_actions
from tinhso.agencies.models import User
from tinhso.core.actors import Actor


@pytest.fixture
def demo(transactional_db):
    """The live server reads committed rows: build the demo province for it."""
    call_command("demo", stdout=io.StringIO())


@pytest.fixture
def remote(demo, portal_data, live_server):
    # Closed before the live server stops: a kept-alive connection would outlive it.
    with RemoteCKAN(live_server.url, user_agent="tinhso-tests") as client:
        yield client


def test_ckanapi_reads_every_action(remote, live_server):
    assert remote.action.status_show()["ckan_version"].startswith("2.")
    names = remote.action.package_list()
    assert "truong-ckan" in names and "chia-se-ckan" not in names
    found = remote.action.package_search(q="truong hoc", fq="organization:skhcn", rows=5)
    assert "truong-ckan" in [p["name"] for p in found["results"]]
    faceted = remote.call_action(
        "package_search", {"q": "*:*", "facet.field": json.dumps(["organization", "tags"])}
    )
    assert faceted["search_facets"]["organization"]["items"]
    package = remote.action.package_show(id="truong-ckan")
    csv = package["resources"][0]
    assert csv["url"].startswith(live_server.url)
    assert remote.action.resource_show(id=csv["id"])["format"] == "CSV"
    assert "skhcn" in remote.action.organization_list()
    assert remote.action.organization_show(id="skhcn")["package_count"] >= 1
    assert "educ" in remote.action.group_list()
    assert remote.action.group_show(id="educ")["name"] == "educ"
    assert "giáo dục" in remote.action.tag_list()
    assert {item["id"] for item in remote.action.license_list()} >= {"cc-by-4.0", "nd47-2020"}
    # `ckanapi dump --datastore-fields` asks for limit 0 and reads the fields.
    fields = remote.action.datastore_search(resource_id=csv["id"], limit=0)["fields"]
    assert [f["id"] for f in fields][:3] == ["_id", "ma", "ten"]
    rows = remote.action.datastore_search(resource_id=csv["id"], filters={"xa": "Xã Bến Cầu"})
    assert [r["ma"] for r in rows["records"]] == ["TH002"]
    sql = remote.action.datastore_search_sql(sql='SELECT count(*) AS n FROM "truong-ckan"')
    assert sql["records"] == [{"n": 4}]
    # GET only, as the CKAN harvester calls.
    with RemoteCKAN(live_server.url, get_only=True) as harvester:
        page = harvester.action.package_search(rows=100, start=0, sort="id asc")
        assert page["count"] == len(names)


def test_ckanapi_raises_ckans_errors(remote, live_server):
    with pytest.raises(NotFound):
        remote.action.package_show(id="khong-co")
    with pytest.raises(ValidationError) as invalid:
        remote.action.package_show()
    assert "id" in invalid.value.error_dict
    with pytest.raises(SearchQueryError):
        remote.action.package_search(colour="red")
    with pytest.raises(NotFound):  # not readable without a token: as if it did not exist
        remote.action.package_show(id="chia-se-ckan")
    with RemoteCKAN(live_server.url, apikey="tsk_wrong") as wrong, pytest.raises(NotAuthorized):
        wrong.action.package_show(id="chia-se-ckan")
    with pytest.raises(NotAuthorized):  # writing takes a token
        remote.action.package_create(name="moi", title="Mới")
    # With a token of an agency it is shared with, the shared dataset reads.
    user = User.objects.get(username="demo.handler")
    raw = agency_actions.create_token(Actor.system("tests"), user, label="ckanapi")[1]
    with RemoteCKAN(live_server.url, apikey=raw) as signed:
        assert signed.action.package_show(id="chia-se-ckan")["private"] is True
        shared = signed.action.package_search(
            q='"du lieu chia se" OR "du lieu rieng"', include_private=True
        )
        assert [p["name"] for p in shared["results"]] == ["chia-se-ckan"]
