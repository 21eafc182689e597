"""Absolute links for what leaves the platform (e-mails, SMS, Zalo messages), built on the
`TINHSO_SITE_URL` setting, which a system check verifies at start-up."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


def absolute(path: str) -> str:
    """`path` (starting with /) on the platform's public address."""
    return settings.TINHSO_SITE_URL.rstrip("/") + path


@checks.register(checks.Tags.compatibility)
def check_site_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    url = settings.TINHSO_SITE_URL or ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc and parts.path in ("", "/"):
        return []
    return [
        checks.Error(
            f"TINHSO_SITE_URL must be the platform's absolute address, like "
            f"https://phananh.example.gov.vn (got {url!r}): links in messages are built on it.",
            id="tinhso.E001",
        )
    ]
