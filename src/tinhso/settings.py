"""Django settings. Every value an operator may change comes from `tinhso.core.conf`."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _
from xstatic.pkg import leaflet as xstatic_leaflet

from tinhso.core import conf

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(conf.value("TINHSO_DATA_DIR")).expanduser().resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    configured = conf.value("TINHSO_SECRET_KEY")
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = conf.value("TINHSO_DEBUG")
ALLOWED_HOSTS = conf.value("TINHSO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = conf.value("TINHSO_CSRF_TRUSTED_ORIGINS")
# `tinhso demo --province` records its choice in the data folder; the environment wins.
_province_file = DATA_DIR / "province"
if "TINHSO_PROVINCE" not in os.environ and _province_file.exists():
    TINHSO_PROVINCE = _province_file.read_text().strip()
else:
    TINHSO_PROVINCE = conf.value("TINHSO_PROVINCE")
TINHSO_BASEMAP = conf.value("TINHSO_BASEMAP")
TINHSO_TILE_URL = conf.value("TINHSO_TILE_URL")
TINHSO_VN2000_CRS = conf.value("TINHSO_VN2000_CRS")
TINHSO_API_ANON_PER_MINUTE = conf.value("TINHSO_API_ANON_PER_MINUTE")
TINHSO_SITE_URL = conf.value("TINHSO_SITE_URL")
TINHSO_TASK_LOG_LEVEL = conf.value("TINHSO_TASK_LOG_LEVEL")
TINHSO_SQL_MEMORY = conf.value("TINHSO_SQL_MEMORY")
TINHSO_SQL_THREADS = conf.value("TINHSO_SQL_THREADS")
TINHSO_PULL_HOSTS = conf.value("TINHSO_PULL_HOSTS")
TINHSO_PULL_MAX_MB = conf.value("TINHSO_PULL_MAX_MB")
TINHSO_MQTT_URL = conf.value("TINHSO_MQTT_URL")
TINHSO_MQTT_EMBEDDED_PORT = conf.value("TINHSO_MQTT_EMBEDDED_PORT")
TINHSO_MQTT_TOPIC_PREFIX = conf.value("TINHSO_MQTT_TOPIC_PREFIX")
TINHSO_MQTT_BATCH_SIZE = conf.value("TINHSO_MQTT_BATCH_SIZE")
TINHSO_MQTT_BATCH_MS = conf.value("TINHSO_MQTT_BATCH_MS")
TINHSO_MQTT_DEVICE_CACHE_SECONDS = conf.value("TINHSO_MQTT_DEVICE_CACHE_SECONDS")
TINHSO_MQTT_LISTENERS = conf.value("TINHSO_MQTT_LISTENERS")
TINHSO_SENSOR_RETENTION_DAYS = conf.value("TINHSO_SENSOR_RETENTION_DAYS")
TINHSO_SENSOR_ARCHIVE_GRACE_DAYS = conf.value("TINHSO_SENSOR_ARCHIVE_GRACE_DAYS")
TINHSO_ROADMAP_REMINDER_DAYS = conf.value("TINHSO_ROADMAP_REMINDER_DAYS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # ninja in INSTALLED_APPS serves the OpenAPI page's assets locally, not from a CDN.
    "ninja",
    "tinhso.site.apps.SignInAttemptsConfig",  # axes, named for the admin
    "django_tasks",
    "tinhso.site.apps.TaskQueueConfig",  # django_tasks_db, named for the admin
    "tinhso.core",
    "tinhso.units",
    "tinhso.agencies",
    "tinhso.feedback",
    "tinhso.textengine",
    "tinhso.warehouse",
    "tinhso.sensors",
    "tinhso.ioc",
    "tinhso.portal",
    "tinhso.dti",
    "tinhso.roadmap",
    "tinhso.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "tinhso.core.middleware.AccessDeniedMiddleware",
]

ROOT_URLCONF = "tinhso.site.urls"
WSGI_APPLICATION = "tinhso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The page shell (base.html, errors, sign-in) overrides the admin's own templates.
        "DIRS": [PACKAGE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tinhso.site.context.shell",
            ],
        },
    },
]

# --- databases -------------------------------------------------------------------------

_database_url = conf.value("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend with writers queued on a file lock (see the module).
            "ENGINE": "tinhso.core.sqlite_backend",
            "NAME": DATA_DIR / "tinhso.sqlite3",
            # Keep each thread's connection: opening one per request costs more than the
            # request. (WAL mode itself is set once per file, see core/apps.py.)
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE transactions take the write lock at BEGIN, so concurrent
                # writers queue on busy_timeout instead of failing on lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Shared by the machine's web processes: public rate-limit counters.
    "throttle": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": DATA_DIR / "cache" / "throttle",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- authentication --------------------------------------------------------------------

AUTH_USER_MODEL = "agencies.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "work"  # each role lands on its work (site/views.py)
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = conf.value("TINHSO_LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = conf.value("TINHSO_LOGIN_COOLOFF_MINUTES") / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

# --- internationalisation --------------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
FORMAT_MODULE_PATH = ["tinhso.formats"]  # Vietnamese numbers grouped by thousands
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- static files ----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    # Leaflet comes from its PyPI packaging (XStatic-Leaflet); nothing is committed.
    ("vendor/leaflet", xstatic_leaflet.BASE_DIR),
]
# Plotly.js from the `plotly` wheel: only this file of its package_data is served.
TINHSO_PACKAGE_STATIC = {
    "vendor/plotly/plotly.min.js": ("plotly", "package_data/plotly.min.js"),
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "tinhso.core.staticfiles.PackageFileFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Serve straight from the finders in debug and test runs, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- security --------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = conf.value("TINHSO_SESSION_HOURS") * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if conf.value("TINHSO_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = conf.value("TINHSO_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- mail ------------------------------------------------------------------------------


def _email_settings(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    if parts.scheme in {"", "console"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"}:
        raise SystemExit(f"TINHSO_EMAIL_URL: unknown scheme {parts.scheme!r}")
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("starttls", ["0"])[0] in {"1", "true"},
    }


globals().update(_email_settings(conf.value("TINHSO_EMAIL_URL")))
DEFAULT_FROM_EMAIL = conf.value("TINHSO_DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- logging ---------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "tinhso": {"handlers": ["console"], "level": conf.value("TINHSO_LOG_LEVEL")},
        "django_tasks_db": {"handlers": ["console"], "level": TINHSO_TASK_LOG_LEVEL},
    },
}

NINJA_PAGINATION_PER_PAGE = 100
