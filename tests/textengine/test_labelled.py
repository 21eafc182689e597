"""Reading labelled CSVs the way spreadsheets and Python write them (RFC 4180): quotes
doubled inside quoted texts, delimiters and line breaks inside them, `;` or Tab as the
delimiter, a byte-order mark; and refusing a label column that holds texts."""

import csv

import pytest

from tinhso.textengine import labelled

TRICKY = [
    ('Biển ghi "cấm đỗ", nhưng xe vẫn đỗ', "giao-thong"),
    ('Ông ấy nói: "ko ai xử lý", rồi bỏ đi', "an-ninh-trat-tu"),
    ("Rác ở đầu hẻm 5,\nbốc mùi\r\ncả tuần", "moi-truong"),
    ('"Mất điện" từ sáng', "cap-dien"),
    ("Ổ gà; sụt lún\tgiữa đường", "giao-thong"),
]


def write(path, rows, *, delimiter=",", bom=False, quoting=csv.QUOTE_MINIMAL):
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter, quoting=quoting)
        writer.writerow(("noi_dung", "linh_vuc"))
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [False, True])
def test_quoted_texts_are_read_whole(tmp_path, delimiter, bom):
    path = write(tmp_path / "f.csv", TRICKY * 3, delimiter=delimiter, bom=bom)
    texts, labels = labelled.read(path, "noi_dung", "linh_vuc")
    assert list(zip(texts, labels, strict=True)) == [(t.strip(), lab) for t, lab in TRICKY * 3]


def test_a_file_quoting_every_cell_is_read(tmp_path):
    path = write(tmp_path / "f.csv", TRICKY, delimiter=";", quoting=csv.QUOTE_ALL)
    texts, labels = labelled.read(path, "noi_dung", "linh_vuc")
    assert labels == [lab for _t, lab in TRICKY]
    assert texts[0] == 'Biển ghi "cấm đỗ", nhưng xe vẫn đỗ'


def test_a_quoted_quote_is_not_read_as_the_end_of_the_text(tmp_path):
    # On this file csv.Sniffer guesses doublequote=False: the first text is cut at its
    # comma and its second half read as a label.
    rows = [
        ('"Tôi không biết họ xử lý thế nào, chỉ thấy ồn ào cả đêm".', "an-ninh"),
        ("Đường ngập nặng, xe chết máy, ai xử lý giùm?!", "giao-thong"),
    ] + [(f"Mất điện lần thứ {n}", f"f{n % 8}") for n in range(50)]
    texts, labels = labelled.read(write(tmp_path / "f.csv", rows), "noi_dung", "linh_vuc")
    assert list(zip(texts, labels, strict=True)) == rows
    assert len(set(labels)) == 10


def test_blank_lines_are_skipped_and_lines_counted_across_line_breaks(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        'noi_dung,linh_vuc\n"Dòng một\nvà hai",a\n\nBa,b\n"Bốn\nnăm",\n', encoding="utf-8"
    )
    with pytest.raises(labelled.LabelledDataError) as raised:
        labelled.read(path, "noi_dung", "linh_vuc")
    # The row without a label starts on line 6: lines 2–3 hold one row, line 4 is blank.
    assert "(dòng 6)" in raised.value.message or "(lines 6)" in raised.value.message


def test_a_row_with_more_cells_than_the_header_is_refused_with_its_line(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("noi_dung,linh_vuc\nỔ gà,giao-thong\nRác, bốc mùi,moi-truong\n")
    with pytest.raises(labelled.LabelledDataError) as raised:
        labelled.read(path, "noi_dung", "linh_vuc")
    assert " 3)" in raised.value.message


def test_a_column_of_texts_is_refused_as_labels(tmp_path):
    rows = [(f"báo cáo {n}", f"văn bản số {n} về ổ gà") for n in range(60)]
    path = write(tmp_path / "f.csv", rows)
    with pytest.raises(labelled.LabelledDataError) as raised:
        labelled.read(path, "noi_dung", "linh_vuc")
    assert "“linh_vuc”" in raised.value.message and "60" in raised.value.message


def test_a_missing_label_column_is_refused(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("noi_dung;nhan\nỔ gà;a\nRác;b\n", encoding="utf-8")
    with pytest.raises(labelled.LabelledDataError) as raised:
        labelled.read(path, "noi_dung", "linh_vuc")
    assert "“linh_vuc”" in raised.value.message and "nhan" in raised.value.message


@pytest.mark.parametrize(
    ("labels", "refused"),
    [
        ([f"f{n % 50}" for n in range(200)], False),  # 50 labels: never refused
        ([f"f{n % 60}" for n in range(6000)], False),  # 60 labels, 100 rows each
        ([f"f{n % 51}" for n in range(200)], True),  # 51 labels in 200 rows: > a fifth
        ([f"f{n}" if n < 60 else "a" for n in range(7000)], True),  # 60 seen once
    ],
)
def test_the_rule_for_a_label_column(labels, refused):
    from collections import Counter

    assert labelled.implausible(Counter(labels), len(labels)) is refused
