"""What every page's shell needs: the province, the navigation, the viewer.

Runs on every page, so it reads nothing from the database that it has not kept: the
province's name is kept by `units.province`, the demo flag for a minute.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import lazy

from tinhso import __version__
from tinhso.agencies.demo import is_demo_installation
from tinhso.core import nav
from tinhso.core.actors import actor_from_request
from tinhso.units import basemap
from tinhso.units import province as home_province

DEMO_FLAG_SECONDS = 60


def shell(request: HttpRequest) -> dict:
    actor = actor_from_request(request)
    return {
        "province_name": home_province.name(),
        "nav_public": nav.items_for(actor, "public"),
        "nav_staff": nav.items_for(actor, "staff"),
        "actor": actor,
        "tinhso_version": __version__,
        # Read only by pages with a map (the file's metadata is kept per process).
        "basemap": lazy(basemap.map_options_json, str)(),
        "demo_mode": cache.get_or_set("tinhso:demo-mode", is_demo_installation, DEMO_FLAG_SECONDS),
    }
