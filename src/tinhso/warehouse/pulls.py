"""Datasets that pull their data from a URL (an agency's export, the LGSP) on the rhythm
of their update frequency — at most daily. A pull that brings the same bytes as the current
version adds nothing; one that fails says why on the dataset and keeps the data live."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import shutil
import socket
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.warehouse import actions
from tinhso.warehouse.models import FREQUENCY_DAYS, Dataset, VersionStatus

TIMEOUT = 60


class PullRefused(ValueError):
    """An address the warehouse will not fetch; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _listed(host: str, hosts: list[str]) -> bool:
    host = host.lower().rstrip(".")
    for entry in (h.lower().rstrip(".") for h in hosts):
        if host == entry or (entry.startswith("*.") and host.endswith(entry[1:])):
            return True
    return False


def check_url(url: str) -> None:
    """Refuse an address the warehouse may not fetch: pulls are off until hosts are listed
    (`TINHSO_PULL_HOSTS`); only http(s) to a listed host; and never to a loopback,
    link-local, private or reserved address unless that name or address is listed itself
    (a listed wildcard does not open the internal network)."""
    hosts = settings.TINHSO_PULL_HOSTS
    if not hosts:
        raise PullRefused(
            _("Pulling from URLs is off on this installation (setting TINHSO_PULL_HOSTS).")
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PullRefused(_("Only http and https addresses can be pulled."))
    host = parts.hostname
    if not _listed(host, hosts):
        raise PullRefused(
            _("%(host)s is not among the hosts this installation pulls from.") % {"host": host}
        )
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 443)}
    except OSError as exc:
        raise PullRefused(_("%(host)s cannot be found.") % {"host": host}) from exc
    named = [h.lower() for h in hosts if not h.startswith("*.")]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        internal = ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_reserved
        if (internal or ip.is_multicast or ip.is_unspecified) and not (
            host.lower() in named or address in named
        ):
            raise PullRefused(
                _("%(host)s leads to an internal address (%(ip)s); list it by name to allow it.")
                % {"host": host, "ip": address}
            )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Every hop of a redirect is checked like the first address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_CheckedRedirects)


def due(dataset: Dataset, now: dt.datetime) -> bool:
    if not dataset.source_url:
        return False
    if dataset.pulled_at is None:
        return True
    days = FREQUENCY_DAYS.get(dataset.frequency, 1)
    return now - dataset.pulled_at >= dt.timedelta(days=days) - dt.timedelta(minutes=30)


def _fetch(url: str, folder: Path) -> tuple[Path, str]:
    """The URL's content on disk, streamed, and its SHA-256."""
    check_url(url)
    limit = settings.TINHSO_PULL_MAX_MB * 1024 * 1024
    name = Path(urlsplit(url).path).name or "pulled.csv"
    target = folder / name
    digest = hashlib.sha256()
    size = 0
    request = urllib.request.Request(url, headers={"User-Agent": "TinhSo-warehouse"})  # noqa: S310
    with _opener.open(request, timeout=TIMEOUT) as response, target.open("wb") as out:
        while chunk := response.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise PullRefused(
                    _("The file at the address is larger than %(mb)s MB.")
                    % {"mb": settings.TINHSO_PULL_MAX_MB}
                )
            digest.update(chunk)
            out.write(chunk)
    return target, digest.hexdigest()


def pull(dataset: Dataset, actor: Actor | None = None) -> str:
    """Pull one dataset now; returns what happened, also kept as `pull_status`."""
    actor = actor or Actor.system("pull from URL")
    folder = Path(tempfile.mkdtemp(prefix="tinhso-pull-"))
    try:
        try:
            path, digest = _fetch(dataset.source_url, folder)
        except PullRefused as exc:
            status = _("Not fetched: %(reason)s") % {"reason": exc.message}
        except (OSError, ValueError) as exc:
            status = _("Could not fetch: %(reason)s") % {"reason": exc}
        else:
            current = dataset.current
            if current is not None and current.source_sha256 == digest:
                status = _("Unchanged since version %(n)s.") % {"n": current.number}
            else:
                version = actions.add_version(
                    actor, dataset, path, source_name=dataset.source_url[-300:]
                )
                if version.status == VersionStatus.ACCEPTED:
                    status = _("Version %(n)s added.") % {"n": version.number}
                else:
                    status = _("Version %(n)s rejected: %(reason)s") % {
                        "n": version.number,
                        "reason": version.report.get("message", ""),
                    }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    Dataset.objects.filter(pk=dataset.pk).update(pulled_at=timezone.now(), pull_status=status[:300])
    return status


def pull_due(now: dt.datetime | None = None) -> dict[str, str]:
    now = now or timezone.now()
    return {
        dataset.slug: pull(dataset)
        for dataset in Dataset.objects.exclude(source_url="")
        if due(dataset, now)
    }
