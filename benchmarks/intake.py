"""Report intake under load, and crash safety.

    python benchmarks/intake.py [--database sqlite|postgres] [--clients 50] [--seconds 60]
                                [--rate 200] [--pin] [--kill]

Builds a throw-away installation (demo province) in a temporary data folder (and, for
PostgreSQL, a fresh database on 127.0.0.1:5432), starts `tinhso serve` (gunicorn) and
drives `POST /api/feedback/reports` with `--clients` concurrent keep-alive clients, each
request with its own Idempotency-Key. Printed beside it, as the baseline measured in the
same run: the same clients on `GET /healthz` (the server's floor without a write).

With `--rate R` the clients are paced (an open loop): R requests a second in all, each
client on its own fixed schedule, and each latency runs from the moment its request was
due — a server that falls behind shows it in the latency instead of slowing the clients
down. With `--pin` the server (every gunicorn process) runs on the second core and the
clients on the first, so that neither takes the other's CPU (PostgreSQL's own server is
a system service and is not pinned).

With `--kill`, the server's whole process group is killed with SIGKILL halfway through;
clients retry what failed with the same Idempotency-Key while it restarts, and at the end
every report that got a success answer is looked up in the database: the number missing
must be 0.

The public rate limit is switched off for the run (TINHSO_API_ANON_PER_MINUTE=0).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import throwaway

ROOT = Path(__file__).resolve().parents[1]
TINHSO = [sys.executable, "-m", "tinhso.cli"]
TEXTS = [
    "Mặt đường có ổ gà lớn, trời mưa đọng nước rất nguy hiểm.",
    "Rác thải tập kết bên đường lâu ngày bốc mùi hôi thối.",
    "Đèn đường không sáng hơn một tuần, buổi tối rất tối.",
    "Quán cà phê lấn chiếm vỉa hè, người đi bộ phải xuống lòng đường.",
    "Cống thoát nước bị nghẹt, mưa xuống là ngập nước.",
    "Nhóm thanh niên tụ tập đua xe gây rối lúc nửa đêm.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(database: str) -> dict[str, str]:
    env = {
        **os.environ,
        "TINHSO_API_ANON_PER_MINUTE": "0",
        "TINHSO_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    env.update(throwaway.installation("intake", database))
    subprocess.run([*TINHSO, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*TINHSO, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


SERVER_CORE, CLIENT_CORE = 1, 0


def start_server(
    env: dict[str, str], port: int, workers: int | None, threads: int | None, pin: bool = False
) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            *TINHSO,
            "serve",
            "--port",
            str(port),
            *(["--workers", str(workers)] if workers else []),
            *(["--threads", str(threads)] if threads else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, {SERVER_CORE})) if pin else None,  # noqa: PLW1509
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            con.request("GET", "/healthz")
            if con.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def communes(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [
            *TINHSO,
            "shell",
            "-c",
            "from tinhso.units.models import Commune;from django.conf import settings;"
            "print(','.join(Commune.objects.filter(province__code=settings.TINHSO_PROVINCE)"
            ".values_list('code', flat=True)))",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1].split(",")


def client(args: tuple) -> dict:
    """One client: keep-alive requests until `until`; retries a failed write with the
    same Idempotency-Key."""
    port, until, kind, commune_codes, seed, interval = args
    rng = random.Random(seed)
    due = time.perf_counter() + (interval or 0) * rng.random()  # spread the clients' starts
    latencies: list[float] = []
    acknowledged: list[str] = []
    errors = 0
    con = None
    pending = None
    scheduled: dict[str, float] = {}
    while time.time() < until or pending is not None:
        if pending is None:
            body = json.dumps({"text": rng.choice(TEXTS), "commune": rng.choice(commune_codes)})
            pending = (str(uuid.uuid4()), body)
        if interval and pending[0] not in scheduled:
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            scheduled[pending[0]] = due  # a retried request keeps its first due time
            due += interval
        try:
            if con is None:
                con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            start = scheduled.get(pending[0]) or time.perf_counter()
            if kind == "write":
                con.request(
                    "POST",
                    "/api/feedback/reports",
                    body=pending[1],
                    headers={"Content-Type": "application/json", "Idempotency-Key": pending[0]},
                )
            else:
                con.request("GET", "/healthz")
            response = con.getresponse()
            payload = response.read()
            if response.status in (200, 201):
                latencies.append(time.perf_counter() - start)
                if kind == "write":
                    acknowledged.append(json.loads(payload)["code"])
                pending = None
            elif response.status < 500:
                errors += 1  # refused: retrying the same request would not help
                pending = None
            else:
                errors += 1
                time.sleep(0.05)
        except (OSError, http.client.HTTPException):
            errors += 1
            con = None
            time.sleep(0.1)
            if time.time() > until + 60:  # give up on a server that never came back
                break
    return {"latencies": latencies, "acknowledged": acknowledged, "errors": errors}


def load(
    port: int,
    clients: int,
    seconds: float,
    kind: str,
    commune_codes: list[str],
    on_half=None,
    rate: float | None = None,
) -> dict:
    until = time.time() + seconds
    processes = min(clients, max(2, os.cpu_count() or 2) * 2)
    per = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    interval = clients / rate if rate else None
    jobs = [
        (port, until, kind, commune_codes, i * 1000 + k, interval)
        for i, n in enumerate(per)
        for k in range(n)
    ]
    started = time.time()
    with mp.Pool(len(jobs)) as pool:
        result = pool.map_async(client, jobs, chunksize=1)
        if on_half is not None:
            time.sleep(seconds / 2)
            on_half()
        results = result.get()
    elapsed = time.time() - started
    latencies = sorted(x for r in results for x in r["latencies"])
    return {
        "count": len(latencies),
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan"),
        "errors": sum(r["errors"] for r in results),
        "acknowledged": [c for r in results for c in r["acknowledged"]],
    }


def missing(env: dict[str, str], codes: list[str]) -> int:
    path = Path(env["TINHSO_DATA_DIR"]) / "acknowledged.json"
    path.write_text(json.dumps(codes))
    out = subprocess.run(
        [
            *TINHSO,
            "shell",
            "-c",
            "import json;from tinhso.feedback.models import Report;"
            f"codes=set(json.load(open({str(path)!r})));"
            "found=set(Report.objects.filter(code__in=codes).values_list('code', flat=True));"
            "print(len(codes - found))",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def show(label: str, r: dict) -> None:
    print(
        f"  {label:<28} {r['count']:>7,} ok in the run  {r['rate']:>8.1f}/s   "
        f"p50 {r['p50']:6.1f} ms   p99 {r['p99']:7.1f} ms   errors {r['errors']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    # Without these, `tinhso serve`'s defaults for the database.
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--kill", action="store_true")
    parser.add_argument("--rate", type=float, help="requests a second in all (paced clients)")
    parser.add_argument(
        "--pin", action="store_true", help="server on one core, clients on the other"
    )
    args = parser.parse_args()

    env = prepare(args.database)
    port = free_port()
    server = start_server(env, port, args.workers, args.threads, args.pin)
    if args.pin:
        os.sched_setaffinity(0, {CLIENT_CORE})  # the client processes inherit it
    codes = communes(env)
    print(
        f"{args.database}: {args.clients} clients, {args.seconds:.0f} s, gunicorn "
        f"{args.workers or 'default'} workers × {args.threads or 'default'} threads, "
        + (
            f"server pinned to core {SERVER_CORE}, clients to core {CLIENT_CORE}"
            if args.pin
            else f"{os.cpu_count()} cores shared with the clients"
        )
        + (f"; paced at {args.rate:,.0f} requests/s" if args.rate else "; closed loop")
    )
    state = {"server": server}
    try:
        baseline = load(port, args.clients, min(10, args.seconds), "read", codes, rate=args.rate)
        show("baseline GET /healthz", baseline)

        def kill_and_restart():
            os.killpg(state["server"].pid, signal.SIGKILL)
            state["server"].wait()
            print("  … server killed with SIGKILL; restarting")
            state["server"] = start_server(env, port, args.workers, args.threads, args.pin)

        result = load(
            port,
            args.clients,
            args.seconds,
            "write",
            codes,
            on_half=kill_and_restart if args.kill else None,
            rate=args.rate,
        )
        show("POST /api/feedback/reports", result)
        print(
            f"  writes per second / baseline reads per second: "
            f"{result['rate'] / baseline['rate']:.2f}"
        )
        lost = missing(env, result["acknowledged"])
        print(
            f"  acknowledged reports: {len(result['acknowledged']):,}; missing from the "
            f"database: {lost}"
        )
        if args.kill and lost:
            raise SystemExit("reports were lost")
    finally:
        os.killpg(state["server"].pid, signal.SIGTERM)
        state["server"].wait()
        cleanup(env)


def cleanup(env: dict[str, str]) -> None:
    """Remove the throw-away data folder and database."""
    time.sleep(1)  # let the server's processes exit
    throwaway.remove(env)


if __name__ == "__main__":
    main()
