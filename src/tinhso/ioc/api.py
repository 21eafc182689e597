"""The indicators as FIWARE `KeyPerformanceIndicator` entities (NGSI-LD), for national
systems and context brokers: each indicator's latest province-wide value."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from tinhso.core.actors import actor_from_request
from tinhso.ioc import access, board
from tinhso.ioc.models import SourceKind
from tinhso.units import province as home_province

router = Router()

CONTEXT = [
    "https://raw.githubusercontent.com/smart-data-models/"
    "dataModel.KeyPerformanceIndicator/master/context.jsonld",
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld",
]
FREQUENCY = {
    "hour": "hourly",
    "day": "daily",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
}
STANDING = {"good": "good", "watch": "fair", "bad": "bad"}


def _prop(value) -> dict:
    return {"type": "Property", "value": value}


def entity(card) -> dict:
    """One indicator as an NGSI-LD `KeyPerformanceIndicator` (normalized form)."""
    indicator = card.indicator
    body = {
        "id": f"urn:ngsi-ld:KeyPerformanceIndicator:{home_province.code()}:{indicator.code}",
        "type": "KeyPerformanceIndicator",
        "name": _prop(indicator.name_vi),
        "alternateName": _prop(indicator.name_en or indicator.name_vi),
        "description": _prop(indicator.method or indicator.name_vi),
        "category": _prop(["quantitative"]),
        "calculationFrequency": _prop(FREQUENCY[indicator.period]),
        "calculationMethod": _prop(
            "manual" if indicator.source_kind == SourceKind.MANUAL else "automatic"
        ),
        "process": _prop(indicator.source_text or indicator.get_source_kind_display()),
        "kpiValue": {"type": "Property", "value": None},
        "@context": CONTEXT,
    }
    if indicator.owner is not None:
        body["organization"] = _prop({"name": indicator.owner.name})
    if card.latest is not None:
        latest = card.latest
        body["kpiValue"] = {
            "type": "Property",
            "value": latest.value,
            "observedAt": latest.period_start.isoformat(),
            "unitText": indicator.unit,
        }
        body["calculationPeriod"] = _prop({"from": latest.period_start.isoformat()})
        body["dateModified"] = _prop(latest.computed_at.isoformat())
    if card.status in STANDING:
        body["currentStanding"] = _prop(STANDING[card.status])
    if card.target is not None:
        body["kpiTarget"] = _prop(
            {"value": card.target.value, "deadline": card.target.deadline.isoformat()}
        )
    return body


@router.get("/kpi", response=list[dict], summary="Indicators as FIWARE KeyPerformanceIndicator")
def kpi(request: HttpRequest, sector: str = "") -> list[dict]:
    """Every indicator (or a sector's) with its latest province-wide value, its standing by
    the thresholds and its next target, as NGSI-LD entities."""
    actor = actor_from_request(request)
    indicators = access.indicators_for_viewer(actor)
    if sector:
        indicators = indicators.filter(sector=sector)
    return [entity(card) for card in board.cards(indicators)]
