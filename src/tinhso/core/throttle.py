"""Rate limits for public endpoints: a fixed one-minute window per client address,
counted in the `throttle` cache, which every web process of the machine shares (files in
the data folder), so the limit holds however many processes serve. Signed-in callers are
not limited here."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from ninja.throttling import BaseThrottle

from tinhso.core.actors import client_ip


def allow(request: HttpRequest, scope: str = "api") -> tuple[bool, float]:
    """(allowed, seconds until the window resets) for an anonymous request."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True, 0.0
    limit = settings.TINHSO_API_ANON_PER_MINUTE
    if not limit:
        return True, 0.0
    now = time.time()
    key = f"throttle:{scope}:{client_ip(request)}:{int(now // 60)}"
    cache = caches["throttle"]
    try:
        count = 1 if cache.add(key, 1, 70) else cache.incr(key)
    except ValueError:  # the window's file expired between add and incr
        count = 1 if cache.add(key, 1, 70) else cache.get(key, 1)
    return count <= limit, 60 - now % 60


class PublicRateThrottle(BaseThrottle):
    """The limit for the JSON API (django-ninja)."""

    def allow_request(self, request: HttpRequest) -> bool:
        allowed, self.retry_after = allow(request)
        return allowed

    def wait(self) -> float | None:
        return getattr(self, "retry_after", 60.0)


def rate_limited(refuse: Callable[[HttpRequest, int], HttpResponse], scope: str = "api"):
    """The same limit for plain Django views; `refuse` builds the 429 answer."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            allowed, retry = allow(request, scope)
            if not allowed:
                response = refuse(request, max(1, int(retry)))
                response["Retry-After"] = str(max(1, int(retry)))
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
