"""Every route, registered explicitly."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from tinhso.site import views as site_views
from tinhso.site.api import api
from tinhso.units import views as units_views

admin.site.site_header = _("Tỉnh Số administration")
admin.site.site_title = _("Tỉnh Số administration")
admin.site.index_title = _("Back-office configuration")

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", site_views.healthz, name="healthz"),
    path("work/", site_views.work, name="work"),
    path("manifest.webmanifest", site_views.manifest, name="manifest"),
    path("sw.js", site_views.service_worker, name="service_worker"),
    # CKAN's Action API (portal/urls.py) before the platform's own API under /api/.
    path("", include("tinhso.portal.urls")),
    path("api/", api.urls),
    path("", include("tinhso.agencies.urls")),
    path("units/", include("tinhso.units.urls")),
    # The basemap's tiles at the root, the address tile tools expect.
    path("tiles/<int:z>/<int:x>/<int:y>", units_views.basemap_tile, name="basemap_tile"),
    path("feedback/", include("tinhso.feedback.urls")),
    path("data/", include("tinhso.warehouse.urls")),
    path("ioc/", include("tinhso.ioc.urls")),
    path("roadmap/", include("tinhso.roadmap.urls")),
    path("dti/", include("tinhso.dti.urls")),
    path("open311/v2/", include("tinhso.feedback.open311")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
