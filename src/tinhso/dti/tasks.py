"""Scheduled work of the DTI: the daily feed of the year's assessments (and last year's,
still being filled in early in the year) from the platform's own indicators."""

from __future__ import annotations

from django_tasks import task

from tinhso.core.actors import Actor

ACTOR = Actor.system("DTI feed")


@task()
def feed_assessments() -> str:
    from django.utils import timezone

    from tinhso.dti.actions import feed_assessment
    from tinhso.dti.models import Assessment

    year = timezone.localdate().year
    entered = 0
    for assessment in Assessment.objects.filter(year__gte=year - 1).select_related("framework"):
        entered += len(feed_assessment(ACTOR, assessment).entered)
    return f"{entered} values entered"
