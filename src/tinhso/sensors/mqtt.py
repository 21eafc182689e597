"""Readings over MQTT: devices publish one NGSI-LD entity per message on
`<prefix>/<FIWARE type>/<device id>` (prefix `tinhso/sensors` by default).

Trust: the broker authenticates publishers (in production its ACL lets each device's
credentials publish only on its own topic). The platform then checks that the topic's
device is registered and active, that the payload is that device's and of the topic's
type — so a device the broker let in cannot write as another.

Two threads, one door to the database: paho's network thread only puts messages on a
queue; the thread that calls `run` or `process_batch` (the `tinhso sensors listen`
command, or a test) drains it in batches and stores each batch in one transaction
through `actions.receive_many`. So the network thread never holds a database connection,
and a test reads what was stored inside its own transaction.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as paho
from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.sensors import actions
from tinhso.sensors.payloads import MODELS, Refusal

log = logging.getLogger("tinhso.sensors.mqtt")


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None


def broker_from_url(url: str) -> Broker:
    """`mqtt://user:password@host:1883` (or `mqtts://` for TLS, port 8883 by default)."""
    parts = urlsplit(url)
    if parts.scheme not in {"mqtt", "mqtts", "tcp", "ssl"}:
        raise ValueError(f"not an MQTT URL: {url!r} (use mqtt://host:1883)")
    tls = parts.scheme in {"mqtts", "ssl"}
    return Broker(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or (8883 if tls else 1883),
        tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def configured_broker() -> Broker:
    """The broker of `TINHSO_MQTT_URL`, or the embedded one on its local port."""
    if settings.TINHSO_MQTT_URL:
        return broker_from_url(settings.TINHSO_MQTT_URL)
    return Broker("127.0.0.1", settings.TINHSO_MQTT_EMBEDDED_PORT)


def client(broker: Broker, client_id: str = "") -> paho.Client:
    made = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=client_id or f"tinhso-{uuid.uuid4().hex[:8]}"
    )
    if broker.username:
        made.username_pw_set(broker.username, broker.password)
    if broker.tls:
        made.tls_set()
    return made


def topic(prefix: str, entity_type: str, device_id: str) -> str:
    return f"{prefix}/{entity_type}/{device_id}"


@dataclass(frozen=True)
class Outcome:
    """What became of one message."""

    topic: str
    receipt: actions.Receipt | None = None
    refusal: Refusal | None = None


class Listener:
    """Subscribes to every sensor topic under `prefix` and stores what arrives, in
    batches of up to `batch_size` messages gathered for at most `batch_wait` seconds."""

    def __init__(
        self,
        broker: Broker,
        prefix: str | None = None,
        *,
        batch_size: int | None = None,
        batch_wait: float | None = None,
        devices: actions.DeviceCache | None = None,
        share: str | None = None,
    ):
        self.broker = broker
        self.prefix = (prefix or settings.TINHSO_MQTT_TOPIC_PREFIX).rstrip("/")
        # A shared subscription (`$share/<group>/…`, MQTT 5, and Mosquitto 2 and EMQX for
        # MQTT 3.1.1 clients too): the broker hands each message to one listener of the
        # group, so several processes (or machines) store the stream between them.
        self.share = share or None
        self.batch_size = batch_size or settings.TINHSO_MQTT_BATCH_SIZE
        self.batch_wait = settings.TINHSO_MQTT_BATCH_MS / 1000 if batch_wait is None else batch_wait
        self.devices = devices or actions.DeviceCache(settings.TINHSO_MQTT_DEVICE_CACHE_SECONDS)
        # Unbounded on purpose: paho's thread must never wait on it. A full queue would stop
        # paho reading its socket, and the broker would then hold the backlog instead, up to
        # its own limit (Mosquitto's max_queued_messages, 1,000 by default), beyond which it
        # drops messages. Here the backlog costs memory (about 1 KB a message) and is logged.
        self.inbox: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
        self.subscribed = threading.Event()
        self.refusal = ""  # why the broker refused the subscription, if it did
        self.client = client(broker)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self._warned_at = 0.0

    # paho's thread -----------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("MQTT connection refused: %s", reason_code)
            return
        # QoS 1: the broker keeps resending until the message is acknowledged. paho
        # acknowledges once `_on_message` has put it on the queue.
        client.subscribe(self.topic_filter, qos=1)

    @property
    def topic_filter(self) -> str:
        mine = f"{self.prefix}/+/+"
        return f"$share/{self.share}/{mine}" if self.share else mine

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        refused = [str(code) for code in reason_codes if code.is_failure]
        if refused:
            self.refusal = ", ".join(refused)
            log.error("the broker refused the subscription %s: %s", self.topic_filter, self.refusal)
        self.subscribed.set()

    def _on_message(self, client, userdata, message):
        self.inbox.put((message.topic, message.payload))

    # lifecycle ------------------------------------------------------------------
    def start(self, timeout: float = 10.0) -> None:
        """Connect and subscribe; raises if the broker does not answer in `timeout`."""
        self.client.connect(self.broker.host, self.broker.port, keepalive=30)
        self.client.loop_start()
        if not self.subscribed.wait(timeout):
            self.stop()
            raise ConnectionError(
                f"no subscription at {self.broker.host}:{self.broker.port} in {timeout}s"
            )
        if self.refusal:
            self.stop()
            raise ConnectionError(f"the broker refused {self.topic_filter}: {self.refusal}")

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    # the storing thread --------------------------------------------------------------
    def take(self, timeout: float = 1.0, limit: int | None = None) -> list[tuple[str, bytes]]:
        """The next batch of messages: waits up to `timeout` for the first, then gathers
        what arrives within `batch_wait`, up to `limit` (`batch_size`) messages."""
        limit = limit or self.batch_size
        try:
            batch = [self.inbox.get(timeout=timeout)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.batch_wait
        while len(batch) < limit:
            try:
                batch.append(self.inbox.get_nowait())
            except queue.Empty:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    batch.append(self.inbox.get(timeout=left))
                except queue.Empty:
                    break
        backlog = self.inbox.qsize()
        if backlog > 20 * limit and time.monotonic() - self._warned_at > 60:
            self._warned_at = time.monotonic()
            log.warning("%d MQTT messages wait to be stored", backlog)
        return batch

    def process_batch(self, timeout: float = 1.0, limit: int | None = None) -> list[Outcome]:
        """Store the next batch (waiting up to `timeout` for its first message); returns
        once it is committed, with what became of each message ([] when none came)."""
        batch = self.take(timeout, limit)
        return self.store(batch) if batch else []

    def process(self, timeout: float = 1.0) -> Outcome | None:
        """Store the next message alone (waiting up to `timeout` for one); None when none
        came."""
        outcomes = self.process_batch(timeout, limit=1)
        return outcomes[0] if outcomes else None

    def handle(self, name: str, body: bytes) -> Outcome:
        return self.store([(name, body)])[0]

    def store(self, batch: list[tuple[str, bytes]]) -> list[Outcome]:
        """Read a batch of messages and store it in one transaction (actions.receive_many)."""
        deliveries = [self._delivery(name, body) for name, body in batch]
        answers = actions.receive_many(deliveries, self.devices)
        outcomes = []
        for (name, _body), answer in zip(batch, answers, strict=True):
            if isinstance(answer, Refusal):
                log.info("refused on %s: %s", name, answer.message)
                outcomes.append(Outcome(name, refusal=answer))
            else:
                outcomes.append(Outcome(name, receipt=answer))
        return outcomes

    def _delivery(self, name: str, body: bytes) -> actions.Delivery:
        levels = name[len(self.prefix) + 1 :].split("/")
        if not name.startswith(self.prefix + "/") or len(levels) != 2:
            return actions.Delivery("", refusal=Refusal("bad_topic", _("Unknown topic.")))
        entity_type, device_id = levels
        try:
            payload = json.loads(body)
        except ValueError:
            return actions.Delivery(
                device_id,
                refusal=Refusal("not_json", _("The body is not JSON: send one NGSI-LD entity.")),
            )
        if entity_type not in MODELS or (
            isinstance(payload, dict) and payload.get("type") != entity_type
        ):
            return actions.Delivery(
                device_id,
                refusal=Refusal(
                    "wrong_topic",
                    _("The payload's type does not match the topic's (%(type)s).")
                    % {"type": entity_type},
                ),
            )
        return actions.Delivery(device_id, payload)

    def run(
        self, stop: threading.Event, on_batch: Callable[[list[Outcome]], None] | None = None
    ) -> None:
        """Store batches until `stop` is set; `on_batch` (for monitoring) is called with
        each batch's outcomes once it is committed.

        A batch the database fails to take (a lost connection, a PostgreSQL restart) is
        kept and tried again, then message by message, so one bad message cannot hold
        back the rest."""
        from django.db import DatabaseError, close_old_connections

        while not stop.is_set():
            batch = self.take(timeout=1.0)
            if not batch:
                close_old_connections()
                continue
            outcomes: list[Outcome] = []
            for attempt in range(4):
                try:
                    outcomes = (
                        self.store(batch)
                        if attempt < 3
                        else [o for one in batch for o in self._store_alone(one)]
                    )
                    break
                except DatabaseError:
                    log.exception(
                        "storing %d MQTT messages failed (attempt %d)", len(batch), attempt + 1
                    )
                    close_old_connections()
                    stop.wait(1.0)
            if on_batch is not None:
                on_batch(outcomes)
            close_old_connections()

    def _store_alone(self, message: tuple[str, bytes]) -> list[Outcome]:
        from django.db import DatabaseError

        try:
            return self.store([message])
        except DatabaseError:
            log.exception("dropped the MQTT message on %s: the database refuses it", message[0])
            return []


def publish(
    mqtt: paho.Client, prefix: str, device_id: str, entity: dict, qos: int = 1
) -> paho.MQTTMessageInfo:
    """Publish one entity on its device's topic."""
    return mqtt.publish(topic(prefix, entity["type"], device_id), json.dumps(entity), qos=qos)
