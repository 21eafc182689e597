"""package_search over the portal's search entries (docs/decisions/0013).

The Solr subset clients send — `q`, `fq` and `fq_list` — is read term by term: a word
or a "quoted phrase" (searched without accents in title, description, tags, themes and
column names), `field:value`, `-field:value` (or NOT), `OR` between terms,
`field:(a OR b)`, `field:[X TO Y]` with `*` for an open end, and `*:*`. Each term becomes
a Django Q over the Dataset table and its entry, so the database does the work."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from tinhso.agencies.models import Agency
from tinhso.warehouse.models import Access, Dataset, Theme

from .errors import SearchQueryError, ValidationError
from .facets import FIELDS as FACET_FIELDS
from .facets import FacetColumns
from .index import fold, stable_id
from .index import signature as index_signature
from .models import SearchEntry

# ckan/lib/search/query.py: anything else is "Invalid search parameters".
SOLR_PARAMS = set(
    [
        "q",
        "fl",
        "fq",
        "rows",
        "sort",
        "start",
        "wt",
        "qf",
        "bf",
        "boost",
        "facet",
        "facet.mincount",
        "facet.limit",
        "facet.field",
        "extras",
        "fq_list",
        "tie",
        "defType",
        "mm",
        "df",
    ]
)
ACTION_PARAMS = {"include_private", "include_drafts", "include_deleted", "use_default_schema"}
ROWS_DEFAULT, ROWS_MAX = 10, 1000

TERM = re.compile(
    r"""(?P<sign>[-+!])?
        (?:(?P<field>[A-Za-z_][\w.]*):)?
        (?:\[(?P<low>\S+)\s+TO\s+(?P<high>\S+)\]
          |"(?P<phrase>[^"]*)"
          |(?P<word>[^\s"()\[\]]+))""",
    re.VERBOSE,
)
GROUPED = re.compile(r"([A-Za-z_][\w.]*):\(([^)]*)\)")


@dataclass
class Found:
    count: int
    datasets: list[Dataset]
    facets: dict[str, Counter]
    titles: dict[str, dict[str, str]]
    matched: QuerySet[Dataset] | None = None  # every dataset found, for further counts


def _date(text: str, field: str) -> dt.datetime | None:
    if text == "*":
        return None
    if text.upper().startswith("NOW"):
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise SearchQueryError(
            _("“%(value)s” in %(field)s is not a date.") % {"value": text, "field": field}
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _range(path: str, field: str, low: str, high: str) -> Q:
    q = Q()
    start, end = _date(low, field), _date(high, field)
    if start is not None:
        q &= Q(**{f"{path}__gte": start})
    if end is not None:
        q &= Q(**{f"{path}__lte": end})
    return q


def _agency(value: str) -> Q:
    agencies = {stable_id("agency", pk): pk for pk in Agency.objects.values_list("pk", flat=True)}
    return Q(owner_id=agencies.get(value, -1))


def _field(field: str, value: str) -> Q:
    """One `field:value` term."""
    if value == "*":
        return Q()
    simple = {
        "name": lambda v: Q(slug=v),
        "id": lambda v: Q(search_entry__uuid=v),
        # By the owner's id, so that the entries' own copy of it answers.
        "organization": lambda v: Q(
            owner_id__in=Agency.objects.filter(code__iexact=v).values("pk")
        ),
        "owner_org": _agency,
        "groups": lambda v: Q(search_entry__groups__contains=f"|{v.lower()}|"),
        "tags": lambda v: Q(search_entry__tags__contains=f"|{v}|"),
        "res_format": lambda v: Q(search_entry__formats__contains=f"|{v.lower()}|"),
        "license_id": lambda v: Q(licence=v),
        "title": lambda v: Q(search_entry__title__contains=fold(v)),
        "text": lambda v: Q(search_entry__text__contains=fold(v)),
        "notes": lambda v: Q(search_entry__text__contains=fold(v)),
        "capacity": lambda v: Q(access=Access.OPEN) if v == "public" else ~Q(access=Access.OPEN),
        "private": lambda v: ~Q(access=Access.OPEN) if v == "true" else Q(access=Access.OPEN),
        "state": lambda v: Q() if v == "active" else Q(pk__in=[]),
        "dataset_type": lambda v: Q() if v == "dataset" else Q(pk__in=[]),
        "type": lambda v: Q() if v == "dataset" else Q(pk__in=[]),
    }
    if field not in simple:
        raise SearchQueryError(_("undefined field %(field)s") % {"field": field})
    return simple[field](value)


def parse(text: str) -> tuple[Q, list[str]]:
    """(the condition, the free-text words for the score) of one Solr query string."""
    text = GROUPED.sub(
        lambda m: (
            "("
            + " ".join(
                w if w in ("OR", "AND", "NOT") else f"{m.group(1)}:{w}" for w in m.group(2).split()
            )
            + ")"
        ),
        text,
    )
    text = text.replace("*:*", " ").replace("(", " ").replace(")", " ")
    clauses: list[Q] = []
    words: list[str] = []
    join_next = negate_next = False
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        match = TERM.match(text, position)
        if match is None or match.end() == position:
            raise SearchQueryError(_("cannot read “%(text)s”.") % {"text": text[position:]})
        position = match.end()
        word = match.group("word")
        if match.group("field") is None and word in ("OR", "||"):
            join_next = True
            continue
        if match.group("field") is None and word in ("AND", "&&"):
            continue
        if match.group("field") is None and word == "NOT":
            negate_next = True
            continue
        field = match.group("field")
        value = match.group("phrase") if match.group("phrase") is not None else word
        if match.group("low") is not None:
            path = {"metadata_modified": "search_entry__modified", "metadata_created": "created_at"}
            if field not in path:
                raise SearchQueryError(_("undefined field %(field)s") % {"field": field})
            clause = _range(path[field], field, match.group("low"), match.group("high"))
        elif field:
            clause = _field(field, value or "")
        else:
            clause = Q(search_entry__text__contains=fold(value or ""))
            words.append(fold(value or ""))
        if match.group("sign") in ("-", "!") or negate_next:
            clause = ~clause
        negate_next = False
        if join_next and clauses:
            clauses[-1] = clauses[-1] | clause
        else:
            clauses.append(clause)
        join_next = False
    condition = Q()
    for clause in clauses:
        condition &= clause
    return condition, words


SORTS = {
    "score": "score",
    "metadata_modified": "search_entry__modified",
    "metadata_created": "created_at",
    "id": "search_entry__uuid",
    "name": "slug",
    "title_string": "search_entry__title_sort",
    "title": "search_entry__title_sort",
}


def _order(sort: str) -> list[str]:
    order = []
    for part in sort.split(","):
        bits = part.split()
        if not bits:
            continue
        if len(bits) > 2 or bits[0] not in SORTS or bits[-1] not in ("asc", "desc", bits[0]):
            raise SearchQueryError(_("cannot sort on “%(sort)s”.") % {"sort": part.strip()})
        descending = len(bits) == 2 and bits[1] == "desc"
        order.append(("-" if descending else "") + SORTS[bits[0]])
    return [*order, "pk"]


def natural(data: dict, key: str, default: int) -> int:
    raw = data.get(key, default)
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({key: [_("Invalid integer")]}) from None
    if number < 0:
        raise ValidationError({key: [_("Must be a natural number")]})
    return number


def _list(raw) -> list[str]:
    """A list sent as a list, as JSON text, or as one plain string."""
    if isinstance(raw, list):
        return [str(v) for v in raw]
    if isinstance(raw, str) and raw.strip().startswith("["):
        try:
            found = json.loads(raw)
        except ValueError:
            raise SearchQueryError(_("cannot read the list “%(raw)s”.") % {"raw": raw}) from None
        return [str(v) for v in found]
    return [str(raw)] if raw not in (None, "") else []


def check_params(data: dict) -> None:
    unknown = sorted(
        k for k in data if k not in SOLR_PARAMS | ACTION_PARAMS and not k.startswith("ext_")
    )
    if unknown:
        # The detail is CKAN's own wording, which clients (ckanr) look for.
        raise SearchQueryError(f"Invalid search parameters: {unknown}")


# A condition is written over Dataset (the portal's own reading of Solr's fields); the
# search runs it over the search entries, which carry the dataset's access, owner and
# licence, so that it scans that one table (docs/performance.md). Paths to other dataset
# fields join the dataset, for the terms that name them.
ENTRY_PATHS = {
    "access": "access",
    "owner_id": "owner_pk",
    "licence": "licence",
    "pk": "dataset_id",
    "score": "score",
}


def _entry_path(path: str) -> str:
    """A Dataset lookup (`search_entry__text__contains`, `owner__code__iexact`) read from
    SearchEntry."""
    if path.startswith("search_entry__"):
        return path.removeprefix("search_entry__")
    name, _sep, rest = path.partition("__")
    if name in ENTRY_PATHS:
        return ENTRY_PATHS[name] + (f"__{rest}" if rest else "")
    return f"dataset__{path}"


def reroot(condition: Q) -> Q:
    """The same condition over SearchEntry."""
    made = Q()
    made.connector, made.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            made.children.append(reroot(child))
        else:
            lookup, value = child
            made.children.append((_entry_path(lookup), value))
    return made


def entries_of(base: QuerySet[Dataset], open_only: bool) -> QuerySet[SearchEntry]:
    """The search entries of the datasets in `base`: by the entry's own copy of the access
    when `base` is the open datasets (every public search), else through the datasets."""
    if open_only:
        return SearchEntry.objects.filter(access=Access.OPEN)
    return SearchEntry.objects.filter(dataset__in=base.order_by().values("pk"))


def run(
    base: QuerySet[Dataset], data: dict, *, open_only: bool = False
) -> tuple[Found, int, int, str]:
    """(what was found, rows, start, sort) for package_search's parameters, over the
    datasets of `base` (`open_only`: `base` is exactly the open datasets)."""
    check_params(data)
    rows = min(natural(data, "rows", ROWS_DEFAULT), ROWS_MAX)
    start = natural(data, "start", 0)
    condition, words = parse(str(data.get("q") or ""))
    fq = data.get("fq") or ""
    for item in [*(fq if isinstance(fq, list) else [fq]), *_list(data.get("fq_list") or [])]:
        extra, _words = parse(str(item))
        condition &= extra
    matched = base.filter(condition)
    sort = str(data.get("sort") or "score desc, metadata_modified desc")
    order = [
        ("-" if key.startswith("-") else "") + _entry_path(key.lstrip("-")) for key in _order(sort)
    ]
    score = Value(0, output_field=IntegerField())
    for word in words:
        score = score + Case(
            When(title__contains=word, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    fields = _facet_fields(data)
    wanted = [f for f in fields if f in FACET_FIELDS]
    ordered = (
        entries_of(base, open_only).filter(reroot(condition)).annotate(score=score).order_by(*order)
    )
    if wanted:
        # One scan of what matched, in order: the page is a slice of it, the count its
        # length, the facets counted from the entries' columns kept in memory
        # (`facet_columns`), as Solr keeps its un-inverted fields.
        found_ids = list(ordered.values_list("dataset_id", flat=True))
        count = len(found_ids)
        ids = found_ids[start : start + rows]
        counted = facet_columns().counts(found_ids, wanted)
    else:  # no facets (a harvester's page): the page and the count, nothing more read
        page = ordered.values_list("dataset_id", flat=True)[start : start + rows]
        ids = list(page) if rows else []
        count = ordered.count()
        counted = {}
    by_pk = Dataset.objects.select_related("owner").in_bulk(ids)
    facets, titles = _facets(fields, counted, data)
    found = Found(count, [by_pk[pk] for pk in ids if pk in by_pk], facets, titles, matched)
    return found, rows, start, sort


_columns: dict[str, object] = {}


def facet_columns() -> FacetColumns:
    """The entries' facet values, un-inverted; read again whenever the search entries
    change (the signature `index.refresh` keeps)."""
    signature = index_signature()
    if _columns.get("signature") != signature or signature is None:
        rows = SearchEntry.objects.values_list(
            "dataset_id", "owner_pk", "licence", "groups", "tags", "formats"
        )
        _columns.update(signature=signature, columns=FacetColumns(rows))
    return _columns["columns"]  # type: ignore[return-value]


def _facet_fields(data: dict) -> list[str]:
    if str(data.get("facet", "true")).lower() == "false":
        return []
    return _list(data.get("facet.field") or [])


def _facets(
    fields: list[str], counted: dict[str, Counter], data: dict
) -> tuple[dict[str, Counter], dict]:
    """The counts of each facet field over the matched datasets (`counted`), with the
    values' titles, cut to `facet.limit` and `facet.mincount`."""
    if not fields:
        return {}, {}
    counts: dict[str, Counter] = {f: counted.get(f, Counter()) for f in fields}
    titles: dict[str, dict[str, str]] = {f: {} for f in fields}
    if "organization" in counts:
        agencies = Agency.objects.filter(pk__in=list(counts["organization"]))
        names = {a.pk: (a.code.lower(), a.name) for a in agencies}
        counts["organization"] = Counter(
            {names[pk][0]: n for pk, n in counts["organization"].items() if pk in names}
        )
        titles["organization"] = dict(names.values())
    if "res_format" in counts:
        counts["res_format"] = Counter({k.upper(): n for k, n in counts["res_format"].items()})
    themes_by_code = {code.lower(): str(label) for code, label in Theme.choices}
    for field in fields:
        for value in counts[field]:
            if field == "groups":
                titles[field][value] = themes_by_code.get(value, value)
            elif field != "organization":
                titles[field][value] = value
    try:
        limit = int(data.get("facet.limit", 50))
        mincount = int(data.get("facet.mincount", 1))
    except (TypeError, ValueError):
        raise SearchQueryError(_("facet.limit and facet.mincount are whole numbers.")) from None
    for field in fields:
        kept = [(v, n) for v, n in counts[field].most_common() if n >= mincount]
        counts[field] = Counter(dict(kept if limit < 0 else kept[:limit]))
    return counts, titles


def facet_answer(found: Found) -> tuple[dict, dict]:
    """(`facets`, `search_facets`) in CKAN's shapes; items by display name, descending."""
    facets = {field: dict(counter) for field, counter in found.facets.items()}
    search_facets = {
        field: {
            "title": field,
            "items": sorted(
                (
                    {"name": v, "display_name": found.titles[field].get(v, v), "count": n}
                    for v, n in counter.items()
                ),
                key=lambda item: item["display_name"],
                reverse=True,
            ),
        }
        for field, counter in found.facets.items()
    }
    return facets, search_facets
