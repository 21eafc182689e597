"""One rule for turning a Python value into JSON, used by the audit log, the warehouse's
API, its downloads and its geometry reader.

Dates and times are ISO 8601 (`2026-11-30T09:00:00`); decimals are JSON numbers (the
warehouse's decimals are measurements, and no audited model has a decimal field); UUIDs
and anything else unknown become text; bytes are read as UTF-8; a model instance is its
primary key; containers are converted item by item.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import models


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return str(value)  # UUIDs, intervals, anything else
