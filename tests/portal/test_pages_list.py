"""The published open-data list: its page, its XLSX and PDF (open datasets only, late
ones flagged), and its six-monthly review recorded by staff with an audit entry."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from tinhso.core.models import AuditEntry
from tinhso.portal import actions, listing
from tinhso.portal.models import ListReview
from tinhso.warehouse import actions as warehouse_actions
from tinhso.warehouse.models import Access, Dataset, DatasetVersion, Frequency

pytestmark = pytest.mark.django_db


def _open_titles() -> set[str]:
    return set(Dataset.objects.filter(access=Access.OPEN).values_list("title", flat=True))


@pytest.fixture
def late_budget(portal_data, system):
    dataset = portal_data["ngan-sach-ckan"]
    warehouse_actions.update_metadata(system, dataset, frequency=Frequency.MONTHLY)
    DatasetVersion.objects.filter(dataset=dataset).update(
        created_at=timezone.now() - dt.timedelta(days=90)
    )
    return dataset


def test_the_xlsx_has_every_open_dataset_and_nothing_else(client, portal_data, late_budget):
    from openpyxl import load_workbook

    response = client.get("/opendata/list.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == listing.XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 8
    body = rows[1:]
    assert {r[1] for r in body} == _open_titles()
    assert {r[2] for r in body} >= {"truong-ckan", "ngan-sach-ckan"}
    assert not {r[2] for r in body} & {"chia-se-ckan", "rieng-ckan"}
    by_slug = {r[2]: r for r in body}
    assert by_slug["ngan-sach-ckan"][7]  # flagged late
    assert not by_slug["truong-ckan"][7]
    assert by_slug["truong-ckan"][6] == 4  # rows
    assert [r[0] for r in body] == list(range(1, len(body) + 1))
    assert len(book.worksheets) == 2  # the review's sheet


def test_the_pdf_is_a_pdf_with_the_vietnamese_text(client, portal_data, late_budget):
    from pypdf import PdfReader

    response = client.get("/opendata/list.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    assert "Trường học phổ thông" in flat
    assert "Chi ngân sách tỉnh" in flat
    assert "Dữ liệu riêng" not in flat and "Dữ liệu chia sẻ" not in flat
    assert "chia-se-ckan" not in flat and "rieng-ckan" not in flat


def test_the_page_lists_open_datasets_with_late_flags(client, portal_data, late_budget):
    html = client.get("/opendata/list/").content.decode()
    assert 'data-slug="truong-ckan"' in html and 'data-slug="ngan-sach-ckan"' in html
    assert 'data-slug="rieng-ckan"' not in html and 'data-slug="chia-se-ckan"' not in html
    row = html.split('data-slug="ngan-sach-ckan"')[1].split("</tr>")[0]
    assert "overdue" in row
    assert 'href="/opendata/list.xlsx"' in html and 'href="/opendata/list.pdf"' in html
    assert 'action="/opendata/list/review/"' not in html  # no form for the public


def test_next_review_is_six_months_on():
    assert listing.add_months(dt.date(2026, 1, 15), 6) == dt.date(2026, 7, 15)
    assert listing.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert listing.add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert listing.add_months(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)


def test_a_steward_records_a_review_with_an_audit_entry(client, portal_data):
    from tinhso.agencies.models import User

    steward = User.objects.get(username="demo.steward")
    client.force_login(steward)
    html = client.get("/opendata/list/").content.decode()
    assert 'action="/opendata/list/review/"' in html
    day = timezone.localdate() - dt.timedelta(days=3)
    response = client.post(
        "/opendata/list/review/", {"reviewed_on": day.isoformat(), "note": "Rà soát 6 tháng"}
    )
    assert response.status_code == 302 and response["Location"] == "/opendata/list/"
    review = ListReview.objects.get()
    assert (review.reviewed_on, review.reviewed_by, review.note) == (
        day,
        steward,
        "Rà soát 6 tháng",
    )
    entry = AuditEntry.objects.get(action="portal.record_review")
    assert entry.object_id == str(review.pk) and entry.actor_user_id == steward.pk
    listed = listing.build(Dataset.objects.filter(access=Access.OPEN))
    assert listed.next_review == listing.add_months(day, 6)
    assert not listed.review_overdue
    html = client.get("/opendata/list/").content.decode()
    assert listing.add_months(day, 6).strftime("%d/%m/%Y") in html


def test_a_review_in_the_future_or_without_a_date_is_refused(client, portal_data):
    from tinhso.agencies.models import User

    client.force_login(User.objects.get(username="demo.admin"))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.post("/opendata/list/review/", {"reviewed_on": tomorrow.isoformat()})
    client.post("/opendata/list/review/", {"reviewed_on": ""})
    assert not ListReview.objects.exists()


def test_only_stewards_and_administrators_record_a_review(client, handler_user, system):
    response = client.post("/opendata/list/review/", {"reviewed_on": "2026-01-02"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(handler_user)
    response = client.post("/opendata/list/review/", {"reviewed_on": "2026-01-02"})
    assert response.status_code == 403
    assert not ListReview.objects.exists()
    review = actions.record_review(system, dt.date(2026, 1, 2))
    assert review.reviewer == system.label
