"""Table Schemas (inferred, edited, enforced with a Frictionless-shaped report), GeoJSON and
zipped Shapefiles, old units and VN-2000 columns, version differences, quality score."""

import datetime as dt
import io
import json
import zipfile

import duckdb
import pytest
import shapefile
from django.utils import timezone

from tinhso.agencies.models import Agency, User
from tinhso.core.models import AuditEntry
from tinhso.textengine import legacy
from tinhso.warehouse import actions, quality, sandbox
from tinhso.warehouse.models import Access, Frequency, Spatial, VersionStatus
from tinhso.warehouse.schema import clean

pytestmark = pytest.mark.django_db

HEADER = "ma_truong,ten_truong,so_hoc_sinh,ngay_thanh_lap\n"
GOOD = (
    HEADER + "TH001,Tiểu học Tân An,812,1998-09-05\n"
    "TH002,Tiểu học Bến Cầu,455,2001-08-20\n"
    "TH003,THCS Hòa Thành,1204,1995-09-01\n"
)


@pytest.fixture
def dataset(system):
    owner = Agency.objects.get(code="SGDDT")
    return actions.create_dataset(system, slug="truong", title="Trường (mẫu)", owner=owner)


def _add(system, dataset, tmp_path, text, name="f.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return actions.add_version(system, dataset, path)


def test_the_schema_is_inferred_with_types_required_and_primary_key(system, dataset, tmp_path):
    version = _add(system, dataset, tmp_path, GOOD)
    fields = {f["name"]: f for f in version.schema["fields"]}
    assert fields["so_hoc_sinh"]["type"] == "integer"
    assert fields["ngay_thanh_lap"]["type"] == "date"
    assert fields["ten_truong"]["constraints"] == {"required": True}
    assert version.schema["primaryKey"] == ["ma_truong"]


def test_a_stewards_schema_is_enforced_with_a_frictionless_report(system, dataset, tmp_path):
    _add(system, dataset, tmp_path, GOOD)
    actions.set_schema(
        system,
        dataset,
        {
            "fields": [
                {"name": "ma_truong", "type": "string", "constraints": {"pattern": "TH[0-9]{3}"}},
                {"name": "ten_truong", "type": "string", "title": "Tên trường"},
                {"name": "so_hoc_sinh", "type": "integer", "constraints": {"minimum": 0}},
                {"name": "ngay_thanh_lap", "type": "date", "constraints": {"required": True}},
            ],
            "primaryKey": ["ma_truong"],
        },
    )
    bad = (
        HEADER + "TH001,Tiểu học Tân An,812,1998-09-05\n"
        "TH001,Trùng mã,10,2001-08-20\n"
        "XX9,Sai mã,-5,\n"
        "TH004,Số chữ,nhiều,2001-01-01\n"
    )
    version = _add(system, dataset, tmp_path, bad, "bad.csv")
    assert version.status == VersionStatus.REJECTED
    report = version.report
    assert report["valid"] is False and report["stats"]["errors"] == 5, [
        (e["type"], e["fieldName"]) for e in report["errors"]
    ]
    found = {(e["type"], e["rowNumber"], e["fieldName"]) for e in report["errors"]}
    assert found == {
        ("primary-key", 3, "ma_truong"),
        ("constraint-error", 4, "ma_truong"),
        ("constraint-error", 4, "so_hoc_sinh"),
        ("constraint-error", 4, "ngay_thanh_lap"),
        ("type-error", 5, "so_hoc_sinh"),
    }
    type_error = next(e for e in report["errors"] if e["type"] == "type-error")
    assert type_error["cell"] == "nhiều" and "không phải" in type_error["message"]
    assert dataset.current.number == 1

    good = _add(system, dataset, tmp_path, GOOD + "TH004,Mới,0,2020-01-01\n", "good.csv")
    assert good.status == VersionStatus.ACCEPTED
    fields = {f["name"]: f for f in good.schema["fields"]}
    assert fields["ten_truong"]["title"] == "Tên trường"
    assert fields["ma_truong"]["storage"] == "VARCHAR"
    assert AuditEntry.objects.filter(action="warehouse.set_schema").exists()


def test_columns_missing_from_or_extra_to_the_schema_are_named(system, dataset, tmp_path):
    actions.set_schema(system, dataset, {"fields": [{"name": "ma_truong"}, {"name": "dia_chi"}]})
    version = _add(system, dataset, tmp_path, GOOD)
    kinds = {(e["type"], e["fieldName"]) for e in version.report["errors"]}
    assert ("missing-label", "dia_chi") in kinds and ("extra-label", "so_hoc_sinh") in kinds


@pytest.mark.parametrize(
    "schema",
    [
        {"fields": []},
        {"fields": [{"name": "a", "type": "money"}]},
        {"fields": [{"name": "a"}, {"name": "a"}]},
        {"fields": [{"name": "a", "constraints": {"pattern": "("}}]},
        {"fields": [{"name": "a", "constraints": {"minimum": "nhiều"}}]},
    ],
)
def test_a_broken_schema_is_refused(schema):
    with pytest.raises(ValueError):
        clean(schema)


def test_the_difference_between_versions_is_counted(system, dataset, tmp_path):
    _add(system, dataset, tmp_path, GOOD)
    changed = GOOD.replace("TH002,Tiểu học Bến Cầu,455", "TH002,Tiểu học Bến Cầu,460")
    version = _add(system, dataset, tmp_path, changed + "TH009,Mới,1,2024-09-05\n", "v2.csv")
    diff = version.report["diff"]
    assert (diff["added"], diff["removed"]) == (2, 1)
    assert diff["columns_added"] == [] and diff["columns_removed"] == []


def test_old_unit_columns_gain_the_new_communes(system, tmp_path):
    owner = Agency.objects.get(code="SYT")
    dataset = actions.create_dataset(system, slug="tram-thu", title="Trạm y tế", owner=owner)
    text = (
        "ten_tram,tinh,huyen,xa\n"
        "Trạm Y tế Phường 6,Long An,Thành phố Tân An,Phường 6\n"
        "Trạm Y tế Phường 5,Long An,Thành phố Tân An,Phường 5\n"
        "Trạm Y tế không rõ,Long An,Huyện Không Có,Xã Không Có\n"
    )
    version = _add(system, dataset, tmp_path, text)
    assert version.status == VersionStatus.ACCEPTED, version.report
    answer = sandbox.run(
        system, 'SELECT ten_tram, new_commune, new_province, conversion_error FROM "tram-thu"'
    )
    rows = {r[0]: r[1:] for r in answer.rows}
    assert rows["Trạm Y tế Phường 6"][0] and rows["Trạm Y tế Phường 6"][1].endswith("Tây Ninh")
    assert rows["Trạm Y tế không rõ"][2]
    assert any("2025" in note for note in version.report["warnings"])


def test_vn2000_columns_gain_wgs84_coordinates(system, tmp_path):
    from pyproj import Transformer

    owner = Agency.objects.get(code="SXD")
    dataset = actions.create_dataset(system, slug="cong-trinh", title="Công trình", owner=owner)
    to_vn2000 = Transformer.from_crs("EPSG:4326", "EPSG:9209", always_xy=True)
    easting, northing = to_vn2000.transform(106.1, 11.3)
    text = (
        f"ten,x,y\nCầu A,{northing:.3f},{easting:.3f}\nCầu B,{northing + 100:.3f},{easting:.3f}\n"
    )
    version = _add(system, dataset, tmp_path, text)
    assert version.status == VersionStatus.ACCEPTED, version.report
    answer = sandbox.run(system, 'SELECT lon_wgs84, lat_wgs84 FROM "cong-trinh" ORDER BY ten')
    lon, lat = answer.rows[0]
    assert abs(lon - 106.1) < 1e-6 and abs(lat - 11.3) < 1e-6
    assert answer.rows[1][1] > lat


POINTS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [106.1, 11.3]},
            "properties": {"ten": "Trạm quan trắc Tân An", "pm25": 31.5},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [106.2, 11.4]},
            "properties": {"ten": "Trạm quan trắc Hòa Thành", "pm25": 18.0},
        },
    ],
}


def test_geojson_becomes_rows_with_a_geometry_column(system, dataset, tmp_path):
    path = tmp_path / "tram.geojson"
    path.write_text(json.dumps(POINTS), encoding="utf-8")
    version = actions.add_version(system, dataset, path)
    assert version.status == VersionStatus.ACCEPTED, version.report
    fields = {f["name"]: f["type"] for f in version.schema["fields"]}
    assert fields["geometry"] == "geojson" and fields["pm25"] == "number"
    answer = sandbox.run(system, 'SELECT ten, geometry FROM "truong" ORDER BY pm25')
    assert json.loads(answer.rows[0][1])["coordinates"] == [106.2, 11.4]


def test_a_feature_without_a_geometry_keeps_its_row(system, dataset, tmp_path):
    features = [*POINTS["features"], {"type": "Feature", "properties": {"ten": "Chưa định vị"},
                                      "geometry": None}]  # fmt: skip
    path = tmp_path / "tram.geojson"
    path.write_text(json.dumps({**POINTS, "features": features}), encoding="utf-8")
    version = actions.add_version(system, dataset, path)
    assert version.rows == len(features)
    answer = sandbox.run(system, 'SELECT ten, geometry IS NULL FROM "truong" ORDER BY ten')
    assert ("Chưa định vị", True) in answer.rows
    assert sum(1 for _name, missing in answer.rows if not missing) == len(POINTS["features"])


def _shapefile_zip(points, *, prj: str | None) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POINT) as writer:
        writer.field("TEN", "C", 50)
        for name, (x, y) in points:
            writer.point(x, y)
            writer.record(name)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("tram.shp", shp.getvalue())
        z.writestr("tram.shx", shx.getvalue())
        z.writestr("tram.dbf", dbf.getvalue())
        z.writestr("tram.cpg", "UTF-8")
        if prj:
            z.writestr("tram.prj", prj)
    return archive.getvalue()


def test_a_zipped_vn2000_shapefile_is_converted(system, dataset, tmp_path):
    from pyproj import CRS, Transformer

    to_vn2000 = Transformer.from_crs("EPSG:4326", "EPSG:9209", always_xy=True)
    point = to_vn2000.transform(106.1, 11.3)
    path = tmp_path / "tram.zip"
    path.write_bytes(
        _shapefile_zip([("Trạm Tân An", point)], prj=CRS.from_epsg(9209).to_wkt("WKT1_ESRI"))
    )
    version = actions.add_version(system, dataset, path)
    assert version.status == VersionStatus.ACCEPTED, version.report
    geometry = json.loads(sandbox.run(system, 'SELECT geometry FROM "truong"').rows[0][0])
    lon, lat = geometry["coordinates"]
    assert abs(lon - 106.1) < 1e-6 and abs(lat - 11.3) < 1e-6
    assert any("9209" in note for note in version.report["warnings"])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("hong.zip", b"PK\x03\x04 not a zip"),
        ("hong.geojson", b'{"type": "FeatureCollection", "features": '),
        ("rong.geojson", b'{"type": "FeatureCollection", "features": []}'),
        (
            "toa-do-chu.geojson",
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
            '"geometry": {"type": "Point", "coordinates": ["kinh độ", 11]}}]}'.encode(),
        ),
    ],
)
def test_broken_geo_files_are_rejected(system, dataset, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    version = actions.add_version(system, dataset, path)
    assert version.status == VersionStatus.REJECTED and version.report["message"]
    # Why, in both languages, as each row's error is.
    assert (
        version.report["message_en"] and version.report["message_en"] != (version.report["message"])
    )


def test_a_refused_file_says_why_in_the_page_s_language(client, system, tmp_path):
    owner = Agency.objects.get(code="SKHCN")  # demo.steward's agency
    dataset = actions.create_dataset(system, slug="thu", title="Thử (mẫu)", owner=owner)
    path = tmp_path / "virus.exe"
    path.write_bytes(b"MZ\x90\x00")
    version = actions.add_version(system, dataset, path)
    client.force_login(User.objects.get(username="demo.steward"))
    url = f"/data/thu/versions/{version.number}/"
    vietnamese = client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Không đọc được tệp loại “.exe”" in vietnamese
    assert "Files of type “.exe” are not read" in english
    assert "Không đọc được tệp loại" not in english


def test_a_feature_whose_geometry_cannot_be_read_is_named(system, dataset, tmp_path):
    bad = {"type": "Feature", "properties": {"ten": "Sai"},
           "geometry": {"type": "Point", "coordinates": ["kinh độ", 11]}}  # fmt: skip
    path = tmp_path / "tram.geojson"
    path.write_text(json.dumps({**POINTS, "features": [*POINTS["features"], bad]}), "utf-8")
    version = actions.add_version(system, dataset, path)
    assert version.status == VersionStatus.REJECTED
    number = len(POINTS["features"]) + 1
    assert version.report["message"].startswith(f"Đối tượng thứ {number}: hình học")
    assert "ParseException" not in version.report["message"]


def test_the_quality_score_follows_the_metadata(system, dataset, tmp_path):
    version = _add(system, dataset, tmp_path, GOOD)
    before = quality.assess(dataset)
    assert not {c.key for c in before.criteria if c.met} - {"licence", "available"}
    actions.update_metadata(
        system,
        dataset,
        access=Access.OPEN,
        description="Danh sách trường học trên địa bàn tỉnh: mã trường, tên, số học sinh và "
        "ngày thành lập, do Sở Giáo dục và Đào tạo cập nhật.",
        frequency=Frequency.ANNUAL,
        spatial=Spatial.PROVINCE,
        temporal_start=dt.date(2025, 9, 1),
        contact_email="dulieu@sgddt.example.vn",
    )
    actions.set_schema(
        system,
        dataset,
        {
            "fields": [
                {"name": n, "type": t, "title": title}
                for n, t, title in [
                    ("ma_truong", "string", "Mã trường"),
                    ("ten_truong", "string", "Tên trường"),
                    ("so_hoc_sinh", "integer", "Số học sinh"),
                    ("ngay_thanh_lap", "date", "Ngày thành lập"),
                ]
            ]
        },
    )
    _add(system, dataset, tmp_path, GOOD, "v2.csv")
    after = quality.assess(dataset)
    assert after.percent == 100, [c.key for c in after.criteria if not c.met]
    late = quality.assess(dataset, now=timezone.now() + dt.timedelta(days=400))
    assert not next(c for c in late.criteria if c.key == "on_time").met
    assert version.number == 1
    assert AuditEntry.objects.filter(action="warehouse.update_metadata").exists()


def test_code_columns_stay_text_with_their_leading_zeros(system, dataset, tmp_path):
    version = _add(system, dataset, tmp_path, "ma_xa,ten_xa,dan_so\n00004,Phường Ba Đình,65000\n")
    fields = {f["name"]: f["type"] for f in version.schema["fields"]}
    assert fields == {"ma_xa": "string", "ten_xa": "string", "dan_so": "integer"}
    assert sandbox.run(system, 'SELECT ma_xa FROM "truong"').rows == [("00004",)]


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("bom.csv", lambda text: text.encode("utf-8-sig")),
        ("utf16.csv", lambda text: text.encode("utf-16")),
        ("tab.tsv", lambda text: text.replace(",", "\t").encode("utf-8")),
        ("semicolon.csv", lambda text: legacy.encode_as(text.replace(",", ";"), "cp1258")),
    ],
)
def test_csv_variants_are_read(system, dataset, tmp_path, name, encode):
    path = tmp_path / name
    path.write_bytes(encode(GOOD))
    version = actions.add_version(system, dataset, path)
    assert version.status == VersionStatus.ACCEPTED, version.report
    names = [f["name"] for f in version.schema["fields"]]
    assert names == ["ma_truong", "ten_truong", "so_hoc_sinh", "ngay_thanh_lap"]
    answer = sandbox.run(system, 'SELECT ten_truong FROM "truong" ORDER BY so_hoc_sinh DESC')
    assert answer.rows[0] == ("THCS Hòa Thành",)


def _add_with(system, dataset, tmp_path, text, name, **options):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return actions.add_version(system, dataset, path, **options)


def test_a_column_that_changes_type_is_refused_unless_confirmed(system, dataset, tmp_path):
    first = _add(system, dataset, tmp_path, GOOD)
    assert first.schema["fields"][2]["type"] == "integer"
    words = GOOD.replace("TH002,Tiểu học Bến Cầu,455", "TH002,Tiểu học Bến Cầu,bốn trăm")
    refused = _add(system, dataset, tmp_path, words, "v2.csv")
    assert refused.status == VersionStatus.REJECTED
    (error,) = refused.report["errors"]
    assert error["type"] == "schema-change" and error["fieldName"] == "so_hoc_sinh"
    assert refused.report["stats"]["errors"] == len(refused.report["errors"]) == 1
    dataset.refresh_from_db()
    assert dataset.current.number == first.number  # the live table did not change
    confirmed = _add_with(system, dataset, tmp_path, words, "v3.csv", accept_schema_change=True)
    assert confirmed.status == VersionStatus.ACCEPTED
    assert confirmed.schema["fields"][2]["type"] == "string"


def test_a_removed_or_renamed_column_is_named(system, dataset, tmp_path):
    _add(system, dataset, tmp_path, GOOD)
    renamed = GOOD.replace("so_hoc_sinh", "hoc_sinh", 1)
    refused = _add(system, dataset, tmp_path, renamed, "v2.csv")
    assert refused.status == VersionStatus.REJECTED
    (error,) = refused.report["errors"]
    assert error["fieldName"] == "so_hoc_sinh" and "hoc_sinh" in error["message"]
    # A new column alone changes nothing that readers rely on.
    wider = "".join(
        line + (",ghi_chu\n" if number == 0 else ",x\n")
        for number, line in enumerate(GOOD.splitlines())
    )
    assert _add(system, dataset, tmp_path, wider, "v3.csv").status == VersionStatus.ACCEPTED


def test_appended_rows_keep_the_key_unique_and_the_schema_true(system, dataset, tmp_path):
    first = _add(system, dataset, tmp_path, GOOD)
    assert first.schema.get("primaryKey") == ["ma_truong"]
    again = HEADER + "TH003,Trùng mã,10,2020-01-01\n"
    refused = _add_with(system, dataset, tmp_path, again, "them.csv", append=True)
    assert refused.status == VersionStatus.REJECTED
    assert refused.report["errors"][0]["type"] == "primary-key"
    assert refused.report["errors"][0]["cell"] == "TH003"
    fresh = HEADER + "TH009,Mới,10,2020-01-01\n"
    added = _add_with(system, dataset, tmp_path, fresh, "them2.csv", append=True)
    assert added.status == VersionStatus.ACCEPTED and added.rows == 4
    con = duckdb.connect()
    described = {r[0]: r[1] for r in con.execute(f"DESCRIBE FROM '{added.path}'").fetchall()}
    con.close()
    assert {f["name"]: f["storage"] for f in added.schema["fields"]} == described


def test_utf8_with_stray_bytes_is_not_read_as_a_legacy_encoding(system, dataset, tmp_path):
    good = HEADER + "".join(f"TH{i:03d},Tiểu học Tân An,812,1998-09-05\n" for i in range(40))
    data = good.encode().replace(b"Ti\xe1\xbb\x83u", b"Ti\xffu", 2)  # two stray bytes
    path = tmp_path / "lac.csv"
    path.write_bytes(data)
    refused = actions.add_version(system, dataset, path)
    assert refused.status == VersionStatus.REJECTED
    errors = refused.report["errors"]
    assert [e["rowNumber"] for e in errors] == [2, 3]
    assert all(e["type"] == "encoding-error" and "�" in e["cell"] for e in errors)
    assert refused.report["stats"]["errors"] == len(errors)
    assert "UTF-8" in refused.report["message"]
    # The steward chooses UTF-8: the stray bytes become �, every row is kept.
    chosen = actions.add_version(system, dataset, path, encoding="utf-8")
    assert chosen.status == VersionStatus.ACCEPTED and chosen.rows == 40
    names = duckdb.sql(f"SELECT ten_truong FROM '{chosen.path}' ORDER BY ma_truong").fetchall()
    assert names[0][0] == "Ti�u học Tân An" and names[2][0] == "Tiểu học Tân An"
    unknown = actions.add_version(system, dataset, path, encoding="latin9")
    assert unknown.status == VersionStatus.REJECTED and "latin9" in unknown.report["message"]


def test_the_cli_forces_an_encoding(system, dataset, tmp_path):
    from django.core.management import call_command

    data = (
        (HEADER + "TH001,Tiểu học Tân An,812,1998-09-05\n")
        .encode()
        .replace(b"Ti\xe1\xbb\x83u", b"Ti\xffu")
    )
    path = tmp_path / "lac.csv"
    path.write_bytes(data)
    out = io.StringIO()
    call_command(
        "data", "ingest", str(path), "--dataset", "truong", "--encoding", "utf-8", stdout=out
    )
    dataset.refresh_from_db()
    assert dataset.current is not None and dataset.current.encoding == "utf-8"


def test_an_unclosed_quote_is_reported_as_such(system, dataset, tmp_path):
    text = HEADER + '"TH001","Tiểu học, Tân An",812,1998-09-05\n'
    text += 'TH002,"Tiểu học Bến Cầu,455,2001-08-20\n'  # the quote is never closed
    text += "".join(f"TH{i:03d},Trường {i},{i},2001-08-20\n" for i in range(3, 10))
    refused = _add_with(system, dataset, tmp_path, text, "nhay.csv")
    assert refused.status == VersionStatus.REJECTED
    first = refused.report["errors"][0]
    assert first["rowNumber"] == 3 and first["type"] == "source-error"
    assert "never closed" in first["message"] or "không được đóng" in first["message"]
    assert refused.report["stats"]["errors"] == len(refused.report["errors"])


def test_every_error_of_a_report_is_in_vietnamese_and_english(system, dataset, tmp_path):
    actions.set_schema(
        system,
        dataset,
        {
            "fields": [
                {"name": "ma_truong", "constraints": {"required": True, "pattern": "TH[0-9]+"}},
                {"name": "ten_truong"},
                {"name": "so_hoc_sinh", "type": "integer", "constraints": {"minimum": 0}},
                {"name": "ngay_thanh_lap", "type": "date"},
            ],
            "primaryKey": ["ma_truong"],
        },
    )
    bad = HEADER + "X1,A,-5,2001-01-01\nTH2,B,nhiều,không rõ\nTH2,C,3,2001-01-01\n"
    version = _add(system, dataset, tmp_path, bad, "loi.csv")
    assert version.status == VersionStatus.REJECTED
    errors = version.report["errors"]
    assert len(errors) >= 5
    for error in errors:
        assert error["message"] and error["message_en"], error
        assert error["message"] != error["message_en"], error
    kinds = {e["type"] for e in errors}
    assert {"type-error", "constraint-error", "primary-key"} <= kinds
