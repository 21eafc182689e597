"""Bulk conversion of a table of old addresses, through the `tinhso units convert` command."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def write(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_convert_csv_adds_columns_and_reports_failures(tmp_path):
    source = tmp_path / "dia-chi.csv"
    write(
        source,
        [
            ["ho_ten", "tinh", "huyen", "xa"],
            ["Nguyễn Văn A", "Long An", "TP Tân An", "P.6"],
            ["Trần Thị B", "Long An", "Cần Giuộc", "Phước Lý"],
            ["Lê Văn C", "Long An", "TP Tân An", "P.99"],
            ["Phạm D", "Tây Ninh", "", "27700"],
        ],
    )
    out = io.StringIO()
    call_command(
        "units",
        "convert",
        str(source),
        "--province-col",
        "tinh",
        "--district-col",
        "huyen",
        "--ward-col",
        "xa",
        stdout=out,
    )
    text = out.getvalue()
    assert "4 dòng" in text and "1 không chuyển" in text
    assert "dòng / row 3" in text
    with (tmp_path / "dia-chi.converted.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["new_commune_code"] for r in rows] == ["27694", "28165", "", "27694"]
    assert rows[0]["ho_ten"] == "Nguyễn Văn A"
    assert rows[0]["new_province"] == "Tỉnh Tây Ninh"
    assert "P.99" in rows[2]["conversion_error"]


def test_semicolon_separated_file_keeps_its_delimiter(tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("tinh;xa\nLong An;27700\n", encoding="utf-8")
    target = tmp_path / "b.csv"
    call_command(
        "units",
        "convert",
        str(source),
        "--province-col",
        "tinh",
        "--ward-col",
        "xa",
        "--out",
        str(target),
        stdout=io.StringIO(),
    )
    header = target.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("tinh;xa;new_province_code")


def test_missing_column_is_named(tmp_path):
    source = tmp_path / "a.csv"
    write(source, [["tinh", "phuong"], ["Long An", "P.6"]])
    with pytest.raises(CommandError, match="xa"):
        call_command(
            "units",
            "convert",
            str(source),
            "--province-col",
            "tinh",
            "--ward-col",
            "xa",
            stdout=io.StringIO(),
        )


def test_non_utf8_file_is_refused_with_advice(tmp_path):
    source = tmp_path / "a.csv"
    source.write_bytes("tinh,xa\nLong An,Phường 6\n".encode("utf-16"))
    with pytest.raises(CommandError):
        call_command(
            "units",
            "convert",
            str(source),
            "--province-col",
            "tinh",
            "--ward-col",
            "xa",
            stdout=io.StringIO(),
        )


def test_locate_command(province):
    out = io.StringIO()
    tan_an = province.communes.get(code="27712")
    call_command("units", "locate", str(tan_an.lat), str(tan_an.lon), stdout=out)
    assert out.getvalue().startswith("27712\tPhường Tân An")
