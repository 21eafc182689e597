"""The centre's pages for the leader and the operators, refused to citizens; the live
fragment, wall mode, drilling down to the rows, and the KPI export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tinhso.agencies.models import User
from tinhso.ioc import actions
from tinhso.ioc.computation import compute
from tinhso.ioc.models import Alert, AlertRule, AlertState, IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(system, fibre_indicator):
    fibre_indicator.key = True
    fibre_indicator.save()
    actions.set_target(
        system,
        fibre_indicator,
        value=70,
        deadline=dt.date(2030, 12, 31),
        baseline=50,
        baseline_date=dt.date(2023, 12, 31),
    )
    compute(fibre_indicator)
    rule = AlertRule.objects.create(
        name="Cáp quang thấp", kind="threshold", indicator=fibre_indicator, sop="Gọi Sở KH&CN."
    )
    alert = actions.raise_alert(system, rule, title="Cáp quang thấp ở xã", evidence={"value": 50})[
        0
    ]
    return fibre_indicator, alert


def signed_in(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_the_leader_lands_on_the_overview(client):
    response = signed_in(client, "demo.leader").get("/work/")
    assert response.status_code == 302 and response["Location"] == "/ioc/"


def test_the_overview_shows_cards_map_alerts_and_feedback(client, board):
    indicator, alert = board
    page = signed_in(client, "demo.leader").get("/ioc/?indicator=t-cap-quang").content.decode()
    assert 'id="kpi-t-cap-quang"' in page
    assert "62,2" in page  # 1120 of 1800 households
    assert 'id="ioc-map"' in page and 'role="region"' in page and 'role="img"' not in page
    assert '"t-cap-quang"' in page  # the choropleth's data
    assert "Cáp quang thấp ở xã" in page
    assert 'hx-trigger="every 45s"' in page
    assert "/feedback/queue/?state=overdue" in page


def test_the_live_fragment_says_when_it_was_updated(client, board):
    page = signed_in(client, "demo.leader").get("/ioc/live/").content.decode()
    assert 'id="ioc-live"' in page and "<html" not in page
    assert 'id="kpi-t-cap-quang"' in page


def test_wall_mode_is_dark_and_rotates(client, board):
    page = (
        signed_in(client, "demo.leader")
        .get("/ioc/?wall=1&rotate=overview,alerts,sector:digital&every=20")
        .content.decode()
    )
    assert 'class="ioc-screen wall"' in page
    assert (
        'rel="next" href="/ioc/alerts/?wall=1&amp;rotate=overview%2Calerts%2Csector%3Adigital'
        '&amp;every=20" data-wall-seconds="20"'
    ) in page
    sector = client.get("/ioc/sector/digital/?wall=1&rotate=overview,sector:digital").content
    assert b'class="wall"' in sector and b'href="/ioc/?wall=1' in sector


def test_the_sector_page_has_charts_with_thresholds_and_targets(client, board):
    page = signed_in(client, "demo.leader").get("/ioc/sector/digital/").content.decode()
    assert 'data-figure="fig-t-cap-quang"' in page
    assert '"targets": [{"x": "2030-12-31", "y": 70.0}]' in page
    assert '"good": 70.0' in page and '"bad": 50.0' in page
    assert "/ioc/commune/27712/" in page
    assert client.get("/ioc/sector/nothing/").status_code == 404


def test_a_value_explains_where_it_comes_from_down_to_the_dataset(client, board):
    indicator, _alert = board
    value = IndicatorValue.objects.get(
        indicator=indicator, commune__code="27712", period_start__year=2025
    )
    page = signed_in(client, "demo.leader").get(f"/ioc/value/{value.pk}/").content.decode()
    assert "SELECT nam AS period" in page
    assert "/data/cap-quang/" in page
    commune = client.get("/ioc/commune/27712/").content.decode()
    assert f"/ioc/value/{value.pk}/" in commune


@pytest.mark.parametrize("path", ["/ioc/", "/ioc/alerts/", "/ioc/sector/health/", "/ioc/live/"])
def test_citizens_are_sent_to_sign_in_and_handlers_refused(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert signed_in(client, "demo.handler").get(path).status_code == 403


def test_an_operator_acknowledges_then_resolves_from_the_console(client, board):
    _indicator, alert = board
    operator = signed_in(client, "demo.operator")
    page = operator.get("/ioc/alerts/").content.decode()
    assert "Gọi Sở KH&amp;CN." in page and f"/ioc/alerts/{alert.pk}/acknowledge/" in page
    operator.post(f"/ioc/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED and alert.acknowledged_by == "demo.operator"
    operator.post(f"/ioc/alerts/{alert.pk}/resolve/", {"resolution": "Đã báo Sở"})
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED and alert.resolution == "Đã báo Sở"


def test_the_leader_sees_the_console_without_buttons(client, board):
    _indicator, alert = board
    page = signed_in(client, "demo.leader").get("/ioc/alerts/").content.decode()
    assert alert.title in page and "/acknowledge/" not in page
    assert client.post(f"/ioc/alerts/{alert.pk}/acknowledge/").status_code == 403
    assert Alert.objects.get(pk=alert.pk).state == AlertState.OPEN


def test_the_kpi_export_is_ngsi_ld(client, board):
    indicator, _alert = board
    body = signed_in(client, "demo.leader").get("/api/ioc/kpi?sector=digital").json()
    (kpi,) = [e for e in body if e["id"].endswith(":t-cap-quang")]
    assert all(e["type"] == "KeyPerformanceIndicator" for e in body)
    assert kpi["id"].startswith("urn:ngsi-ld:KeyPerformanceIndicator:")
    assert kpi["type"] == "KeyPerformanceIndicator"
    assert kpi["kpiValue"]["type"] == "Property"
    assert kpi["kpiValue"]["value"] == pytest.approx(62.22, abs=0.01)
    assert kpi["calculationFrequency"]["value"] == "yearly"
    assert kpi["calculationMethod"]["value"] == "automatic"
    assert kpi["currentStanding"]["value"] == "fair"
    assert kpi["kpiTarget"]["value"] == {"value": 70.0, "deadline": "2030-12-31"}
    assert "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld" in kpi["@context"]
    assert client.logout() is None and client.get("/api/ioc/kpi").status_code == 401


def test_an_agency_enters_a_value_that_a_supervisor_approves(client, system):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tinhso.agencies.models import Agency

    indicator = actions.define_indicator(
        system,
        code="su-co",
        name_vi="Sự cố an toàn thông tin",
        sector="information-security",
        period="month",
        owner=Agency.objects.get(code="SKHCN"),
        source_kind="manual",
    )
    steward = signed_in(client, "demo.steward")
    response = steward.post(
        "/ioc/values/",
        {
            "indicator": indicator.pk,
            "period": "2026-10-15",
            "value": "2",
            "evidence_file": SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4"),
        },
    )
    assert response.status_code == 302
    entry = indicator.manual_entries.get()
    assert timezone.localtime(entry.period_start).day == 1  # the month's start
    supervisor = signed_in(client, "demo.supervisor")
    assert "Sự cố an toàn thông tin" in supervisor.get("/ioc/values/").content.decode()
    supervisor.post(f"/ioc/values/{entry.pk}/decide/", {"decision": "approve"})
    assert IndicatorValue.objects.get(indicator=indicator).value == 2


def test_a_sectors_map_offers_its_sensors_and_the_datasets_of_its_themes(client, system):
    """Environment: the four kinds of station and the demo's waste points (a GeoJSON
    dataset); each layer's URL answers the viewer with points."""
    import json

    page = signed_in(client, "demo.leader").get("/ioc/sector/environment/").content.decode()
    start = page.index('id="sector-layers"')
    layers = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    kinds = [layer["kind"] for layer in layers]
    assert kinds.count("sensors") == 4
    datasets = [layer for layer in layers if layer["kind"] == "dataset"]
    assert any("rac" in layer["url"] for layer in datasets)
    for layer in layers:
        answer = client.get(layer["url"])
        assert answer.status_code == 200, layer
    waste = next(layer for layer in datasets if "rac" in layer["url"])
    assert client.get(waste["url"]).json()["points"]
    # a sector without layers has no map
    info = client.get("/ioc/sector/information-security/").content.decode()
    assert 'id="sector-map"' not in info


def test_a_layer_of_a_shared_dataset_is_offered_only_to_whom_may_read_it(system):
    from tinhso.core.actors import Actor
    from tinhso.ioc import layers
    from tinhso.warehouse.models import Dataset

    def datasets(actor):
        shown = layers.for_sector(actor, "health")
        return {layer.page for layer in shown if layer.kind == "dataset"}

    leader = Actor.for_user(User.objects.get(username="demo.leader"))
    stations = Dataset.objects.get(slug="tram-y-te")
    assert "/data/tram-y-te/" in datasets(Actor.citizen())
    Dataset.objects.filter(pk=stations.pk).update(access="shared")
    assert "/data/tram-y-te/" not in datasets(Actor.citizen())
    assert "/data/tram-y-te/" in datasets(leader)
