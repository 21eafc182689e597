"""Datasets that pull their data from a URL (an agency's export, the LGSP) on the rhythm
of their update frequency — at most daily. A pull that brings the same bytes as the current
version adds nothing; one that fails says why on the dataset and keeps the data live."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.warehouse import actions
from tinhso.warehouse.models import FREQUENCY_DAYS, Dataset, VersionStatus

TIMEOUT = 60
MAX_BYTES = 5 * 1024**3


def due(dataset: Dataset, now: dt.datetime) -> bool:
    if not dataset.source_url:
        return False
    if dataset.pulled_at is None:
        return True
    days = FREQUENCY_DAYS.get(dataset.frequency, 1)
    return now - dataset.pulled_at >= dt.timedelta(days=days) - dt.timedelta(minutes=30)


def _fetch(url: str, folder: Path) -> tuple[Path, str]:
    """The URL's content on disk, streamed, and its SHA-256."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(_("Only http and https addresses can be pulled."))
    name = Path(urlsplit(url).path).name or "pulled.csv"
    target = folder / name
    digest = hashlib.sha256()
    size = 0
    request = urllib.request.Request(url, headers={"User-Agent": "TinhSo-warehouse"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response, target.open("wb") as out:  # noqa: S310
        while chunk := response.read(1 << 20):
            size += len(chunk)
            if size > MAX_BYTES:
                raise ValueError(_("The file at the address is larger than 5 GB."))
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
