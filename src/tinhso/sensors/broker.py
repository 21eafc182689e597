"""The embedded MQTT broker, for an installation without one (`TINHSO_MQTT_URL` empty):
amqtt, in a thread of the process that listens, on 127.0.0.1 only.

It is the development and demo default, like SQLite: anonymous, so anything on the
machine can publish. A province that connects real devices runs Mosquitto (or EMQX) with
per-device credentials and topic ACLs and sets `TINHSO_MQTT_URL` (docs/sensors.md).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass


@dataclass
class EmbeddedBroker:
    """A running embedded broker; `stop()` shuts it down and ends its thread."""

    port: int
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    broker: object

    def stop(self, timeout: float = 10.0) -> None:
        future = asyncio.run_coroutine_threadsafe(self.broker.shutdown(), self.loop)  # type: ignore[attr-defined]
        try:
            future.result(timeout)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout)


def start_embedded_broker(port: int, host: str = "127.0.0.1", timeout: float = 10.0):
    """Start amqtt on `host:port` in a background thread; returns once it accepts
    connections (or raises)."""
    from amqtt.broker import Broker

    config = {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {
            "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
        },
    }
    loop = asyncio.new_event_loop()
    started: dict[str, object] = {}
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            broker = Broker(config, loop=loop)
            loop.run_until_complete(broker.start())
            started["broker"] = broker
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            started["error"] = exc
            ready.set()
            return
        ready.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=serve, name=f"mqtt-broker-{port}", daemon=True)
    thread.start()
    if not ready.wait(timeout):
        raise ConnectionError(f"the embedded MQTT broker did not start in {timeout}s")
    if "error" in started:
        raise ConnectionError(f"the embedded MQTT broker could not start: {started['error']}")
    return EmbeddedBroker(port, loop, thread, started["broker"])
