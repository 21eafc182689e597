"""Realistic readings of the demo stations, as functions of time: the demo step backfills
history with them and `tinhso sensors simulate` publishes them live over MQTT.

What the pages should show: air that is worse at the morning and evening rush and at
night when the air is still, ozone at midday; traffic with two rush hours; a smog episode
(PM2.5 climbing to "Xấu"); afternoon showers and one heavy rain after which the river
rises for half a day — fast at first, some 0.7 m in the first hour — and falls back over
the next two. One station (`BROKEN`) has stopped sending: the demo's history ends some
hours early for it and the simulator leaves it silent, so it shows as offline.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from tinhso.sensors.models import DeviceKind

ENTITY = {
    DeviceKind.AIR_QUALITY: "AirQualityObserved",
    DeviceKind.RAINFALL: "WeatherObserved",
    DeviceKind.WATER_LEVEL: "WaterObserved",
    DeviceKind.TRAFFIC_FLOW: "TrafficFlowObserved",
    DeviceKind.NOISE: "NoiseLevelObserved",
}


BROKEN = frozenset({"demo-rf-02"})  # a rain gauge that stopped sending
BROKEN_HOURS = 5  # since when, before the demo's history ends
FLOOD_RISE_HOURS = 12  # from the first hour after the heavy rain to the crest
FLOOD_PEAK = 2.2  # metres above normal
FLOOD_PACE = 2.5  # hours: the rise's time constant (fast at first, slower to the crest)


@dataclass(frozen=True)
class Scenario:
    """When the remarkable things happen."""

    smog_start: dt.datetime
    heavy_rain_start: dt.datetime
    smog_hours: float = 30.0
    rain_hours: float = 3.0


def _bump(hours: float, centre: float, width: float) -> float:
    """A smooth daily bump around `centre` o'clock."""
    d = min(abs(hours - centre), 24 - abs(hours - centre))
    return math.exp(-((d / width) ** 2))


def _episode(t: dt.datetime, start: dt.datetime, length_h: float) -> float:
    """0 outside, rising to 1 and falling back within the episode."""
    h = (t - start).total_seconds() / 3600
    return math.sin(math.pi * h / length_h) if 0 <= h <= length_h else 0.0


def _flood(t: dt.datetime, scenario: Scenario) -> float:
    """Metres above normal: from an hour after the heavy rain, rising for 12 h (quickly
    at first, as a river does when the rain upstream arrives), receding over 48 h."""
    h = (t - scenario.heavy_rain_start).total_seconds() / 3600
    if h < 1:
        return 0.0
    crest = 1 - math.exp(-FLOOD_RISE_HOURS / FLOOD_PACE)
    if h < 1 + FLOOD_RISE_HOURS:
        return FLOOD_PEAK * (1 - math.exp(-(h - 1) / FLOOD_PACE)) / crest
    return max(0.0, FLOOD_PEAK * (1 - (h - 1 - FLOOD_RISE_HOURS) / 48))


def values(kind: str, t: dt.datetime, scenario: Scenario, rng: random.Random) -> dict[str, float]:
    """One reading of a station of `kind` at `t`."""
    local = timezone.localtime(t)
    hour = local.hour + local.minute / 60
    rush = _bump(hour, 7.5, 1.5) + _bump(hour, 18, 2)
    noise = lambda scale: rng.gauss(0, scale)  # noqa: E731 - a short local helper
    if kind == DeviceKind.AIR_QUALITY:
        still_night = _bump(hour, 2, 3)
        smog = _episode(t, scenario.smog_start, scenario.smog_hours)
        pm25 = max(3.0, 18 + 14 * rush + 10 * still_night + 120 * smog + noise(3))
        return {
            "pm25": round(pm25, 1),
            "pm10": round(pm25 * 1.6 + abs(noise(4)), 1),
            "o3": round(max(5.0, 25 + 90 * _bump(hour, 14, 3) + noise(6)), 1),
            "no2": round(max(3.0, 15 + 45 * rush + 25 * smog + noise(4)), 1),
            "co": round(max(200.0, 700 + 900 * rush + 1500 * smog + noise(80)), 0),
            "so2": round(max(1.0, 12 + 6 * rush + noise(2)), 1),
        }
    if kind == DeviceKind.RAINFALL:
        heavy = _episode(t, scenario.heavy_rain_start, scenario.rain_hours)
        shower = _bump(hour, 16, 1.2) if local.day % 2 == 0 else 0.0
        rain = 55 * heavy + 6 * shower * max(0.0, 1 + noise(0.4))
        return {"precipitation": round(max(0.0, rain), 1)}
    if kind == DeviceKind.WATER_LEVEL:
        tide = 0.15 * math.sin(2 * math.pi * (t.timestamp() / 3600) / 12.4)
        return {"waterLevel": round(1.3 + tide + _flood(t, scenario) + noise(0.02), 2)}
    if kind == DeviceKind.TRAFFIC_FLOW:
        day = _bump(hour, 13, 5)
        intensity = 150 + 700 * day + 1300 * rush + noise(40)
        return {
            "intensity": round(max(0.0, intensity)),
            "averageVehicleSpeed": round(max(8.0, 48 - 0.014 * intensity + noise(2)), 1),
            "occupancy": round(min(0.95, max(0.0, intensity / 2600 + noise(0.02))), 2),
        }
    return {"LAeq": round(48 + 16 * _bump(hour, 13, 6) + 8 * rush + noise(1.5), 1)}


def entity(device_id: str, kind: str, t: dt.datetime, readings: dict[str, float]) -> dict:
    """The reading as an NGSI-LD normalised entity of the station's FIWARE model."""
    entity_type = ENTITY[kind]
    body = {
        "id": f"urn:ngsi-ld:{entity_type}:{device_id}:{int(t.timestamp())}",
        "type": entity_type,
        "dateObserved": {
            "type": "Property",
            "value": {"@type": "DateTime", "@value": t.astimezone(dt.UTC).isoformat()},
        },
        "refDevice": {"type": "Relationship", "object": f"urn:ngsi-ld:Device:{device_id}"},
    }
    for name, value in readings.items():
        body[name] = {"type": "Property", "value": value}
        if kind == DeviceKind.AIR_QUALITY:
            body[name]["unitCode"] = "GQ"
    return body


def timeline(start: dt.datetime, end: dt.datetime, step: dt.timedelta) -> Iterator[dt.datetime]:
    t = start
    while t <= end:
        yield t
        t += step


def run(broker, prefix: str, *, speed: float, step: int, hours: float, stop, out) -> int:
    """Publish a reading of every active demo station every `step` seconds of the
    scenario, playing `speed` scenario seconds per real second, for `hours` scenario
    hours (0: until `stop`). The scenario starts now: smog after 2 hours (lasting at
    least 2.5 real hours), the heavy rain after 6. Each reading carries the real time it
    is published (a device's clock), so at `--speed 60` a day of cycles passes in 24
    minutes on the pages."""
    from tinhso.sensors import mqtt
    from tinhso.sensors.models import Device

    stations = list(Device.objects.filter(is_demo=True, is_active=True).exclude(
        device_id__in=BROKEN).values_list("device_id", "kind"))  # fmt: skip
    if not stations:
        out.write("Chưa có trạm demo: chạy `tinhso demo` / no demo stations: run `tinhso demo`")
        return 0
    client = mqtt.client(broker)
    client.connect(broker.host, broker.port)
    client.loop_start()
    begin = timezone.now().replace(microsecond=0)
    # Alert rules watch real time (the smog rule wants an hour above its limit), so at
    # `--speed 60` a 30-hour episode would pass in 30 minutes and never fire it: the
    # live smog lasts at least 2.5 real hours, the air above the limit for over an hour.
    smog_hours = max(30.0, 2.5 * speed)
    scenario = Scenario(
        begin + dt.timedelta(hours=2), begin + dt.timedelta(hours=6), smog_hours=smog_hours
    )
    rng = random.Random(7)
    sent = 0
    played = dt.timedelta()
    pending = []
    try:
        while not stop.is_set() and (not hours or played <= dt.timedelta(hours=hours)):
            now = timezone.now()
            for device_id, kind in stations:
                readings = values(kind, begin + played, scenario, rng)
                pending.append(
                    mqtt.publish(client, prefix, device_id, entity(device_id, kind, now, readings))
                )
                sent += 1
            out.write(f"{timezone.localtime(begin + played):%d/%m %H:%M} — {len(stations)} trạm")
            played += dt.timedelta(seconds=step)
            stop.wait(step / speed)
            pending = [info for info in pending if not info.is_published()]
    finally:
        for info in pending:  # what is still in flight goes out before we disconnect
            info.wait_for_publish(10)
        client.disconnect()
        client.loop_stop()
    return sent
