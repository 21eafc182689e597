"""The shipped national frameworks and reading a framework for scoring.

`load_shipped` runs after every `migrate` (decision 0014): it installs each
`frameworks/<code>.json` whose content changed since the last install (a SHA-256 of the
file says so), and does nothing otherwise, so a correction to a shipped file reaches every
installation without a new migration.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from importlib.resources import files
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from tinhso.core.actors import Actor
from tinhso.dti import actions
from tinhso.dti.models import Framework, ScoringMethod
from tinhso.dti.scoring import Part, PillarRule, Scheme, Score, ScoringError, score_all

SHIPPED = ("1726", "922", "405")


def shipped_data(code: str) -> tuple[dict[str, Any], str]:
    """A shipped framework's data and the digest of its file."""
    raw = (files("tinhso.dti") / "frameworks" / f"{code}.json").read_bytes()
    return json.loads(raw), hashlib.sha256(raw).hexdigest()


def load_shipped(actor: Actor, using: str = "default") -> list[Framework]:
    """Install or refresh the shipped frameworks; returns those written."""
    if Framework._meta.db_table not in connection.introspection.table_names():
        return []  # migrated to before this app's tables
    written = []
    for code in SHIPPED:
        data, digest = shipped_data(code)
        current = Framework.objects.filter(code=code).only("shipped_digest").first()
        if current is not None and current.shipped_digest == digest:
            continue
        written.append(actions.install_framework(actor, data, shipped=True, digest=digest))
    return written


def get(code: str) -> Framework:
    """A framework by its code ("922") or decision ("922/QĐ-BTTTT")."""
    text = code.strip()
    framework = (
        Framework.objects.filter(code=text).first()
        or Framework.objects.filter(decision__iexact=text).first()
    )
    if framework is None:
        known = ", ".join(Framework.objects.values_list("code", flat=True))
        raise ScoringError(
            _("There is no framework “%(code)s”. Frameworks: %(known)s.")
            % {"code": code, "known": known}
        )
    return framework


def for_year(year: int) -> Framework:
    """The published framework a year was assessed with."""
    framework = Framework.published_for(year)
    if framework is not None:
        return framework
    raise ScoringError(_("No published framework covers the year %(year)s.") % {"year": year})


def scheme(framework: Framework) -> Scheme:
    """The framework as `scoring` needs it."""
    indices = list(framework.main_indices.prefetch_related("pillars"))
    parts = tuple(Part(i.code, i.name_vi, i.weight, i.scored) for i in indices)
    rules = tuple(
        PillarRule(
            code=p.code,
            key=p.key,
            name=p.name_vi,
            weight=p.weight,
            members=tuple(i.code for i in indices if any(q.pk == p.pk for q in i.pillars.all())),
        )
        for p in framework.pillars.all()
    )
    method = "pillars" if framework.method == ScoringMethod.PILLARS else "main_indices"
    return Scheme(framework.code, method, parts, rules)


def score(framework: Framework, rows: Iterable[tuple[str, Mapping[str, Decimal]]]) -> list[Score]:
    """Score and rank units (name, input values on 0–1) exactly as `framework` says."""
    return score_all(scheme(framework), rows)
