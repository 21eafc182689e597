"""Narrowing a list of reports by the place and field a figure was drilled from.

The operations centre links each number to the reports behind it (`?commune=<code>`,
`?field=<code>`); the public list and the staff queue apply the same narrowing and show it
as chips the reader can remove one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Chip:
    key: str
    label: str
    remove_url: str


def _without(request: HttpRequest, key: str) -> str:
    kept = [(k, v) for k, v in request.GET.items() if k not in (key, "page")]
    return "?" + urlencode(kept) if kept else "?"


def narrow(request: HttpRequest, reports: QuerySet, *, by_field: bool = True):
    """`reports` narrowed by `?commune=` (a commune code) and, when `by_field`, `?field=`
    (a field takes in its sub-fields); with the chips that say so."""
    from tinhso.feedback.models import Field
    from tinhso.units.models import Commune

    chips = []
    code = (request.GET.get("commune") or "").strip()[:20]
    if code:
        place = Commune.objects.filter(code=code).only("name").first()
        reports = reports.filter(commune__code=code)
        label = place.name if place else _("unknown commune %(code)s") % {"code": code}
        chips.append(Chip("commune", label, _without(request, "commune")))
    field = (request.GET.get("field") or "").strip()[:60]
    if by_field and field:
        reports = reports.filter(Q(field__code=field) | Q(field__parent__code=field))
        named = Field.objects.filter(code=field).only("name").first()
        label = named.name if named else _("unknown field %(code)s") % {"code": field}
        chips.append(Chip("field", label, _without(request, "field")))
    return reports, code, chips
