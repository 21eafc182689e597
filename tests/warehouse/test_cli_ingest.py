"""`tinhso data ingest` refuses what would break the warehouse, with the reason."""

import pytest
from django.core.management import CommandError, call_command

from tinhso.warehouse.models import Dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "bang.csv"
    path.write_text("ma,ten\nA1,Một\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("slug", ["Bad Slug!", "../thoat", "a/b", "", "tên-có-dấu"])
def test_an_identifier_that_cannot_name_a_dataset_is_refused(table, slug, settings):
    before = Dataset.objects.count()
    with pytest.raises(CommandError, match="không thể là tên một bộ dữ liệu"):
        call_command("data", "ingest", str(table), "--dataset", slug, "--agency", "SKHCN")
    assert Dataset.objects.count() == before
    assert not (settings.DATA_DIR / "thoat").exists()


def test_an_unknown_agency_is_named(table):
    with pytest.raises(CommandError, match="Không có cơ quan nào có mã “KHONGCO”"):
        call_command("data", "ingest", str(table), "--dataset", "bang", "--agency", "KHONGCO")
    with pytest.raises(CommandError, match="cần cơ quan chủ quản"):
        call_command("data", "ingest", str(table), "--dataset", "bang")
