"""Readings over MQTT: devices publish one NGSI-LD entity per message on
`<prefix>/<FIWARE type>/<device id>` (prefix `tinhso/sensors` by default).

Trust: the broker authenticates publishers (in production its ACL lets each device's
credentials publish only on its own topic). The platform then checks that the topic's
device is registered and active, that the payload is that device's and of the topic's
type — so a device the broker let in cannot write as another.

Two threads, one door to the database: paho's network thread only puts messages on a
queue; the thread that calls `process` (the `tinhso sensors listen` command, or a test)
stores them through `actions.receive`. So the network thread never holds a database
connection, and a test reads what was stored inside its own transaction.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import uuid
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
    """Subscribes to every sensor topic under `prefix` and stores what arrives."""

    def __init__(self, broker: Broker, prefix: str | None = None):
        self.broker = broker
        self.prefix = (prefix or settings.TINHSO_MQTT_TOPIC_PREFIX).rstrip("/")
        self.inbox: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self.subscribed = threading.Event()
        self.client = client(broker)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    # paho's thread -----------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("MQTT connection refused: %s", reason_code)
            return
        # QoS 1: the broker keeps resending until the message is acknowledged.
        client.subscribe(f"{self.prefix}/+/+", qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
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

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    # the storing thread --------------------------------------------------------------
    def process(self, timeout: float = 1.0) -> Outcome | None:
        """Store the next message (waiting up to `timeout` for one); None when none came."""
        try:
            name, body = self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None
        return self.handle(name, body)

    def handle(self, name: str, body: bytes) -> Outcome:
        levels = name[len(self.prefix) + 1 :].split("/")
        if not name.startswith(self.prefix + "/") or len(levels) != 2:
            return Outcome(name, refusal=Refusal("bad_topic", _("Unknown topic.")))
        entity_type, device_id = levels
        try:
            try:
                payload = json.loads(body)
            except ValueError:
                raise Refusal(
                    "not_json", _("The body is not JSON: send one NGSI-LD entity.")
                ) from None
            if entity_type not in MODELS or (
                isinstance(payload, dict) and payload.get("type") != entity_type
            ):
                raise Refusal(
                    "wrong_topic",
                    _("The payload's type does not match the topic's (%(type)s).")
                    % {"type": entity_type},
                )
        except Refusal as refusal:
            device = actions.device_by_id(device_id)
            log.info("refused on %s: %s", name, refusal.message)
            return Outcome(name, refusal=actions.refuse(device, refusal))
        try:
            return Outcome(name, receipt=actions.receive(payload, topic_device=device_id))
        except Refusal as refusal:
            log.info("refused on %s: %s", name, refusal.message)
            return Outcome(name, refusal=refusal)

    def run(self, stop: threading.Event) -> None:
        """Store messages until `stop` is set."""
        from django.db import close_old_connections

        while not stop.is_set():
            self.process(timeout=1.0)
            close_old_connections()


def publish(
    mqtt: paho.Client, prefix: str, device_id: str, entity: dict, qos: int = 1
) -> paho.MQTTMessageInfo:
    """Publish one entity on its device's topic."""
    return mqtt.publish(topic(prefix, entity["type"], device_id), json.dumps(entity), qos=qos)
