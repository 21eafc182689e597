"""FIWARE Smart Data Models payloads, in NGSI-LD normalised or key-values form, read into
one `Reading`, or refused with a `Refusal` that says why in the reader's language.

The two forms differ only in how an attribute is wrapped: normalised
`"pm25": {"type": "Property", "value": 35.2, "unitCode": "GQ"}`, key-values
`"pm25": 35.2`. Each model's measured attributes are listed below; everything else
(location, address, thresholds, free text) is accepted and not stored. Concentrations are
stored in µg/m³: a value sent with `unitCode` `GP` (mg/m³) is converted.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.sensors.models import DeviceKind

POLLUTANTS = ("pm25", "pm10", "pm1", "o3", "no2", "co", "so2")

# FIWARE type -> (device kinds that send it, measured attributes stored).
MODELS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "AirQualityObserved": (
        frozenset({DeviceKind.AIR_QUALITY, DeviceKind.RAINFALL}),
        (*POLLUTANTS, "temperature", "relativeHumidity", "precipitation", "windSpeed"),
    ),
    "WeatherObserved": (
        frozenset({DeviceKind.RAINFALL}),
        ("precipitation", "temperature", "relativeHumidity", "windSpeed"),
    ),
    "WaterObserved": (
        frozenset({DeviceKind.WATER_LEVEL}),
        ("waterLevel", "flow", "height", "waterDischarge"),
    ),
    "FloodMonitoring": (
        frozenset({DeviceKind.WATER_LEVEL}),
        ("currentLevel", "measuredDistance", "referenceLevel"),
    ),
    "TrafficFlowObserved": (
        frozenset({DeviceKind.TRAFFIC_FLOW}),
        ("intensity", "occupancy", "averageVehicleSpeed", "averageHeadwayTime"),
    ),
    "NoiseLevelObserved": (
        frozenset({DeviceKind.NOISE}),
        ("LAeq", "LAmax", "LAS", "LAeq_d"),
    ),
}
# How far ahead of the server's clock a device's clock may run.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MG_TO_UG = {"GP": 1000.0}  # UN/CEFACT GP = mg/m³; GQ = µg/m³ is what we store


class Refusal(Exception):
    """A payload the platform does not store: `code` for programs, `message` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Reading:
    """One payload, read: which device, when, and its measured values."""

    entity_type: str
    device_id: str
    observed_at: dt.datetime
    values: dict[str, float] = field(default_factory=dict)


def device_id_of(reference: str) -> str:
    """`urn:ngsi-ld:Device:tn-aq-01` → `tn-aq-01`; a bare id stays as it is."""
    return reference.rsplit(":", 1)[-1] if reference.startswith("urn:") else reference


def _unwrap(attribute: Any) -> tuple[Any, str | None]:
    """(value, unitCode) of an attribute in either form."""
    if isinstance(attribute, dict) and attribute.get("type") in {
        "Property",
        "GeoProperty",
        "Relationship",
    }:
        if attribute["type"] == "Relationship":
            return attribute.get("object"), None
        value = attribute.get("value")
        if isinstance(value, dict) and "@value" in value:
            value = value["@value"]
        return value, attribute.get("unitCode")
    return attribute, None


def _time(raw: Any) -> dt.datetime:
    if not isinstance(raw, str) or not raw.strip():
        raise Refusal("bad_time", _("dateObserved is not a date and time (ISO 8601)."))
    text = raw.strip().split("/")[-1]  # an interval "start/end" is observed at its end
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Refusal(
            "bad_time",
            _("dateObserved “%(value)s” is not a date and time (ISO 8601).") % {"value": raw[:40]},
        ) from None
    if timezone.is_naive(moment):  # NGSI-LD times are UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _number(name: str, raw: Any, unit: str | None) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise Refusal(
            "not_a_number",
            _("The value of %(name)s is not a number: %(value)s.")
            % {"name": name, "value": str(raw)[:40]},
        )
    return float(raw) * MG_TO_UG.get(unit or "", 1.0) if name in POLLUTANTS else float(raw)


def parse(payload: Any, *, now: dt.datetime | None = None, retention_days: int = 90) -> Reading:
    """The reading a payload carries, or a `Refusal`."""
    if not isinstance(payload, dict):
        raise Refusal("not_an_entity", _("The payload is not a JSON object (an NGSI-LD entity)."))
    entity_type = payload.get("type")
    if entity_type not in MODELS:
        raise Refusal(
            "unknown_type",
            _("Unknown type “%(type)s”: send one of %(types)s.")
            % {"type": str(entity_type)[:60], "types": ", ".join(MODELS)},
        )
    reference, _unit = _unwrap(payload.get("refDevice"))
    if not reference:
        reference = str(payload.get("id") or "")
    if not isinstance(reference, str) or not reference:
        raise Refusal("no_device", _("The payload names no device (refDevice or id)."))
    # NoiseLevelObserved requires dateObservedFrom/To (dateObserved is then optional).
    raw_time, _unit = _unwrap(payload.get("dateObserved", payload.get("dateObservedTo")))
    if raw_time is None:
        raise Refusal(
            "no_time",
            _("dateObserved (or dateObservedTo) is missing: say when the values were measured."),
        )
    observed_at = _time(raw_time)
    now = now or timezone.now()
    if observed_at > now + FUTURE_TOLERANCE:
        raise Refusal(
            "future_time",
            _("dateObserved %(time)s is in the future: check the device's clock.")
            % {"time": observed_at.isoformat()},
        )
    if observed_at < now - dt.timedelta(days=retention_days):
        raise Refusal(
            "too_old",
            _("dateObserved %(time)s is older than the %(days)s days readings are kept.")
            % {"time": observed_at.isoformat(), "days": retention_days},
        )
    values = {}
    for name in MODELS[entity_type][1]:
        if name in payload:
            raw, unit = _unwrap(payload[name])
            if raw is not None:
                values[name] = _number(name, raw, unit)
    if not values:
        raise Refusal(
            "no_values",
            _("The payload carries no measured value: send at least one of %(names)s.")
            % {"names": ", ".join(MODELS[entity_type][1])},
        )
    return Reading(entity_type, device_id_of(reference), observed_at, values)


def fits(entity_type: str, kind: str) -> bool:
    """Whether a device of `kind` may send `entity_type`."""
    return kind in MODELS[entity_type][0]
