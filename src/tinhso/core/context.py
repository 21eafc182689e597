"""What every page's shell needs: the province, the navigation, the viewer."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

from tinhso import __version__
from tinhso.core import nav
from tinhso.core.actors import actor_from_request


@lru_cache(maxsize=4)
def _province_name(code: str) -> str | None:
    from tinhso.units.models import Province

    return Province.objects.filter(code=code).values_list("name", flat=True).first()


def shell(request: HttpRequest) -> dict:
    actor = actor_from_request(request)
    name = _province_name(settings.TINHSO_PROVINCE)
    if name is None:
        _province_name.cache_clear()  # units not loaded yet: ask again next time
    return {
        "province_name": name or "Tỉnh Số",
        "nav_public": nav.items_for(actor, "public"),
        "nav_staff": nav.items_for(actor, "staff"),
        "actor": actor,
        "tinhso_version": __version__,
        "tile_url": settings.TINHSO_TILE_URL,
        "demo_mode": _demo_mode(),
    }


def _demo_mode() -> bool:
    """True when `tinhso demo` has created data; pages then say so."""
    from django.apps import apps

    return apps.get_model("agencies", "Agency").objects.filter(is_demo=True).exists()
