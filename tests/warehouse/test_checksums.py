"""The upload's SHA-256: begun while the command starts, taken over by the ingest only
for the same unchanged file; and a second version's changes counted once it is live."""

import hashlib
import os

import pytest

from tinhso.agencies.models import Agency
from tinhso.cli import _begin_checksums
from tinhso.core.events import event
from tinhso.warehouse import actions, checksums
from tinhso.warehouse.models import DatasetVersion

HEADER = "ma,ten,so\n"
FIRST = HEADER + "A1,Một,1\nA2,Hai,2\nA3,Ba,3\n"


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_digest_begun_early_is_taken_over(tmp_path):
    path = tmp_path / "du-lieu.csv"
    path.write_text(FIRST, encoding="utf-8")
    _begin_checksums(["--dataset", "x", str(path), "--title", "không phải tệp"])
    taken = checksums.of(path)
    assert taken.name == "sha256" and taken.result() == _digest(path)
    # Taken once: asked again, it is a new digest of the same file.
    again = checksums.of(path)
    assert again is not taken and again.result() == _digest(path)


def test_a_file_changed_after_the_digest_began_is_read_again(tmp_path):
    path = tmp_path / "du-lieu.csv"
    path.write_text(FIRST, encoding="utf-8")
    checksums.begin(path)
    checksums.of(path).result()  # not this one: begin again, then change the file
    checksums.begin(path)
    path.write_text(FIRST + "A4,Bốn,4\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different modification time even on a coarse clock
    assert checksums.of(path).result() == _digest(path)


def test_a_missing_file_has_no_digest_and_is_refused_by_its_reader(tmp_path):
    missing = tmp_path / "khong-co.csv"
    checksums.begin(missing)  # nothing begun
    assert checksums.of(missing).result() == ""


@pytest.mark.django_db
def test_a_second_version_is_live_before_its_changes_are_counted(system, tmp_path):
    owner = Agency.objects.get(code="SGDDT")
    dataset = actions.create_dataset(system, slug="bang", title="Bảng (mẫu)", owner=owner)
    first, second = tmp_path / "v1.csv", tmp_path / "v2.csv"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(FIRST.replace("A2,Hai,2", "A2,Hai,20") + "A4,Bốn,4\n", encoding="utf-8")
    actions.add_version(system, dataset, first)
    seen = []

    def at_accept(sender, payload, **kwargs):
        if sender == "warehouse.version_added":
            seen.append(DatasetVersion.objects.get(pk=payload["version_id"]).report)

    event.connect(at_accept)
    try:
        version = actions.add_version(system, dataset, second)
    finally:
        event.disconnect(at_accept)
    assert seen[0]["diff_pending"] is True and seen[0]["diff"] is None
    stored = DatasetVersion.objects.get(pk=version.pk).report
    assert "diff_pending" not in stored
    assert (stored["diff"]["added"], stored["diff"]["removed"]) == (2, 1)
    assert version.report == stored


@pytest.mark.django_db
def test_a_count_that_fails_leaves_the_version_live_without_it(system, tmp_path):
    owner = Agency.objects.get(code="SGDDT")
    dataset = actions.create_dataset(system, slug="bang", title="Bảng (mẫu)", owner=owner)
    first, second = tmp_path / "v1.csv", tmp_path / "v2.csv"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(FIRST + "A4,Bốn,4\n", encoding="utf-8")
    previous = actions.add_version(system, dataset, first)
    previous.path.write_bytes(b"not parquet")  # the earlier file damaged on disk
    version = actions.add_version(system, dataset, second)
    stored = DatasetVersion.objects.get(pk=version.pk)
    assert stored.status == "accepted" and stored.rows == 4
    assert stored.report["diff"] is None and "diff_pending" not in stored.report
