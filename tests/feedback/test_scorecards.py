"""Scorecards and their exports."""

import io

import pytest
from openpyxl import load_workbook

from tinhso.core.exports import safe_cell

pytestmark = pytest.mark.django_db


def test_scorecard_by_agency_counts_the_demo(supervisor):
    html = supervisor.get("/feedback/scorecards/").content.decode()
    assert "Sở Xây dựng tỉnh Tây Ninh" in html
    assert "Đúng hạn %" in html


@pytest.mark.parametrize("by", ["agency", "commune", "field"])
def test_xlsx_export_opens_and_adds_up(supervisor, by):
    from tinhso.feedback.models import Report

    response = supervisor.get("/feedback/scorecards/", {"by": by, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Đã tiếp nhận"
    counted = sum(r[1] for r in rows[1:])
    expected = Report.objects.exclude(status="refused").filter(duplicate_of__isnull=True).count()
    assert counted == expected


def test_csv_export_has_a_bom_for_excel(supervisor):
    response = supervisor.get("/feedback/scorecards/", {"by": "field", "format": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "Giao thông, đường sá" in text


def test_formula_cells_are_neutralised():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("-1+2") == "'-1+2"
    assert safe_cell(-3) == -3
    assert safe_cell("Sở Y tế") == "Sở Y tế"


def test_scorecards_are_for_supervision(handler_client):
    assert handler_client.get("/feedback/scorecards/").status_code == 403


def test_scorecard_query_count_is_pinned(supervisor, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        supervisor.get("/feedback/scorecards/")
