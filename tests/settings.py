"""Test settings: the platform's settings, with static files served from the finders (no
collectstatic run before tests)."""

from tinhso.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The suite makes many anonymous calls from one address; the limit's own test lowers it.
TINHSO_API_ANON_PER_MINUTE = 100_000
