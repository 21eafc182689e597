"""CKAN's Action API through Django's test client: the envelopes and statuses of
ckan/views/api.py, GET and POST, the search parameters clients send, and the acceptance
tests of the reference (rows cap, search_facets' shape, past-the-end start, filters as a
dict or as JSON text, no redirects)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from tinhso.agencies.models import Agency
from tinhso.warehouse import actions
from tinhso.warehouse.models import Access, Dataset

pytestmark = pytest.mark.django_db

JSON = "application/json"
OURS = '"du lieu chia se" OR "du lieu rieng"'  # the shared and the private dataset


def act(client, name, params=None, **headers):
    return client.get(f"/api/3/action/{name}", params or {}, **headers)


def post(client, name, body, **headers):
    return client.post(f"/api/3/action/{name}", json.dumps(body), content_type=JSON, **headers)


def result(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    return body["result"]


def error(response, status, kind):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == kind
    assert body["help"].endswith(
        "/api/3/action/help_show?name=" + response.wsgi_request.path.rsplit("/", 1)[1]
    )
    return body["error"]


def test_both_routes_answer_get_post_and_forms_in_the_envelope_without_redirects(client):
    for path in ("/api/3/action/status_show", "/api/action/status_show"):
        for response in (
            client.get(path),
            client.post(path, "{}", content_type=JSON),
            client.post(path, "", content_type=JSON),
            client.post(path, {"x": "1"}),  # form-encoded
        ):
            assert response.status_code == 200
            assert response["Content-Type"] == "application/json;charset=utf-8"
            body = response.json()
            assert set(body) == {"help", "success", "result"}
            assert body["help"] == "http://testserver/api/3/action/help_show?name=status_show"
            assert body["result"]["ckan_version"].startswith("2.")
    assert client.get("/api/3").json() == {"version": 3}
    for path in ("/api/3/", "/api/3/action/package_list/", "/api/action/package_list/"):
        assert client.get(path).status_code not in (301, 302, 308)


def test_an_unknown_action_is_a_bare_string(client):
    for name in ("no_such_action", "package_update", "package_delete"):
        response = client.post(f"/api/3/action/{name}", "{}", content_type=JSON)
        assert response.status_code == 400
        assert response.json() == f"Bad request - Action name not known: {name}"


def test_write_actions_take_post_and_a_token_only(client, handler_user):
    for name in ("package_create", "package_patch", "resource_create"):
        response = client.get(f"/api/3/action/{name}")
        assert response.status_code == 400
        assert response.json() == (
            "Bad request - JSON Error: Invalid request. Please use POST method for your request"
        )
        refused = error(
            client.post(f"/api/3/action/{name}", "{}", content_type=JSON),
            403,
            "Authorization Error",
        )
        assert refused["message"].startswith("Access denied: ")
    # A signed-in session is not a token: still refused, and CSRF is not what refuses it.
    client.force_login(handler_user)
    error(post(client, "package_create", {"name": "x"}), 403, "Authorization Error")


def test_a_body_that_is_not_a_json_object_is_a_bad_request(client):
    for body in ("{not json", "[1, 2]"):
        response = client.post("/api/3/action/package_list", body, content_type=JSON)
        assert response.status_code == 400
        assert response.json().startswith("Bad request - JSON Error")


def test_not_found_authorization_and_validation_errors(client, portal_data, token_for):
    missing = error(act(client, "package_show", {"id": "khong-co"}), 404, "Not Found Error")
    assert missing["message"].startswith("Not found: ")
    # a dataset the caller may not read is not found, as one that does not exist
    hidden = error(act(client, "package_show", {"id": "chia-se-ckan"}), 404, "Not Found Error")
    assert hidden["message"] == missing["message"].replace("khong-co", "chia-se-ckan")
    invalid = error(act(client, "package_show"), 409, "Validation Error")
    assert "message" not in invalid and isinstance(invalid["id"], list)
    # The dataset shared with every agency, with a token of one of them — raw, as ckanapi
    # sends it, in either header, or as a bearer token.
    raw = token_for("demo.handler")
    for headers in (
        {"HTTP_AUTHORIZATION": raw},
        {"HTTP_X_CKAN_API_KEY": raw},
        {"HTTP_AUTHORIZATION": f"Bearer {raw}"},
    ):
        assert result(act(client, "package_show", {"id": "chia-se-ckan"}, **headers))["private"]
    # SXD's staff may not read SKHCN's private dataset; a token that is not valid is refused.
    error(
        act(client, "package_show", {"id": "rieng-ckan"}, HTTP_AUTHORIZATION=raw),
        404,
        "Not Found Error",
    )
    error(
        act(client, "package_show", {"id": "truong-ckan"}, HTTP_AUTHORIZATION="tsk_wrong"),
        403,
        "Authorization Error",
    )


def test_package_show_has_ckans_keys_and_a_resource_per_format(client, portal_data):
    by_name = result(act(client, "package_show", {"id": "truong-ckan"}))
    by_id = result(post(client, "package_show", {"id": by_name["id"]}))
    assert by_id == by_name
    package = by_name
    for key in [
        "id",
        "name",
        "title",
        "type",
        "state",
        "private",
        "owner_org",
        "organization",
        "notes",
        "license_id",
        "license_title",
        "license_url",
        "isopen",
        "author",
        "maintainer",
        "maintainer_email",
        "url",
        "version",
        "metadata_created",
        "metadata_modified",
        "tags",
        "num_tags",
        "groups",
        "extras",
        "resources",
        "num_resources",
    ]:
        assert key in package, key
    assert package["type"] == "dataset" and package["state"] == "active"
    assert package["private"] is False and package["isopen"] is True
    assert package["organization"]["name"] == "skhcn"
    assert package["owner_org"] == package["organization"]["id"]
    assert [t["name"] for t in package["tags"]] == ["giáo dục", "trường"]
    assert package["num_tags"] == 2 and set(package["tags"][0]) == {
        "id",
        "name",
        "display_name",
        "vocabulary_id",
        "state",
    }
    assert [g["name"] for g in package["groups"]] == ["educ"]
    assert dt.datetime.fromisoformat(package["metadata_modified"]).tzinfo is None
    assert all(set(e) == {"key", "value"} for e in package["extras"])
    formats = [r["format"] for r in package["resources"]]
    assert formats == ["CSV", "XLSX", "JSON", "GeoJSON", "Parquet"]
    assert package["num_resources"] == 5
    csv = package["resources"][0]
    assert csv["datastore_active"] is True and csv["package_id"] == package["id"]
    assert csv["url"] == "http://testserver/api/data/datasets/truong-ckan/download/csv"
    assert client.get(csv["url"]).status_code == 200
    assert package["resources"][4]["size"] > 0
    # No place, no GeoJSON; ids stay the same from one call to the next.
    budget = result(act(client, "package_show", {"id": "ngan-sach-ckan"}))
    assert [r["format"] for r in budget["resources"]] == ["CSV", "XLSX", "JSON", "Parquet"]
    assert (
        result(act(client, "package_show", {"id": "truong-ckan"}))["resources"]
        == (package["resources"])
    )
    shown = result(act(client, "resource_show", {"id": csv["id"]}))
    assert shown == csv
    error(act(client, "resource_show", {"id": "0" * 36}), 404, "Not Found Error")


def test_package_list_has_the_open_datasets_sorted_and_pages(client, portal_data):
    names = result(act(client, "package_list"))
    assert names == sorted(names)
    assert "truong-ckan" in names and "chia-se-ckan" not in names and "rieng-ckan" not in names
    assert result(act(client, "package_list", {"limit": 2, "offset": 1})) == names[1:3]
    error(act(client, "package_list", {"limit": "-1"}), 409, "Validation Error")


def names_of(response) -> list[str]:
    return [p["name"] for p in result(response)["results"]]


def test_search_is_accent_insensitive_over_title_description_tags_and_columns(client, portal_data):
    for q in ("trường học phổ thông", "truong hoc pho thong", "TRUONG", "so_hoc_sinh"):
        assert "truong-ckan" in names_of(act(client, "package_search", {"q": q})), q
    assert names_of(act(client, "package_search", {"q": "ngan sach tinh"})) == ["ngan-sach-ckan"]
    assert names_of(
        act(client, "package_search", {"q": "ngan sach", "fq": 'tags:"ngân sách"'})
    ) == ["ngan-sach-ckan"]
    assert names_of(act(client, "package_search", {"q": '"chi ngan sach"'})) == ["ngan-sach-ckan"]
    assert names_of(act(client, "package_search", {"q": "name:truong-ckan"})) == ["truong-ckan"]
    # Shared and private data never shows to the public, even when asked for.
    assert names_of(act(client, "package_search", {"q": OURS, "include_private": True})) == []


def test_fq_reads_the_solr_subset_harvesters_send(client, portal_data):
    def search(**params):
        return set(names_of(act(client, "package_search", {"rows": 1000, **params})))

    everything = search()
    skhcn, sxd = search(fq="organization:skhcn"), search(fq="organization:sxd")
    assert {"truong-ckan"} <= skhcn and {"ngan-sach-ckan"} <= sxd
    assert search(fq="-organization:skhcn") == everything - skhcn
    assert search(fq="organization:skhcn OR organization:sxd") == skhcn | sxd
    assert search(fq="organization:(skhcn OR sxd)") == skhcn | sxd
    assert search(fq="groups:econ", q="ngan") == {"ngan-sach-ckan"}
    assert search(fq_list=json.dumps(["groups:educ", "organization:skhcn"])) >= {"truong-ckan"}
    assert "ngan-sach-ckan" not in search(fq_list=json.dumps(["groups:educ"]))
    assert search(fq="res_format:GeoJSON") >= {"truong-ckan"}
    assert "ngan-sach-ckan" not in search(fq="res_format:GeoJSON")
    assert search(fq="license_id:nd47-2020") >= {"truong-ckan", "ngan-sach-ckan"}
    assert search(fq="metadata_created:[2000-01-01T00:00:00Z TO *]") == everything
    assert search(fq="metadata_modified:[* TO 2000-01-01T00:00:00Z]") == set()
    bad = error(act(client, "package_search", {"fq": "colour:red"}), 400, "Search Query Error")
    assert "colour" in bad["message"]
    error(
        act(client, "package_search", {"fq": "metadata_modified:[yesterday TO *]"}),
        400,
        "Search Query Error",
    )


def test_an_unknown_search_parameter_is_a_search_query_error(client):
    found = error(
        act(client, "package_search", {"q": "x", "colour": "red"}), 400, "Search Query Error"
    )
    assert found["message"] == "Search Query is invalid: Invalid search parameters: ['colour']"
    error(act(client, "package_search", {"rows": "many"}), 409, "Validation Error")
    error(act(client, "package_search", {"sort": "colour asc"}), 400, "Search Query Error")
    error(
        act(client, "package_search", {"facet.field": "tags", "facet.limit": "x"}),
        400,
        "Search Query Error",
    )


def test_search_facets_have_ckans_shape(client, portal_data):
    fields = ["organization", "groups", "tags", "res_format", "license_id"]
    for params in (
        {"facet.field": json.dumps(fields)},
        {"facet.field": fields},  # a repeated GET key is a list
    ):
        answer = result(act(client, "package_search", {"q": "truong", **params}))
        assert set(answer) == {"count", "results", "sort", "facets", "search_facets"}
        assert answer["sort"] == "score desc, metadata_modified desc"
        assert set(answer["search_facets"]) == set(fields)
        for field in fields:
            facet = answer["search_facets"][field]
            assert set(facet) == {"title", "items"} and facet["title"] == field
            items = facet["items"]
            assert all(set(i) == {"name", "display_name", "count"} for i in items)
            assert [i["display_name"] for i in items] == sorted(
                (i["display_name"] for i in items), reverse=True
            )
            assert answer["facets"][field] == {i["name"]: i["count"] for i in items}
        assert answer["facets"]["res_format"]["GEOJSON"] >= 1
        assert answer["facets"]["organization"]["skhcn"] >= 1
    # One field as a plain string; limits and minimum counts.
    one = result(act(client, "package_search", {"facet.field": "organization", "facet.limit": 1}))
    assert len(one["search_facets"]["organization"]["items"]) == 1
    none = result(act(client, "package_search", {"facet.field": "tags", "facet.mincount": 1000}))
    assert none["search_facets"]["tags"]["items"] == []


def test_rows_are_capped_start_pages_and_past_the_end_is_empty(client, portal_data):
    owner = Agency.objects.get(code="SXD")
    Dataset.objects.bulk_create(
        Dataset(slug=f"nhieu-{i:04d}", title=f"Bộ dữ liệu {i}", owner=owner, access=Access.OPEN)
        for i in range(1001)
    )
    answer = result(act(client, "package_search", {"rows": 5000}))
    assert answer["count"] >= 1001 + 2 and len(answer["results"]) == 1000
    past = result(act(client, "package_search", {"start": answer["count"] + 5}))
    assert past["results"] == [] and past["count"] == answer["count"]
    ten = result(act(client, "package_search", {}))
    assert len(ten["results"]) == 10


def test_the_harvesters_paging_loop_misses_and_repeats_nothing(client, portal_data, system):
    owner = Agency.objects.get(code="SXD")
    Dataset.objects.bulk_create(
        Dataset(slug=f"trang-{i:03d}", title=f"Trang {i}", owner=owner, access=Access.OPEN)
        for i in range(250)
    )
    expected = set(result(act(client, "package_list")))

    def harvest(fq=None) -> list[str]:
        seen, start = [], 0
        while True:
            params = {"rows": 100, "start": start, "sort": "id asc"}
            if fq:
                params["fq"] = fq
            page = result(act(client, "package_search", params))["results"]
            if not page:
                return seen
            seen += [p["id"] for p in page]
            start += 100

    ids = harvest()
    assert len(ids) == len(set(ids)) == len(expected)
    assert ids == sorted(ids)
    # An incremental run: only what changed since the last job.
    since = timezone.now()
    actions.update_metadata(system, portal_data["ngan-sach-ckan"], description="Sửa mô tả.")
    mark = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    changed = harvest(fq=f"metadata_modified:[{mark} TO *]")
    shown = result(act(client, "package_show", {"id": "ngan-sach-ckan"}))
    assert changed == [shown["id"]]


def test_include_private_shows_what_staff_may_read(client, portal_data, token_for):
    raw = token_for("demo.handler")  # Sở Xây dựng
    params = {"q": OURS, "include_private": "true"}
    assert names_of(act(client, "package_search", params, HTTP_AUTHORIZATION=raw)) == [
        "chia-se-ckan"
    ]
    assert names_of(act(client, "package_search", {"q": OURS}, HTTP_AUTHORIZATION=raw)) == []


def test_organizations_groups_tags_and_licences(client, portal_data):
    orgs = result(act(client, "organization_list"))
    assert "skhcn" in orgs and "sxd" in orgs
    full = result(
        act(client, "organization_list", {"all_fields": True, "sort": "package_count desc"})
    )
    assert [o["package_count"] for o in full] == sorted(
        (o["package_count"] for o in full), reverse=True
    )
    org = result(act(client, "organization_show", {"id": "sxd", "include_datasets": True}))
    assert org["is_organization"] is True and org["type"] == "organization"
    assert "ngan-sach-ckan" in [p["name"] for p in org["packages"]]
    assert "chia-se-ckan" not in [p["name"] for p in org["packages"]]
    assert result(act(client, "organization_show", {"id": org["id"]}))["name"] == "sxd"
    error(act(client, "organization_show", {"id": "khong-co"}), 404, "Not Found Error")
    groups = result(act(client, "group_list", {"all_fields": "true", "sort": "name asc"}))
    assert [g["name"] for g in groups][:2] == ["agri", "econ"]
    educ = result(act(client, "group_show", {"id": "educ", "include_datasets": "true"}))
    assert educ["is_organization"] is False
    assert "truong-ckan" in [p["name"] for p in educ["packages"]]
    error(act(client, "group_show", {"id": "khong-co"}), 404, "Not Found Error")
    tags = result(act(client, "tag_list"))
    assert "giáo dục" in tags and tags == sorted(tags)
    assert result(act(client, "tag_list", {"query": "giao duc"})) == ["giáo dục"]
    licences = result(act(client, "license_list"))
    keys = {"id", "title", "url", "od_conformance", "osd_conformance", "status"}
    assert all(keys <= set(item) for item in licences)
    assert {item["id"]: item["od_conformance"] for item in licences}["internal"] == "not reviewed"


def test_datastore_search_takes_filters_as_a_dict_or_as_json_text(client, portal_data):
    package = result(act(client, "package_show", {"id": "truong-ckan"}))
    resource = package["resources"][0]["id"]
    filters = {"xa": "Phường Tân An"}
    by_dict = result(
        post(client, "datastore_search", {"resource_id": resource, "filters": filters})
    )
    by_text = result(
        act(client, "datastore_search", {"resource_id": resource, "filters": json.dumps(filters)})
    )
    assert by_dict["records"] == by_text["records"]
    assert [r["ma"] for r in by_dict["records"]] == ["TH001", "TH003"]
    assert by_dict["total"] == 2 and by_dict["total_was_estimated"] is False
    assert by_dict["resource_id"] == resource and by_dict["filters"] == filters
    assert by_dict["fields"][0] == {"id": "_id", "type": "int"}
    assert {"id": "so_hoc_sinh", "type": "int"} in by_dict["fields"]
    assert by_dict["limit"] == 100 and set(by_dict["_links"]) >= {"start", "next"}
    # q, fields, sort, limit and offset; limit 0 gives the fields only.
    page = result(
        post(
            client,
            "datastore_search",
            {
                "resource_id": resource,
                "q": "hoa thanh",
                "fields": "ma,so_hoc_sinh",
                "sort": "so_hoc_sinh desc",
                "limit": 1,
                "offset": 1,
            },
        )
    )
    assert page["records"] == [{"_id": 2, "ma": "TH003", "so_hoc_sinh": 120}]
    assert page["total"] == 2 and "prev" in page["_links"]
    fields = result(post(client, "datastore_search", {"resource_id": resource, "limit": 0}))
    assert fields["records"] == [] and len(fields["fields"]) == 7
    listed = result(
        post(
            client,
            "datastore_search",
            {"resource_id": resource, "filters": {"ma": ["TH002", "TH004"]}},
        )
    )
    assert [r["ma"] for r in listed["records"]] == ["TH002", "TH004"]
    # The dataset's name works as an alias; unknown columns and resources are refused.
    assert result(act(client, "datastore_search", {"id": "truong-ckan"}))["total"] == 4
    bad = error(
        post(client, "datastore_search", {"resource_id": resource, "filters": {"mau": "do"}}),
        409,
        "Validation Error",
    )
    assert "mau" in bad["query"][0]
    error(act(client, "datastore_search", {"resource_id": "0" * 36}), 404, "Not Found Error")
    error(act(client, "datastore_search", {"id": "rieng-ckan"}), 404, "Not Found Error")
    error(act(client, "datastore_search"), 409, "Validation Error")


def test_datastore_search_sql_runs_in_the_sandbox(client, portal_data):
    resource = result(act(client, "package_show", {"id": "truong-ckan"}))["resources"][0]["id"]
    for table in ("truong-ckan", resource):
        answer = result(
            act(
                client,
                "datastore_search_sql",
                {"sql": f'SELECT xa, count(*) AS n FROM "{table}" GROUP BY xa ORDER BY n DESC'},
            )
        )
        assert answer["records"][0] == {"xa": "Phường Tân An", "n": 2}
        assert answer["fields"] == [{"id": "xa", "type": "text"}, {"id": "n", "type": "int"}]
    for sql in (
        'SELECT * FROM "rieng-ckan"',
        "DELETE FROM x",
        "SELECT * FROM read_csv('/etc/passwd')",
    ):
        refused = error(act(client, "datastore_search_sql", {"sql": sql}), 409, "Validation Error")
        assert refused["query"] and "message" not in refused
