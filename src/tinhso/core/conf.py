"""Deployment settings, declared once.

Every setting an operator can give through the environment is declared here with its
default, its cast and a help text. `settings.py` reads them through `value()`;
`docs/configuration.md` lists them, and a test fails when one is missing there.

Operator settings that staff change at run time (holidays, deadlines, thresholds) live in
the database and are edited in the admin, not here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {raw!r} (use true or false)")


def _list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, default (as the environment would spell it),
    cast and help text."""

    name: str
    default: str | None
    help: str
    cast: Callable[[str], Any] = str

    def read(self) -> Any:
        raw = os.environ.get(self.name, self.default)
        if raw is None:
            return None
        try:
            return self.cast(raw)
        except ValueError as exc:
            raise SystemExit(f"Invalid value for {self.name}: {exc}") from exc


SETTINGS: list[Setting] = [
    Setting(
        "TINHSO_DATA_DIR",
        "./var",
        "Folder holding the embedded SQLite database, the DuckDB warehouse, uploads, the "
        "generated secret key, the demo credentials, classifier models and the public "
        "rate-limit counters. Created when missing.",
    ),
    Setting(
        "DATABASE_URL",
        None,
        "Operational database URL (e.g. `postgres://user@host:5432/tinhso`). Empty: a "
        "SQLite file `tinhso.sqlite3` in the data folder, in WAL mode.",
    ),
    Setting(
        "TINHSO_SECRET_KEY",
        None,
        "Django secret key. Empty: a random key is generated once and kept in "
        "`secret_key` in the data folder. Set it explicitly when several servers share a "
        "database.",
    ),
    Setting("TINHSO_DEBUG", "false", "Django debug mode. Never true in production.", _bool),
    Setting(
        "TINHSO_ALLOWED_HOSTS",
        "127.0.0.1,localhost,[::1]",
        "Comma-separated host names this server answers to.",
        _list,
    ),
    Setting(
        "TINHSO_CSRF_TRUSTED_ORIGINS",
        "",
        "Comma-separated origins (scheme and host) trusted for form posts behind a proxy, "
        "e.g. `https://ioc.tayninh.gov.vn`.",
        _list,
    ),
    Setting(
        "TINHSO_HTTPS",
        "false",
        "The site is served over HTTPS (behind a reverse proxy that sets "
        "`X-Forwarded-Proto`): secure cookies, HSTS and redirection to HTTPS are switched on.",
        _bool,
    ),
    Setting(
        "TINHSO_HSTS_SECONDS",
        "31536000",
        "Strict-Transport-Security max-age when `TINHSO_HTTPS` is on.",
        int,
    ),
    Setting(
        "TINHSO_PROVINCE",
        "80",
        "Statistics-office code of the province this installation serves (default 80, "
        "Tây Ninh). `tinhso demo --province` overrides it for the demo.",
    ),
    Setting(
        "PORT", "8000", "Port of the web server started by `tinhso serve` and `make run`.", int
    ),
    Setting(
        "TINHSO_WEB_WORKERS",
        None,
        "Number of web server processes started by `tinhso serve`. Default: 4 on SQLite, "
        "2 on PostgreSQL (measured best on 2 cores, see docs/performance.md).",
        int,
    ),
    Setting(
        "TINHSO_WEB_THREADS",
        None,
        "Threads per web server process (gunicorn's gthread worker). Default: 1 on "
        "SQLite (writers take turns anyway), 4 on PostgreSQL.",
        int,
    ),
    Setting(
        "TINHSO_LOGIN_FAILURE_LIMIT",
        "5",
        "Failed sign-ins from one user name and address before the account is locked.",
        int,
    ),
    Setting(
        "TINHSO_LOGIN_COOLOFF_MINUTES",
        "15",
        "Minutes a locked sign-in stays locked.",
        int,
    ),
    Setting(
        "TINHSO_SESSION_HOURS",
        "10",
        "Hours a staff sign-in lasts (a working day by default); closing the browser also ends it.",
        int,
    ),
    Setting(
        "TINHSO_API_ANON_PER_MINUTE",
        "300",
        "Requests per minute one address may make to the public API without signing in "
        "(0: no limit). Counted per server process until a shared cache is configured.",
        int,
    ),
    Setting(
        "TINHSO_SITE_URL",
        "http://127.0.0.1:8000",
        "The platform's public address, as citizens and staff reach it "
        "(`https://phananh.tayninh.gov.vn`): links in e-mails, SMS and Zalo messages are "
        "built on it. Checked at start-up: an absolute http(s) address without a path.",
    ),
    Setting(
        "TINHSO_TASK_LOG_LEVEL",
        "WARNING",
        "Log level of the task worker (INFO writes a line per task run; WARNING, the "
        "default, only what went wrong).",
    ),
    Setting(
        "TINHSO_SQL_MEMORY",
        "512MB",
        "Memory one warehouse query (SQL, rows, facets, downloads) may use before DuckDB "
        "refuses it, e.g. `512MB`, `2GB`.",
    ),
    Setting(
        "TINHSO_SQL_THREADS",
        "2",
        "Threads one warehouse query may use.",
        int,
    ),
    Setting(
        "TINHSO_PULL_HOSTS",
        "",
        "Hosts warehouse datasets may pull from by URL, comma-separated (`data.example.gov.vn`, "
        "`*.lgsp.example.gov.vn`). Empty: pulls are off. Loopback, link-local and private "
        "addresses are refused unless listed here by name or address.",
        _list,
    ),
    Setting(
        "TINHSO_PULL_MAX_MB",
        "500",
        "Largest file a pull may download, in megabytes.",
        int,
    ),
    Setting(
        "TINHSO_VN2000_CRS",
        "EPSG:9209",
        "Coordinate system assumed for VN-2000 coordinates that come without one (warehouse "
        "files and X/Y columns): the province's TM-3 zone, default VN-2000 / TM-3 105°30′ "
        "(Tây Ninh). Any EPSG code pyproj knows.",
    ),
    Setting(
        "TINHSO_BASEMAP",
        "",
        "Path of the province's basemap: one `.mbtiles` or `.pmtiles` file of raster tiles "
        "(png, jpg or webp), served by the platform itself at `/tiles/{z}/{x}/{y}` to every "
        "map. Vector tiles (pbf) cannot be drawn: render raster tiles (docs/basemap.md). "
        "A system check warns when the file is missing, unreadable or of vector tiles. "
        "Empty: maps draw the commune outlines with their names.",
    ),
    Setting(
        "TINHSO_TILE_URL",
        "",
        "Optional map tile URL template of a tile server the province runs (e.g. "
        "`https://tiles.example.gov.vn/{z}/{x}/{y}.png`), used when `TINHSO_BASEMAP` is "
        "empty. Empty: maps draw only the platform's own layers, so nothing is loaded "
        "from the internet.",
    ),
    Setting(
        "TINHSO_EMAIL_URL",
        "console://",
        "Outgoing mail: `console://` prints messages, or "
        "`smtp://user:password@host:port` (`smtps://` for implicit TLS, `?starttls=1`).",
    ),
    Setting(
        "TINHSO_DEFAULT_FROM_EMAIL",
        "tinhso@localhost",
        "Sender address of messages the platform sends.",
    ),
    Setting(
        "TINHSO_LOG_LEVEL",
        "INFO",
        "Log level of the platform's own loggers (DEBUG, INFO, WARNING, ERROR).",
    ),
    Setting(
        "TINHSO_MQTT_URL",
        "",
        "MQTT broker the sensor subscriber listens to (`mqtt://user:password@host:1883`, "
        "`mqtts://` for TLS). Empty: `tinhso run` starts an embedded broker on "
        "`TINHSO_MQTT_EMBEDDED_PORT` and listens there.",
    ),
    Setting(
        "TINHSO_MQTT_EMBEDDED_PORT",
        "1884",
        "Port of the embedded MQTT broker (on 127.0.0.1) when `TINHSO_MQTT_URL` is empty.",
        int,
    ),
    Setting(
        "TINHSO_MQTT_TOPIC_PREFIX",
        "tinhso/sensors",
        "First levels of the sensor topics: devices publish to "
        "`<prefix>/<FIWARE type>/<device id>`.",
    ),
    Setting(
        "TINHSO_MQTT_BATCH_SIZE",
        "1000",
        "Most MQTT messages the sensor listener stores in one transaction.",
        int,
    ),
    Setting(
        "TINHSO_MQTT_BATCH_MS",
        "100",
        "Longest the sensor listener waits (milliseconds) for more messages before storing "
        "a batch; a lone reading is stored at most this late.",
        int,
    ),
    Setting(
        "TINHSO_MQTT_LISTENERS",
        "1",
        "Sensor listener processes sharing the MQTT stream (a shared subscription, "
        "`$share/tinhso/…`): more than one needs a broker that shares subscriptions "
        "(Mosquitto 2, EMQX), not the embedded one.",
        int,
    ),
    Setting(
        "TINHSO_MQTT_DEVICE_CACHE_SECONDS",
        "5",
        "Seconds the sensor listener trusts what it looked up about a device: a device "
        "deactivated or changed in the admin has its MQTT messages stored for at most "
        "this long after.",
        int,
    ),
    Setting(
        "TINHSO_SENSOR_RETENTION_DAYS",
        "90",
        "Days raw sensor readings are kept; older rows are deleted once folded into the "
        "hourly and daily roll-ups and archived, a whole month at a time; the roll-ups and "
        "the archive are kept. Readings older than this are refused.",
        int,
    ),
    Setting(
        "TINHSO_SENSOR_ARCHIVE_GRACE_DAYS",
        "2",
        "Days after a month ends before its raw sensor readings are written to the "
        "warehouse as Parquet (late readings still count within them).",
        int,
    ),
    Setting(
        "TINHSO_ROADMAP_REMINDER_DAYS",
        "5",
        "Days before the end of a month when the owner agency's staff are reminded, by "
        "e-mail, of each task in progress with no progress report for the month yet (one "
        "reminder a task and month). 0: no reminders.",
        int,
    ),
]

_BY_NAME = {setting.name: setting for setting in SETTINGS}


def value(name: str) -> Any:
    """The current value of a declared setting, cast."""
    return _BY_NAME[name].read()
