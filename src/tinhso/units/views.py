"""Pages: the province's communes and map, the old → new converter, boundary upload; the
basemap's tiles."""

from __future__ import annotations

import hashlib

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tinhso.core.actors import actor_from_request
from tinhso.core.text import fold
from tinhso.units import access, actions, basemap, lookup
from tinhso.units import province as home_province
from tinhso.units.boundaries import VN2000_CHOICES, BoundaryFileError
from tinhso.units.models import BoundaryUpload, CommuneKind

MAX_BOUNDARY_FILE = 200 * 1024 * 1024
# A tile asked for with the file's current version never changes; without it (an old page,
# a tile fetched by hand), a day.
TILE_CACHE_VERSIONED = "public, max-age=31536000, immutable"
TILE_CACHE = "public, max-age=86400"


def unit_index(request: HttpRequest) -> HttpResponse:
    province = home_province.home_or_404()
    communes = province.communes.all()
    q = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") or ""
    if q:
        communes = communes.filter(search_key__contains=fold(q))
    if kind in CommuneKind.values:
        communes = communes.filter(kind=kind)
    page = Paginator(communes.order_by("search_key"), 100).get_page(request.GET.get("page"))
    surveyed = province.communes.filter(boundary__isnull=False).count()
    htmx = getattr(request, "htmx", False)  # set by django-htmx's middleware
    template = "units/_commune_table.html" if htmx else "units/index.html"
    return render(
        request,
        template,
        {
            "province": province,
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": CommuneKind.choices,
            "surveyed": surveyed,
            "total": province.communes.count(),
            "merged_from": province.legacy_provinces.order_by("name"),
        },
    )


def convert_page(request: HttpRequest) -> HttpResponse:
    province = home_province.home_or_404()
    values = {k: (request.GET.get(k) or "").strip() for k in ("province", "district", "ward")}
    result = error = None
    if any(values.values()):
        try:
            result = lookup.index().convert(**values)
        except lookup.ConversionError as exc:
            error = exc
    else:
        values["province"] = ""
    return render(
        request,
        "units/convert.html",
        {
            "province": province,
            "values": values,
            "result": result,
            "error": error,
            "merged_from": province.legacy_provinces.order_by("name"),
        },
    )


def boundary_upload(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    access.require_boundary_manager(actor)
    province = home_province.home_or_404()
    upload = error = None
    crs = request.POST.get("crs") or "EPSG:4326"
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            error = _("Choose a file to upload.")
        elif (uploaded.size or 0) > MAX_BOUNDARY_FILE:
            error = _("The file is larger than 200 MB.")
        else:
            try:
                upload = actions.upload_boundaries(
                    actor,
                    province,
                    file_name=uploaded.name or "",
                    data=uploaded.read(),
                    declared_crs=crs,
                )
            except BoundaryFileError as exc:
                error = exc.message
    return render(
        request,
        "units/boundaries.html",
        {
            "province": province,
            "upload": upload,
            "error": error,
            "crs": crs,
            "crs_choices": VN2000_CHOICES,
            "history": BoundaryUpload.objects.filter(province=province)[:10],
        },
    )


@require_safe
def basemap_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """One tile of the province's basemap file (`TINHSO_BASEMAP`), x and y as web maps
    count them; 404 when there is no usable file or no such tile."""
    found = basemap.current()
    if found is None:
        raise Http404("No basemap is configured.")
    archive, version = found
    cache = TILE_CACHE_VERSIONED if request.GET.get("v") == version else TILE_CACHE
    data = archive.tile(z, x, y)
    if data is None:
        # Outside the file: a bare 404, not the site's page, for what may be many of them.
        missing = HttpResponse(status=404, content_type="text/plain")
        missing["Cache-Control"] = cache
        return missing
    etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
    response = HttpResponse(data, content_type=basemap.content_type(data, archive.info.format))
    response["Cache-Control"] = cache
    response["ETag"] = etag
    # A 304 when the browser already holds this tile.
    return get_conditional_response(request, etag=etag, response=response) or response
