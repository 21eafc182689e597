"""Who handles a report: the field's routing rule applied to where it happened."""

from __future__ import annotations

from tinhso.agencies.models import Agency, AgencyKind
from tinhso.feedback.models import Field, Routing
from tinhso.units.models import Commune


def responsible_agency(field: Field | None, commune: Commune | None) -> Agency | None:
    """The fixed agency of the field, or the People's Committee of the commune. None when
    the report lacks what the rule needs (an operator then routes it)."""
    if field is None:
        return None
    if field.routing == Routing.AGENCY:
        return field.agency
    if commune is None:
        return None
    return Agency.objects.filter(
        kind=AgencyKind.COMMUNE_COMMITTEE, commune=commune, is_active=True
    ).first()
