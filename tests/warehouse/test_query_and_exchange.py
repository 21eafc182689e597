"""Facets and totals on the rows API, streamed downloads in five formats, versions pushed
over the API by agency systems, differences between versions, and pulls from a URL."""

import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import openpyxl
import pytest

from tests.http import body, close
from tinhso.agencies.models import Agency, User
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.warehouse import actions, pulls, rows, sandbox
from tinhso.warehouse.models import Access, Dataset, Frequency, VersionStatus

pytestmark = pytest.mark.django_db

TABLE = (
    "ma,ten,xa,so_hoc_sinh,kinh_do,vi_do\n"
    "TH001,Tiểu học Tân An,Phường Tân An,812,106.10,11.30\n"
    "TH002,Tiểu học Bến Cầu,Xã Bến Cầu,455,106.20,11.20\n"
    'TH003,=HYPERLINK("http://x"),Phường Tân An,120,106.15,11.31\n'
    "TH004,THCS Hòa Thành,Phường Hòa Thành,1204,,\n"
)


@pytest.fixture
def steward_agency():
    return Agency.objects.get(code="SKHCN")  # demo.steward's agency


@pytest.fixture
def schools(system, steward_agency, tmp_path):
    dataset = actions.create_dataset(
        system, slug="truong", title="Trường (mẫu)", owner=steward_agency, access=Access.OPEN
    )
    path = tmp_path / "truong.csv"
    path.write_text(TABLE, encoding="utf-8")
    actions.add_version(system, dataset, path)
    return dataset


def test_facets_count_values_within_the_filters(client, schools):
    answer = client.get(
        "/api/data/datasets/truong/rows", {"_facet": "xa", "so_hoc_sinh__gte": "200"}
    ).json()
    assert answer["total"] == 3 and answer["total_is_exact"] is True
    facet = answer["facets"]["xa"]
    assert facet["values"][0] == {"value": "Phường Hòa Thành", "count": 1}
    assert {v["value"]: v["count"] for v in facet["values"]} == {
        "Phường Hòa Thành": 1,
        "Phường Tân An": 1,
        "Xã Bến Cầu": 1,
    }
    assert facet["timed_out"] is False
    unknown = client.get("/api/data/datasets/truong/rows", {"_facet": "khong_co"})
    assert unknown.status_code == 400 and "khong_co" in unknown.json()["detail"]


def test_an_unfiltered_total_comes_free_and_estimates_say_so(client, schools):
    whole = client.get("/api/data/datasets/truong/rows", {"_limit": 1}).json()
    assert whole["total"] == 4 and whole["total_is_exact"] is True
    none = client.get("/api/data/datasets/truong/rows", {"_total": "none"}).json()
    assert none["total"] is None and none["total_is_exact"] is False
    small = client.get(
        "/api/data/datasets/truong/rows", {"_total": "estimate", "xa": "Phường Tân An"}
    ).json()
    assert small["total"] == 2  # small tables are counted, not sampled


def test_a_big_filtered_count_is_estimated_from_a_sample(system, steward_agency, tmp_path):
    path = tmp_path / "big.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT i AS id, i % 4 AS nhom, i % 997 AS r FROM range(1200000) t(i)) "
        f"TO '{path}' (FORMAT parquet)"
    )
    con.close()
    dataset = actions.create_dataset(
        system, slug="lon", title="Lớn", owner=steward_agency, access=Access.OPEN
    )
    actions.add_version(system, dataset, path)
    page = rows.page(system, "lon", {"nhom": "1", "_limit": "1"})  # auto: over a million
    assert page.total_is_exact is False and 270_000 < page.total < 330_000
    exact = rows.page(system, "lon", {"nhom": "1", "_limit": "1", "_total": "exact"})
    assert exact.total_is_exact is True and exact.total == 300_000
    # A rare match (0.1 %, 1,204 rows) is estimated from the whole sample, not from the
    # first fifth of it (which finds about a hundred).
    rare = rows.page(system, "lon", {"r": "7", "_limit": "1", "_total": "estimate"})
    assert rare.total_is_exact is False and 1_000 < rare.total < 1_450


def test_csv_download_has_a_bom_and_neutralised_formulas(client, schools):
    response = client.get("/api/data/datasets/truong/download/csv", {"xa__contains": "tan an"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="truong-v1.csv"'
    data = body(response)
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][:2] == ["ma", "ten"] and len(table) == 3
    assert table[2][1] == '\'=HYPERLINK("http://x")'


def test_json_geojson_xlsx_and_parquet_downloads(client, schools, settings):
    items = json.loads(body(client.get("/api/data/datasets/truong/download/json")))
    assert items[0]["ten"] == "Tiểu học Tân An" and items[0]["so_hoc_sinh"] == 812
    geo = json.loads(body(client.get("/api/data/datasets/truong/download/geojson")))
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [106.1, 11.3]}
    assert geo["features"][3]["geometry"] is None
    response = client.get("/api/data/datasets/truong/download/xlsx", {"_sort": "-so_hoc_sinh"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    close(response)
    sheet = workbook.active
    assert [c.value for c in sheet[2]][:2] == ["TH004", "THCS Hòa Thành"]
    assert sheet.cell(row=2, column=4).value == 1204
    response = client.get("/api/data/datasets/truong/download/parquet")
    path = settings.DATA_DIR / "check.parquet"
    path.write_bytes(b"".join(response.streaming_content))
    close(response)
    assert duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall()[0][0] == 4
    filtered = client.get("/api/data/datasets/truong/download/parquet", {"xa": "Xã Bến Cầu"})
    assert filtered.status_code == 400
    assert client.get("/api/data/datasets/truong/download/docx").status_code == 400


def test_downloads_of_private_data_are_refused_to_others_and_audited(
    client, system, steward_agency, tmp_path, token_for
):
    dataset = actions.create_dataset(system, slug="rieng", title="Riêng", owner=steward_agency)
    path = tmp_path / "rieng.csv"
    path.write_text("a,b\n1,2\n")
    actions.add_version(system, dataset, path)
    assert client.get("/api/data/datasets/rieng/download/csv").status_code == 404
    token = token_for("demo.steward")
    ok = client.get(
        "/api/data/datasets/rieng/download/csv", headers={"Authorization": f"Bearer {token}"}
    )
    assert body(ok).decode("utf-8-sig").splitlines() == ["a,b", "1,2"]
    entry = AuditEntry.objects.get(action="warehouse.read", object_id=str(dataset.pk))
    assert entry.after["rows"]["_download"] == "csv"


def test_an_agency_system_pushes_versions(client, schools, token_for):
    token = token_for("demo.steward")
    auth = {"Authorization": f"Bearer {token}"}
    more = TABLE + "TH005,Tiểu học Mới,Xã Mới,90,106.3,11.1\n"
    pushed = client.post(
        "/api/data/datasets/truong/versions?filename=truong.csv",
        data=more.encode(),
        content_type="text/csv",
        headers=auth,
    )
    assert pushed.status_code == 201, pushed.json()
    assert pushed.json()["number"] == 2 and pushed.json()["rows"] == 5
    assert pushed.json()["report"]["diff"]["added"] == 1

    # Rows added must come with the current version's columns ...
    upload = io.BytesIO(b"ma,ten\nTH009,x\n")
    upload.name = "them.csv"
    partial = client.post(
        "/api/data/datasets/truong/versions?append=true", {"file": upload}, headers=auth
    )
    assert partial.status_code == 422
    missing = {e["fieldName"] for e in partial.json()["report"]["errors"]}
    assert {"xa", "so_hoc_sinh"} <= missing
    # ... and then they are added.
    header = TABLE.splitlines()[0]
    upload = io.BytesIO(f"{header}\nTH009,Tiểu học Thêm,Xã Mới,75,106.2,11.2\n".encode())
    upload.name = "them.csv"
    appended = client.post(
        "/api/data/datasets/truong/versions?append=true", {"file": upload}, headers=auth
    )
    assert appended.status_code == 201 and appended.json()["rows"] == 6

    broken = client.post(
        "/api/data/datasets/truong/versions",
        data=b"ma,ten\nTH010,a,b,c\n",
        content_type="text/csv",
        headers=auth,
    )
    assert broken.status_code == 422
    assert broken.json()["status"] == "rejected" and broken.json()["report"]["errors"]
    assert Dataset.objects.get(slug="truong").current.number == 4

    handler = token_for("demo.handler")
    refused = client.post(
        "/api/data/datasets/truong/versions",
        data=more.encode(),
        content_type="text/csv",
        headers={"Authorization": f"Bearer {handler}"},
    )
    assert refused.status_code == 403 and "Sở Khoa học" in refused.json()["detail"]
    anonymous = client.post(
        "/api/data/datasets/truong/versions", data=more.encode(), content_type="text/csv"
    )
    assert anonymous.status_code == 401
    unnamed = client.post(
        "/api/data/datasets/truong/versions",
        data=b"x",
        content_type="application/octet-stream",
        headers=auth,
    )
    assert unnamed.status_code == 400 and "filename" in unnamed.json()["detail"]


def test_the_difference_between_versions_lists_rows(client, schools, system, tmp_path):
    path = tmp_path / "v2.csv"
    path.write_text(TABLE.replace("455", "460"), encoding="utf-8")
    actions.add_version(system, schools, path)
    diff = client.get("/api/data/datasets/truong/versions/2/diff").json()
    assert (diff["previous"], diff["added"], diff["removed"]) == (1, 1, 1)
    assert diff["added_rows"][0][3] == 460 and diff["removed_rows"][0][3] == 455
    assert client.get("/api/data/datasets/truong/versions/9/diff").status_code == 404


class _Source(BaseHTTPRequestHandler):
    payload = TABLE.encode()

    def do_GET(self):  # noqa: N802 - the standard library's name
        if self.path.endswith("missing.csv"):
            self.send_error(404)
            return
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", self.path.split("to=", 1)[1])
            self.end_headers()
            return
        if self.path.endswith("big.csv"):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"a,b\n" + b"1,2\n" * 400_000)  # 1.6 MB
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        self.wfile.write(self.payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def source():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Source)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_dataset_pulls_from_its_url_when_due(system, steward_agency, source, settings):
    settings.TINHSO_PULL_HOSTS = ["127.0.0.1"]  # the local source, listed by address
    dataset = actions.create_dataset(
        system,
        slug="keo",
        title="Kéo về",
        owner=steward_agency,
        source_url=f"{source}/export/truong.csv",
        frequency=Frequency.DAILY,
    )
    assert pulls.pull_due() == {"keo": "Đã thêm phiên bản 1."}
    assert pulls.pull_due() == {}  # not due again until tomorrow
    dataset.refresh_from_db()
    assert "phiên bản 1" in pulls.pull(dataset)
    assert "không đổi" in pulls.pull(dataset).lower()
    assert dataset.versions.count() == 1
    dataset.source_url = f"{source}/missing.csv"
    dataset.save()
    status = pulls.pull(dataset)
    assert "404" in status
    dataset.refresh_from_db()
    assert dataset.pull_status == status and dataset.current.status == VersionStatus.ACCEPTED


def test_big_versions_are_served_from_a_duckdb_copy(system, steward_agency, tmp_path):
    from tinhso.warehouse import serving

    path = tmp_path / "big.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT i AS id, i % 7 AS nhom, 'dòng ' || i AS ten FROM range(150000) t(i)) "
        f"TO '{path}' (FORMAT parquet)"
    )
    con.close()
    dataset = actions.create_dataset(
        system, slug="lon-phuc-vu", title="Lớn", owner=steward_agency, access=Access.OPEN
    )
    first = actions.add_version(system, dataset, path)
    params = {"nhom": "3", "_sort": "-id", "_limit": "2", "_facet": "nhom"}
    sorted_only = {"_sort": "ten", "_limit": "3", "_offset": "10", "_fields": "id,ten"}
    from_parquet = rows.page(system, "lon-phuc-vu", params)
    sorted_from_parquet = rows.page(system, "lon-phuc-vu", sorted_only)
    assert not serving.copy_path(first).exists()
    assert serving.build(first) == serving.copy_path(first)
    from_copy = rows.page(system, "lon-phuc-vu", params)
    # Sorted without a filter, the copy finds the page's rows by their ids first: the same
    # page as the plain query over Parquet.
    assert (
        rows.page(system, "lon-phuc-vu", sorted_only).rows
        == sorted_from_parquet.rows
        == [(100004, "dòng 100004"), (100005, "dòng 100005"), (100006, "dòng 100006")]
    )
    expected = [(149999, 3, "dòng 149999"), (149992, 3, "dòng 149992")]
    assert from_copy.rows == from_parquet.rows == expected
    assert from_copy.total == from_parquet.total == len(range(3, 150000, 7))
    assert from_copy.facets == from_parquet.facets
    second = actions.add_version(system, dataset, path, serve_now=True)
    assert serving.copy_path(second).exists() and not serving.copy_path(first).exists()
    assert rows.page(system, "lon-phuc-vu", params).rows == from_copy.rows


def test_the_cli_writes_a_query_as_parquet(schools, tmp_path, capsys):
    from django.core.management import call_command

    out = tmp_path / "tan-an.parquet"
    call_command(
        "data",
        "query",
        "SELECT ma, so_hoc_sinh FROM \"truong\" WHERE xa = 'Phường Tân An' -- comment",
        "--format",
        "parquet",
        "--output",
        str(out),
    )
    assert "2" in capsys.readouterr().out
    assert duckdb.sql(f"SELECT * FROM '{out}' ORDER BY 1").fetchall() == [
        ("TH001", 812),
        ("TH003", 120),
    ]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--output"):
        call_command("data", "query", "SELECT 1", "--format", "parquet")
    with pytest.raises(CommandError):
        call_command(
            "data", "query", "COPY (SELECT 1) TO '/tmp/x.parquet'", "--format", "parquet",
            "--output", str(tmp_path / "x.parquet"),
        )  # fmt: skip


def test_formula_like_headers_are_neutralised_too(client, system, steward_agency, tmp_path):
    dataset = actions.create_dataset(
        system, slug="tieu-de", title="Tiêu đề", owner=steward_agency, access=Access.OPEN
    )
    path = tmp_path / "tieu-de.csv"
    path.write_text("ma,\"=cmd|' /C calc'!A0\",@sum\nA1,1,2\n", encoding="utf-8")
    assert actions.add_version(system, dataset, path).status == "accepted"
    data = body(client.get("/api/data/datasets/tieu-de/download/csv"))
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == ["ma", "'=cmd|' /C calc'!A0", "'@sum"]
    response = client.get("/api/data/datasets/tieu-de/download/xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    close(response)
    assert [c.value for c in sheet[1]] == ["ma", "'=cmd|' /C calc'!A0", "'@sum"]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"so_hoc_sinh__gte": "nhiều"}, ["nhiều", "so_hoc_sinh__gte", "số nguyên"]),
        ({"so_hoc_sinh__lt": "1.5e"}, ["1.5e"]),
    ],
)
def test_a_bad_filter_value_gets_a_sentence_not_an_engine_error(client, schools, query, words):
    response = client.get("/api/data/datasets/truong/rows", query)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "Conversion Error" not in detail and "INT64" not in detail
    for word in words:
        assert word in detail


def test_engine_errors_never_show_a_file_path(system, schools, settings):
    other = actions.create_dataset(
        system, slug="khac", title="Khác", owner=schools.owner, access=Access.PRIVATE
    )
    path = settings.DATA_DIR / "khac.csv"
    path.write_text("a\n1\n")
    hidden = actions.add_version(system, other, path)
    reader = Actor.citizen()
    with pytest.raises(sandbox.QueryRefused) as refused:
        sandbox.run(reader, f"SELECT * FROM read_parquet('{hidden.path}')")
    assert str(settings.DATA_DIR) not in refused.value.message
    assert "/" not in refused.value.message.replace("(", "")


def test_a_query_is_capped_in_memory(system, schools, settings):
    settings.TINHSO_SQL_MEMORY = "20MB"
    with pytest.raises(sandbox.QueryRefused) as refused:
        sandbox.run(system, "SELECT count(DISTINCT i::VARCHAR) FROM range(5000000) t(i)")
    assert "20MB" in refused.value.message


def _pulling(system, steward_agency, url):
    return actions.create_dataset(
        system, slug="keo-ve", title="Kéo về", owner=steward_agency, source_url=url
    )


def test_pulls_are_off_until_hosts_are_listed(system, steward_agency, source, settings):
    settings.TINHSO_PULL_HOSTS = []
    status = pulls.pull(_pulling(system, steward_agency, f"{source}/truong.csv"))
    assert "TINHSO_PULL_HOSTS" in status
    assert not Dataset.objects.get(slug="keo-ve").versions.exists()


@pytest.mark.parametrize(
    ("hosts", "path", "refused"),
    [
        (["data.example.gov.vn"], "/truong.csv", "127.0.0.1"),  # not listed
        (["*.0.0.1"], "/truong.csv", "127.0.0.1"),  # a wildcard does not open loopback
        (["localhost"], "/truong.csv", "127.0.0.1"),  # another name than the one asked
        (["127.0.0.1"], "/redirect?to=http://169.254.169.254/latest/meta-data/", "169.254"),
        (["127.0.0.1"], "/redirect?to=file:///etc/passwd", "file://"),
        (["127.0.0.1"], "/big.csv", "MB"),
    ],
)
def test_pulls_refuse_what_is_not_allowed(
    system, steward_agency, source, settings, hosts, path, refused
):
    settings.TINHSO_PULL_HOSTS = hosts
    settings.TINHSO_PULL_MAX_MB = 1
    status = pulls.pull(_pulling(system, steward_agency, f"{source}{path}"))
    assert refused in status, status
    assert not Dataset.objects.get(slug="keo-ve").versions.exists()


def test_the_stewards_form_says_when_an_address_cannot_be_pulled(settings):
    from tinhso.warehouse.forms import DatasetForm

    settings.TINHSO_PULL_HOSTS = ["data.example.gov.vn"]
    form = DatasetForm(
        {"source_url": "http://10.0.0.5/export.csv"},
        owners=Agency.objects.all(),
        province_code="80",
    )
    form.is_valid()
    assert "10.0.0.5" in " ".join(form.errors.get("source_url", []))


def test_a_rejected_file_s_report_is_for_the_owner_agency_s_stewards_alone(
    client, schools, system, tmp_path
):
    # A file refused against the steward's schema: its report quotes the offending cell.
    actions.set_schema(system, schools, {"fields": [
        {"name": "ma", "type": "string"},
        {"name": "ten", "type": "string", "constraints": {"maxLength": 20}},
        {"name": "xa", "type": "string"},
        {"name": "so_hoc_sinh", "type": "integer"},
        {"name": "kinh_do", "type": "number"},
        {"name": "vi_do", "type": "number"},
    ]})  # fmt: skip
    path = tmp_path / "v2.csv"
    path.write_text(TABLE + "TH005,CCCD 079123456789 Nguyễn Văn A,Xã Bến Cầu,1,,\n", "utf-8")
    rejected = actions.add_version(system, schools, path)
    assert rejected.status == VersionStatus.REJECTED
    secret = "079123456789"

    def versions_seen() -> list[str]:
        answer = client.get("/api/data/datasets/truong")
        assert answer.status_code == 200
        return [v["status"] for v in answer.json()["versions"]]

    assert versions_seen() == ["accepted"]  # anonymous
    assert secret not in client.get("/api/data/datasets/truong").content.decode()
    assert secret not in client.get("/data/truong/").content.decode()
    client.force_login(User.objects.get(username="demo.handler"))  # another role
    assert versions_seen() == ["accepted"]
    client.force_login(User.objects.get(username="demo.steward"))  # the owner's steward
    assert versions_seen() == ["rejected", "accepted"]
    assert secret in client.get("/api/data/datasets/truong").content.decode()
