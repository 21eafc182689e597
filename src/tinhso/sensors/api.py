"""JSON API of the sensors: devices send readings (with their own token); anyone reads
stations, series and the air-quality index; administrators and the owner agency's data
stewards register devices."""

from __future__ import annotations

import datetime as dt
import json

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from tinhso.agencies.auth import reader, signed_in
from tinhso.core.actors import actor_from_request
from tinhso.core.api import ErrorOut
from tinhso.sensors import access, actions, readings
from tinhso.sensors.models import DeviceKind
from tinhso.sensors.payloads import Refusal

router = Router()
MAX_PAYLOAD_BYTES = 64 * 1024


class ReceiptOut(Schema):
    device: str
    type: str
    observed_at: dt.datetime
    values: dict[str, float]
    stored: int
    replay: bool


class RefusalOut(Schema):
    detail: str
    code: str


class StationOut(Schema):
    device_id: str
    name: str
    kind: str
    lat: float
    lon: float
    commune_code: str | None
    commune_name: str | None
    owner: str
    expected_interval: int
    last_seen_at: dt.datetime | None
    online: bool


class LatestOut(StationOut):
    observed_at: dt.datetime | None
    values: dict[str, float]


class DeviceOut(LatestOut):
    contact: str | None = SchemaField(
        None, description="Shown to administrators and the owner agency's data stewards"
    )
    refused_count: int | None = None
    last_refusal: str | None = None


class PointOut(Schema):
    start: dt.datetime
    mean: float
    minimum: float
    maximum: float
    count: int


class AqiOut(Schema):
    device_id: str
    name: str
    lat: float
    lon: float
    commune_name: str | None
    aqi: int
    level: str
    label: str
    colour: str
    pollutant: str
    sub_indices: dict[str, int]
    hour: dt.datetime


class DeviceIn(Schema):
    device_id: str = SchemaField(..., min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")
    kind: DeviceKind
    name: str = SchemaField(..., min_length=1, max_length=200)
    lat: float = SchemaField(..., ge=-90, le=90)
    lon: float = SchemaField(..., ge=-180, le=180)
    owner: str = SchemaField(..., description="Code of the owner agency", max_length=40)
    expected_interval: int = SchemaField(3600, ge=10, le=7 * 24 * 3600)
    contact: str = SchemaField("", max_length=200)


class RegisteredOut(StationOut):
    token: str = SchemaField(..., description="The device's token: shown this once")


def _station(s: readings.Station) -> dict:
    return {
        "device_id": s.device_id,
        "name": s.name,
        "kind": s.kind,
        "lat": s.lat,
        "lon": s.lon,
        "commune_code": s.commune_code,
        "commune_name": s.commune_name,
        "owner": s.owner_code,
        "expected_interval": s.expected_interval,
        "last_seen_at": s.last_seen_at,
        "online": s.online,
    }


def _device_token(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("X-Device-Token", "").strip()


BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "An NGSI-LD entity of a FIWARE model (normalised or "
                    "key-values): AirQualityObserved, WeatherObserved, WaterObserved, "
                    "FloodMonitoring, TrafficFlowObserved, NoiseLevelObserved",
                }
            }
        },
    }
}


@router.post(
    "/observations",
    response={200: ReceiptOut, 201: ReceiptOut, 400: RefusalOut, 413: ErrorOut},
    summary="Send a reading (device token)",
    openapi_extra=BODY,
)
def observe(request: HttpRequest):
    """One reading of the device whose token is sent (`Authorization: Bearer tsd_…` or
    `X-Device-Token`). 201 when stored, 200 when the same reading was stored before (a
    replay changes nothing), 400 with the reason and a `code` when refused (counted on
    the device)."""
    device = actions.require_token(actions.device_for_token(_device_token(request)))
    body = request.body
    if len(body) > MAX_PAYLOAD_BYTES:
        raise HttpError(413, _("The payload is too large."))
    try:
        payload = json.loads(body)
    except ValueError:
        refusal = actions.refuse(
            device, Refusal("not_json", _("The body is not JSON: send one NGSI-LD entity."))
        )
        return Status(400, {"detail": refusal.message, "code": refusal.code})
    try:
        receipt = actions.receive(payload, device=device)
    except Refusal as refusal:
        return Status(400, {"detail": refusal.message, "code": refusal.code})
    reading = receipt.reading
    out = {
        "device": device.device_id,
        "type": reading.entity_type,
        "observed_at": reading.observed_at,
        "values": reading.values,
        "stored": receipt.stored,
        "replay": receipt.replay,
    }
    return Status(200 if receipt.replay else 201, out)


@router.get("/devices", response=list[LatestOut], summary="Stations and their latest values")
def devices(request: HttpRequest, kind: DeviceKind | None = None):
    """Every active station (of a `kind`), with the last value of each property."""
    return [
        {**_station(item.station), "observed_at": item.observed_at, "values": item.values}
        for item in readings.latest(kind)
    ]


@router.post(
    "/devices",
    response={201: RegisteredOut, 409: ErrorOut},
    auth=signed_in,
    summary="Register a device",
)
def register(request: HttpRequest, payload: DeviceIn):
    """For administrators and the owner agency's data stewards. The answer carries the
    device's token, shown this once."""
    actor = actor_from_request(request)
    owner = access.agency_for_registration(actor, payload.owner)
    draft = actions.DeviceDraft(
        device_id=payload.device_id,
        kind=payload.kind,
        name=payload.name,
        lat=payload.lat,
        lon=payload.lon,
        owner=owner,
        expected_interval=payload.expected_interval,
        contact=payload.contact,
    )
    try:
        device, token = actions.register_device(actor, draft)
    except actions.DeviceError as exc:
        raise HttpError(409, exc.message) from exc
    return Status(201, {**_station(readings.Station.of(device, timezone.now())), "token": token})


@router.get("/devices/{device_id}", response=DeviceOut, summary="One station")
def device(request: HttpRequest, device_id: str):
    """A station, its latest values, and — for administrators and the owner agency's data
    stewards — its contact and refused payloads."""
    actor = reader(request)
    found = access.device_for_reader(actor, device_id)
    item = next(i for i in readings.latest(found.kind) if i.station.device_id == device_id)
    out = {**_station(item.station), "observed_at": item.observed_at, "values": item.values}
    if access.sees_contact(actor, found):
        out |= {
            "contact": found.contact,
            "refused_count": found.refused_count,
            "last_refusal": found.last_refusal,
        }
    return out


class SeriesQuery(Schema):
    property: str = SchemaField(..., min_length=1, max_length=40)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    period: str = SchemaField("hour", pattern="^(raw|hour|day)$")


@router.get("/devices/{device_id}/series", response=list[PointOut], summary="A series")
def device_series(request: HttpRequest, device_id: str, query: Query[SeriesQuery]):
    """One property between `start` and `end` (default: the last 24 hours for `raw` and
    `hour`, 30 days for `day`), as raw readings or hourly or daily roll-ups."""
    found = access.device_for_reader(reader(request), device_id)
    end = query.end or timezone.now()
    if timezone.is_naive(end):
        end = timezone.make_aware(end)
    default = dt.timedelta(days=30 if query.period == "day" else 1)
    start = query.start or end - default
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    if end - start > dt.timedelta(days=400):
        raise HttpError(400, _("Ask for at most 400 days at a time."))
    points = readings.series(found, query.property, start, end, query.period)
    if query.period == "raw":
        points = points[:10000]
    return [p.__dict__ for p in points]


@router.get("/aqi", response=list[AqiOut], summary="VN_AQI now, per station")
def aqi_now(request: HttpRequest):
    """The hourly VN_AQI (Decision 1459/QĐ-TCMT) of each air-quality station that has one:
    its value, band, colour and the pollutant that set it."""
    return [
        {
            "device_id": item.station.device_id,
            "name": item.station.name,
            "lat": item.station.lat,
            "lon": item.station.lon,
            "commune_name": item.station.commune_name,
            "aqi": item.value,
            "level": item.level,
            "label": item.label,
            "colour": item.colour,
            "pollutant": item.pollutant,
            "sub_indices": item.sub_indices,
            "hour": item.hour,
        }
        for item in readings.aqi_now().values()
    ]
