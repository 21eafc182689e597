"""The open datasets as DCAT-AP 3 graphs (rdflib), for harvesters of the national and
European kind: the catalogue, paged with hydra as ckanext-dcat pages it, and each
dataset. Only what `warehouse.access` lets anyone read, and of that only the open
datasets, is ever described (docs/dcat.md has the mapping of every field)."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from tinhso.core.actors import Actor
from tinhso.warehouse.models import Access, Dataset, Frequency, Licence, Spatial, Theme

from . import access
from .dicts import FORMAT_NAMES, LICENCE_URLS
from .index import formats_of, resource_id, stable_id

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3, not in rdflib's DCAT 2
EU = "http://publications.europa.eu/resource/authority/"
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
PUBLIC = URIRef(f"{EU}access-right/PUBLIC")
VIETNAMESE = URIRef(f"{EU}language/VIE")

PAGE_SIZE = 100  # as ckanext-dcat's catalogue endpoint

# Syntax in the URL → (rdflib's name, Content-Type).
SYNTAXES = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
}
CACHE = "public, max-age=300"

# The warehouse's update frequencies in the EU frequency vocabulary (DCAT-AP's).
FREQUENCIES = {
    Frequency.DAILY: "DAILY",
    Frequency.WEEKLY: "WEEKLY",
    Frequency.MONTHLY: "MONTHLY",
    Frequency.QUARTERLY: "QUARTERLY",
    Frequency.BIANNUAL: "ANNUAL_2",  # twice a year
    Frequency.ANNUAL: "ANNUAL",
    Frequency.IRREGULAR: "IRREG",
    Frequency.NEVER: "NEVER",
    Frequency.UNKNOWN: "UNKNOWN",
}
# The download formats in the EU file-type vocabulary, and their IANA media types.
FILE_TYPES = {
    "csv": "CSV",
    "xlsx": "XLSX",
    "json": "JSON",
    "geojson": "GEOJSON",
    "parquet": "PARQUET",
}
# The agencies' kinds in ADMS's publisher types.
REGIONAL = "RegionalAuthority"
PUBLISHER_TYPES = {"commune_committee": "LocalAuthority"}


def open_datasets() -> QuerySet[Dataset]:
    """What the catalogue describes: the open datasets, as anyone may read them."""
    return access.listed(Actor.citizen()).filter(access=Access.OPEN)


def _both(graph: Graph, subject, predicate, text_vi: str, text_en: str) -> None:
    """A text in Vietnamese and, when it differs, in English."""
    graph.add((subject, predicate, Literal(text_vi, lang="vi")))
    if text_en and text_en != text_vi:
        graph.add((subject, predicate, Literal(text_en, lang="en")))


def _label(message) -> tuple[str, str]:
    """A message (marked with gettext_lazy) in Vietnamese and in English."""
    with translation.override("vi"):
        vi = str(message)
    with translation.override("en"):
        en = str(message)
    return vi, en


def _choice_label(choices, code: str) -> tuple[str, str]:
    labels = dict(choices)
    with translation.override("vi"):
        vi = str(labels.get(code, code))
    with translation.override("en"):
        en = str(labels.get(code, code))
    return vi, en


def _moment(moment: dt.datetime) -> Literal:
    return Literal(moment.astimezone(dt.UTC).replace(microsecond=0), datatype=XSD.dateTime)


@dataclass
class Builder:
    """Adds the catalogue, datasets and agents to one graph, each agent once."""

    request: HttpRequest
    graph: Graph

    def __post_init__(self):
        for prefix, space in (
            ("dcat", DCAT),
            ("dct", DCTERMS),
            ("foaf", FOAF),
            ("vcard", VCARD),
            ("skos", SKOS),
            ("hydra", HYDRA),
            ("adms", ADMS),
            ("locn", LOCN),
        ):
            self.graph.bind(prefix, space)
        self._agents: dict[int, URIRef] = {}

    def typed(self, ref: URIRef, cls: URIRef) -> URIRef:
        """`ref`, with the class DCAT-AP's shapes expect of it stated (they are checked
        without the vocabularies that would tell it)."""
        self.graph.add((ref, RDF.type, cls))
        return ref

    def url(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def page(self, dataset: Dataset) -> URIRef:
        """The dataset's page (`/dataset/<slug>`), its landing page."""
        return URIRef(self.url(f"/dataset/{dataset.slug}"))

    def dataset_uri(self, dataset: Dataset) -> URIRef:
        """The dataset itself: a fragment of its page, so that the URI leads to the page
        and, asked for RDF, to this description."""
        return URIRef(f"{self.page(dataset)}#dataset")

    def catalog_uri(self) -> URIRef:
        """The catalogue is the site, as ckanext-dcat names it."""
        return URIRef(self.url("/"))

    # --- agents ------------------------------------------------------------------------

    def agency(self, agency) -> URIRef:
        """The agency as foaf:Agent (an organisation) with its public contacts."""
        if agency.pk in self._agents:
            return self._agents[agency.pk]
        g = self.graph
        ref = URIRef(self.url(f"/agencies/{agency.code}/"))
        g.add((ref, RDF.type, FOAF.Agent))
        g.add((ref, RDF.type, FOAF.Organization))
        g.add((ref, FOAF.name, Literal(agency.name, lang="vi")))
        g.add((ref, DCTERMS.type, self.publisher_type(PUBLISHER_TYPES.get(agency.kind, REGIONAL))))
        if agency.email:
            g.add((ref, FOAF.mbox, URIRef(f"mailto:{agency.email}")))
        if agency.website:
            g.add((ref, FOAF.homepage, URIRef(agency.website)))
        self._agents[agency.pk] = ref
        return ref

    def publisher_type(self, kind: str) -> URIRef:
        """ADMS's publisher type, as the concept the shapes expect (with its label)."""
        ref = self.typed(PUBLISHER_TYPE[kind], SKOS.Concept)
        labels = {
            REGIONAL: _label(gettext_lazy("Regional authority")),
            "LocalAuthority": _label(gettext_lazy("Local authority")),
        }
        _both(self.graph, ref, SKOS.prefLabel, *labels[kind])
        return ref

    def contact(self, agency) -> URIRef:
        """The agency's public contact (never a person's): vcard:Organization."""
        g = self.graph
        ref = URIRef(self.url(f"/agencies/{agency.code}/") + "#contact")
        g.add((ref, RDF.type, VCARD.Kind))
        g.add((ref, RDF.type, VCARD.Organization))
        g.add((ref, VCARD.fn, Literal(agency.name, lang="vi")))
        if agency.email:
            g.add((ref, VCARD.hasEmail, URIRef(f"mailto:{agency.email}")))
        if agency.phone:
            phone = "".join(c for c in agency.phone if c.isdigit() or c == "+")
            g.add((ref, VCARD.hasTelephone, URIRef(f"tel:{phone}")))
        g.add((ref, VCARD.hasURL, URIRef(self.url(f"/agencies/{agency.code}/"))))
        return ref

    def province_publisher(self) -> URIRef:
        """The catalogue's publisher: the provincial People's Committee office when the
        directory has it, else the People's Committee by name."""
        from tinhso.agencies.models import Agency, AgencyKind
        from tinhso.units import province

        office = Agency.objects.filter(
            kind=AgencyKind.PEOPLES_COMMITTEE_OFFICE, province__code=province.code()
        ).first()
        if office is not None:
            return self.agency(office)
        ref = URIRef(self.url("/") + "#publisher")
        self.graph.add((ref, RDF.type, FOAF.Agent))
        self.graph.add((ref, FOAF.name, Literal(f"UBND {province.name()}", lang="vi")))
        self.graph.add((ref, DCTERMS.type, self.publisher_type(REGIONAL)))
        return ref

    # --- places and periods -------------------------------------------------------------

    def spatial(self, subject, dataset: Dataset) -> None:
        from tinhso.units import province

        g = self.graph
        places: list[tuple[str, str]] = []
        if dataset.spatial == Spatial.PROVINCE:
            home = province.home()
            if home is not None:
                places.append((f"/api/units/provinces/{home.code}", home.name))
        elif dataset.spatial == Spatial.COMMUNES:
            for code, name in dataset.communes.order_by("code").values_list("code", "name"):
                places.append((f"/api/units/communes/{code}", name))
        for path, name in places:
            ref = URIRef(self.url(path))
            g.add((subject, DCTERMS.spatial, ref))
            g.add((ref, RDF.type, DCTERMS.Location))
            g.add((ref, SKOS.prefLabel, Literal(name, lang="vi")))
            g.add((ref, LOCN.geographicName, Literal(name, lang="vi")))

    def temporal(self, subject, dataset: Dataset) -> None:
        if not (dataset.temporal_start or dataset.temporal_end):
            return
        g = self.graph
        ref = URIRef(f"{self.page(dataset)}#period")
        g.add((subject, DCTERMS.temporal, ref))
        g.add((ref, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            g.add((ref, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date)))
        if dataset.temporal_end:
            g.add((ref, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date)))

    def licence(self, code: str) -> URIRef | None:
        url = LICENCE_URLS.get(code)
        if not url:
            return None
        ref = URIRef(url)
        self.graph.add((ref, RDF.type, DCTERMS.LicenseDocument))
        _both(self.graph, ref, DCTERMS.title, *_choice_label(Licence.choices, code))
        return ref

    # --- datasets ---------------------------------------------------------------------

    def dataset(self, dataset: Dataset) -> URIRef:
        """One open dataset with its distributions (the current version's formats)."""
        g = self.graph
        ref = self.dataset_uri(dataset)
        current = dataset.current
        g.add((ref, RDF.type, DCAT.Dataset))
        g.add((ref, DCTERMS.identifier, Literal(stable_id("dataset", dataset.pk))))
        g.add((ref, ADMS.identifier, self._identifier(dataset)))
        g.add((ref, DCTERMS.title, Literal(dataset.title, lang="vi")))
        g.add((ref, DCTERMS.description, Literal(dataset.description or dataset.title, lang="vi")))
        for tag in dataset.tags:
            g.add((ref, DCAT.keyword, Literal(str(tag), lang="vi")))
        for code in dataset.themes:
            if code in Theme.values:
                theme = URIRef(f"{EU}data-theme/{code}")
                g.add((ref, DCAT.theme, theme))
                g.add((theme, RDF.type, SKOS.Concept))
                _both(g, theme, SKOS.prefLabel, *_choice_label(Theme.choices, code))
        g.add((ref, DCTERMS.publisher, self.agency(dataset.owner)))
        g.add((ref, DCAT.contactPoint, self.contact(dataset.owner)))
        g.add((ref, DCTERMS.issued, _moment(dataset.created_at)))
        modified = max(dataset.updated_at, current.created_at) if current else dataset.updated_at
        g.add((ref, DCTERMS.modified, _moment(modified)))
        frequency = URIRef(f"{EU}frequency/{FREQUENCIES.get(dataset.frequency, 'UNKNOWN')}")
        g.add((ref, DCTERMS.accrualPeriodicity, frequency))
        g.add((frequency, RDF.type, DCTERMS.Frequency))
        self.spatial(ref, dataset)
        self.temporal(ref, dataset)
        g.add((ref, DCTERMS.accessRights, self.typed(PUBLIC, DCTERMS.RightsStatement)))
        g.add((ref, DCTERMS.language, self.typed(VIETNAMESE, DCTERMS.LinguisticSystem)))
        page = self.page(dataset)
        g.add((ref, DCAT.landingPage, page))
        g.add((page, RDF.type, FOAF.Document))
        if current is not None:
            g.add((ref, DCAT_VERSION, Literal(str(current.number))))
            for fmt in formats_of(current.schema):
                g.add((ref, DCAT.distribution, self.distribution(dataset, current, fmt)))
        return ref

    def _identifier(self, dataset: Dataset) -> URIRef:
        """The dataset's name (slug) as adms:Identifier. Every node has a URI (a fragment
        of its page), none is blank: the same data serialises to the same bytes, so
        the ETag holds."""
        ref = URIRef(f"{self.page(dataset)}#identifier")
        self.graph.add((ref, RDF.type, ADMS.Identifier))
        self.graph.add((ref, SKOS.notation, Literal(dataset.slug)))
        return ref

    def distribution(self, dataset: Dataset, current, fmt: str) -> URIRef:
        g = self.graph
        rid = resource_id(dataset.pk, fmt)
        ref = URIRef(f"{self.page(dataset)}#{fmt}")
        name, mimetype = FORMAT_NAMES[fmt]
        download = URIRef(self.url(f"/api/data/datasets/{dataset.slug}/download/{fmt}"))
        g.add((ref, RDF.type, DCAT.Distribution))
        g.add((ref, DCTERMS.identifier, Literal(rid)))
        g.add((ref, DCTERMS.title, Literal(f"{dataset.title} ({name})", lang="vi")))
        vi, en = _label(gettext_lazy("Version %(number)s, %(rows)s rows."))
        numbers = {"number": current.number, "rows": current.rows}
        _both(g, ref, DCTERMS.description, vi % numbers, en % numbers)
        g.add((ref, DCAT.accessURL, self.typed(download, RDFS.Resource)))
        g.add((ref, DCAT.downloadURL, download))
        file_type = URIRef(f"{EU}file-type/{FILE_TYPES[fmt]}")
        g.add((ref, DCTERMS.format, self.typed(file_type, DCTERMS.MediaTypeOrExtent)))
        media = URIRef(f"https://www.iana.org/assignments/media-types/{mimetype}")
        g.add((ref, DCAT.mediaType, self.typed(media, DCTERMS.MediaType)))
        if fmt == "parquet" and current.path.is_file():
            size = current.path.stat().st_size
            g.add((ref, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        g.add((ref, DCTERMS.issued, _moment(current.created_at)))
        g.add((ref, DCTERMS.modified, _moment(current.created_at)))
        licence = self.licence(dataset.licence)
        if licence is not None:
            g.add((ref, DCTERMS.license, licence))
        g.add((ref, DCTERMS.accessRights, self.typed(PUBLIC, DCTERMS.RightsStatement)))
        return ref

    # --- the catalogue ------------------------------------------------------------------

    def catalog(self, datasets: list[Dataset]) -> URIRef:
        from tinhso.units import province

        g = self.graph
        ref = self.catalog_uri()
        place = province.name()
        g.add((ref, RDF.type, DCAT.Catalog))
        vi, en = _label(gettext_lazy("Open data catalogue of %(province)s"))
        _both(g, ref, DCTERMS.title, vi % {"province": place}, en % {"province": place})
        vi, en = _label(
            gettext_lazy(
                "The open datasets the agencies of %(province)s publish (Decree 47/2020/NĐ-CP): "
                "free to download and reuse, citing the source."
            )
        )
        _both(g, ref, DCTERMS.description, vi % {"province": place}, en % {"province": place})
        g.add((ref, DCTERMS.publisher, self.province_publisher()))
        g.add((ref, FOAF.homepage, self.typed(URIRef(self.url("/")), FOAF.Document)))
        g.add((ref, DCTERMS.language, self.typed(VIETNAMESE, DCTERMS.LinguisticSystem)))
        themes = self.typed(URIRef(f"{EU}data-theme"), SKOS.ConceptScheme)
        _both(g, themes, DCTERMS.title, *_label(gettext_lazy("Data themes")))
        g.add((ref, DCAT.themeTaxonomy, themes))
        home = province.home()
        if home is not None:
            spatial = URIRef(self.url(f"/api/units/provinces/{home.code}"))
            g.add((ref, DCTERMS.spatial, spatial))
            g.add((spatial, RDF.type, DCTERMS.Location))
            g.add((spatial, SKOS.prefLabel, Literal(home.name, lang="vi")))
        newest = max((d.updated_at for d in datasets), default=None)
        if newest is not None:
            g.add((ref, DCTERMS.modified, _moment(newest)))
        for dataset in datasets:
            g.add((ref, DCAT.dataset, self.dataset(dataset)))
        return ref


@dataclass
class Page:
    number: int
    count: int

    @property
    def last(self) -> int:
        return max(1, math.ceil(self.count / PAGE_SIZE))


class PageError(Exception):
    """A `page` that is not a page number (400), or past the last page (404)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def page_number(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise PageError(400, _("“page” must be a whole number from 1."))
    return int(raw)


def catalog_graph(request: HttpRequest, number: int, syntax: str) -> Graph:
    """One page of the catalogue (100 datasets, by slug), with its hydra paging."""
    from tinhso.warehouse.models import attach_current

    found = open_datasets().select_related("owner").order_by("slug")
    page = Page(number, found.count())
    if number > page.last:
        raise PageError(404, _("There is no page %(number)s.") % {"number": number})
    datasets = attach_current(list(found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]))
    builder = Builder(request, Graph())
    builder.catalog(datasets)
    _paging(builder, page, syntax)
    return builder.graph


def _paging(builder: Builder, page: Page, syntax: str) -> None:
    """hydra:PagedCollection as ckanext-dcat writes it: the current page's URL as the
    subject, each link both with the current predicate (next, first…) and the older one
    (nextPage, firstPage…), as literals."""
    g = builder.graph

    def link(n: int) -> Literal:
        return Literal(builder.url(f"/catalog.{syntax}?page={n}"))

    ref = URIRef(builder.url(f"/catalog.{syntax}?page={page.number}"))
    g.add((ref, RDF.type, HYDRA.PagedCollection))
    g.add((ref, HYDRA.totalItems, Literal(page.count)))
    g.add((ref, HYDRA.itemsPerPage, Literal(PAGE_SIZE)))
    links = [("first", 1), ("last", page.last)]
    if page.number < page.last:
        links.append(("next", page.number + 1))
    if page.number > 1:
        links.append(("previous", page.number - 1))
    for name, n in links:
        g.add((ref, HYDRA[name], link(n)))
        g.add((ref, HYDRA[f"{name}Page"], link(n)))


def dataset_graph(request: HttpRequest, dataset: Dataset) -> Graph:
    """One open dataset (the caller checked it is open: `open_dataset`)."""
    builder = Builder(request, Graph())
    builder.dataset(dataset)
    return builder.graph


def open_dataset(slug: str) -> Dataset | None:
    """The open dataset with this slug, or None (shared, private or not there)."""
    return open_datasets().select_related("owner").filter(slug=slug).first()


def serialize(graph: Graph, syntax: str) -> bytes:
    name, _mime = SYNTAXES[syntax]
    if name == "json-ld":
        return graph.serialize(format=name, auto_compact=True, encoding="utf-8")
    return graph.serialize(format=name, encoding="utf-8")


def response(request: HttpRequest, graph: Graph, syntax: str) -> HttpResponse:
    """The graph in the syntax asked, cached like a public file: an ETag of the body and
    five minutes' freshness; 304 when the client has it."""
    body = serialize(graph, syntax)
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    out = HttpResponse(body, content_type=f"{SYNTAXES[syntax][1]}; charset=utf-8")
    out["Cache-Control"] = CACHE
    out["ETag"] = etag
    out["Access-Control-Allow-Origin"] = "*"
    return get_conditional_response(request, etag=etag, response=out) or out


ACCEPTED = {
    "application/ld+json": "jsonld",
    "application/json": None,  # JSON alone is the page's API, not JSON-LD
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/rdf+xml": "rdf",
    "application/xml": None,
    "text/html": None,
    "application/xhtml+xml": None,
}


def wanted_syntax(accept: str) -> str | None:
    """The RDF syntax an Accept header prefers over HTML, or None for the page: the
    highest q wins; at equal q, the first listed (a browser's `text/html,…,*/*` stays
    the page)."""
    best: tuple[float, int, str | None] | None = None
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if media not in ACCEPTED:
            continue
        q = 1.0
        for param in parts[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        key = (q, -position, ACCEPTED[media])
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def negotiate(request: HttpRequest, dataset: Dataset) -> HttpResponse | None:
    """For the dataset's HTML page: its DCAT description when the request's Accept
    prefers JSON-LD, Turtle or RDF/XML, else None (the page is drawn). A dataset that
    is not open is never described (None: the page applies its own rules)."""
    syntax = wanted_syntax(request.headers.get("Accept", ""))
    if syntax is None or dataset.access != Access.OPEN:
        return None
    found = open_dataset(dataset.slug)
    if found is None:
        return None
    out = response(request, dataset_graph(request, found), syntax)
    out["Vary"] = "Accept"
    return out
