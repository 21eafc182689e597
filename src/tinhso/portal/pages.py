"""The open data portal's public pages, at CKAN's addresses so that links made for a
CKAN portal keep working: `/opendata/` (home), `/dataset/` (search), `/dataset/<slug>`
(a dataset), `/organization/…` (the agencies that own open data), `/group/…` (the
themes) and `/opendata/list/` (the published open-data list, Decree 47/2020).

Only open datasets appear, whoever looks (signed in or not): the portal is the public
face; staff read shared and private data in the warehouse's own pages. Search goes
through `search.run`, the same accent-folded search as CKAN's `package_search`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.agencies.models import Agency
from tinhso.core.actors import actor_from_request
from tinhso.warehouse import quality
from tinhso.warehouse.models import (
    Dataset,
    Frequency,
    Licence,
    Theme,
    VersionStatus,
    attach_current,
)

from . import access, actions, dcat, dicts, index, listing, search, themes, usage
from .errors import SearchQueryError
from .models import SearchEntry

PAGE_SIZE = 20
TAGS_SHOWN = 15
SORTS = {
    "relevance": ("score desc, metadata_modified desc", gettext_lazy("Relevance")),
    "newest": ("metadata_modified desc", gettext_lazy("Last updated")),
    "name": ("title_string asc", gettext_lazy("Name (A–Z)")),
    # Ordered here by the usage counts, once there are some (`usage.ranked`).
    "used": ("metadata_modified desc", gettext_lazy("Most used")),
}
# The page's filters: the search's own fields, then two the page adds on the base.
SOLR_FACETS = ("organization", "groups", "res_format", "license_id", "tags")
FACET_LABELS = {
    "organization": gettext_lazy("Agency"),
    "groups": gettext_lazy("Theme"),
    "res_format": gettext_lazy("Format"),
    "license_id": gettext_lazy("Licence"),
    "tags": gettext_lazy("Tags"),
    "frequency": gettext_lazy("Update frequency"),
    "commune": gettext_lazy("Commune covered"),
}


@dataclass(frozen=True)
class Chip:
    key: str
    label: str
    remove_url: str


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    url: str
    selected: bool


@dataclass
class Pages:
    """What `_pager.html` reads, for a page of search results."""

    number: int
    count: int

    @property
    def paginator(self):
        return self

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def _quoted(value: str) -> str:
    """A value as a quoted phrase of the Solr subset: read literally, never as syntax."""
    return '"' + value.replace('"', " ").strip() + '"'


def _query(text: str) -> str:
    """The search box's words, each quoted: `giáo dục:` searches words, not a field."""
    return " ".join(_quoted(w) for w in text.split() if w.replace('"', "").strip())


@dataclass
class Links:
    """The search's parameters; `fixed` ones come from the address (an agency's or a
    theme's page) and never go into a link."""

    params: dict[str, str]
    fixed: dict[str, str]

    def get(self, key: str, default: str = "") -> str:
        return self.fixed.get(key) or self.params.get(key) or default

    def url(self, **changes: str | None) -> str:
        """The page's address with `changes` (None removes a key), back to page one."""
        merged = {**self.params, **changes}
        if "page" not in changes:
            merged.pop("page", None)
        kept = {k: v for k, v in merged.items() if v and k not in self.fixed}
        return "?" + urlencode(kept) if kept else "?"


def open_datasets(request: HttpRequest):
    """The datasets every portal page draws from: open ones only, for anyone."""
    return access.listed(actor_from_request(request))


def _labels(field: str, found: search.Found) -> dict[str, str]:
    if field == "license_id":
        return {code: str(label) for code, label in Licence.choices}
    return found.titles.get(field, {})


def _facets(links: Links, found: search.Found) -> dict[str, list[FacetItem]]:
    out: dict[str, list[FacetItem]] = {}
    for field in SOLR_FACETS:
        labels = _labels(field, found)
        items = sorted(
            found.facets.get(field, {}).items(),
            key=lambda pair: (-pair[1], labels.get(pair[0], pair[0]).lower()),
        )
        if field == "tags":
            items = items[:TAGS_SHOWN]
        out[field] = [
            FacetItem(
                value,
                labels.get(value, value),
                count,
                links.url(**{field: value}),
                links.get(field) == value,
            )
            for value, count in items
        ]
    matched = found.matched if found.matched is not None else Dataset.objects.none()
    frequencies = dict(Frequency.choices)
    rows = matched.order_by().values("frequency").annotate(n=Count("pk", distinct=True))
    out["frequency"] = [
        FacetItem(
            row["frequency"],
            str(frequencies.get(row["frequency"], row["frequency"])),
            row["n"],
            links.url(frequency=row["frequency"]),
            links.get("frequency") == row["frequency"],
        )
        for row in sorted(rows, key=lambda r: -r["n"])
        if row["frequency"]
    ]
    communes = (
        matched.order_by()
        .filter(communes__isnull=False)
        .values("communes__code", "communes__name")
        .annotate(n=Count("pk", distinct=True))
    )
    out["commune"] = [
        FacetItem(
            row["communes__code"],
            row["communes__name"],
            row["n"],
            links.url(commune=row["communes__code"]),
            links.get("commune") == row["communes__code"],
        )
        for row in sorted(communes, key=lambda r: (-r["n"], r["communes__name"]))
    ]
    return out


def _chips(links: Links, facets: dict[str, list[FacetItem]]) -> list[Chip]:
    chips = []
    if links.params.get("q"):
        chips.append(Chip("q", f"“{links.params['q']}”", links.url(q=None)))
    for field in FACET_LABELS:
        value = links.params.get(field)
        if not value or field in links.fixed:
            continue
        label = next((i.label for i in facets.get(field, []) if i.value == value), value)
        chips.append(Chip(field, f"{FACET_LABELS[field]}: {label}", links.url(**{field: None})))
    return chips


def describe(datasets: list[Dataset], now: dt.datetime | None = None) -> list[dict]:
    """A result line per dataset: its formats, last update, rows, quality and lateness."""
    attach_current(datasets)
    entries = {
        e.dataset_id: e
        for e in SearchEntry.objects.filter(dataset__in=datasets).only(
            "dataset_id", "formats", "modified"
        )
    }
    out = []
    for dataset in datasets:
        current = dataset.current
        entry = entries.get(dataset.pk)
        out.append(
            {
                "dataset": dataset,
                "current": current,
                "formats": [f.upper() for f in (entry.formats if entry else "").split("|") if f],
                "modified": entry.modified if entry else dataset.updated_at,
                "quality": quality.assess(dataset, current, now),
                "late": quality.is_late(dataset, current, now),
            }
        )
    return out


def _search_page(
    request: HttpRequest, *, fixed: dict[str, str], template: str, extra: dict
) -> HttpResponse:
    given = {k: v.strip() for k, v in request.GET.items() if v.strip()}
    links = Links(given, fixed)
    params = {**given, **fixed}
    base = open_datasets(request)
    if params.get("frequency"):
        base = base.filter(frequency=params["frequency"])
    if params.get("commune"):
        base = base.filter(communes__code=params["commune"])
    counted = usage.any_counted()
    sort_key = params.get("sort", "")
    if sort_key not in SORTS or (sort_key == "used" and not counted):
        sort_key = "relevance" if params.get("q") else "newest"
    try:
        number = max(1, int(params.get("page", "1")))
    except ValueError:
        number = 1
    fq = " ".join(f"{field}:{_quoted(params[field])}" for field in SOLR_FACETS if field in params)
    index.refresh()
    error = ""
    try:
        found, _rows, _start, _sort = search.run(
            base,
            {
                "q": _query(params.get("q", "")),
                "fq": fq,
                "rows": 0 if sort_key == "used" else PAGE_SIZE,
                "start": (number - 1) * PAGE_SIZE,
                "sort": SORTS[sort_key][0],
                "facet.field": list(SOLR_FACETS),
                "facet.limit": -1,
            },
            # Narrowed by frequency or commune, the base is more than the open datasets.
            open_only=not (params.get("frequency") or params.get("commune")),
        )
    except SearchQueryError as exc:  # quoted words and fields: should not happen
        error = str(exc)
        found = search.Found(0, [], {}, {}, Dataset.objects.none())
    if sort_key == "used" and found.matched is not None:
        start = (number - 1) * PAGE_SIZE
        found.datasets = usage.ranked(found.matched, start, PAGE_SIZE)
    facets = _facets(links, found)
    shown = {k: v for k, v in facets.items() if k not in fixed and (v or params.get(k))}
    return render(
        request,
        template,
        {
            "q": params.get("q", ""),
            "params": params,
            "hidden": {k: v for k, v in given.items() if k not in ("q", "page", "sort")},
            "results": describe(found.datasets),
            "count": found.count,
            "page": Pages(number, found.count),
            "facets": [(FACET_LABELS[k], k, v) for k, v in shown.items()],
            "chips": _chips(links, facets),
            "sorts": [
                (key, label, links.url(sort=key))
                for key, (_s, label) in SORTS.items()
                if key != "used" or counted
            ],
            "sort": sort_key,
            "error": error,
            **extra,
        },
    )


def search_page(request: HttpRequest) -> HttpResponse:
    return _search_page(request, fixed={}, template="portal/search.html", extra={})


def home(request: HttpRequest) -> HttpResponse:
    datasets = open_datasets(request)
    index.refresh()
    newest = list(datasets.order_by("-search_entry__modified", "pk")[:6])
    counts = themes.counts(datasets)
    return render(
        request,
        "portal/home.html",
        {
            "dataset_count": datasets.count(),
            "agency_count": datasets.order_by().values("owner_id").distinct().count(),
            "theme_count": sum(1 for n in counts.values() if n),
            "reuse_count": access.published_reuse_count(datasets),
            "can_moderate": access.can_moderate(actor_from_request(request)),
            "themes": themes.cards(counts),
            "newest": describe(newest),
            "most_used": describe(usage.most_used(datasets, 6)),
        },
    )


def _late_text(dataset: Dataset, current) -> str:
    if not quality.is_late(dataset, current):
        return ""
    if current is None:
        return _("Late: no data published yet.")
    return _("Late: last updated %(date)s, the update frequency allows %(days)s days.") % {
        "date": timezone.localtime(current.created_at).strftime("%d/%m/%Y"),
        "days": quality.FREQUENCY_DAYS[dataset.frequency],
    }


def dataset_page(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = open_datasets(request).filter(slug=slug).first()
    if dataset is None:
        raise Http404(_("No open dataset “%(slug)s”.") % {"slug": slug})

    # DCAT content negotiation: JSON-LD, Turtle or RDF/XML when the Accept header prefers
    # one of them to HTML; asked before anything else is read or counted.
    described = dcat.negotiate(request, dataset)
    if described is not None:
        return described

    from tinhso.warehouse.views import explore_context

    usage.count(dataset, "views")
    current = dataset.current
    resources = dicts.resources(request, dataset)
    csv_id = next((r["id"] for r in resources if r["format"] == "CSV"), "")
    site = request.build_absolute_uri("/").rstrip("/")
    page_url = request.build_absolute_uri(request.path)
    page = render(
        request,
        "portal/dataset.html",
        {
            "dataset": dataset,
            "package_id": index.stable_id("dataset", dataset.pk),
            "theme_links": [
                (code.lower(), label)
                for code, label in zip(dataset.themes, dataset.theme_labels, strict=True)
            ],
            "resources": resources,
            "versions": dataset.versions.filter(status=VersionStatus.ACCEPTED)[:30],
            "quality": quality.assess(dataset, current),
            "late": _late_text(dataset, current),
            "licence_url": dicts.LICENCE_URLS.get(dataset.licence, ""),
            "is_open_licence": dataset.licence in dicts.OPEN_LICENCES,
            "communes": dataset.communes.order_by("name"),
            "reuses": list(access.published_reuses(dataset)),
            "site": site,
            "page_url": page_url,
            "csv_id": csv_id,
            "modified": max(dataset.updated_at, current.created_at) if current else None,
            "today": timezone.localdate(),
            **explore_context(dataset, current),
        },
    )
    patch_vary_headers(page, ["Accept"])  # the same address also answers DCAT
    return page


def organizations(request: HttpRequest) -> HttpResponse:
    counts = dict(
        open_datasets(request)
        .order_by()
        .values("owner_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("owner_id", "n")
    )
    agencies = [
        (agency, counts[agency.pk]) for agency in Agency.objects.filter(pk__in=list(counts))
    ]
    agencies.sort(key=lambda pair: pair[0].name)
    return render(request, "portal/organizations.html", {"agencies": agencies})


def organization(request: HttpRequest, name: str) -> HttpResponse:
    agency = Agency.objects.filter(code__iexact=name).first()
    if agency is None or not open_datasets(request).filter(owner=agency).exists():
        raise Http404(_("No agency “%(name)s” with open data.") % {"name": name})
    return _search_page(
        request,
        fixed={"organization": agency.code.lower()},
        template="portal/organization.html",
        extra={"agency": agency},
    )


def groups(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/groups.html",
        {"themes": themes.cards(themes.counts(open_datasets(request)))},
    )


def group(request: HttpRequest, name: str) -> HttpResponse:
    code = name.upper()
    if code not in Theme.values:
        raise Http404(_("No theme “%(name)s”.") % {"name": name})
    return _search_page(
        request,
        fixed={"groups": code.lower()},
        template="portal/group.html",
        extra={"theme": themes.card(code, None)},
    )


def open_data_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return render(
        request,
        "portal/list.html",
        {
            "listed": listing.build(open_datasets(request)),
            "can_review": access.can_review_list(actor),
            "today": timezone.localdate(),
        },
    )


def open_data_list_file(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "pdf"):
        raise Http404(_("The list is downloaded as XLSX or PDF."))
    listed = listing.build(open_datasets(request))
    if fmt == "xlsx":
        body, content_type = listing.xlsx(listed), listing.XLSX_TYPE
    else:
        body, content_type = listing.pdf(listed), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="danh-muc-du-lieu-mo-{listed.generated:%Y-%m-%d}.{fmt}"'
    )
    return response


def record_review(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages

    actor = actor_from_request(request)
    access.require_list_reviewer(actor)
    if request.method != "POST":
        return redirect("portal_list")
    try:
        day = dt.date.fromisoformat(request.POST.get("reviewed_on") or "")
    except ValueError:
        messages.error(request, _("Give the review's date."))
        return redirect("portal_list")
    if day > timezone.localdate():
        messages.error(request, _("A review cannot be dated in the future."))
        return redirect("portal_list")
    actions.record_review(actor, day, (request.POST.get("note") or "")[:2000])
    messages.success(request, _("Review recorded."))
    return redirect("portal_list")
