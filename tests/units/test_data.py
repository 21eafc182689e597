"""The unit tables against the facts gathered from the law and the statistics office."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from tinhso.units.models import (
    Commune,
    LegacyProvince,
    LegacyWard,
    Province,
    UnitConversion,
)

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "admin_2025_province_mapping.csv"


def test_counts_match_resolution_202():
    assert Province.objects.count() == 34
    kinds = Counter(Commune.objects.values_list("kind", flat=True))
    assert kinds == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    assert LegacyProvince.objects.count() == 63
    assert LegacyWard.objects.count() > 10_000


def test_every_old_province_merged_where_the_law_says():
    with REFERENCE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 63
    for row in rows:
        old = LegacyProvince.objects.get(code=row["old_province_code"].zfill(2))
        assert old.new_province.code == row["new_province_code"].zfill(2), row["old_province_name"]
        assert old.new_province.communes.count() == int(row["new_province_commune_level_units"])


def test_every_old_ward_converts_to_a_commune_of_its_new_province():
    converted = set(UnitConversion.objects.values_list("ward_id", flat=True))
    assert set(LegacyWard.objects.values_list("id", flat=True)) <= converted
    wrong = UnitConversion.objects.exclude(
        commune__province=__import__("django.db.models", fromlist=["F"]).F(
            "district__province__new_province"
        )
    )
    assert not wrong.exists()
