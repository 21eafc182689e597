"""The actions of CKAN's Action API this portal answers, as a table: name →
function(call) → result. The read actions are here; the three write actions
(package_create, package_patch, resource_create) are in write.py and take POST only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tinhso import __version__
from tinhso.core.actors import Actor
from tinhso.warehouse.models import Licence, Theme

from . import access, datastore, dicts, index, search, usage, write
from .errors import NotFound, ValidationError

CKAN_VERSION = "2.11.0"  # the API generation the answers follow


@dataclass
class Call:
    request: HttpRequest
    actor: Actor
    data: dict

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        return str(value[0] if isinstance(value, list) and value else value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("true", "1", "yes", "on")

    def number(self, key: str, default: int) -> int:
        return search.natural(self.data, key, default)

    def required(self, key: str) -> str:
        value = self.text(key)
        if not value:
            raise ValidationError({key: [_("Missing value")]})
        return value


@dataclass
class Action:
    run: Callable[[Call], object]
    side_effect_free: bool = True  # may be called with GET


def status_show(call: Call) -> dict:
    """The site and the CKAN API generation it answers as."""
    from django.conf import settings

    return {
        "ckan_version": CKAN_VERSION,
        "site_url": call.request.build_absolute_uri("/").rstrip("/"),
        "site_title": "Tỉnh Số",
        "site_description": "",
        "locale_default": "vi",
        "error_emails_to": None,
        "extensions": ["datastore"],
        "tinhso_version": __version__,
        "province": getattr(settings, "TINHSO_PROVINCE", ""),
    }


def package_list(call: Call) -> list[str]:
    """Names of the open datasets, sorted; `limit` and `offset`."""
    names = access.listed(call.actor).order_by("slug").values_list("slug", flat=True)
    offset = call.number("offset", 0)
    if "limit" in call.data:
        return list(names[offset : offset + call.number("limit", 0)])
    return list(names[offset:])


def package_search(call: Call) -> dict:
    """Search with q, fq, fq_list, sort, rows, start and facets (Solr's subset)."""
    private = call.flag("include_private") and call.actor.is_authenticated
    base = access.listed(call.actor, include_private=private)
    index.refresh()
    found, _rows, _start, sort = search.run(base, call.data, open_only=not private)
    facets, search_facets = search.facet_answer(found)
    return {
        "count": found.count,
        "results": dicts.packages(call.request, found.datasets),
        "sort": sort,
        "facets": facets,
        "search_facets": search_facets,
    }


def package_show(call: Call) -> dict:
    """One dataset by name (slug) or id."""
    dataset = access.dataset_for(call.actor, call.required("id"))
    usage.count_quietly(dataset, "api_calls")
    return dicts.package(call.request, dataset)


def resource_show(call: Call) -> dict:
    """One resource (a download format of a dataset's current version) by id."""
    ref = call.required("id")
    dataset = access.dataset_of_resource(call.actor, ref)
    for resource in dicts.resources(call.request, dataset):
        if resource["id"] == ref:
            return resource
    raise NotFound(_("no resource “%(ref)s”.") % {"ref": ref})


def _owners(call: Call) -> list[tuple]:
    from tinhso.agencies.models import Agency

    counts = dict(
        access.listed(call.actor)
        .order_by()
        .values("owner_id")
        .annotate(n=Count("pk", distinct=True))
        .values_list("owner_id", "n")
    )
    return [(a, counts[a.pk]) for a in Agency.objects.filter(pk__in=list(counts))]


def _sorted(items: list[tuple[dict, int]], call: Call, default_limit: int) -> list:
    sort = call.text("sort", "title asc").split()
    key = sort[0] if sort else "title"
    if key not in ("name", "title", "package_count"):
        raise ValidationError({"sort": [_("Cannot sort by field `%(key)s`") % {"key": key}]})
    reverse = len(sort) > 1 and sort[1].lower() == "desc"
    items.sort(key=lambda pair: pair[1] if key == "package_count" else pair[0][key].lower())
    if reverse:
        items.reverse()
    q = index.fold(call.text("q"))
    if q:
        items = [p for p in items if q in index.fold(p[0]["name"] + " " + p[0]["title"])]
    all_fields = call.flag("all_fields")
    offset = call.number("offset", 0)
    limit = call.number("limit", 25 if all_fields else default_limit)
    chosen = items[offset : offset + limit]
    if all_fields:
        return [{**d, "package_count": n} for d, n in chosen]
    return [d["name"] for d, _n in chosen]


def organization_list(call: Call) -> list:
    """The agencies that own datasets: names, or dicts with `all_fields`."""
    return _sorted([(dicts.organization(a), n) for a, n in _owners(call)], call, 1000)


def _with_datasets(call: Call, out: dict, datasets) -> dict:
    if call.flag("include_datasets"):
        out["packages"] = dicts.packages(call.request, datasets.order_by("slug")[:1000])
    return out


def organization_show(call: Call) -> dict:
    """One agency by name (its code in lower case) or id; `include_datasets`."""
    ref = call.required("id")
    for agency, count in _owners(call):
        org = dicts.organization(agency, count)
        if ref in (org["id"], org["name"]):
            return _with_datasets(call, org, access.listed(call.actor).filter(owner=agency))
    raise NotFound(_("no organization “%(ref)s”.") % {"ref": ref})


def _theme_counts(call: Call) -> dict[str, int]:
    counts: dict[str, int] = {}
    for themes in access.listed(call.actor).values_list("themes", flat=True):
        for code in themes:
            counts[code] = counts.get(code, 0) + 1
    return counts


def group_list(call: Call) -> list:
    """The DCAT-AP data themes as groups: names, or dicts with `all_fields`."""
    counts = _theme_counts(call)
    return _sorted([(dicts.group(c), counts.get(c, 0)) for c in Theme.values], call, 1000)


def group_show(call: Call) -> dict:
    """One theme by name (`educ`) or id; `include_datasets`."""
    ref = call.required("id")
    counts = _theme_counts(call)
    for code in Theme.values:
        group = dicts.group(code, counts.get(code, 0))
        if ref in (group["id"], group["name"], code):
            index.refresh()
            datasets = access.listed(call.actor).filter(
                search_entry__groups__contains=f"|{code.lower()}|"
            )
            return _with_datasets(call, group, datasets)
    raise NotFound(_("no group “%(ref)s”.") % {"ref": ref})


def tag_list(call: Call) -> list:
    """The tags of the open datasets; `query` (or `q`) narrows them, `all_fields`."""
    tags: set[str] = set()
    for found in access.listed(call.actor).values_list("tags", flat=True):
        tags.update(str(t) for t in found)
    query = index.fold(call.text("query") or call.text("q"))
    if call.text("vocabulary_id"):
        return []  # no vocabularies: every tag is free
    names = sorted(t for t in tags if query in index.fold(t))
    return [dicts.tag(t) for t in names] if call.flag("all_fields") else names


def license_list(call: Call) -> list[dict]:
    """The licences datasets may carry."""
    return [dicts.licence(code) for code in Licence.values]


def datastore_search(call: Call) -> dict:
    """A resource's rows: filters, q, fields, sort, limit, offset, include_total."""
    return datastore.search(call.actor, call.data, "/api/3/action/datastore_search")


def datastore_search_sql(call: Call) -> dict:
    """One read-only SELECT over the datasets the caller may read."""
    return datastore.search_sql(call.actor, call.data)


def help_show(call: Call) -> str:
    """What an action does."""
    name = call.required("name")
    if name not in ACTIONS:
        raise NotFound(_("no action “%(name)s”.") % {"name": name})
    return ACTIONS[name].run.__doc__ or ""


ACTIONS: dict[str, Action] = {
    "status_show": Action(status_show),
    "help_show": Action(help_show),
    "package_list": Action(package_list),
    "package_search": Action(package_search),
    "package_show": Action(package_show),
    "resource_show": Action(resource_show),
    "organization_list": Action(organization_list),
    "organization_show": Action(organization_show),
    "group_list": Action(group_list),
    "group_show": Action(group_show),
    "tag_list": Action(tag_list),
    "license_list": Action(license_list),
    "datastore_search": Action(datastore_search),
    "datastore_search_sql": Action(datastore_search_sql),
    "package_create": Action(write.package_create, side_effect_free=False),
    "package_patch": Action(write.package_patch, side_effect_free=False),
    "resource_create": Action(write.resource_create, side_effect_free=False),
}
