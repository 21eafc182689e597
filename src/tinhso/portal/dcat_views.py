"""The DCAT routes: the catalogue, paged (`/catalog.{jsonld,ttl,rdf}?page=N`), and each
open dataset (`/dataset/<slug>.{jsonld,ttl,rdf}`). Public, read-only, and only what is
open: a shared or private dataset is not found here, as one that does not exist."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from . import dcat


@require_safe
def catalog(request: HttpRequest, syntax: str) -> HttpResponse:
    """One page of the catalogue of open datasets, with hydra's paging."""
    try:
        number = dcat.page_number(request.GET.get("page"))
        graph = dcat.catalog_graph(request, number, syntax)
    except dcat.PageError as exc:
        return HttpResponse(
            exc.message, status=exc.status, content_type="text/plain; charset=utf-8"
        )
    return dcat.response(request, graph, syntax)


@require_safe
def dataset(request: HttpRequest, slug: str, syntax: str) -> HttpResponse:
    """One open dataset's DCAT description; 404 for any other name."""
    found = dcat.open_dataset(slug)
    if found is None:
        raise Http404(slug)
    return dcat.response(request, dcat.dataset_graph(request, found), syntax)
