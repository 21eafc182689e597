"""`tinhso text train / evaluate / predict` on labelled CSVs, and the errors a bad file
gets. The texts are the feedback demo's, written for the demo."""

import csv
import io
import json
import random
import subprocess
import sys

import pytest

from tinhso.feedback.demo import PLACES, TEXTS

CLI = [sys.executable, "-m", "tinhso.cli", "text"]


def write_labelled(path, rows, header=("noi_dung", "linh_vuc"), encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def demo_rows(seed: int, per_template: int = 6):
    rng = random.Random(seed)
    rows = []
    for label, templates in TEXTS.items():
        for template in templates:
            for _ in range(per_template):
                rows.append((template.format(place=f"{rng.choice(PLACES)}, xã Demo"), label))
    rng.shuffle(rows)
    return rows


def run(*args, env=None):
    return subprocess.run(
        [*CLI, *map(str, args)], capture_output=True, text=True, timeout=300, env=env
    )


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("text")
    train = write_labelled(folder / "train.csv", demo_rows(1))
    out = folder / "model.joblib"
    done = run(
        "train", "--csv", train, "--text-column", "noi_dung", "--label-column", "linh_vuc",
        "--out", out,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Đã huấn luyện" in done.stdout or "Trained" in done.stdout
    return out


def test_evaluate_prints_the_report_as_json(model, tmp_path):
    test = write_labelled(tmp_path / "test.csv", demo_rows(2, per_template=2))
    done = run(
        "evaluate", "--model", model, "--csv", test, "--text-column", "noi_dung",
        "--label-column", "linh_vuc", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) >= {"accuracy", "macro_f1", "weighted_f1", "per_class", "confusion"}
    assert report["examples"] == sum(len(t) for t in TEXTS.values()) * 2
    assert report["accuracy"] >= 0.9  # the same templates, other places: easy, not trivial
    assert set(report["per_class"]) == set(TEXTS)
    matrix = report["confusion"]["matrix"]
    assert sum(map(sum, matrix)) == report["examples"]


def test_evaluate_prints_a_readable_table(model, tmp_path):
    test = write_labelled(tmp_path / "test.csv", demo_rows(3, per_template=1))
    done = run(
        "evaluate", "--model", model, "--csv", test, "--text-column", "noi_dung",
        "--label-column", "linh_vuc",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Macro-F1" in done.stdout and "giao-thong" in done.stdout


def test_predict_gives_three_labels_with_probabilities(model):
    done = run("predict", "--model", model, "Đèn tín hiệu ở ngã tư ko hoạt động, xe kẹt cứng")
    assert done.returncode == 0, done.stderr
    lines = [line.split("\t") for line in done.stdout.strip().splitlines() if "\t" in line]
    assert len(lines) == 3
    assert lines[0][0] == "giao-thong"
    probabilities = [float(p) for _label, p in lines]
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0 < sum(probabilities) <= 1.0001


def test_predict_says_when_it_is_not_sure(model):
    done = run("predict", "--model", model, "xin chào")
    assert done.returncode == 0, done.stderr
    assert "Chưa chắc" in done.stdout or "Not sure" in done.stdout


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        ([("a", "x"), ("b", "y")], ("text", "label"), "không có cột “noi_dung”"),
        ([("", "giao-thong"), ("Ổ gà", "giao-thong")], None, "dòng 2"),
        ([("Ổ gà", "giao-thong"), ("Sụt lún", "giao-thong")], None, "ít nhất hai nhãn"),
    ],
)
def test_bad_files_get_a_clear_error(tmp_path, rows, header, expected):
    path = write_labelled(tmp_path / "bad.csv", rows, header=header or ("noi_dung", "linh_vuc"))
    done = run(
        "train", "--csv", path, "--text-column", "noi_dung", "--label-column", "linh_vuc",
        "--out", tmp_path / "m.joblib",
    )  # fmt: skip
    assert done.returncode != 0
    assert expected in done.stderr
    assert not (tmp_path / "m.joblib").exists()


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viscii", "cp1258"])
def test_a_file_in_a_legacy_encoding_is_read(tmp_path, encoding):
    from tinhso.textengine import labelled, legacy

    rows = [("noi_dung", "linh_vuc")] + demo_rows(4, per_template=1)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(legacy.encode_as(buffer.getvalue(), encoding))
    texts, labels = labelled.read(path, "noi_dung", "linh_vuc")
    assert list(zip(texts, labels, strict=True)) == rows[1:]


def test_a_file_that_is_not_text_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "book.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200))
    done = run(
        "train", "--csv", path, "--text-column", "noi_dung", "--label-column", "linh_vuc",
        "--out", tmp_path / "m.joblib",
    )  # fmt: skip
    assert done.returncode != 0
    assert "không phải tệp văn bản" in done.stderr


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    fake = tmp_path / "model.joblib"
    fake.write_bytes(b"not a model")
    done = run("predict", "--model", fake, "ổ gà")
    assert done.returncode != 0
    assert "không phải tệp mô hình" in done.stderr
