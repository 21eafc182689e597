"""Every write of the sensors app: registering devices and their tokens, and storing or
refusing the readings they send (HTTP and MQTT both end in `receive`).

Registering a device is audited like every staff action. A reading is not: it is data a
machine sends every few minutes, kept in its own table with its receipt time, and an
audit entry per reading would bury the log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.access import AccessDenied
from tinhso.core.actions import record, snapshot
from tinhso.core.actors import Actor
from tinhso.core.events import emit
from tinhso.sensors import access
from tinhso.sensors.models import ArchivedMonth, Device, Observation
from tinhso.sensors.payloads import Reading, Refusal, fits, parse

TOKEN_PREFIX = "tsd_"  # noqa: S105 - a public prefix, not a secret


def token_digest(raw: str) -> str:
    # Device tokens carry 256 random bits, so a fast hash is enough (as for API tokens).
    return hashlib.sha256(raw.encode()).hexdigest()


def commune_at(lat: float, lon: float):
    """The home province's commune containing a point (approximate cells until the
    province uploads its boundaries), or None outside it."""
    from tinhso.units import province as home_province
    from tinhso.units.geo import locator
    from tinhso.units.models import Commune

    province = home_province.home()
    cell = locator(province).locate(lat, lon) if province else None
    return Commune.objects.filter(pk=cell.commune_id).first() if cell else None


@dataclass(frozen=True)
class DeviceDraft:
    """What registering a device needs, built at each entry point (API, admin, demo)."""

    device_id: str
    kind: str
    name: str
    lat: float
    lon: float
    owner: Any  # an Agency
    expected_interval: int = 3600
    contact: str = ""
    is_demo: bool = False


class DeviceError(Exception):
    """A device that cannot be registered as asked (the message says why)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def register_device(actor: Actor, draft: DeviceDraft) -> tuple[Device, str]:
    """Register a device and give it a token. Returns the device and the raw token, shown
    once and never stored."""
    access.require_register(actor, draft.owner)
    if Device.objects.filter(device_id=draft.device_id).exists():
        raise DeviceError(
            _("A device “%(device)s” is already registered.") % {"device": draft.device_id}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = Device.objects.create(
        device_id=draft.device_id,
        kind=draft.kind,
        name=draft.name,
        lat=draft.lat,
        lon=draft.lon,
        commune=commune_at(draft.lat, draft.lon),
        owner=draft.owner,
        contact=draft.contact,
        expected_interval=draft.expected_interval,
        is_demo=draft.is_demo,
        token_hash=token_digest(raw),
    )
    record(actor, "sensors.register_device", device, after=snapshot(device))
    emit("sensors.device_registered", actor=actor, device_id=device.pk)
    return device, raw


@transaction.atomic
def renew_token(actor: Actor, device: Device) -> str:
    """A new token for `device`; the old one stops working at once."""
    access.require_register(actor, device.owner)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    Device.objects.filter(pk=device.pk).update(token_hash=token_digest(raw))
    record(actor, "sensors.renew_token", device, after={"token_hash": "changed"})
    return raw


def device_for_token(raw: str) -> Device | None:
    """The active device a raw token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    digest = token_digest(raw)
    device = Device.objects.filter(token_hash=digest, is_active=True).first()
    # The lookup is by digest; compare again in constant time for the reviewer's peace.
    if device is None or not hmac.compare_digest(device.token_hash, digest):
        return None
    return device


@dataclass(frozen=True)
class Receipt:
    """What became of one payload: `stored` values (0 for a replay) of `device`."""

    device: Device
    reading: Reading
    stored: int

    @property
    def replay(self) -> bool:
        return self.stored == 0


def refuse(device: Device | None, refusal: Refusal) -> Refusal:
    """Count a refused payload on its device (when known) and hand the refusal back."""
    if device is not None:
        Device.objects.filter(pk=device.pk).update(
            refused_count=F("refused_count") + 1,
            last_refusal=refusal.message[:300],
            last_refused_at=timezone.now(),
        )
    return refusal


def device_by_id(device_id: str) -> Device | None:
    """The active device of that id, or None."""
    return Device.objects.filter(device_id=device_id, is_active=True).first()


def receive(payload: Any, *, device: Device | None = None, topic_device: str = "") -> Receipt:
    """Read and store one payload, or raise a `Refusal` (counted on the device).

    `device` is the device a token proved (HTTP): the payload must be its own. On MQTT the
    broker authenticated the publisher, and `topic_device` (the topic's last level) must
    name the payload's device and a registered one.
    """
    sender, checked = _check(payload, device=device, topic_device=topic_device, lookup=device_by_id)
    if isinstance(checked, Refusal):
        raise refuse(sender, checked)
    assert sender is not None  # a reading always has its device
    return Receipt(sender, checked, store_reading(sender, checked))


def _check(
    payload: Any,
    *,
    device: Device | None,
    topic_device: str,
    lookup: Callable[[str], Device | None],
    now: dt.datetime | None = None,
) -> tuple[Device | None, Reading | Refusal]:
    """The device and the reading of a payload; or, when it is refused, the device to
    count the refusal on (None when unknown) and the refusal. Writes nothing."""
    claimed = device or (lookup(topic_device) if topic_device else None)
    try:
        reading = parse(payload, now=now, retention_days=settings.TINHSO_SENSOR_RETENTION_DAYS)
    except Refusal as refusal:
        return claimed, refusal
    if device is None:
        if topic_device and reading.device_id != topic_device:
            return claimed, Refusal(
                "wrong_device",
                _("The payload is for device “%(payload)s” but was sent on the topic of "
                  "“%(topic)s”.") % {"payload": reading.device_id, "topic": topic_device},
            )  # fmt: skip
        device = claimed or lookup(reading.device_id)
        if device is None:
            return None, Refusal(
                "unknown_device",
                _("Unknown device “%(device)s”: register it first.")
                % {"device": reading.device_id},
            )
    elif reading.device_id != device.device_id:
        return device, Refusal(
            "wrong_device",
            _("The payload is for device “%(payload)s”, not for this token's “%(device)s”.")
            % {"payload": reading.device_id, "device": device.device_id},
        )
    if not fits(reading.entity_type, device.kind):
        return device, Refusal(
            "wrong_type",
            _("A %(kind)s device does not send %(type)s.")
            % {"kind": device.get_kind_display(), "type": reading.entity_type},
        )
    return device, reading


class DeviceCache:
    """Active devices by id, each looked up at most once per `ttl` seconds (a device not
    registered, or not active, is remembered as None for as long).

    The MQTT listener keeps one so that a batch of messages costs one query for the
    devices it has not seen lately, not one per message. A device deactivated or changed
    in the admin (another process) is noticed when its entry expires: its messages are
    still stored for at most `ttl` seconds after."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[str, tuple[float, Device | None]] = {}

    def load(self, device_ids: Iterable[str]) -> None:
        """Look up, in one query, those of `device_ids` not known or expired."""
        now = self.clock()
        stale = {
            i
            for i in device_ids
            if i and now - self._entries.get(i, (-math.inf, None))[0] >= self.ttl
        }
        if not stale:
            return
        found = {d.device_id: d for d in Device.objects.filter(device_id__in=stale, is_active=True)}
        for device_id in stale:
            self._entries[device_id] = (now, found.get(device_id))

    def get(self, device_id: str) -> Device | None:
        """The device as last loaded (looked up now if never loaded)."""
        if not device_id:
            return None
        if device_id not in self._entries:
            self.load([device_id])
        return self._entries[device_id][1]


@dataclass(frozen=True)
class Delivery:
    """One message off the MQTT broker: its topic's device and the decoded payload, or
    the refusal of a message that could not be read at all (not JSON, wrong topic)."""

    topic_device: str
    payload: Any = None
    refusal: Refusal | None = None


def receive_many(deliveries: Sequence[Delivery], cache: DeviceCache) -> list[Receipt | Refusal]:
    """Read a batch of MQTT messages and store every valid reading in one transaction;
    the answer for each message, in order: its `Receipt`, or its `Refusal`.

    Each payload is checked as `receive` checks it. The readings are inserted together,
    skipping values already stored (a replay stores nothing new); refusals are counted on
    their devices, and each device's `last_seen_at` set, with one UPDATE per device. The
    whole batch is one transaction: if it fails, nothing of it is stored and the caller
    may send it again."""
    if not deliveries:
        return []
    cache.load(d.topic_device for d in deliveries)
    now = timezone.now()
    answers: list[tuple[Device | None, Reading | Refusal]] = []
    for delivery in deliveries:
        if delivery.refusal is not None:
            answers.append((cache.get(delivery.topic_device), delivery.refusal))
        else:
            answers.append(
                _check(
                    delivery.payload,
                    device=None,
                    topic_device=delivery.topic_device,
                    lookup=cache.get,
                    now=now,
                )
            )
    with transaction.atomic():
        stored = _store_readings(
            [(d, r) for d, r in answers if d is not None and isinstance(r, Reading)]
        )
        _count_refusals([(d, r) for d, r in answers if d is not None and isinstance(r, Refusal)])
    counts = iter(stored)
    return [
        Receipt(device, checked, next(counts))
        if device is not None and isinstance(checked, Reading)
        else checked
        for device, checked in answers
    ]  # type: ignore[misc]


def _store_readings(readings: list[tuple[Device, Reading]]) -> list[int]:
    """Insert the values of `readings` not yet stored (inside the caller's transaction);
    how many values of each reading were new."""
    if not readings:
        return []
    received = timezone.now()
    rows: dict[tuple[int, dt.datetime, str], float] = {}
    keys: list[list[tuple[int, dt.datetime, str]]] = []
    for device, reading in readings:
        mine = [(device.pk, reading.observed_at, name) for name in reading.values]
        for key, value in zip(mine, reading.values.values(), strict=True):
            rows.setdefault(key, value)  # the same reading twice in one batch: once
        keys.append(mine)
    items = list(rows.items())
    inserted = sum(_insert_new(chunk, received) for chunk in _chunks(items, INSERT_ROWS))
    if inserted == len(keys_flat := [key for mine in keys for key in mine]):
        counts = [len(mine) for mine in keys]
    else:
        # Some were stored already (a replay): the new rows are those of this receipt time.
        new = set(
            Observation.objects.filter(
                received_at=received, device_id__in={pk for pk, _at, _name in keys_flat}
            ).values_list("device_id", "observed_at", "property")
        )
        counts = []
        for mine in keys:
            counts.append(sum(1 for key in mine if key in new))
            new.difference_update(mine)
    seen = timezone.now()
    devices = {d.pk: d for d, _r in readings}
    Device.objects.filter(pk__in=devices).update(last_seen_at=seen)
    for device in devices.values():
        device.last_seen_at = seen
    return counts


# Rows per INSERT statement: 5 parameters each, under PostgreSQL's 65,535 and SQLite's
# 32,766 (its lowest compiled-in limit since 3.32).
INSERT_ROWS = 5000


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_new(rows: list[tuple[tuple[int, dt.datetime, str], float]], received: Any) -> int:
    """INSERT the rows, skipping those already stored; how many were inserted.

    One multi-row statement, written out rather than `bulk_create`: the ORM spends
    ~0.2 ms of CPU per row preparing values, which capped the MQTT intake near 1,500
    readings a second (benchmarks/sensor_intake.py). `ON CONFLICT DO NOTHING` means the
    same on SQLite and PostgreSQL; skipping covers a replay, and a copy that arrived over
    HTTP meanwhile."""
    adapt = connection.ops.adapt_datetimefield_value
    meta = Observation._meta
    fields = ("device", "observed_at", "property", "value", "received_at")
    columns = [meta.get_field(f).column for f in fields]
    quote = connection.ops.quote_name
    # Only names from the model and placeholders go into the text; values are parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES {', '.join(['(%s, %s, %s, %s, %s)'] * len(rows))} ON CONFLICT DO NOTHING"
    )
    params: list[Any] = []
    at_received = adapt(received)
    adapted: dict[dt.datetime, Any] = {}
    for (device_pk, at, name), value in rows:
        if at not in adapted:
            adapted[at] = adapt(at)
        params += [device_pk, adapted[at], name, value, at_received]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _count_refusals(refused: list[tuple[Device, Refusal]]) -> None:
    """Count refusals on their devices: one UPDATE per device, the last reason kept."""
    per_device: dict[int, list[Refusal]] = {}
    for device, refusal in refused:
        per_device.setdefault(device.pk, []).append(refusal)
    at = timezone.now()
    for pk, refusals in per_device.items():
        Device.objects.filter(pk=pk).update(
            refused_count=F("refused_count") + len(refusals),
            last_refusal=refusals[-1].message[:300],
            last_refused_at=at,
        )


def store_reading(device: Device, reading: Reading) -> int:
    """Store a reading whole, in one transaction; returns how many values were new (0 for
    a replay). Values already stored for the same time are left as they are."""
    with transaction.atomic():
        existing = set(
            Observation.objects.filter(
                device=device, observed_at=reading.observed_at, property__in=list(reading.values)
            ).values_list("property", flat=True)
        )
        new = [
            Observation(device=device, observed_at=reading.observed_at, property=name, value=v)
            for name, v in reading.values.items()
            if name not in existing
        ]
        try:
            with transaction.atomic():
                Observation.objects.bulk_create(new)
        except IntegrityError:
            # The same reading arrived twice at once (HTTP retry racing MQTT): the other
            # copy won; store what is still missing, one by one.
            new = [
                o
                for o in new
                if Observation.objects.get_or_create(
                    device=device,
                    observed_at=o.observed_at,
                    property=o.property,
                    defaults={"value": o.value},
                )[1]
            ]
        seen = timezone.now()
        Device.objects.filter(pk=device.pk).update(last_seen_at=seen)
        device.last_seen_at = seen
    return len(new)


def store_backfill(rows: list[Observation]) -> int:
    """Many readings at once (the demo's history): skipped where already stored."""
    Observation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    return len(rows)


def archive_month(month: dt.date, target: Path) -> int:
    """Write a closed month's raw readings to `target` as Parquet (`archive.py`); returns
    the number of rows. The caller keeps the file and then calls `record_archive`."""
    from tinhso.sensors.archive import write_month

    return write_month(month, target)


@transaction.atomic
def record_archive(
    actor: Actor, month: dt.date, *, rows: int, sha256: str, location: str
) -> ArchivedMonth:
    """Note that `month` is archived whole (`rows` rows in the file of checksum `sha256`,
    kept at `location`), audited. Archiving a month again replaces the note."""
    previous = ArchivedMonth.objects.filter(month=month).first()
    before = snapshot(previous) if previous else None
    archived, _created = ArchivedMonth.objects.update_or_create(
        month=month,
        defaults={
            "rows": rows,
            "sha256": sha256,
            "location": location,
            "archived_at": timezone.now(),
        },
    )
    record(actor, "sensors.archive_month", archived, before=before, after=snapshot(archived))
    emit("sensors.month_archived", actor=actor, month=month.isoformat(), rows=rows)
    return archived


@dataclass(frozen=True)
class Purged:
    """What a purge removed: whole months, and how (partitions dropped or rows deleted)."""

    months: list[dt.date]
    rows: int
    partitions: list[str]


def purgeable(now: dt.datetime | None = None) -> list[dt.date]:
    """Months whose raw rows may go: the whole month older than the retention, archived
    with as many rows as the database holds, and every row folded into the roll-ups."""
    from tinhso.sensors import months
    from tinhso.sensors.archive import raw_months
    from tinhso.sensors.models import RollupCursor

    cursor = RollupCursor.objects.first()
    if cursor is None or cursor.read_until is None:
        return []
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.TINHSO_SENSOR_RETENTION_DAYS)
    archived = dict(ArchivedMonth.objects.values_list("month", "rows"))
    return [
        s.month
        for s in raw_months(now)
        if s.rows
        and months.bounds(s.month)[1] <= cutoff
        and archived.get(s.month) == s.rows
        and s.last_received is not None
        and s.last_received <= cursor.read_until
    ]


def purge_raw(actor: Actor | None = None, now: dt.datetime | None = None) -> Purged:
    """Remove the raw readings of every purgeable month: on PostgreSQL its partition is
    dropped (rows of it that sit in DEFAULT are deleted), elsewhere its rows are deleted.
    The roll-ups and the archive stay. Audited, one entry per month."""
    from tinhso.sensors import months, partitions

    actor = actor or Actor.system("sensors retention")
    chosen = purgeable(now)
    on_partitions = partitions.partitioned()
    have = {p.month for p in partitions.existing()} if on_partitions else set()
    rows, dropped = 0, []
    notes = ArchivedMonth.objects.in_bulk(chosen, field_name="month")
    for month in chosen:
        start, end = months.bounds(month)
        with transaction.atomic():
            in_month = Observation.objects.filter(observed_at__gte=start, observed_at__lt=end)
            if month in have:
                removed = in_month.count()
                partitions.drop(month)
                dropped.append(partitions.name(month))
            else:
                removed = in_month.delete()[0]  # nothing refers to a reading: one DELETE
            rows += removed
            record(
                actor,
                "sensors.purge_raw",
                notes[month],
                after={"rows": removed, "partition_dropped": month in have},
            )
    return Purged(chosen, rows, dropped)


def require_token(device: Device | None) -> Device:
    if device is None:
        raise AccessDenied(
            _("Send the device's token (Authorization: Bearer tsd_… or X-Device-Token)."),
            needs_sign_in=True,
        )
    return device
