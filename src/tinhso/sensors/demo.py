"""The demo's sensors: a dozen stations in the demo province's communes, with a week of
hourly readings (a smog episode three days ago, a heavy rain and the river's rise two
days ago), so the pages have data without the simulator running. As the history ends,
things are happening for the operations centre's sensor alerts: smog building at one
station since the small hours, a river rising fast at another after a downpour upstream,
and a rain gauge silent for five hours. Idempotent: existing stations are kept, and a
station with readings is not backfilled again."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from tinhso.core.actors import Actor
from tinhso.sensors import actions
from tinhso.sensors.models import Device, DeviceKind, Observation
from tinhso.sensors.rollups import roll_up
from tinhso.sensors.simulator import BROKEN, BROKEN_HOURS, Scenario, timeline, values

DAYS = 7
# (id, kind, name, owner agency code, offset in the commune list as a fraction)
STATIONS = [
    ("demo-aq-01", DeviceKind.AIR_QUALITY, "Trạm quan trắc không khí", "SNNMT", 0.0),
    ("demo-aq-02", DeviceKind.AIR_QUALITY, "Trạm quan trắc không khí", "SNNMT", 0.1),
    ("demo-aq-03", DeviceKind.AIR_QUALITY, "Trạm quan trắc không khí", "SNNMT", 0.3),
    ("demo-aq-04", DeviceKind.AIR_QUALITY, "Trạm quan trắc không khí", "SNNMT", 0.55),
    ("demo-aq-05", DeviceKind.AIR_QUALITY, "Trạm quan trắc không khí", "SNNMT", 0.8),
    ("demo-wl-01", DeviceKind.WATER_LEVEL, "Trạm đo mực nước", "SNNMT", 0.2),
    ("demo-wl-02", DeviceKind.WATER_LEVEL, "Trạm đo mực nước", "SNNMT", 0.65),
    ("demo-rf-01", DeviceKind.RAINFALL, "Trạm đo mưa", "SNNMT", 0.25),
    ("demo-rf-02", DeviceKind.RAINFALL, "Trạm đo mưa", "SNNMT", 0.7),
    ("demo-tf-01", DeviceKind.TRAFFIC_FLOW, "Trạm đếm lưu lượng xe", "SXD", 0.05),
    ("demo-tf-02", DeviceKind.TRAFFIC_FLOW, "Trạm đếm lưu lượng xe", "SXD", 0.45),
    ("demo-ns-01", DeviceKind.NOISE, "Trạm đo tiếng ồn", "SNNMT", 0.02),
]


def _register(actor: Actor, province) -> list[Device]:
    from tinhso.agencies.models import Agency

    communes = list(province.communes.filter(lat__isnull=False, lon__isnull=False).order_by("code"))
    if not communes:
        return []
    existing = {d.device_id: d for d in Device.objects.filter(is_demo=True)}
    devices = []
    for device_id, kind, name, owner_code, at in STATIONS:
        if device_id in existing:
            devices.append(existing[device_id])
            continue
        owner = Agency.objects.filter(code=owner_code).first()
        if owner is None:
            continue
        commune = communes[int(at * (len(communes) - 1))]
        draft = actions.DeviceDraft(
            device_id=device_id,
            kind=kind,
            name=f"{name} {commune.name} (demo)",
            lat=round(commune.lat + 0.002, 5),
            lon=round(commune.lon + 0.002, 5),
            owner=owner,
            expected_interval=3600,
            contact="Trung tâm điều hành (demo)",
            is_demo=True,
        )
        devices.append(actions.register_device(actor, draft)[0])
    return devices


def backfill(devices: list[Device], now: dt.datetime, days: int = DAYS) -> int:
    """Hourly readings of the last `days` days for stations without readings."""
    end = now.replace(minute=0, second=0, microsecond=0)
    start = end - dt.timedelta(days=days)
    # The smog peaks at noon three days ago, whatever the hour the demo is built: its
    # 30 hours then fill that day, which reads "Xấu" as a day (a peak split over two days
    # read "Kém" on both when the demo was built in the afternoon).
    three_days_ago = timezone.localtime(end).date() - dt.timedelta(days=3)
    noon = dt.datetime.combine(three_days_ago, dt.time(12), tzinfo=timezone.get_current_timezone())
    scenario = Scenario(
        smog_start=noon - dt.timedelta(hours=15),
        heavy_rain_start=end - dt.timedelta(days=2, hours=4),
    )
    # What is going on as the history ends, at one station each.
    now_scenarios = {
        "demo-aq-03": Scenario(
            smog_start=end - dt.timedelta(hours=8), heavy_rain_start=scenario.heavy_rain_start
        ),
        "demo-wl-02": Scenario(
            smog_start=scenario.smog_start, heavy_rain_start=end - dt.timedelta(hours=2)
        ),
    }
    with_data = set(
        Observation.objects.filter(device__in=devices).values_list("device_id", flat=True)
    )
    rng = random.Random(2026)
    rows = []
    for device in devices:
        if device.pk in with_data:
            continue
        until = end - dt.timedelta(hours=BROKEN_HOURS) if device.device_id in BROKEN else end
        own = now_scenarios.get(device.device_id, scenario)
        for t in timeline(start, until, dt.timedelta(hours=1)):
            for name, value in values(device.kind, t, own, rng).items():
                rows.append(Observation(device=device, observed_at=t, property=name, value=value))
        Device.objects.filter(pk=device.pk).update(last_seen_at=until)
    actions.store_backfill(rows)
    return len(rows)


def build(actor: Actor, province, out) -> None:
    devices = _register(actor, province)
    stored = backfill(devices, timezone.now())
    if stored:
        roll_up()
    out(f"Cảm biến / sensors: {len(devices)} trạm, {stored} giá trị quan trắc / readings")
