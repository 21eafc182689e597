"""DCAT-AP 3 output: the catalogue and each open dataset parse in JSON-LD, Turtle and
RDF/XML and give back the same triples; the properties DCAT-AP 3 requires are there;
paging gives every open dataset once; nothing shared or private is ever described."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS

from tests.http import body, close
from tinhso.agencies.models import Agency
from tinhso.portal import dcat
from tinhso.portal.dcat import HYDRA, VCARD
from tinhso.units.models import Commune
from tinhso.warehouse import actions
from tinhso.warehouse.models import Access, Dataset, Frequency, Licence, Spatial

pytestmark = pytest.mark.django_db
SYNTAXES = {"jsonld": "json-ld", "ttl": "turtle", "rdf": "xml"}
EU = "http://publications.europa.eu/resource/authority/"

# DCAT-AP 3.0's mandatory properties per class, and the recommended ones this catalogue
# promises (the SHACL shapes are not shipped by a maintained package: docs/dcat.md).
REQUIRED = {
    DCAT.Catalog: [DCTERMS.title, DCTERMS.description, DCTERMS.publisher],
    DCAT.Dataset: [DCTERMS.title, DCTERMS.description],
    DCAT.Distribution: [DCAT.accessURL],
    FOAF.Agent: [FOAF.name],
}
RECOMMENDED = {
    DCAT.Catalog: [FOAF.homepage, DCTERMS.language, DCAT.themeTaxonomy, DCAT.dataset],
    DCAT.Dataset: [
        DCAT.contactPoint,
        DCAT.distribution,
        DCAT.keyword,
        DCTERMS.publisher,
        DCAT.theme,
        DCTERMS.identifier,
        DCTERMS.issued,
        DCTERMS.modified,
        DCTERMS.accrualPeriodicity,
        DCTERMS.accessRights,
        DCAT.landingPage,
    ],
    DCAT.Distribution: [
        DCAT.downloadURL,
        DCTERMS.format,
        DCAT.mediaType,
        DCTERMS.license,
        DCTERMS.description,
    ],
    FOAF.Agent: [DCTERMS.type],
}

# The classes DCAT-AP 3's shapes require of a property's values (sh:class, checked without
# the vocabularies that would tell them): each value must state it.
CLASSES = {
    DCTERMS.language: DCTERMS.LinguisticSystem,
    DCAT.mediaType: DCTERMS.MediaType,
    DCTERMS.format: DCTERMS.MediaTypeOrExtent,
    DCAT.accessURL: RDFS.Resource,
    DCAT.contactPoint: VCARD.Kind,
    DCTERMS.accessRights: DCTERMS.RightsStatement,
    DCTERMS.type: SKOS.Concept,
    DCAT.theme: SKOS.Concept,
    DCAT.themeTaxonomy: SKOS.ConceptScheme,
    FOAF.homepage: FOAF.Document,
    DCAT.landingPage: FOAF.Document,
    DCTERMS.publisher: FOAF.Agent,
    DCTERMS.spatial: DCTERMS.Location,
    DCTERMS.temporal: DCTERMS.PeriodOfTime,
    DCTERMS.license: DCTERMS.LicenseDocument,
    DCTERMS.accrualPeriodicity: DCTERMS.Frequency,
    DCAT.distribution: DCAT.Distribution,
    DCAT.dataset: DCAT.Dataset,
}
REQUIRED[SKOS.Concept] = [SKOS.prefLabel]
REQUIRED[SKOS.ConceptScheme] = [DCTERMS.title]


@pytest.fixture
def described(portal_data, system):
    """`truong-ckan` with every field DCAT reads: frequency, communes, period, the
    agency's public contacts."""
    school = portal_data["truong-ckan"]
    owner = school.owner
    owner.email, owner.phone, owner.website = "skhcn@longan.gov.vn", "0272 3826 000", ""
    owner.save()
    communes = list(Commune.objects.filter(province__code="80").order_by("code")[:2])
    actions.update_metadata(
        system,
        school,
        frequency=Frequency.BIANNUAL,
        spatial=Spatial.COMMUNES,
        temporal_start=dt.date(2025, 1, 1),
        temporal_end=dt.date(2025, 12, 31),
        licence=Licence.CC_BY,
        contact_name="Nguyễn Văn A",
        contact_email="nguyenvana@example.org",
        communes=communes,
    )
    return {**portal_data, "communes": communes}


def _parse(response, syntax: str) -> Graph:
    return Graph().parse(data=response.content, format=SYNTAXES[syntax])


def _check_required(graph: Graph, table: dict) -> list[str]:
    missing = []
    for cls, properties in table.items():
        subjects = set(graph.subjects(RDF.type, cls))
        assert subjects, f"no {cls}"
        for subject in subjects:
            for prop in properties:
                if graph.value(subject, prop) is None:
                    missing.append(f"{subject} {cls} lacks {prop}")
    return missing


@pytest.mark.parametrize("syntax", ["jsonld", "ttl", "rdf"])
def test_the_dataset_parses_and_round_trips(client, described, syntax):
    response = client.get(f"/dataset/truong-ckan.{syntax}")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == dcat.SYNTAXES[syntax][1]
    assert "max-age" in response["Cache-Control"] and response["ETag"]
    parsed = _parse(response, syntax)
    # The same triples as the graph the module built.
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    built = dcat.dataset_graph(request, dcat.open_dataset("truong-ckan"))
    assert len(parsed) == len(built) > 40
    assert isomorphic(parsed, built)
    # And the same in the other syntaxes.
    for other in SYNTAXES:
        assert isomorphic(_parse(client.get(f"/dataset/truong-ckan.{other}"), other), parsed)
    # A second call with the ETag is answered 304.
    again = client.get(f"/dataset/truong-ckan.{syntax}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_dataset_maps_the_warehouse_fields(client, described):
    graph = _parse(client.get("/dataset/truong-ckan.ttl"), "ttl")
    ref = URIRef("http://testserver/dataset/truong-ckan#dataset")
    assert (ref, RDF.type, DCAT.Dataset) in graph
    assert graph.value(ref, DCTERMS.title) == Literal("Trường học phổ thông", lang="vi")
    assert graph.value(ref, DCAT.landingPage) == URIRef("http://testserver/dataset/truong-ckan")
    assert set(graph.objects(ref, DCAT.keyword)) == {
        Literal("giáo dục", lang="vi"),
        Literal("trường", lang="vi"),
    }
    theme = URIRef(f"{EU}data-theme/EDUC")
    assert graph.value(ref, DCAT.theme) == theme
    assert {label.language for label in graph.objects(theme, SKOS.prefLabel)} == {"vi", "en"}
    assert graph.value(ref, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/ANNUAL_2")
    assert graph.value(ref, DCTERMS.accessRights) == URIRef(f"{EU}access-right/PUBLIC")
    places = {str(p) for p in graph.objects(ref, DCTERMS.spatial)}
    assert places == {
        f"http://testserver/api/units/communes/{c.code}" for c in described["communes"]
    }
    period = graph.value(ref, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2025-01-01"
    publisher = graph.value(ref, DCTERMS.publisher)
    assert str(publisher) == "http://testserver/agencies/SKHCN/"
    assert str(graph.value(publisher, FOAF.name)) == Agency.objects.get(code="SKHCN").name
    contact = graph.value(ref, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:skhcn@longan.gov.vn")
    # No personal data: the contact person's name and mailbox are never written.
    text = client.get("/dataset/truong-ckan.ttl").content.decode()
    assert "Nguyễn Văn A" not in text and "nguyenvana" not in text
    # One distribution per download format; the Parquet file's size is known.
    distributions = set(graph.objects(ref, DCAT.distribution))
    formats = {str(graph.value(d, DCTERMS.format)).rsplit("/", 1)[1] for d in distributions}
    assert formats == {"CSV", "XLSX", "JSON", "GEOJSON", "PARQUET"}
    for d in distributions:
        url = str(graph.value(d, DCAT.downloadURL))
        assert url.startswith("http://testserver/api/data/datasets/truong-ckan/download/")
        download = client.get(url.removeprefix("http://testserver"))
        assert download.status_code == 200
        body(download) if download.streaming else close(download)
        assert graph.value(d, DCTERMS.license) == URIRef(
            "https://creativecommons.org/licenses/by/4.0/"
        )
    sizes = [graph.value(d, DCAT.byteSize) for d in distributions]
    parquet = Dataset.objects.get(slug="truong-ckan").current.path.stat().st_size
    assert [int(s) for s in sizes if s is not None] == [parquet]


def test_required_properties_of_dcat_ap_3(client, described):
    dataset = _parse(client.get("/dataset/truong-ckan.rdf"), "rdf")
    alone = {k: v for k, v in REQUIRED.items() if k not in (DCAT.Catalog, SKOS.ConceptScheme)}
    assert _check_required(dataset, alone) == []
    assert (
        _check_required(dataset, {k: v for k, v in RECOMMENDED.items() if k != DCAT.Catalog}) == []
    )
    catalog = _parse(client.get("/catalog.jsonld"), "jsonld")
    assert _check_required(catalog, REQUIRED) == []
    assert _check_required(catalog, RECOMMENDED) == []
    untyped = [
        f"{prop} → {value}"
        for graph in (dataset, catalog)
        for prop, cls in CLASSES.items()
        for value in set(graph.objects(None, prop))
        if (value, RDF.type, cls) not in graph
    ]
    assert untyped == []
    # Both languages where both exist (a theme's label), Vietnamese first always.
    root = URIRef("http://testserver/")
    assert "vi" in {t.language for t in catalog.objects(root, DCTERMS.title)}
    theme = URIRef(f"{EU}data-theme/ECON")
    assert {label.language for label in catalog.objects(theme, SKOS.prefLabel)} == {"vi", "en"}
    # Every value of a property DCAT-AP types as a resource is a URI or node, not text.
    for prop in (DCAT.accessURL, DCAT.downloadURL, DCAT.theme, DCTERMS.publisher, DCAT.landingPage):
        assert not any(isinstance(o, Literal) for o in catalog.objects(None, prop))


def test_catalog_pages_give_every_open_dataset_once(client, described, system, monkeypatch):
    monkeypatch.setattr(dcat, "PAGE_SIZE", 3)
    expected = set(dcat.open_datasets().values_list("slug", flat=True))
    assert {"truong-ckan", "ngan-sach-ckan"} <= expected
    assert not expected & {"chia-se-ckan", "rieng-ckan"}
    seen: list[str] = []
    url = "/catalog.ttl"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        graph = _parse(response, "ttl")
        seen += [
            str(d).removeprefix("http://testserver/dataset/").removesuffix("#dataset")
            for d in graph.subjects(RDF.type, DCAT.Dataset)
        ]
        paging = next(graph.subjects(RDF.type, HYDRA.PagedCollection))
        assert int(graph.value(paging, HYDRA.totalItems)) == len(expected)
        assert int(graph.value(paging, HYDRA.itemsPerPage)) == 3
        assert str(graph.value(paging, HYDRA.first)) == "http://testserver/catalog.ttl?page=1"
        assert graph.value(paging, HYDRA.lastPage) == graph.value(paging, HYDRA.last)
        pages += 1
        if pages > 1:
            assert graph.value(paging, HYDRA.previous) is not None
        following = graph.value(paging, HYDRA.next)
        url = str(following).removeprefix("http://testserver") if following else ""
    assert sorted(seen) == sorted(expected)  # none missing, none repeated
    assert pages == -(-len(expected) // 3)
    last = client.get(f"/catalog.ttl?page={pages}")
    final = _parse(last, "ttl")
    assert str(next(final.objects(None, HYDRA.last))).endswith(f"page={pages}")
    assert list(final.objects(None, HYDRA.next)) == []
    assert client.get(f"/catalog.ttl?page={pages + 1}").status_code == 404
    assert client.get("/catalog.ttl?page=0").status_code == 400
    assert client.get("/catalog.ttl?page=x").status_code == 400


def test_catalog_pages_of_a_hundred(client, system):
    owner = Agency.objects.get(code="SKHCN")
    for n in range(205):
        actions.create_dataset(
            system, slug=f"mo-{n:03d}", title=f"Bộ dữ liệu {n}", owner=owner, access=Access.OPEN
        )
    actions.create_dataset(system, slug="mo-rieng", title="Riêng", owner=owner)
    total = dcat.open_datasets().count()
    seen: list[str] = []
    for page in range(1, -(-total // 100) + 1):
        graph = _parse(client.get(f"/catalog.jsonld?page={page}"), "jsonld")
        found = list(graph.subjects(RDF.type, DCAT.Dataset))
        assert len(found) == (100 if page * 100 <= total else total % 100)
        seen += [str(d) for d in found]
    assert len(seen) == len(set(seen)) == total
    assert "http://testserver/dataset/mo-rieng#dataset" not in seen


def test_nothing_but_open_data_is_described(client, described):
    for slug in ("chia-se-ckan", "rieng-ckan", "khong-co"):
        for syntax in SYNTAXES:
            assert client.get(f"/dataset/{slug}.{syntax}").status_code == 404
    text = client.get("/catalog.ttl").content.decode()
    assert "truong-ckan" in text
    assert "chia-se-ckan" not in text and "rieng-ckan" not in text
    # Even for a signed-in reader of the shared dataset: the catalogue is the public one.
    client.force_login(_steward())
    assert "chia-se-ckan" not in client.get("/catalog.ttl").content.decode()
    assert client.get("/dataset/chia-se-ckan.ttl").status_code == 404


def _steward():
    from tinhso.agencies.models import User

    return User.objects.get(username="demo.steward")


def test_no_trailing_slash_no_redirect(client, described):
    assert client.get("/catalog.ttl/").status_code == 404
    assert client.post("/catalog.ttl").status_code == 405


@pytest.mark.parametrize(
    ("accept", "syntax"),
    [
        ("application/ld+json", "jsonld"),
        ("text/turtle", "ttl"),
        ("application/rdf+xml", "rdf"),
        ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "rdf"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None),
        ("application/json", None),
        ("", None),
        ("text/turtle;q=0", None),
    ],
)
def test_negotiate(described, accept, syntax):
    factory = RequestFactory()
    request = factory.get("/dataset/truong-ckan", HTTP_ACCEPT=accept)
    answer = dcat.negotiate(request, described["truong-ckan"])
    if syntax is None:
        assert answer is None
        return
    assert answer.status_code == 200
    assert answer["Content-Type"].split(";")[0] == dcat.SYNTAXES[syntax][1]
    assert answer["Vary"] == "Accept"
    graph = Graph().parse(data=answer.content, format=SYNTAXES[syntax])
    assert (
        URIRef("http://testserver/dataset/truong-ckan#dataset"),
        RDF.type,
        DCAT.Dataset,
    ) in graph


def test_negotiate_never_describes_what_is_not_open(described):
    request = RequestFactory().get("/dataset/chia-se-ckan", HTTP_ACCEPT="text/turtle")
    assert dcat.negotiate(request, described["chia-se-ckan"]) is None
    assert dcat.negotiate(request, described["rieng-ckan"]) is None
