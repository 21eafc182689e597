"""Test settings: the platform's settings, with static files served from the finders (no
collectstatic run before tests)."""

import atexit
import shutil
import tempfile

from tinhso.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The suite makes many anonymous calls from one address; the limit's own test lowers it.
TINHSO_API_ANON_PER_MINUTE = 100_000

# Rate-limit counters in a folder of the test run's own, not the developer's data folder.
_throttle = tempfile.mkdtemp(prefix="tinhso-test-throttle-")
atexit.register(shutil.rmtree, _throttle, True)
CACHES = {
    **CACHES,  # noqa: F405
    "throttle": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": _throttle,
    },
}
