"""The one JSON rule shared by the audit log and the warehouse's API and downloads."""

import datetime as dt
import decimal
import json
import uuid

from tinhso.core.exports import safe_cell
from tinhso.core.values import jsonable


def test_values_become_json_by_one_rule(province):
    value = {
        "at": dt.datetime(2026, 11, 30, 9, 5, 1),
        "day": dt.date(2026, 11, 30),
        "amount": decimal.Decimal("12.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "raw": "Tây Ninh".encode(),
        "province": province,
        "tags": ("a", "b"),
        "interval": dt.timedelta(hours=1),
    }
    out = jsonable(value)
    assert out == {
        "at": "2026-11-30T09:05:01",
        "day": "2026-11-30",
        "amount": 12.5,
        "id": "12345678-1234-5678-1234-567812345678",
        "raw": "Tây Ninh",
        "province": province.pk,
        "tags": ["a", "b"],
        "interval": "1:00:00",
    }
    json.dumps(out)  # nothing left that JSON cannot hold


def test_one_formula_guard_for_every_export():
    for dangerous in ("=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("Tây Ninh") == "Tây Ninh" and safe_cell(-1) == -1
