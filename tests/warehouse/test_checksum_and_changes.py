"""The upload's SHA-256, and a second version's changes counted once it is live."""

import hashlib

import pytest

from tinhso.agencies.models import Agency
from tinhso.core.events import event
from tinhso.warehouse import actions, checksums
from tinhso.warehouse.models import Access, DatasetVersion

HEADER = "ma,ten,so\n"
FIRST = HEADER + "A1,Một,1\nA2,Hai,2\nA3,Ba,3\n"


@pytest.fixture
def dataset(system):
    owner = Agency.objects.get(code="SGDDT")
    return actions.create_dataset(
        system, slug="bang", title="Bảng (mẫu)", owner=owner, access=Access.OPEN
    )


@pytest.fixture
def versions(system, dataset, tmp_path):
    """Add a first version and return a function adding the second: one row more."""
    first, second = tmp_path / "v1.csv", tmp_path / "v2.csv"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(FIRST + "A4,Bốn,4\n", encoding="utf-8")
    previous = actions.add_version(system, dataset, first)
    return previous, lambda: actions.add_version(system, dataset, second)


def test_the_digest_is_the_file_s_sha256(tmp_path):
    path = tmp_path / "du-lieu.csv"
    path.write_bytes(FIRST.encode() * 50_000)  # several chunks
    assert checksums.Checksum(path).result() == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_missing_file_has_no_digest_and_is_refused_by_its_reader(tmp_path):
    assert checksums.Checksum(tmp_path / "khong-co.csv").result() == ""


@pytest.mark.django_db
def test_a_second_version_is_live_before_its_changes_are_counted(versions):
    _previous, add_second = versions
    seen = []

    def at_accept(sender, payload, **kwargs):
        if sender == "warehouse.version_added":
            seen.append(DatasetVersion.objects.get(pk=payload["version_id"]).report)

    event.connect(at_accept)
    try:
        version = add_second()
    finally:
        event.disconnect(at_accept)
    assert seen[0]["diff_pending"] is True and seen[0]["diff"] is None
    stored = DatasetVersion.objects.get(pk=version.pk).report
    assert "diff_pending" not in stored
    assert (stored["diff"]["added"], stored["diff"]["removed"]) == (1, 0)
    assert version.report == stored


@pytest.mark.django_db
def test_a_count_that_fails_leaves_the_version_live_without_it(versions):
    previous, add_second = versions
    previous.path.write_bytes(b"not parquet")  # the earlier file damaged on disk
    version = add_second()
    stored = DatasetVersion.objects.get(pk=version.pk)
    assert stored.status == "accepted" and stored.rows == 4
    assert stored.report["diff"] is None and "diff_pending" not in stored.report


@pytest.mark.django_db
def test_a_count_still_running_says_so_on_the_dataset_pages(versions, client):
    _previous, add_second = versions
    version = add_second()
    for page in ("/data/bang/", "/dataset/bang"):
        assert "+1 / −0" in client.get(page).content.decode()
    # The moment between the version going live and its count being kept:
    DatasetVersion.objects.filter(pk=version.pk).update(
        report={**version.report, "diff": None, "diff_pending": True}
    )
    for page in ("/data/bang/", "/dataset/bang"):
        html = client.get(page).content.decode()
        assert "đang đếm" in html and "+1 / −0" not in html
