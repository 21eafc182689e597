"""The quick chart's numbers on the dataset page: a histogram, counts per value, a time
series and map points, aggregated in DuckDB within the preview's filters, under the same
access rules as the rows."""

import json

import pytest

from tinhso.agencies.models import Agency
from tinhso.core.models import AuditEntry
from tinhso.warehouse import actions, charts
from tinhso.warehouse.models import Access

pytestmark = pytest.mark.django_db

SCHOOLS = (
    "ma,ten,cap_hoc,so_hoc_sinh,kinh_do,vi_do\n"
    "TH01,Tiểu học Tân An,Tiểu học,420,106.10,11.30\n"
    "TH02,Tiểu học Bến Cầu,Tiểu học,515,106.20,11.20\n"
    "TH03,Tiểu học Hòa Thành,Tiểu học,388,106.15,11.31\n"
    "TH04,THCS Tân An,THCS,760,106.11,11.29\n"
    "TH05,THCS Bến Cầu,THCS,905,,\n"
    "TH06,THPT Tân An,THPT,1210,106.12,11.33\n"
)
DOSSIERS = (
    "ma_ho_so,thu_tuc,ngay_nhan,so_ngay\n"
    "HS1,Khai sinh,2025-01-05,2\n"
    "HS2,Khai sinh,2025-01-20,3\n"
    "HS3,Cấp phép xây dựng,2025-03-02,15\n"
    "HS4,Khai sinh,2025-04-11,1\n"
    "HS5,Cấp phép xây dựng,2025-04-30,20\n"
)


def _dataset(system, tmp_path, slug, text, access=Access.OPEN):
    owner = Agency.objects.get(code="SKHCN")
    dataset = actions.create_dataset(system, slug=slug, title=slug, owner=owner, access=access)
    path = tmp_path / f"{slug}.csv"
    path.write_text(text, encoding="utf-8")
    actions.add_version(system, dataset, path)
    return dataset


@pytest.fixture
def schools(system, tmp_path):
    return _dataset(system, tmp_path, "truong-bieu-do", SCHOOLS)


@pytest.fixture
def dossiers(system, tmp_path):
    return _dataset(system, tmp_path, "ho-so-bieu-do", DOSSIERS)


def chart(client, slug, **params):
    response = client.get(f"/api/data/datasets/{slug}/chart", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_number_column_is_a_histogram(client, schools):
    found = chart(client, "truong-bieu-do", _column="so_hoc_sinh")
    assert found["kind"] == "histogram" and found["rows"] == 6 and found["empty"] == 0
    assert sum(b["count"] for b in found["bins"]) == 6
    widths = {b["end"] - b["start"] for b in found["bins"]}
    assert widths == {50.0}  # (1210 - 388) / 20 → a round 50
    assert found["bins"][0]["start"] <= 388 < found["bins"][0]["end"]
    assert found["bins"][-1]["start"] <= 1210 < found["bins"][-1]["end"]


def test_a_category_is_counted_per_value(client, schools):
    found = chart(client, "truong-bieu-do", _column="cap_hoc")
    assert found["kind"] == "counts"
    assert found["bars"] == [
        {"label": "Tiểu học", "amount": 3},
        {"label": "THCS", "amount": 2},
        {"label": "THPT", "amount": 1},
    ]
    assert found["other"] is None


def test_values_beyond_the_top_are_one_other_bar(client, system, tmp_path):
    text = "ma,xa\n" + "".join(f"R{i},Xã {i % 25}\n" for i in range(50))
    _dataset(system, tmp_path, "nhieu-gia-tri", text)
    found = chart(client, "nhieu-gia-tri", _column="xa")
    assert len(found["bars"]) == charts.TOP
    assert found["other"] == {"amount": 10, "values": 5}


def test_a_date_column_is_a_time_series_by_default(client, dossiers):
    found = chart(client, "ho-so-bieu-do")
    assert (found["kind"], found["column"], found["bucket"]) == ("timeseries", "ngay_nhan", "month")
    assert found["series"] == [
        {"period": "2025-01-01", "amount": 2},
        {"period": "2025-02-01", "amount": 0},
        {"period": "2025-03-01", "amount": 1},
        {"period": "2025-04-01", "amount": 2},
    ]
    summed = chart(client, "ho-so-bieu-do", _column="ngay_nhan", _sum="so_ngay")
    assert [p["amount"] for p in summed["series"]] == [5, 0, 15, 21]


def test_coordinates_are_points_on_a_map(client, schools):
    found = chart(client, "truong-bieu-do", _kind="map")
    assert found["kind"] == "map" and found["column"] == "kinh_do,vi_do"
    assert found["rows"] == 6 and found["empty"] == 1 and not found["gridded"]
    assert {"lat": 11.3, "lon": 106.1, "count": 1} in found["points"]
    assert len(found["points"]) == 5


def test_many_points_are_gathered_into_cells(client, system, tmp_path, monkeypatch):
    monkeypatch.setattr(charts, "MAP_POINTS", 3)
    monkeypatch.setattr(charts, "GRID", 3)
    text = "ma,kinh_do,vi_do\n" + "".join(f"P{i},{106 + i / 100},11.3\n" for i in range(10))
    _dataset(system, tmp_path, "nhieu-diem", text)
    found = chart(client, "nhieu-diem", _kind="map")
    assert found["gridded"] and sum(p["count"] for p in found["points"]) == 10
    assert len(found["points"]) <= 4  # three cells across, and the last point on the edge


def test_a_geometry_column_is_drawn_at_its_shapes_middle(client, system, tmp_path):
    square = [[[106.0, 11.0], [106.2, 11.0], [106.2, 11.4], [106.0, 11.4], [106.0, 11.0]]]
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.5, 11.5]},
         "properties": {"ten": "Điểm"}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": square},
         "properties": {"ten": "Khu"}},
    ]  # fmt: skip
    owner = Agency.objects.get(code="SKHCN")
    dataset = actions.create_dataset(system, slug="khu-vuc", title="Khu vực", owner=owner)
    path = tmp_path / "khu.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    actions.add_version(system, dataset, path)
    dataset.access = Access.OPEN
    dataset.save()
    found = chart(client, "khu-vuc", _kind="map")
    points = sorted((round(p["lon"], 6), round(p["lat"], 6)) for p in found["points"])
    assert found["column"] == "geometry" and points == [(106.1, 11.2), (106.5, 11.5)]


def test_the_key_and_all_distinct_columns_are_not_the_default(client, schools):
    found = chart(client, "truong-bieu-do")
    # `ma` is the primary key and every `ten` differs: the first category that repeats.
    assert (found["kind"], found["column"]) == ("counts", "cap_hoc")


def test_without_a_category_the_first_number_is_the_default(client, system, tmp_path):
    _dataset(system, tmp_path, "chi-so", "ma,ten,gia_tri,kinh_do,vi_do\nA,Một,1.5,106,11\n"
             "B,Hai,2.5,106.1,11.1\n")  # fmt: skip
    found = chart(client, "chi-so")
    assert (found["kind"], found["column"]) == ("histogram", "gia_tri")


def test_the_filters_change_the_numbers(client, schools):
    found = chart(client, "truong-bieu-do", _column="cap_hoc", so_hoc_sinh__gte="500")
    assert {b["label"]: b["amount"] for b in found["bars"]} == {
        "THCS": 2,
        "THPT": 1,
        "Tiểu học": 1,
    }
    searched = chart(client, "truong-bieu-do", _column="so_hoc_sinh", _q="tan an")
    assert searched["rows"] == 3
    mapped = chart(client, "truong-bieu-do", _kind="map", cap_hoc="THCS")
    assert mapped["rows"] == 2 and len(mapped["points"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"_column": "khong_co"},
        {"_kind": "pie"},
        {"_column": "cap_hoc", "_kind": "histogram"},
        {"_column": "cap_hoc", "_sum": "ten"},
        {"khong_co": "1"},
    ],
)
def test_a_chart_that_cannot_be_drawn_is_refused_with_a_reason(client, schools, params):
    response = client.get("/api/data/datasets/truong-bieu-do/chart", params)
    assert response.status_code == 400 and response.json()["detail"]


def test_a_private_datasets_chart_is_refused_to_those_who_cannot_read_it(
    client, system, tmp_path, token_for
):
    private = _dataset(system, tmp_path, "rieng-bieu-do", SCHOOLS, access=Access.PRIVATE)
    assert client.get("/api/data/datasets/rieng-bieu-do/chart").status_code == 404
    handler = token_for("demo.handler")  # another agency
    refused = client.get(
        "/api/data/datasets/rieng-bieu-do/chart", headers={"Authorization": f"Bearer {handler}"}
    )
    assert refused.status_code == 404
    steward = token_for("demo.steward")  # the owner agency
    found = client.get(
        "/api/data/datasets/rieng-bieu-do/chart", headers={"Authorization": f"Bearer {steward}"}
    ).json()
    assert found["column"] == "cap_hoc"
    assert AuditEntry.objects.filter(action="warehouse.read", object_id=str(private.pk)).exists()


def test_the_dataset_page_offers_the_chart_and_loads_plotly(client, schools):
    page = client.get("/data/truong-bieu-do/").content.decode()
    assert 'data-chart-url="/api/data/datasets/truong-bieu-do/chart"' in page
    assert "vendor/plotly/plotly.min.js" in page and "cdn" not in page.lower()
    assert '<label for="qc-col">' in page
    assert 'value="_map"' in page  # it has coordinates
