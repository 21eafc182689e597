"""Both NGSI-LD forms of each FIWARE model read the same; each refusal says why."""

from __future__ import annotations

import datetime as dt

import pytest

from tinhso.sensors.payloads import Refusal, parse

NOW = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)


def normalised(kind: str, device: str, when: str, **values) -> dict:
    entity = {
        "id": f"urn:ngsi-ld:{kind}:{device}-1",
        "type": kind,
        "dateObserved": {"type": "Property", "value": {"@type": "DateTime", "@value": when}},
        "refDevice": {"type": "Relationship", "object": f"urn:ngsi-ld:Device:{device}"},
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [106, 11]}},
    }
    entity.update({k: {"type": "Property", "value": v} for k, v in values.items()})
    return entity


def key_values(kind: str, device: str, when: str, **values) -> dict:
    return {
        "id": f"urn:ngsi-ld:{kind}:{device}-1",
        "type": kind,
        "dateObserved": when,
        "refDevice": f"urn:ngsi-ld:Device:{device}",
        "location": {"type": "Point", "coordinates": [106, 11]},
        **values,
    }


@pytest.mark.parametrize("form", [normalised, key_values])
@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("AirQualityObserved", {"pm25": 35.2, "pm10": 50, "o3": 80.5, "co": 900}),
        ("WaterObserved", {"waterLevel": 1.85}),
        ("FloodMonitoring", {"currentLevel": 2.1, "measuredDistance": 3.4}),
        ("TrafficFlowObserved", {"intensity": 420, "averageVehicleSpeed": 37.5}),
        ("NoiseLevelObserved", {"LAeq": 67.3}),
    ],
)
def test_both_forms_of_each_model_read_the_same(form, kind, values):
    reading = parse(form(kind, "tn-01", "2026-11-30T05:00:00Z", **values), now=NOW)
    assert reading.entity_type == kind
    assert reading.device_id == "tn-01"
    assert reading.observed_at == dt.datetime(2026, 11, 30, 5, tzinfo=dt.UTC)
    assert reading.values == {k: float(v) for k, v in values.items()}


def test_attributes_that_are_not_measurements_are_not_stored():
    payload = key_values("AirQualityObserved", "tn-01", "2026-11-30T05:00:00+07:00", pm25=10)
    payload |= {"address": {"addressLocality": "Tân An"}, "airQualityLevel": "good"}
    reading = parse(payload, now=NOW)
    assert reading.values == {"pm25": 10.0}
    assert reading.observed_at == dt.datetime(2026, 11, 29, 22, tzinfo=dt.UTC)


def test_milligrams_are_stored_as_micrograms():
    payload = normalised("AirQualityObserved", "tn-01", "2026-11-30T05:00:00Z", pm25=12)
    payload["co"] = {"type": "Property", "value": 0.9, "unitCode": "GP"}
    assert parse(payload, now=NOW).values == {"pm25": 12.0, "co": 900.0}


def test_without_ref_device_the_entity_id_names_the_device():
    payload = key_values("NoiseLevelObserved", "x", "2026-11-30T05:00:00Z", LAeq=55)
    del payload["refDevice"]
    payload["id"] = "urn:ngsi-ld:NoiseLevelObserved:tn-noise-3"
    assert parse(payload, now=NOW).device_id == "tn-noise-3"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda p: p.update(type="ParkingSpot"), "unknown_type"),
        (lambda p: p.pop("dateObserved"), "no_time"),
        (lambda p: p.update(dateObserved="hôm qua"), "bad_time"),
        (lambda p: p.update(dateObserved="2026-11-30T09:00:00Z"), "future_time"),
        (lambda p: p.update(dateObserved="2020-01-01T00:00:00Z"), "too_old"),
        (lambda p: p.update(pm25="35,2"), "not_a_number"),
        (lambda p: p.update(pm25=True), "not_a_number"),
        (lambda p: p.pop("pm25"), "no_values"),
        (lambda p: p.update(refDevice="", id=""), "no_device"),
    ],
)
def test_each_refusal_has_its_reason(change, code):
    payload = key_values("AirQualityObserved", "tn-01", "2026-11-30T05:00:00Z", pm25=35.2)
    change(payload)
    with pytest.raises(Refusal) as refused:
        parse(payload, now=NOW)
    assert refused.value.code == code
    assert refused.value.message


def test_a_payload_that_is_not_an_object_is_refused():
    with pytest.raises(Refusal) as refused:
        parse([1, 2], now=NOW)
    assert refused.value.code == "not_an_entity"


def test_a_noise_period_counts_at_its_end():
    payload = {
        "type": "NoiseLevelObserved",
        "refDevice": "tn-noise-1",
        "LAeq": 58.1,
        "dateObservedFrom": "2026-11-30T04:00:00Z",
        "dateObservedTo": "2026-11-30T05:00:00Z",
    }
    reading = parse(payload, now=NOW)
    assert reading.observed_at == dt.datetime(2026, 11, 30, 5, tzinfo=dt.UTC)
