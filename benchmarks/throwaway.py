"""A throw-away installation for a benchmark: a temporary data folder and, for
PostgreSQL, a fresh database on 127.0.0.1:5432; removed afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile

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
