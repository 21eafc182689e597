"""Reports as GeoJSON points, for the public map and a report's staff page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tinhso.feedback.models import Status

_LABELS = dict(Status.choices)


def feature(
    *,
    code: str,
    lat: float,
    lon: float,
    status: str,
    field: str,
    received: dt.datetime,
    url: str,
    **extra,
) -> dict:
    """One report as a GeoJSON point; `extra` goes into its properties."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "code": code,
            "status": status,
            "status_label": str(_LABELS[status]),
            "field": field or "",
            "received": timezone.localtime(received).date().isoformat(),
            "url": url,
            **extra,
        },
    }
