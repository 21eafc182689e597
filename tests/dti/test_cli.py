"""`tinhso dti score` and `tinhso dti import-results` through the real commands."""

import io
import json
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from tinhso.core.models import AuditEntry
from tinhso.dti import frameworks, results
from tinhso.dti.files import FileRefused, read_results, read_values
from tinhso.dti.models import PublishedResult
from tinhso.dti.scoring import ScoringError
from tinhso.units.models import LegacyProvince, Province

pytestmark = pytest.mark.django_db

HEADER_922 = (
    "province,nhan_thuc_so,the_che_so,ha_tang_so,nhan_luc_so,an_toan_thong_tin_mang,"
    "hoat_dong_chinh_quyen_so,hoat_dong_kinh_te_so,hoat_dong_xa_hoi_so"
)
# Đà Nẵng 2022, published main indices and DTI 0.8002: https://dti.gov.vn/xep-hang-2022
DA_NANG_2022 = "TP. Đà Nẵng,1.0000,0.9000,0.8253,0.8487,0.7578,0.8575,0.7836,0.5197"
OK = f"{HEADER_922}\n{DA_NANG_2022}\n"  # a good first data row (line 2)


def run(*args) -> str:
    out = io.StringIO()
    call_command("dti", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, text: str, name: str = "values.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_score_922_prints_dti_pillars_and_rank(tmp_path):
    path = write(tmp_path, f"{HEADER_922}\n{DA_NANG_2022}\nTỉnh thử,{','.join(['0.5'] * 8)}\n")
    table = run("score", "--framework", "922", "--csv", str(path))
    lines = table.strip().splitlines()
    assert lines[-2].split("\t")[:3] == ["1", "TP. Đà Nẵng", "0.8002"]
    assert lines[-1].split("\t") == ["2", "Tỉnh thử", "0.5000", "0.5000", "0.5000", "0.5000"]

    payload = json.loads(run("score", "--framework", "922", "--csv", str(path), "--json"))
    first = payload["provinces"][0]
    assert payload["framework"] == "922"
    assert (first["province"], first["rank"], first["dti"]) == ("TP. Đà Nẵng", 1, "0.8002")
    assert set(first["pillars"]) == {"CQS", "KTS", "XHS"}
    assert first["contributions"]["hoat_dong_chinh_quyen_so"] == "0.1715"


def test_score_1726_from_pillars(tmp_path):
    # Bắc Ninh 2020: CQS 0.4449, KTS 0.3668, XHS 0.4052 → DTI 0.4096, from
    # https://en.dangcongsan.vn/bac-ninh-province-integration-and-development/bac-ninh-s-provincial-digital-transformation-index-ranked-third-nationwide-585850.html
    path = write(
        tmp_path, "province;chinh_quyen_so;kinh_te_so;xa_hoi_so\nBắc Ninh;0,4449;0,3668;0,4052\n"
    )
    payload = json.loads(run("score", "--framework", "1726", "--csv", str(path), "--json"))
    assert payload["provinces"][0]["dti"] == "0.4096"
    assert payload["provinces"][0]["pillars"] == {"CQS": "0.4449", "KTS": "0.3668", "XHS": "0.4052"}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("province,nhan_thuc_so\nA,0.5\n", None, "the_che_so"),
        (f"{OK}B,0.5,0.5,1.5,0.5,0.5,0.5,0.5,0.5\n", 3, "ha_tang_so"),
        (f"{OK}C,0.5,0.5,0.5,,0.5,0.5,0.5,0.5\n", 3, "nhan_luc_so"),
        (f"{OK}D,0.5,0.5,0.5,abc,0.5,0.5,0.5,0.5\n", 3, "nhan_luc_so"),
        (f"{OK}{DA_NANG_2022}\n", 3, "province"),
        (f"{OK},0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5\n", 3, "province"),
        (HEADER_922.replace("province", "ten") + "\n", None, None),
        ("", None, None),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_naming_the_row_and_column(tmp_path, text, line, column):
    path = write(tmp_path, text)
    with pytest.raises(FileRefused) as caught:
        read_values(path, frameworks.scheme(frameworks.get("922")))
    assert (caught.value.line, caught.value.column) == (line, column)
    # The command says the same: the row and the column.
    with pytest.raises(CommandError) as caught:
        run("score", "--framework", "922", "--csv", str(path))
    assert str(caught.value) == read_error(path)
    if column:
        assert f"“{column}”" in str(caught.value) or column in str(caught.value)
    if line:
        assert f" {line}" in str(caught.value)


def read_error(path) -> str:
    try:
        read_values(path, frameworks.scheme(frameworks.get("922")))
    except FileRefused as refused:
        return refused.message
    raise AssertionError("not refused")


def test_scoring_under_405_is_refused_while_weights_are_missing(tmp_path):
    path = write(tmp_path, f"{HEADER_922}\n{DA_NANG_2022}\n")
    with pytest.raises(CommandError) as caught:
        run("score", "--framework", "405", "--csv", str(path))
    assert "405" in str(caught.value) and "Hoạt động chính quyền số" in str(caught.value)


def test_an_unknown_framework_is_refused_with_the_known_ones(tmp_path):
    with pytest.raises(CommandError) as caught:
        run("score", "--framework", "999", "--csv", str(write(tmp_path, HEADER_922)))
    assert "999" in str(caught.value) and "922" in str(caught.value)


# 2021 results (922/QĐ-BTTTT), the dti.gov.vn home-page table as recorded in
# ../shared/reference/data/dti_provincial_observations.csv; the mean row is skipped.
RESULTS_2021 = """province,rank,dti,cqs,kts,xhs,source
TP. Đà Nẵng,1,0.6419,0.6868,0.6312,0.6483,https://dti.gov.vn/
Thừa Thiên - Huế,2,0.5872,0.6666,0.5922,0.5782,https://dti.gov.vn/
Thanh Hóa,12,0.4880,0.5302,0.4552,0.4904,https://dti.gov.vn/
Vĩnh Phúc,12,0.4880,0.5483,0.5671,0.5634,https://dti.gov.vn/
_provincial_mean,,0.4014,,,,https://dti.gov.vn/
"""


@pytest.fixture
def no_results():
    """Start from no published results (the demo imports some; rolled back after)."""
    PublishedResult.objects.all().delete()


def test_import_results_stores_a_year_by_former_province(tmp_path, no_results):
    path = write(tmp_path, RESULTS_2021, "2021.csv")
    out = run("import-results", "--year", "2021", str(path))
    assert "4 mới" in out and "1 dòng bỏ qua" in out
    stored = PublishedResult.objects.filter(year=2021).select_related("legacy_province")
    by_code = {r.legacy_province.code: r for r in stored}
    assert set(by_code) == {"48", "46", "38", "26"}
    hue = by_code["46"]
    assert (hue.rank, hue.dti, hue.cqs, hue.kts, hue.xhs) == (
        2, D("0.5872"), D("0.6666"), D("0.5922"), D("0.5782")
    )  # fmt: skip
    assert hue.framework.code == "922" and hue.province is None
    by_command = AuditEntry.objects.filter(actor_label="tinhso dti import-results")
    imports = by_command.filter(action="dti.result.import")
    assert imports.count() == 4

    # Importing the year again replaces, it does not duplicate.
    write(tmp_path, RESULTS_2021.replace("0.6419", "0.6420"), "2021.csv")
    again = run("import-results", "--year", "2021", str(path))
    assert "1 cập nhật" in again and "3 không đổi" in again
    assert stored.count() == 4 and stored.get(legacy_province__code="48").dti == D("0.6420")
    [update] = by_command.filter(action="dti.result.update")
    assert update.before == {"dti": 0.6419} and update.after == {"dti": 0.642}


def test_import_results_refuses_an_unknown_province_and_stores_nothing(tmp_path, no_results):
    path = write(tmp_path, RESULTS_2021 + "Tỉnh Không Có,20,0.4000,,,,x\n")
    with pytest.raises(CommandError) as caught:
        run("import-results", "--year", "2021", str(path))
    assert "Tỉnh Không Có" in str(caught.value) and " 7" in str(caught.value)
    with pytest.raises(FileRefused) as refused:
        read_results(path, frameworks.scheme(frameworks.get("922")), units="old")
    assert (refused.value.line, refused.value.column) == (7, "province")
    assert not PublishedResult.objects.filter(year=2021).exists()


def test_import_results_refuses_a_year_no_framework_covers(tmp_path):
    with pytest.raises(CommandError) as caught:
        run("import-results", "--year", "2019", str(write(tmp_path, RESULTS_2021)))
    assert "2019" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        run(
            "import-results",
            "--year",
            "2021",
            "--framework",
            "1726",
            str(write(tmp_path, RESULTS_2021)),
        )
    assert "1726/QĐ-BTTTT" in str(caught.value) and "2021" in str(caught.value)


def test_import_of_the_34_merged_units(tmp_path, no_results):
    # 2024 ranking of the 34 units: https://dantri.com.vn/khoa-hoc/ha-noi-dan-dau-ca-nuoc-ve-chi-so-chuyen-doi-so-20251021181803153.htm
    path = write(tmp_path, "province,rank,dti\nTP. Hà Nội,1,0.8241\nTP. Huế,2,0.7951\n")
    run("import-results", "--year", "2024", "--units", "new", str(path))
    hanoi = PublishedResult.objects.get(year=2024, province__code="01")
    assert hanoi.dti == D("0.8241") and hanoi.framework.code == "405"
    assert PublishedResult.objects.get(year=2024, province__code="46").rank == 2


def test_the_merger_rule_reproduces_merged_da_nang_2024(tmp_path, no_results):
    # 2024 (405/QĐ-BKHCN), 63-province ranking: former Đà Nẵng 0.8335, Quảng Nam 0.5803;
    # merged Đà Nẵng published at 0.7069 = (0.8335 + 0.5803) / 2. Sources:
    # https://demo1022.hasontech.vn/?p=3843 (copy of an en.baodanang.vn article) and
    # https://vtcnews.vn/ha-noi-dan-dau-ca-nuoc-ve-chuyen-doi-so-cao-bang-dung-cuoi-bang-ar972306.html
    da_nang = Province.objects.get(code="48")
    assert set(da_nang.legacy_provinces.values_list("code", flat=True)) == {"48", "49"}
    path = write(tmp_path, "province,rank,dti\nTP. Đà Nẵng,2,0.8335\n")
    run("import-results", "--year", "2024", str(path))
    with pytest.raises(ScoringError) as caught:
        results.merged(da_nang, 2024)
    assert LegacyProvince.objects.get(code="49").name in caught.value.message

    write(tmp_path, "province,rank,dti\nTP. Đà Nẵng,2,0.8335\nQuảng Nam,57,0.5803\n")
    run("import-results", "--year", "2024", str(path))
    merged = results.merged(da_nang, 2024)
    assert merged.dti == D("0.7069")
    assert len(merged.former) == 2
