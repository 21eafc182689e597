"""The warehouse's first slice: CSV in (any Vietnamese encoding) to an immutable Parquet
version or a rejection with its report; read-only SQL in a sandbox; access levels."""

import json

import pytest

from tinhso.agencies.models import Agency, User
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.textengine import legacy
from tinhso.warehouse import actions, sandbox
from tinhso.warehouse.models import Access, VersionStatus
from tinhso.warehouse.schema import field_types

pytestmark = pytest.mark.django_db

SCHOOLS = (
    "ma_truong,ten_truong,xa,so_hoc_sinh,ngay_thanh_lap\n"
    "TH001,Trường Tiểu học Tân An,Phường Tân An,812,1998-09-05\n"
    "TH002,Trường Tiểu học Bến Cầu,Xã Bến Cầu,455,2001-08-20\n"
    "THCS01,Trường THCS Hòa Thành,Phường Hòa Thành,1204,1995-09-01\n"
)


@pytest.fixture
def sxd():
    return Agency.objects.get(code="SXD")


@pytest.fixture
def schools(tmp_path, system, sxd):
    path = tmp_path / "truong.csv"
    path.write_text(SCHOOLS, encoding="utf-8")
    dataset = actions.create_dataset(
        system, slug="truong-thu", title="Trường học (dữ liệu mẫu)", owner=sxd, access=Access.OPEN
    )
    version = actions.add_version(system, dataset, path)
    return dataset, version


def test_a_csv_becomes_an_immutable_typed_version(schools, settings):
    dataset, version = schools
    assert version.status == VersionStatus.ACCEPTED and version.rows == 3
    types = field_types(version.schema)
    assert types["so_hoc_sinh"] in {"BIGINT", "INTEGER"} and types["ngay_thanh_lap"] == "DATE"
    assert (settings.DATA_DIR / version.file).exists()
    assert len(version.source_sha256) == 64
    assert AuditEntry.objects.filter(action="warehouse.add_version", object_id=str(version.pk))


def test_a_broken_file_is_rejected_and_the_good_version_stays(schools, tmp_path, system):
    dataset, good = schools
    broken = tmp_path / "broken.csv"
    broken.write_text(SCHOOLS + "TH003,Trường lỗi,Xã A,abc,2001-01-01,thừa cột\n")
    version = actions.add_version(system, dataset, broken)
    assert version.status == VersionStatus.REJECTED and not version.file
    assert version.report["valid"] is False and version.report["errors"]
    assert version.report["errors"][0]["rowNumber"] == 5
    assert dataset.current == good


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_files_in_legacy_encodings_are_read(tmp_path, system, sxd, encoding):
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(legacy.encode_as(SCHOOLS, encoding))
    dataset = actions.create_dataset(system, slug=f"truong-{encoding}", title="x", owner=sxd)
    version = actions.add_version(system, dataset, path)
    assert version.status == VersionStatus.ACCEPTED and version.encoding == encoding
    answer = sandbox.run(system, f'SELECT ten_truong FROM "truong-{encoding}" ORDER BY 1')
    assert answer.rows[0] == ("Trường THCS Hòa Thành",)


def test_appending_adds_rows(schools, tmp_path, system):
    dataset, _first = schools
    more = tmp_path / "more.csv"
    more.write_text(SCHOOLS.splitlines()[0] + "\nTH009,Trường Tiểu học Mới,Xã Mới,100,2020-09-05\n")
    version = actions.add_version(system, dataset, more, append=True)
    assert version.rows == 4 and version.number == 2


def test_read_only_sql_over_the_datasets(schools):
    answer = sandbox.run(
        Actor.citizen(),
        'SELECT xa, sum(so_hoc_sinh) AS hs FROM "truong-thu" GROUP BY xa ORDER BY hs',
    )
    assert answer.columns == ["xa", "hs"] and answer.rows[-1] == ("Phường Hòa Thành", 1204)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "ATTACH '/tmp/x.duckdb'",
        "COPY (SELECT 1) TO '/tmp/out.csv'",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        'DROP VIEW "truong-thu"',
        "SELECT 1; SELECT 2",
        "CREATE TABLE t AS SELECT 1",
        "½'è",  # an unclosed quote: the tokenizer's error, found by the API fuzzer
        # the engine's catalogue shows the files behind the views
        "SELECT sql FROM duckdb_views()",
        "SELECT * FROM duckdb_settings()",
        "SELECT * FROM information_schema.tables",
        "SELECT current_setting('temp_directory')",
        "SELECT * FROM pragma_database_list",
    ],
)
def test_the_sandbox_refuses_anything_but_reading(schools, sql):
    with pytest.raises(sandbox.QueryRefused):
        sandbox.run(Actor.system("test"), sql)


def test_other_files_are_out_of_reach_even_inside_a_select(
    schools, settings, system, sxd, tmp_path
):
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    private = actions.create_dataset(system, slug="bi-mat", title="Bí mật", owner=sxd)
    hidden = actions.add_version(system, private, secret)
    path = settings.DATA_DIR / hidden.file
    with pytest.raises(sandbox.QueryRefused):
        sandbox.run(Actor.citizen(), f"SELECT * FROM read_parquet('{path}')")


def test_private_data_is_for_its_agency(schools, system, sxd, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("so_ho,xa\n12,Xã A\n")
    private = actions.create_dataset(system, slug="ho-ngheo", title="Hộ nghèo", owner=sxd)
    actions.add_version(system, private, secret)
    for actor in (Actor.citizen(), Actor.for_user(User.objects.get(username="demo.commune"))):
        with pytest.raises(sandbox.QueryRefused):
            sandbox.run(actor, 'SELECT * FROM "ho-ngheo"')
    owner = Actor.for_user(User.objects.get(username="demo.handler"))  # Sở Xây dựng
    assert sandbox.run(owner, 'SELECT so_ho FROM "ho-ngheo"').rows == [(12,)]


def test_the_row_cap_says_it_cut(schools):
    answer = sandbox.run(Actor.system("t"), "SELECT * FROM range(50)", limit=10)
    assert len(answer.rows) == 10 and answer.truncated


def test_the_cli_refuses_a_new_dataset_without_its_agency(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "truong.csv"
    path.write_text(SCHOOLS, encoding="utf-8")
    with pytest.raises(CommandError, match="--agency"):
        call_command("data", "ingest", str(path), "--dataset", "moi")


def test_the_cli_command_reports_rows(tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "truong.csv"
    path.write_text(SCHOOLS, encoding="utf-8")
    call_command("data", "ingest", str(path), "--dataset", "truong-cli", "--agency", "SXD")
    call_command("data", "query", 'SELECT count(*) AS n FROM "truong-cli"', "--format", "json")
    out = capsys.readouterr().out
    assert "3" in out
    assert json.loads(out.strip().splitlines()[-1])["rows"] == [{"n": 3}]


def test_a_query_that_runs_too_long_is_stopped():
    sql = "SELECT count(*) FROM range(100000) a, range(100000) b WHERE a.range + b.range = 7"
    with pytest.raises(sandbox.QueryRefused, match="0.3"):
        sandbox.run(Actor.system("t"), sql, seconds=0.3)


def test_the_api_lists_what_the_caller_may_read(client, schools, system, sxd, tmp_path, token_for):
    secret = tmp_path / "secret.csv"
    secret.write_text("so_ho,xa\n12,Xã A\n")
    private = actions.create_dataset(system, slug="ho-ngheo", title="Hộ nghèo", owner=sxd)
    actions.add_version(system, private, secret)
    anonymous = {d["slug"] for d in client.get("/api/data/datasets").json()}
    assert "truong-thu" in anonymous and "ho-ngheo" not in anonymous
    token = token_for("demo.handler")  # a handler of Sở Xây dựng, the owner
    owner = client.get("/api/data/datasets", headers={"Authorization": f"Bearer {token}"})
    assert {"truong-thu", "ho-ngheo"} <= {d["slug"] for d in owner.json()}
    assert client.get("/api/data/datasets/ho-ngheo").status_code == 404
    detail = client.get("/api/data/datasets/truong-thu").json()
    assert detail["rows"] == 3 and detail["versions"][0]["status"] == "accepted"
    bad = client.get("/api/data/datasets", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_sql_through_the_api_and_reads_of_private_data_are_audited(
    client, schools, system, sxd, tmp_path, token_for
):
    ok = client.post(
        "/api/data/sql",
        {"sql": 'SELECT ma_truong, ngay_thanh_lap FROM "truong-thu" ORDER BY 1', "limit": 2},
        content_type="application/json",
    ).json()
    assert ok["rows"] == [["TH001", "1998-09-05"], ["TH002", "2001-08-20"]]
    assert ok["truncated"] is True
    refused = client.post(
        "/api/data/sql",
        {"sql": "SELECT * FROM read_csv('/etc/passwd')"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["detail"]
    secret = tmp_path / "secret.csv"
    secret.write_text("so_ho,xa\n12,Xã A\n")
    private = actions.create_dataset(system, slug="ho-ngheo", title="Hộ nghèo", owner=sxd)
    actions.add_version(system, private, secret)
    token = token_for("demo.handler")
    read = client.post(
        "/api/data/sql",
        {"sql": 'SELECT sum(so_ho) FROM "ho-ngheo"'},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert read.json()["rows"] == [[12]]
    entry = AuditEntry.objects.filter(action="warehouse.read", object_id=str(private.pk)).get()
    assert "ho-ngheo" in entry.after["sql"] and entry.actor_user_id is not None
    assert not AuditEntry.objects.filter(action="warehouse.read", object_id=str(schools[0].pk))


def _xlsx(path, sheets):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_sheet_keeps_integers_and_dates(tmp_path, system, sxd):
    import datetime as dt

    path = _xlsx(
        tmp_path / "tram-y-te.xlsx",
        {
            "Ghi chú": [["Dữ liệu mẫu"]],
            "Trạm y tế": [
                ["ma", "ten", "giuong", "ngay"],
                ["TYT1", "Trạm Y tế Phường Tân An", 10, dt.date(2010, 1, 4)],
                ["TYT2", "Trạm Y tế Xã Bến Cầu", 6, dt.date(2012, 3, 1)],
            ],
        },
    )
    dataset = actions.create_dataset(system, slug="tram-xlsx", title="Trạm y tế", owner=sxd)
    version = actions.add_version(system, dataset, path, sheet="Trạm y tế")
    assert version.status == VersionStatus.ACCEPTED, version.report
    types = field_types(version.schema)
    assert types["giuong"] in {"BIGINT", "INTEGER"} and types["ngay"] == "DATE"
    missing = actions.add_version(system, dataset, path, sheet="Không có")
    assert missing.status == VersionStatus.REJECTED
    assert "Trạm y tế" in missing.report["message"]


@pytest.mark.parametrize("name", ["dan-so.json", "dan-so.ndjson", "dan-so.parquet"])
def test_json_ndjson_and_parquet_are_read(tmp_path, system, sxd, name):
    import duckdb

    rows = [{"xa": "Phường Tân An", "dan_so": 52000}, {"xa": "Xã Bến Cầu", "dan_so": 31000}]
    path = tmp_path / name
    if name.endswith(".ndjson"):
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    elif name.endswith(".json"):
        path.write_text(json.dumps(rows, ensure_ascii=False))
    else:
        duckdb.sql("SELECT 'Phường Tân An' AS xa, 52000 AS dan_so").write_parquet(str(path))
    dataset = actions.create_dataset(system, slug=name.replace(".", "-"), title=name, owner=sxd)
    version = actions.add_version(system, dataset, path)
    assert version.status == VersionStatus.ACCEPTED, version.report
    assert set(field_types(version.schema)) == {"xa", "dan_so"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anh.png", b"\x89PNG\r\n", "“.png”"),
        ("hong.xlsx", b"PK\x03\x04 not really a workbook", "XLSX"),
        ("hong.json", b'[{"a": 1}, {"a": ', "Không đọc được tệp thành bảng"),
        ("rong.csv", b"a,b\n", "không có dòng dữ liệu"),
    ],
)
def test_broken_files_are_rejected_with_a_reason(tmp_path, system, sxd, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    dataset = actions.create_dataset(system, slug="hong", title="Hỏng", owner=sxd)
    version = actions.add_version(system, dataset, path)
    assert version.status == VersionStatus.REJECTED
    assert message in version.report["message"]


def test_the_code_tables_are_open_core_datasets_kept_in_step(client, system):
    from tinhso.warehouse.codetables import publish

    listed = {d["slug"]: d for d in client.get("/api/data/datasets").json()}
    units = listed["don-vi-hanh-chinh"]
    assert units["access"] == "open" and units["importance"] == "core"
    assert units["rows"] == 96  # Tây Ninh's communes since 1 July 2025
    answer = sandbox.run(
        Actor.citizen(), "SELECT ten_xa FROM \"don-vi-hanh-chinh\" WHERE ma_xa = '27712'"
    )
    assert answer.rows == [("Phường Tân An",)]
    assert publish(system) == []  # nothing changed: no new version
    Agency.objects.filter(code="SYT").update(short_name="Sở Y tế (mới)")
    assert publish(system) == ["co-quan"]


@pytest.mark.parametrize(
    ("params", "codes", "total"),
    [
        ({}, ["TH001", "TH002", "THCS01"], 3),
        ({"xa": "Xã Bến Cầu"}, ["TH002"], 1),
        ({"so_hoc_sinh__gte": "800", "_sort": "-so_hoc_sinh"}, ["THCS01", "TH001"], 2),
        ({"ma_truong__in": "TH001,THCS01"}, ["TH001", "THCS01"], 2),
        ({"ten_truong__contains": "TIEU HOC"}, ["TH001", "TH002"], 2),
        ({"_q": "hoa thanh"}, ["THCS01"], 1),
        ({"ngay_thanh_lap__lt": "2000-01-01", "_limit": "1"}, ["TH001"], 2),
    ],
)
def test_rows_with_filters_through_the_api(client, schools, params, codes, total):
    query = {"_fields": "ma_truong", "_sort": "ma_truong", **params}
    body = client.get("/api/data/datasets/truong-thu/rows", query).json()
    assert [row[0] for row in body["rows"]] == codes
    assert body["total"] == total and body["columns"] == ["ma_truong"]


@pytest.mark.parametrize(
    "params", [{"khong_co": "1"}, {"xa__regex": "x"}, {"_sort": "khong_co"}, {"_limit": "x"}]
)
def test_bad_filters_are_refused_with_the_columns(client, schools, params):
    response = client.get("/api/data/datasets/truong-thu/rows", params)
    assert response.status_code == 400
    assert "ma_truong" in response.json()["detail"] or "_limit" in response.json()["detail"]


def test_rows_of_private_data_are_refused_to_others_and_audited(
    client, system, sxd, tmp_path, token_for
):
    secret = tmp_path / "secret.csv"
    secret.write_text("so_ho,xa\n12,Xã A\n")
    private = actions.create_dataset(system, slug="ho-ngheo", title="Hộ nghèo", owner=sxd)
    actions.add_version(system, private, secret)
    assert client.get("/api/data/datasets/ho-ngheo/rows").status_code == 404
    token = token_for("demo.handler")
    body = client.get(
        "/api/data/datasets/ho-ngheo/rows", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert body["rows"] == [[12, "Xã A"]]
    assert AuditEntry.objects.filter(action="warehouse.read", object_id=str(private.pk)).exists()
