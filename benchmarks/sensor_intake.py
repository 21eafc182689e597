"""Sensor intake over MQTT: readings stored per second, none lost, and how late.

    python benchmarks/sensor_intake.py [--broker mosquitto|embedded] [--database sqlite|postgres]
                                       [--rate 5000] [--seconds 60] [--devices 200]
                                       [--values 3] [--baseline-seconds 20]

Goal: 5,000 readings a second sustained for 60 s from 200 devices on this machine, 0 lost
(count in = count stored, read from the database), p99 publish → stored under 1 s.

Builds a throw-away installation (demo province) in a temporary data folder (and, for
PostgreSQL, a fresh database on 127.0.0.1:5432) and registers `--devices` air-quality
devices. Publisher processes then hold one MQTT connection per device and publish, QoS 1,
`--rate` readings a second in all (each an `AirQualityObserved` entity with `--values`
measured values, on its device's topic, its `dateObserved` the moment it is published).
The devices write MQTT 3.1.1 packets on their sockets themselves, so that simulating them
takes little of the machine the platform runs on (through paho they took more than a
core at 5,000 a second).

- Baseline, in the same run: a bare paho subscriber that only counts what arrives from
  the same broker at the same rate — the most any subscriber could take.
- The product: `mqtt.Listener.run`, the code `tinhso sensors listen` (and `tinhso run`)
  runs, storing into the database; each reading's latency runs from its publication to
  the commit of the batch that stored it. `--listeners N` runs N of them in one shared
  subscription, as `tinhso sensors listen --workers N` does.

`--broker mosquitto` is the broker at 127.0.0.1:1883; `embedded` is the platform's amqtt,
started in the subscriber's process as `tinhso sensors listen` starts it. Mosquitto drops
QoS 1 messages for a subscriber more than `max_queued_messages` (1,000 by default) behind;
with `--max-queued N` the benchmark starts a Mosquitto of its own on a free port with that
limit instead of using the one on 1883 (docs/sensors.md recommends it). Each process's
CPU time over the run is printed (Mosquitto's read from /proc). The machine is shared:
the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import multiprocessing as mp
import os
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import throwaway

ROOT = Path(__file__).resolve().parents[1]
TINHSO = [sys.executable, "-m", "tinhso.cli"]
PREFIX = "bench/sensors"
MOSQUITTO = ("127.0.0.1", 1883)
IDLE = 15.0  # seconds without a message, once publishing ended, before a subscriber gives up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def device_ids(count: int) -> list[str]:
    return [f"bench-{i:04d}" for i in range(count)]


def prepare(database: str, devices: int) -> dict[str, str]:
    env = {**os.environ, "TINHSO_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    env.update(throwaway.installation("sensors", database))
    subprocess.run([*TINHSO, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*TINHSO, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [
            *TINHSO,
            "shell",
            "-c",
            "from tinhso.core.actors import Actor;from tinhso.agencies.models import Agency;"
            "from tinhso.sensors import actions;owner=Agency.objects.order_by('pk').first()\n"
            f"for i in {device_ids(devices)!r}:\n"
            "    actions.register_device(Actor.system('benchmark'), actions.DeviceDraft("
            "device_id=i, kind='air_quality', name=i, lat=10.5, lon=106.4, owner=owner))",
        ],
        env=env,
        check=True,
    )
    return env


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of another process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def private_mosquitto(port: int, max_queued: int, folder: Path) -> subprocess.Popen:
    conf = folder / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        f"max_queued_messages {max_queued}\n"
    )
    broker = subprocess.Popen(["mosquitto", "-c", str(conf)], stderr=subprocess.DEVNULL)  # noqa: S607
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return broker
        except OSError:
            time.sleep(0.1)
    broker.terminate()
    raise SystemExit("the private Mosquitto did not start")


def mosquitto_pid() -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "mosquitto":
                    return int(entry.name)
            except OSError:
                continue
    return None


# publishers ------------------------------------------------------------------------------


def _varint(n: int) -> bytes:
    """MQTT's remaining length: 7 bits a byte, low first."""
    out = bytearray()
    while True:
        n, digit = divmod(n, 128)
        out.append(digit | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(text: str) -> bytes:
    raw = text.encode()
    return len(raw).to_bytes(2, "big") + raw


def _connect(host: str, port: int, client_id: str) -> socket.socket:
    """An MQTT 3.1.1 connection (clean session, no keep-alive), once the broker accepted it."""
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    body = _string("MQTT") + bytes([4, 0x02, 0, 0]) + _string(client_id)
    sock.sendall(b"\x10" + _varint(len(body)) + body)
    answer = sock.recv(4)
    if answer[:1] != b"\x20" or answer[3:4] != b"\x00":
        raise SystemExit(f"the broker refused {client_id}: {answer!r}")
    return sock


def publisher(job: tuple) -> dict:
    """Publish for a share of the devices, paced to `rate` messages a second in all.

    The devices are simulated by writing MQTT 3.1.1 packets on their sockets directly (a
    PUBLISH at QoS 1 each, the broker's PUBACKs counted as they come back): a device costs
    the machine next to nothing, as real ones, elsewhere, would. Through paho the two
    publisher processes took more than one of the machine's two cores at 5,000 a second,
    CPU the platform then did not have."""
    host, port, ids, rate, seconds, values, start_at = job
    names = ("pm25", "pm10", "temperature")[:values]
    sockets = [_connect(host, port, f"{device_id}-{os.getpid()}") for device_id in ids]
    topics = [_string(f"{PREFIX}/AirQualityObserved/{device_id}") for device_id in ids]
    ack_bytes = [0] * len(ids)  # a PUBACK is 4 bytes; nothing else comes back
    selector = selectors.DefaultSelector()
    for n, sock in enumerate(sockets):
        selector.register(sock, selectors.EVENT_READ, n)

    def read_acks(timeout: float) -> None:
        for key, _events in selector.select(timeout):
            ack_bytes[key.data] += len(key.fileobj.recv(65536))

    while time.time() < start_at:
        time.sleep(0.01)
    cpu = cpu_seconds()
    sent = 0
    began = time.time()
    end = began + seconds
    while True:
        now = time.time()
        if now >= end:
            break
        due = int((now - began) * rate) - sent
        for _ in range(max(due, 0)):
            n = sent % len(ids)
            moment = time.time()
            measured = ", ".join(f'"{name}": {10.0 + (sent % 50)}' for name in names)
            body = (
                f'{{"type": "AirQualityObserved", "refDevice": "{ids[n]}", "dateObserved": '
                f'"{dt.datetime.fromtimestamp(moment, dt.UTC).isoformat()}", {measured}}}'
            ).encode()
            packet_id = (sent // len(ids)) % 65535 + 1
            rest = topics[n] + packet_id.to_bytes(2, "big") + body
            sockets[n].sendall(b"\x32" + _varint(len(rest)) + rest)
            sent += 1
        read_acks(0.005)
    elapsed = time.time() - began
    deadline = time.time() + 60
    while sum(ack_bytes) // 4 < sent and time.time() < deadline:
        read_acks(0.05)
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.sendall(b"\xe0\x00")  # DISCONNECT
        sock.close()
    return {
        "sent": sent,
        "acked": sum(ack_bytes) // 4,
        "began": began,
        "elapsed": elapsed,
        "cpu": cpu_seconds() - cpu,
    }


def publish(host: str, port: int, args: argparse.Namespace, seconds: float) -> dict:
    ids = device_ids(args.devices)
    processes = max(1, min(args.publishers, len(ids)))
    start_at = time.time() + 5 + len(ids) * 0.01  # time to connect every device
    jobs = [
        (host, port, ids[p::processes], args.rate / processes, seconds, args.values, start_at)
        for p in range(processes)
    ]
    with mp.get_context("spawn").Pool(processes) as pool:
        results = pool.map(publisher, jobs)
    return {
        "sent": sum(r["sent"] for r in results),
        "acked": sum(r["acked"] for r in results),
        "began": min(r["began"] for r in results),
        "elapsed": max(r["elapsed"] for r in results),
        "cpu_pub": sum(r["cpu"] for r in results),
    }


# subscribers -----------------------------------------------------------------------------


def watch(stop: threading.Event, done, expected, count, last) -> None:
    """Stop once publishing ended and every published message came, or nothing came for
    IDLE seconds."""
    while not stop.wait(0.2):
        if done.is_set() and (count() >= expected.value or time.time() - last() > IDLE):
            stop.set()


def host_embedded(broker: str, port: int):
    if broker != "embedded":
        return None
    from tinhso.sensors.broker import start_embedded_broker

    return start_embedded_broker(port)


def bare_subscriber(env, broker, port, ready, done, expected, out) -> None:
    """The baseline: count what arrives; read the publication times after the run."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"
    import paho.mqtt.client as paho

    embedded = host_embedded(broker, port)
    arrived: list[tuple[float, bytes]] = []
    subscribed = threading.Event()
    made = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bare-{os.getpid()}")
    made.on_connect = lambda c, *a: c.subscribe(f"{PREFIX}/+/+", qos=1)
    made.on_subscribe = lambda *a: subscribed.set()
    made.on_message = lambda c, u, m: arrived.append((time.time(), m.payload))
    made.connect("127.0.0.1", port, keepalive=30)
    made.loop_start()
    subscribed.wait(10)
    cpu = cpu_seconds()
    ready.set()
    stop = threading.Event()
    watch(
        stop,
        done,
        expected,
        lambda: len(arrived),
        lambda: arrived[-1][0] if arrived else time.time(),
    )
    used = cpu_seconds() - cpu
    made.disconnect()
    made.loop_stop()
    if embedded is not None:
        embedded.stop()
    latencies = [
        at - dt.datetime.fromisoformat(json.loads(body)["dateObserved"]).timestamp()
        for at, body in arrived
    ]
    out.put(
        {
            "received": len(arrived),
            "stored": None,
            "finished": arrived[-1][0] if arrived else time.time(),
            "latencies": latencies,
            "cpu": used,
        }
    )


def product_listener(
    env, broker, port, ready, done, expected, out, batch_size, batch_ms, share, total
) -> None:
    """The product: `mqtt.Listener.run`, storing into the database (one of the `--listeners`
    processes of a shared subscription when `share` is set)."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tinhso.settings"
    import django

    django.setup()
    from tinhso.sensors import mqtt
    from tinhso.sensors.models import Observation

    embedded = host_embedded(broker, port)
    listener = mqtt.Listener(
        mqtt.Broker("127.0.0.1", port),
        PREFIX,
        batch_size=batch_size,
        batch_wait=None if batch_ms is None else batch_ms / 1000,
        share=share,
    )
    listener.start()
    latencies: list[float] = []
    state = {"handled": 0, "refused": 0, "last": time.time(), "batches": 0}

    def on_batch(outcomes) -> None:
        committed = time.time()
        state["handled"] += len(outcomes)
        with total.get_lock():
            total.value += len(outcomes)
        state["last"] = committed
        state["batches"] += 1
        for outcome in outcomes:
            if outcome.receipt is not None:
                latencies.append(committed - outcome.receipt.reading.observed_at.timestamp())
            else:
                state["refused"] += 1

    cpu = cpu_seconds()
    ready.set()
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch,
        args=(stop, done, expected, lambda: total.value, lambda: state["last"]),
        daemon=True,
    )
    watcher.start()
    listener.run(stop, on_batch=on_batch)
    used = cpu_seconds() - cpu
    listener.stop()
    if embedded is not None:
        embedded.stop()
    stored = (
        Observation.objects.filter(device__device_id__startswith="bench-")
        .values("device_id", "observed_at")
        .distinct()
        .count()
    )
    out.put(
        {
            "received": state["handled"],
            "refused": state["refused"],
            "batches": state["batches"],
            "stored": stored,
            "finished": state["last"],
            "latencies": latencies,
            "cpu": used,
        }
    )


def summary(latencies: list[float]) -> dict:
    if not latencies:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": float("nan")}
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))]

    return {
        "p50": statistics.median(ordered),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": ordered[-1],
    }


def measure(target, env, args, port: int, seconds: float, *extra, processes: int = 1) -> dict:
    """Run `processes` subscribers (each `target`) while the devices publish for
    `seconds`; their figures added up."""
    ctx = mp.get_context("spawn")
    ready, done, out = [ctx.Event() for _ in range(processes)], ctx.Event(), ctx.Queue()
    expected, total = ctx.Value("q", 0), ctx.Value("q", 0)
    more = (*extra, total) if extra else ()
    subscribers = [
        ctx.Process(
            target=target, args=(env, args.broker, port, ready[n], done, expected, out, *more)
        )
        for n in range(processes)
    ]
    for subscriber in subscribers:
        subscriber.start()
    if not all(event.wait(120) for event in ready):
        for subscriber in subscribers:
            subscriber.terminate()
        raise SystemExit("a subscriber did not start")
    broker_pid = (args.broker_pid or mosquitto_pid()) if args.broker == "mosquitto" else None
    broker_cpu = process_cpu(broker_pid) if broker_pid else None
    published = publish("127.0.0.1", port, args, seconds)
    if broker_pid and broker_cpu is not None:
        published["broker_cpu"] = process_cpu(broker_pid) - broker_cpu
    expected.value = published["acked"]
    done.set()
    results = [out.get() for _ in subscribers]
    for subscriber in subscribers:
        subscriber.join()
    merged = {
        "received": sum(r["received"] for r in results),
        "stored": max((r["stored"] for r in results), key=lambda n: n or 0),
        "finished": max(r["finished"] for r in results),
        "latencies": summary([x for r in results for x in r["latencies"]]),
        "cpu": sum(r["cpu"] for r in results),
        "shares": [r["received"] for r in results],
    }
    for key in ("refused", "batches"):
        if key in results[0]:
            merged[key] = sum(r[key] for r in results)
    return {**published, **merged}


def show(label: str, r: dict) -> None:
    lat = r["latencies"]
    counted = r["stored"] if r["stored"] is not None else r["received"]
    # From the first publication to the last message received (or batch committed).
    took = r["finished"] - r["began"]
    print(
        f"  {label:<30} published {r['acked']:>8,} (sent {r['sent']:,})  "
        f"{'stored' if r['stored'] is not None else 'received'} {counted:>8,}  "
        f"lost {r['acked'] - counted:>6,}"
    )
    print(
        f"  {'':<30} published at {r['acked'] / r['elapsed']:,.0f}/s for {r['elapsed']:.0f} s; "
        f"{'stored' if r['stored'] is not None else 'received'} at {counted / took:,.0f}/s, "
        f"the last {took - r['elapsed']:.1f} s after publishing ended"
    )
    print(
        f"  {'':<30} publish → {'stored' if r['stored'] is not None else 'received'}: "
        f"p50 {lat['p50'] * 1000:7.1f} ms  p95 {lat['p95'] * 1000:7.1f} ms  "
        f"p99 {lat['p99'] * 1000:7.1f} ms  max {lat['max'] * 1000:7.1f} ms"
    )
    cpu = (
        f"CPU seconds: subscriber {r['cpu']:.0f} ({r['cpu'] / max(counted, 1) * 1e6:.0f} µs a "
        f"message), publishers {r['cpu_pub']:.1f}"
    )
    if r.get("broker_cpu") is not None:
        cpu += f", Mosquitto {r['broker_cpu']:.0f}"
    if r.get("batches"):
        cpu += f"; {r['batches']:,} batches, {r['received'] / r['batches']:.0f} messages each"
    print(f"  {'':<30} {cpu}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", choices=["mosquitto", "embedded"], default="mosquitto")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rate", type=float, default=5000, help="readings a second in all")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--values", type=int, default=3, choices=[1, 2, 3])
    parser.add_argument("--publishers", type=int, default=2, help="publisher processes")
    parser.add_argument(
        "--listeners",
        type=int,
        default=1,
        help="listener processes sharing the stream ($share/…, as tinhso sensors listen "
        "--workers N runs them)",
    )
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument(
        "--max-queued", type=int, help="run a Mosquitto of our own with this max_queued_messages"
    )
    # Without these, the settings' defaults (TINHSO_MQTT_BATCH_SIZE, TINHSO_MQTT_BATCH_MS).
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--batch-ms", type=int)
    args = parser.parse_args()

    env = prepare(args.database, args.devices)
    load_before = os.getloadavg()
    print(
        f"{args.broker} broker, {args.database}: {args.devices} devices, {args.rate:,.0f} "
        f"readings/s ({args.values} values each) for {args.seconds:.0f} s, "
        f"{args.publishers} publisher processes, {os.cpu_count()} cores shared with them; "
        f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}"
    )
    port = MOSQUITTO[1] if args.broker == "mosquitto" else free_port()
    private = None
    if args.broker == "mosquitto" and args.max_queued is not None:
        port = free_port()
        private = private_mosquitto(port, args.max_queued, Path(env["TINHSO_DATA_DIR"]))
        print(f"  a Mosquitto of its own on port {port}, max_queued_messages {args.max_queued}")
    args.broker_pid = private.pid if private is not None else None
    try:
        baseline = measure(bare_subscriber, env, args, port, args.baseline_seconds)
        product = measure(
            product_listener,
            env,
            args,
            port,
            args.seconds,
            args.batch_size,
            args.batch_ms,
            "tinhso-bench" if args.listeners > 1 else None,
            processes=args.listeners,
        )
    finally:
        if private is not None:
            private.terminate()
            private.wait()
        throwaway.remove(env)
    show(f"baseline: bare subscriber ({args.baseline_seconds:.0f} s)", baseline)
    label = "tinhso listener" if args.listeners == 1 else f"{args.listeners} tinhso listeners"
    show(f"{label} → {args.database}", product)
    if args.listeners > 1:
        print(f"  {'':<30} messages each listener handled: {product['shares']}")
    base_rate = baseline["received"] / (baseline["finished"] - baseline["began"])
    rate = product["stored"] / (product["finished"] - product["began"])
    print(f"  stored per second / bare subscriber's received per second: {rate / base_rate:.2f}")
    load_after = os.getloadavg()
    print(f"  load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")


if __name__ == "__main__":
    main()
