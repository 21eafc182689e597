"""Every write of the portal, each audited: recording a review of the published open-data
list. (The search entries and the usage counts are caches and tallies that say nothing of
anyone: they are not audited.)"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tinhso.core.actions import record, snapshot
from tinhso.core.actors import Actor

from . import access
from .models import ListReview


@transaction.atomic
def record_review(actor: Actor, reviewed_on: dt.date, note: str = "") -> ListReview:
    """The open-data list was reviewed on `reviewed_on` (Decree 47/2020: six-monthly)."""
    access.require_list_reviewer(actor)
    review = ListReview.objects.create(
        reviewed_on=reviewed_on,
        reviewed_by=actor.user,
        reviewer=actor.label[:200],
        note=note.strip(),
    )
    record(actor, "portal.record_review", review, after=snapshot(review))
    return review
