"""The home province: the one this installation serves (setting `TINHSO_PROVINCE`).

Found here and nowhere else. Provinces change only when the unit tables are reloaded, so
each process keeps the row once it exists; a missing row (units not loaded yet) is asked
for again on the next call.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

from tinhso.units.models import Province

_cache: dict[str, Province] = {}


def code() -> str:
    """The home province's two-digit code."""
    return settings.TINHSO_PROVINCE


def home() -> Province | None:
    """The home province, or None before the unit tables are loaded."""
    key = code()
    province = _cache.get(key)
    if province is None:
        province = Province.objects.filter(code=key).first()
        if province is not None:
            _cache[key] = province
    return province


def home_or_404() -> Province:
    """The home province for a page that cannot be drawn without it."""
    province = home()
    if province is None:
        raise Http404("The administrative units are not loaded.")
    return province


def name() -> str:
    """The home province's name, or the platform's while units are not loaded."""
    province = home()
    return province.name if province is not None else "Tỉnh Số"


def forget() -> None:
    """Drop the kept row (after the unit tables are reloaded)."""
    _cache.clear()
