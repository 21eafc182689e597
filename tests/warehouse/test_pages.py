"""The warehouse's pages: catalogue, dataset page, and the data stewards' screens (create,
metadata, schema editor, upload run as a task, validation report)."""

import openpyxl
import pytest
from django.urls import reverse

from tinhso.agencies.models import Agency, User
from tinhso.core.models import AuditEntry
from tinhso.warehouse import actions
from tinhso.warehouse.models import Access, Dataset, IngestJob, JobStatus, VersionStatus
from tinhso.warehouse.tasks import run_ingest_job

pytestmark = pytest.mark.django_db

CSV = "ma,ten,so_giuong\nTYT1,Trạm Y tế Phường 1,10\nTYT2,Trạm Y tế Xã Lộc Hưng,6\n"


@pytest.fixture
def steward_client(client):
    client.force_login(User.objects.get(username="demo.steward"))
    return client


@pytest.fixture
def stations(system, tmp_path):
    owner = Agency.objects.get(code="SKHCN")
    dataset = actions.create_dataset(
        system, slug="tram-thu", title="Trạm y tế", owner=owner, access=Access.OPEN
    )
    path = tmp_path / "tram.csv"
    path.write_text(CSV, encoding="utf-8")
    actions.add_version(system, dataset, path)
    return dataset


def test_the_catalogue_shows_open_data_to_anyone(client, stations, system):
    private = actions.create_dataset(
        system, slug="bi-mat", title="Bí mật", owner=stations.owner, access=Access.PRIVATE
    )
    page = client.get(reverse("warehouse_catalogue")).content.decode()
    assert "Trạm y tế" in page and private.title not in page
    found = client.get(reverse("warehouse_catalogue"), {"q": "tram y te"}).content.decode()
    assert "Trạm y tế" in found
    assert client.get(reverse("warehouse_dataset", args=["bi-mat"])).status_code == 404


def test_a_dataset_page_shows_metadata_schema_versions_and_quality(client, stations):
    page = client.get(reverse("warehouse_dataset", args=["tram-thu"])).content.decode()
    assert "so_giuong" in page and "v1" in page
    assert "Chất lượng siêu dữ liệu" in page
    assert 'data-rows-url="/api/data/datasets/tram-thu/rows"' in page
    assert "Tải lên phiên bản mới" not in page  # not a steward of the owner


def test_stewards_only_for_their_agency(client, stations):
    assert client.get(reverse("warehouse_mine")).status_code in (302, 401, 403)
    client.force_login(User.objects.get(username="demo.handler"))
    assert client.get(reverse("warehouse_mine")).status_code == 403
    assert client.get(reverse("warehouse_upload", args=["tram-thu"])).status_code == 403


def test_a_steward_creates_describes_and_uploads(steward_client, settings):
    created = steward_client.post(
        reverse("warehouse_create"),
        {
            "slug": "truong-moi",
            "title": "Trường học",
            "owner": Agency.objects.get(code="SKHCN").pk,
            "access": "open",
            "importance": "important",
            "licence": "nd47-2020",
            "themes": ["EDUC"],
            "tags": "giáo dục, trường",
            "frequency": "annual",
            "spatial": "province",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    dataset = Dataset.objects.get(slug="truong-moi")
    assert dataset.themes == ["EDUC"] and dataset.tags == ["giáo dục", "trường"]
    assert AuditEntry.objects.filter(action="warehouse.create_dataset").exists()

    with open(settings.DATA_DIR / "upload.csv", "w", encoding="utf-8") as fh:
        fh.write("ma,ten,so_hs\nT1,Tiểu học A,100\nT2,Tiểu học B,200\n")
    with open(settings.DATA_DIR / "upload.csv", "rb") as fh:
        sent = steward_client.post(
            reverse("warehouse_upload", args=["truong-moi"]),
            {"file": fh},
            HTTP_ACCEPT="application/json",
        )
    assert sent.status_code == 202
    job = IngestJob.objects.get(pk=sent.json()["job"])
    assert job.status == JobStatus.QUEUED and (settings.DATA_DIR / job.staged).exists()
    status = steward_client.get(sent.json()["url"], {"format": "json"}).json()
    assert status["status"] == "queued"

    run_ingest_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.progress == 100
    assert job.version.status == VersionStatus.ACCEPTED and job.version.rows == 2
    assert job.version.uploaded_by == "demo.steward"
    assert not (settings.DATA_DIR / job.staged).exists()
    done = steward_client.get(sent.json()["url"], {"format": "json"}).json()
    assert done["version_url"] == reverse("warehouse_version", args=["truong-moi", 1])

    edited = steward_client.post(
        reverse("warehouse_edit", args=["truong-moi"]),
        {
            "title": "Trường học phổ thông",
            "description": "Danh sách trường",
            "access": "shared",
            "importance": "important",
            "licence": "internal",
            "frequency": "monthly",
            "spatial": "province",
            "tags": "",
        },
    )
    assert edited.status_code == 302
    dataset.refresh_from_db()
    assert dataset.title == "Trường học phổ thông" and dataset.access == "shared"


def test_the_schema_editor_sets_the_rule_and_the_report_shows_errors(
    steward_client, stations, settings
):
    url = reverse("warehouse_schema", args=["tram-thu"])
    form = steward_client.get(url).content.decode()
    assert 'name="f2-type"' in form
    saved = steward_client.post(
        url,
        {
            "f0-type": "string",
            "f0-title": "Mã trạm",
            "f0-required": "on",
            "f0-pattern": "TYT[0-9]+",
            "f1-type": "string",
            "f1-title": "Tên trạm",
            "f2-type": "integer",
            "f2-title": "Số giường",
            "f2-minimum": "0",
            "primary_key": ["ma"],
        },
    )
    assert saved.status_code == 302
    stations.refresh_from_db()
    assert stations.table_schema["primaryKey"] == ["ma"]
    bad = steward_client.post(url, {"f0-type": "string", "f0-pattern": "(", "f1-type": "string"})
    assert bad.status_code == 200 and "biểu thức chính quy" in bad.content.decode()

    path = settings.DATA_DIR / "sai.csv"
    path.write_text("ma,ten,so_giuong\nXX,Trạm lỗi,-1\nTYT3,Trạm,nhiều\n", encoding="utf-8")
    version = actions.add_version(actions_actor(), stations, path)
    assert version.status == VersionStatus.REJECTED
    report = steward_client.get(reverse("warehouse_version", args=["tram-thu", 2]))
    html = report.content.decode()
    assert "Báo cáo kiểm tra" in html and "nhiều" in html and "type-error" in html
    public = steward_client.get(reverse("warehouse_dataset", args=["tram-thu"])).content
    assert "Không chấp thuận".encode() in public  # the steward sees the rejected version


def actions_actor():
    from tinhso.core.actors import Actor

    return Actor.system("tests")


def test_rejected_files_are_hidden_from_readers(client, stations, tmp_path, system):
    path = tmp_path / "hong.csv"
    path.write_text("ma,ten,so_giuong\nTYT9,Trạm,1,2,3\n", encoding="utf-8")
    actions.add_version(system, stations, path)
    assert client.get(reverse("warehouse_version", args=["tram-thu", 2])).status_code in (
        302,
        401,
        403,
    )
    accepted = client.get(reverse("warehouse_version", args=["tram-thu", 1]))
    assert accepted.status_code == 200


@pytest.mark.parametrize("url", ["/data/", "/api/data/datasets"])
def test_catalogue_query_count_is_pinned_and_flat(
    url, client, system, tmp_path, django_assert_max_num_queries
):
    from tinhso.agencies.models import Agency

    client.get(url)  # per-process caches (the demo flag) filled
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    owner = Agency.objects.get(code="SXD")
    for i in range(5):
        dataset = actions.create_dataset(
            system, slug=f"dem-{i}", title=f"Đếm {i}", owner=owner, access="open"
        )
        source = tmp_path / f"{i}.csv"
        source.write_text("a,b\n1,2\n")
        actions.add_version(system, dataset, source)
    # Five more datasets, not one more query.
    with django_assert_max_num_queries(8):
        response = client.get(url)
        assert response.status_code == 200
    assert "dem-4" in response.content.decode() or "Đếm 4" in response.content.decode()


def test_catalogue_cards_say_what_a_dataset_is(client):
    html = client.get("/data/").content.decode()
    assert "Giáo dục" in html  # themes by name
    assert ">EDUC<" not in html and " · EDUC" not in html
    assert "dòng" in html and "Parquet" in html  # rows, formats


def test_some_communes_with_none_chosen_is_refused():
    from tinhso.warehouse.forms import DatasetForm

    form = DatasetForm(
        {"spatial": "communes", "title": "Chợ", "slug": "cho"},
        owners=Agency.objects.all(),
        province_code="80",
    )
    assert not form.is_valid()
    assert form.errors["communes"]


def test_the_schema_and_the_versions_are_in_words(client, stations, system, tmp_path):
    page = client.get(reverse("warehouse_dataset", args=["tram-thu"])).content.decode()
    # Types and constraints in Vietnamese, not Table Schema's keywords.
    assert "<td>số nguyên</td>" in page and "<td>văn bản</td>" in page
    assert "Bắt buộc" in page and "required" not in page
    workbook = tmp_path / "tram.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["ma", "ten", "so_giuong"])
    book.active.append(["TYT3", "Trạm Y tế Xã Mới", 4])
    book.save(workbook)
    version = actions.add_version(system, stations, workbook, accept_schema_change=True)
    assert version.encoding == "xlsx"  # the file's own format, not the CSV it became


def test_a_refused_upload_is_marked_as_refused_in_the_steward_s_list(
    client, stations, system, tmp_path
):
    from tinhso.warehouse.models import IngestJob

    client.force_login(User.objects.get(username="demo.steward"))
    path = tmp_path / "virus.exe"
    path.write_bytes(b"MZ\x90\x00")
    refused = actions.add_version(system, stations, path)
    IngestJob.objects.create(
        dataset=stations, staged="x", source_name="virus.exe", size=4, status="done",
        version=refused,
    )  # fmt: skip
    page = client.get(reverse("warehouse_mine")).content.decode()
    assert "virus.exe" in page
    assert f'<span class="status status-refused">{refused.get_status_display()}</span>' in page
    version_page = client.get(
        reverse("warehouse_version", args=["tram-thu", refused.number])
    ).content.decode()
    assert "virus.exe ()" not in version_page
