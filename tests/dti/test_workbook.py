"""A framework to XLSX and back: an administrator adds a new decision's framework."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tinhso.core.models import AuditEntry
from tinhso.dti import frameworks
from tinhso.dti.files import FileRefused
from tinhso.dti.models import Framework
from tinhso.dti.workbook import export, read

pytestmark = pytest.mark.django_db

DA_NANG_2022 = dict(
    # Published main indices of Đà Nẵng 2022 (https://dti.gov.vn/xep-hang-2022); DTI 0.8002.
    nhan_thuc_so=D("1.0000"), the_che_so=D("0.9000"), ha_tang_so=D("0.8253"),
    nhan_luc_so=D("0.8487"), an_toan_thong_tin_mang=D("0.7578"),
    hoat_dong_chinh_quyen_so=D("0.8575"), hoat_dong_kinh_te_so=D("0.7836"),
    hoat_dong_xa_hoi_so=D("0.5197"),
)  # fmt: skip


def renamed(content: bytes, code: str, decision: str, edit=None) -> bytes:
    """The exported workbook as an administrator would turn it into a new decision's."""
    book = load_workbook(io.BytesIO(content))
    for row in book["Khung"].iter_rows(min_row=2):
        if row[0].value == "code":
            row[1].value = code
        elif row[0].value == "decision":
            row[1].value = decision
    if edit:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_exported_framework_imports_as_a_new_one_that_scores_the_same(tmp_path):
    out = tmp_path / "922.xlsx"
    call_command("dti", "export-framework", "--framework", "922", "--out", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["Khung", "Tru_cot", "Chi_so_chinh", "Chi_so_thanh_phan"]
    assert book["Chi_so_chinh"].max_row == 10  # header + 9 main indices

    def add_component(book):
        book["Chi_so_thanh_phan"].append(["nhan_thuc_so", "nts_1", "Chỉ số thành phần thử", "", 10])

    new = tmp_path / "9999.xlsx"
    new.write_bytes(renamed(out.read_bytes(), "9999", "9999/QĐ-THU", add_component))
    stdout = io.StringIO()
    call_command("dti", "import-framework", str(new), stdout=stdout)
    assert "9999/QĐ-THU" in stdout.getvalue()

    copy = Framework.objects.get(code="9999")
    original = Framework.objects.get(code="922")
    assert not copy.shipped and copy.method == original.method
    assert copy.sources == original.sources and copy.note == original.note
    assert list(copy.main_indices.values_list("code", "weight", "max_points", "scored")) == list(
        original.main_indices.values_list("code", "weight", "max_points", "scored")
    )
    assert copy.pillars.get(code="CQS").main_indices.count() == 7
    assert copy.main_indices.get(code="nhan_thuc_so").components.get().max_points == 10
    [result] = frameworks.score(copy, [("TP. Đà Nẵng", DA_NANG_2022)])
    assert result.dti == D("0.8002")
    assert AuditEntry.objects.filter(action="dti.framework.install", object_id=str(copy.pk))


def test_a_shipped_framework_is_not_overwritten_from_a_workbook(tmp_path):
    path = tmp_path / "922.xlsx"
    path.write_bytes(export(Framework.objects.get(code="922")))
    with pytest.raises(CommandError) as caught:
        call_command("dti", "import-framework", str(path))
    assert "“922”" in str(caught.value)
    assert Framework.objects.get(code="922").shipped


def _break_weight(book):
    book["Chi_so_chinh"]["H2"] = "nhiều"


def _unknown_pillar(book):
    book["Chi_so_chinh"]["F3"] = "CQS, ABC"


def _drop_sheet(book):
    del book["Tru_cot"]


@pytest.mark.parametrize(
    ("edit", "sheet", "line", "column"),
    [
        (_break_weight, "Chi_so_chinh", 2, "weight"),
        (_unknown_pillar, "Chi_so_chinh", 3, "pillars"),
        (_drop_sheet, "Tru_cot", None, None),
    ],
)
def test_a_bad_workbook_is_refused_naming_sheet_row_and_column(edit, sheet, line, column):
    content = renamed(export(Framework.objects.get(code="922")), "9998", "9998/QĐ", edit)
    with pytest.raises(FileRefused) as caught:
        read(content)
    refused = caught.value
    assert (refused.sheet, refused.line, refused.column) == (sheet, line, column)
    assert sheet in refused.message and (column is None or f"“{column}”" in refused.message)
    assert not Framework.objects.filter(code="9998").exists()


def test_a_file_that_is_not_xlsx_is_refused():
    with pytest.raises(FileRefused) as caught:
        read(b"province,dti\n")
    assert "XLSX" in caught.value.message
