"""A throw-away installation for a benchmark: a temporary data folder and, for
PostgreSQL, a fresh database on 127.0.0.1:5432; removed afterwards."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import urllib.request

SERVER = "postgresql://postgres@127.0.0.1:5432"


def installation(prefix: str, database: str) -> dict[str, str]:
    """The environment variables of a new installation (`database`: sqlite or postgres)."""
    env = {"TINHSO_DATA_DIR": tempfile.mkdtemp(prefix=f"tinhso-{prefix}-")}
    if database == "postgres":
        import psycopg

        name = f"tinhso_{prefix}_{os.getpid()}"
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    return env


def remove(env: dict[str, str]) -> None:
    shutil.rmtree(env["TINHSO_DATA_DIR"], ignore_errors=True)
    if env.get("DATABASE_URL"):
        import psycopg

        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def get_json(url: str) -> tuple[float, dict]:
    """(milliseconds, decoded body) of one GET to a server the benchmark started."""
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - our own servers
        body = json.loads(response.read())
    return (time.perf_counter() - start) * 1000, body


def wait_for(url: str, seconds: float = 120) -> None:
    """Until `url` answers (a server starting), or give up after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()  # noqa: S310
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def stop(*processes) -> None:
    """Terminate the server processes that were started (None: not started) and wait."""
    for process in processes:
        if process is not None:
            process.terminate()
            process.wait()
