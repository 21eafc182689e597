"""The portal's public pages: each renders for anyone, only open datasets ever show (on
every page, signed in or not), search folds Vietnamese accents, facets narrow, a
dataset's page carries its resources, API snippets that work, citation and lateness."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tinhso.agencies.models import Agency, User
from tinhso.portal import usage
from tinhso.portal.models import Usage
from tinhso.warehouse import actions, quality
from tinhso.warehouse.models import Access, Dataset, DatasetVersion, Frequency

pytestmark = pytest.mark.django_db

HIDDEN_TITLES = ("Dữ liệu chia sẻ", "Dữ liệu riêng")


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def linked(html: str) -> set[str]:
    """The datasets a page links to on the portal."""
    return set(re.findall(r'href="/dataset/([\w-]+)"', html))


def not_open() -> set[str]:
    return set(Dataset.objects.exclude(access=Access.OPEN).values_list("slug", flat=True))


PAGES = [
    "/opendata/",
    "/dataset/",
    "/dataset/?q=d%E1%BB%AF+li%E1%BB%87u",
    "/dataset/?sort=name",
    "/dataset/?groups=gove",
    "/dataset/?organization=sxd",
    "/organization/",
    "/organization/sxd",
    "/organization/skhcn",
    "/group/",
    "/group/gove",
    "/group/econ",
    "/opendata/list/",
]


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_renders_and_shows_only_open_datasets(
    client, admin_user, portal_data, signed_in
):
    if signed_in:  # an administrator reads everything in the warehouse, not here
        client.force_login(admin_user)
    hidden = not_open()
    assert {"chia-se-ckan", "rieng-ckan"} <= hidden
    seen: set[str] = set()
    for url in PAGES:
        html = page(client, url)
        found = linked(html)
        assert not found & hidden, (url, found & hidden)
        for title in HIDDEN_TITLES:
            assert title not in html, (url, title)
        seen |= found
    assert {"truong-ckan", "ngan-sach-ckan"} <= seen


def test_the_pages_are_in_vietnamese_for_an_anonymous_reader(client, portal_data):
    for url in ("/opendata/", "/dataset/", "/opendata/list/"):
        html = page(client, url)
        assert '<html lang="vi">' in html and "Dữ liệu mở" in html  # the portal's tabs


@pytest.mark.parametrize(
    "url",
    [
        "/dataset/chia-se-ckan",
        "/dataset/rieng-ckan",
        "/dataset/khong-co",
        "/organization/khong-co",
        "/group/khong-co",
        "/opendata/list.csv",
    ],
)
def test_unknown_and_not_open_are_not_found(client, admin_user, portal_data, url):
    page(client, url, 404)
    client.force_login(admin_user)  # even for one who may read the dataset elsewhere
    page(client, url, 404)


def test_an_agency_with_only_shared_or_private_data_has_no_page(
    client, portal_data, system, province
):
    agency = Agency.objects.create(
        code="SCHIASE", name="Sở chỉ chia sẻ", province=province, kind="department"
    )
    actions.create_dataset(
        system, slug="chi-chia-se", title="Chỉ chia sẻ", owner=agency, access=Access.SHARED
    )
    page(client, "/organization/schiase", 404)
    assert "Sở chỉ chia sẻ" not in page(client, "/organization/")


def test_search_ignores_accents_and_case(client, portal_data):
    for q in ("giao duc", "GIÁO DỤC", "truong hoc pho thong", "chi ngan sach"):
        found = linked(page(client, f"/dataset/?q={q}"))
        wanted = "ngan-sach-ckan" if "ngan" in q else "truong-ckan"
        assert wanted in found, q
    # A column name is found too, and words are read literally, never as fields.
    assert "truong-ckan" in linked(page(client, "/dataset/?q=so_hoc_sinh"))
    assert linked(page(client, "/dataset/?q=private:true")) == set()
    assert not linked(page(client, "/dataset/?q=du+lieu+rieng")) & not_open()


def test_facets_narrow_and_show_as_removable_chips(client, portal_data):
    html = page(client, "/dataset/?q=ckan")
    assert 'data-facet="groups" data-value="educ"' in html
    assert 'data-facet="organization" data-value="sxd"' in html
    both = linked(html)
    assert {"truong-ckan", "ngan-sach-ckan"} <= both

    narrowed = page(client, "/dataset/?q=ckan&groups=educ")
    assert "truong-ckan" in linked(narrowed) and "ngan-sach-ckan" not in linked(narrowed)
    chips = re.findall(r'<a class="chip" href="([^"]*)" data-chip="(\w+)"', narrowed)
    assert ("?q=ckan", "groups") in [(h.replace("&amp;", "&"), k) for h, k in chips]
    assert 'data-count="1"' in narrowed

    by_agency = linked(page(client, "/dataset/?organization=sxd&q=ckan"))
    assert by_agency == {"ngan-sach-ckan"}
    by_format = linked(page(client, "/dataset/?res_format=GeoJSON&q=ckan"))
    assert by_format == {"truong-ckan"}  # the only one whose rows have a place
    by_tag = linked(page(client, "/dataset/?tags=ng%C3%A2n+s%C3%A1ch"))
    assert by_tag == {"ngan-sach-ckan"}


def test_frequency_and_commune_facets(client, portal_data, system, province):
    budget = portal_data["ngan-sach-ckan"]
    commune = province.communes.order_by("code").first()
    actions.update_metadata(
        system, budget, frequency=Frequency.MONTHLY, spatial="communes", communes=[commune]
    )
    html = page(client, "/dataset/?q=ckan")
    assert f'data-facet="commune" data-value="{commune.code}"' in html
    assert 'data-facet="frequency" data-value="monthly"' in html
    assert linked(page(client, "/dataset/?q=ckan&frequency=monthly")) == {"ngan-sach-ckan"}
    assert linked(page(client, f"/dataset/?q=ckan&commune={commune.code}")) == {"ngan-sach-ckan"}


def test_sorting_and_paging(client, portal_data, system):
    owner = Agency.objects.get(code="SXD")
    for n in range(23):
        actions.create_dataset(
            system,
            slug=f"trang-{n:02d}",
            title=f"Zeta phân trang {n:02d}",
            owner=owner,
            access=Access.OPEN,
        )
    first = page(client, "/dataset/?q=zeta+phan+trang&sort=name")
    assert 'data-count="23"' in first
    names = re.findall(r'href="/dataset/(trang-\d\d)"', first)
    assert names == [f"trang-{n:02d}" for n in range(20)]
    second = page(client, "/dataset/?q=zeta+phan+trang&sort=name&page=2")
    assert re.findall(r'href="/dataset/(trang-\d\d)"', second) == [
        "trang-20",
        "trang-21",
        "trang-22",
    ]


def test_an_organisation_and_a_group_page_list_their_open_datasets(client, portal_data):
    assert linked(page(client, "/organization/skhcn")) >= {"truong-ckan"}
    assert "ngan-sach-ckan" not in linked(page(client, "/organization/skhcn"))
    assert "truong-ckan" in linked(page(client, "/group/educ"))
    assert "ngan-sach-ckan" not in linked(page(client, "/group/educ"))
    assert 'href="/group/educ"' in page(client, "/group/")
    assert 'href="/organization/skhcn"' in page(client, "/organization/")


def test_the_home_shows_counts_themes_and_the_newest(client, portal_data):
    html = page(client, "/opendata/")
    assert 'href="/group/educ"' in html and "<svg" in html
    assert linked(html)  # the newest datasets
    count = Dataset.objects.filter(access=Access.OPEN).count()
    assert f'<a href="/dataset/">{count}</a>' in html
    assert 'action="/dataset/"' in html  # the search box


def test_the_dataset_page(client, portal_data):
    html = page(client, "/dataset/truong-ckan")
    for fmt in ("csv", "xlsx", "json", "geojson", "parquet"):
        assert f"/api/data/datasets/truong-ckan/download/{fmt}" in html
    assert 'id="preview"' in html and 'id="quick-chart"' in html  # the warehouse's partials
    assert "Trường học phổ thông" in html and 'id="citation"' in html
    assert "creativecommons" not in html or 'rel="license"' in html
    assert "/data/truong-ckan/versions/1/" in html


def test_the_api_snippets_work(client, portal_data):
    html = page(client, "/dataset/truong-ckan").replace("&amp;", "&")
    urls = re.findall(r"curl '(http://testserver[^']+)'", html)
    assert len(urls) == 2
    for url in urls:
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200 and response.json()["success"] is True
    records = client.get(urls[1].removeprefix("http://testserver")).json()["result"]
    assert records["total"] == 4
    assert 'RemoteCKAN("http://testserver")' in html
    assert 'package_show(id="truong-ckan")' in html


def test_a_view_is_counted_without_who(client, portal_data):
    dataset = portal_data["truong-ckan"]
    Usage.objects.all().delete()
    assert "sort=used" not in page(client, "/dataset/?q=ckan")  # nothing counted yet
    page(client, "/dataset/ngan-sach-ckan")
    page(client, "/dataset/truong-ckan")
    page(client, "/dataset/truong-ckan")
    row = Usage.objects.get(dataset=dataset)
    assert (row.views, row.downloads, row.api_calls) == (2, 0, 0)
    html = page(client, "/dataset/?q=ckan&sort=used")
    assert "sort=used" in page(client, "/dataset/?q=ckan")
    order = re.findall(r'href="/dataset/([\w-]+)"', html)
    assert order[:2] == ["truong-ckan", "ngan-sach-ckan"]
    assert row.month == timezone.localdate().replace(day=1)
    assert usage.most_used(Dataset.objects.filter(access=Access.OPEN), 3)[0] == dataset
    assert dataset.slug in linked(page(client, "/opendata/").split('id="most-used"')[1])


# --- the lateness rule (warehouse.quality.is_late) --------------------------------------


def _version_at(dataset: Dataset, moment: dt.datetime) -> DatasetVersion:
    current = dataset.current
    DatasetVersion.objects.filter(pk=current.pk).update(created_at=moment)
    current.refresh_from_db()
    return current


@pytest.mark.parametrize(
    ("frequency", "age_days", "late"),
    [
        (Frequency.DAILY, 2, False),  # one day and a day's grace
        (Frequency.DAILY, 3, True),
        (Frequency.MONTHLY, 32, False),
        (Frequency.MONTHLY, 33, True),
        (Frequency.ANNUAL, 300, False),
        (Frequency.ANNUAL, 400, True),
        (Frequency.IRREGULAR, 4000, False),
        (Frequency.NEVER, 4000, False),
        (Frequency.UNKNOWN, 4000, False),
    ],
)
def test_the_late_rule(portal_data, frequency, age_days, late):
    dataset = portal_data["ngan-sach-ckan"]
    dataset.frequency = frequency
    now = timezone.now()
    current = _version_at(dataset, now - dt.timedelta(days=age_days) + dt.timedelta(hours=1))
    assert quality.is_late(dataset, current, now) is late
    if frequency:
        assert quality.on_time(dataset, current, now) is not late


def test_a_dataset_with_a_frequency_and_no_version_is_late(system):
    dataset = actions.create_dataset(
        system,
        slug="chua-co",
        title="Chưa có",
        owner=Agency.objects.get(code="SXD"),
        access=Access.OPEN,
        frequency=Frequency.WEEKLY,
    )
    assert quality.is_late(dataset, None)


def test_late_shows_on_the_dataset_page_and_in_search(client, portal_data, system):
    dataset = portal_data["ngan-sach-ckan"]
    actions.update_metadata(system, dataset, frequency=Frequency.WEEKLY)
    assert 'id="late"' not in page(client, "/dataset/ngan-sach-ckan")
    _version_at(dataset, timezone.now() - dt.timedelta(days=30))
    html = page(client, "/dataset/ngan-sach-ckan")
    assert 'id="late"' in html
    assert 'data-slug="ngan-sach-ckan"' in (listed := page(client, "/opendata/list/"))
    row = listed.split('data-slug="ngan-sach-ckan"')[1].split("</tr>")[0]
    assert "overdue" in row


def test_downloads_and_api_calls_are_counted_for_open_data_only(client, portal_data):
    Usage.objects.all().delete()
    for fmt in ("csv", "json"):
        response = client.get(f"/api/data/datasets/truong-ckan/download/{fmt}")
        assert response.status_code == 200
        b"".join(response.streaming_content)
    assert client.get("/api/3/action/package_show?id=truong-ckan").status_code == 200
    resource = client.get("/api/3/action/package_show?id=truong-ckan").json()["result"]
    csv_id = next(r["id"] for r in resource["resources"] if r["format"] == "CSV")
    assert client.get(f"/api/3/action/datastore_search?resource_id={csv_id}").status_code == 200
    row = Usage.objects.get(dataset=portal_data["truong-ckan"])
    assert (row.views, row.downloads, row.api_calls) == (0, 2, 3)
    # A steward reading their private data is not the portal's public use.
    client.force_login(User.objects.get(username="demo.steward"))
    response = client.get("/api/data/datasets/rieng-ckan/download/csv")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert not Usage.objects.filter(dataset=portal_data["rieng-ckan"]).exists()
