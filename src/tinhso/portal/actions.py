"""Every write of the portal, each audited: recording a review of the published open-data
list; a reuse or a dataset request sent by the public, and the stewards' decisions on
them. (The search entries and the usage counts are caches and tallies that say nothing of
anyone: they are not audited.) The public's names and e-mails never reach the audit log:
snapshots leave them out (`_audited`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.actions import changed, record, snapshot
from tinhso.core.actors import Actor

from . import access
from .models import DataRequest, ListReview, RequestState, Reuse, ReuseKind, ReuseState


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


class SubmissionError(Exception):
    """What was wrong with a reuse, a request or a decision, said to whoever sent it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_http = URLValidator(schemes=["http", "https"])


def _audited(obj: Reuse | DataRequest) -> dict:
    """The audited state: every field but the submitter's personal data."""
    names = [f.attname for f in obj._meta.concrete_fields if f.attname not in obj.PERSONAL]
    return snapshot(obj, names)


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise SubmissionError(message)
    return value


def _contact(name: str, email: str) -> tuple[str, str]:
    name = _required(name, _("Give your name."))[:150]
    email = _required(email, _("Give your e-mail address, so that the steward can reply."))
    try:
        validate_email(email)
    except ValidationError as exc:
        raise SubmissionError(_("The e-mail address is not valid.")) from exc
    return name, email


@dataclass(frozen=True)
class ReuseDraft:
    """A reuse as the public form sends it."""

    title: str
    kind: str
    url: str
    description: str
    submitter_name: str
    submitter_email: str
    is_demo: bool = False


@transaction.atomic
def submit_reuse(actor: Actor, datasets: list, draft: ReuseDraft) -> Reuse:
    """A reuse of open `datasets`, waiting for a steward of an owner agency."""
    if not datasets:
        raise SubmissionError(_("A reuse names at least one open dataset."))
    title = _required(draft.title, _("Give the reuse's title."))[:200]
    if draft.kind not in ReuseKind.values:
        raise SubmissionError(_("Choose what kind of reuse it is."))
    url = _required(draft.url, _("Give the reuse's address (http:// or https://)."))
    try:
        _http(url)
    except ValidationError as exc:
        raise SubmissionError(
            _("The address must be a web address starting with http:// or https://.")
        ) from exc
    if len(url) > 500:
        raise SubmissionError(_("The address is too long (500 characters at most)."))
    name, email = _contact(draft.submitter_name, draft.submitter_email)
    reuse = Reuse.objects.create(
        title=title,
        kind=draft.kind,
        url=url,
        description=draft.description.strip()[:4000],
        submitter_name=name,
        submitter_email=email,
        is_demo=draft.is_demo,
    )
    reuse.datasets.set(datasets)
    after = _audited(reuse) | {"datasets": sorted(d.slug for d in datasets)}
    record(actor, "portal.submit_reuse", reuse, after=after)
    return reuse


@transaction.atomic
def decide_reuse(actor: Actor, reuse: Reuse, *, publish: bool, note: str = "") -> Reuse:
    """Publish a reuse on its datasets' pages, or reject it; a published one can be taken
    down (rejected) later, a rejected one published after all."""
    reuse = access.reuse_to_moderate(actor, reuse.pk)
    state = ReuseState.PUBLISHED if publish else ReuseState.REJECTED
    if reuse.state == state:
        raise SubmissionError(_("The reuse is already in that state."))
    before = _audited(reuse)
    reuse.state = state
    reuse.decided_by = actor.user
    reuse.decided_at = timezone.now()
    reuse.note = note.strip()[:2000]
    reuse.save(update_fields=["state", "decided_by", "decided_at", "note"])
    before, after = changed(before, _audited(reuse))
    record(
        actor,
        "portal.publish_reuse" if publish else "portal.reject_reuse",
        reuse,
        before=before,
        after=after,
    )
    return reuse


@dataclass(frozen=True)
class RequestDraft:
    """A dataset request as the public form sends it."""

    title: str
    description: str
    agency: object | None  # an Agency, or None: the administrators answer
    submitter_name: str
    submitter_email: str
    is_demo: bool = False


@transaction.atomic
def submit_request(actor: Actor, draft: RequestDraft) -> DataRequest:
    """A request for a dataset, open until its agency's stewards answer it."""
    title = _required(draft.title, _("Give the title of the data you need."))[:200]
    description = _required(
        draft.description, _("Say what data you need and what you will do with it.")
    )[:4000]
    name, email = _contact(draft.submitter_name, draft.submitter_email)
    found = DataRequest.objects.create(
        title=title,
        description=description,
        agency=draft.agency,
        submitter_name=name,
        submitter_email=email,
        is_demo=draft.is_demo,
    )
    record(actor, "portal.submit_request", found, after=_audited(found))
    return found


@transaction.atomic
def answer_request(
    actor: Actor,
    found: DataRequest,
    *,
    answer: str,
    decline: bool = False,
    dataset=None,
) -> DataRequest:
    """Answer a request publicly (optionally with the dataset that answers it), or decline
    it, which takes it off the public pages."""
    found = access.request_to_answer(actor, found.pk)
    answer = answer.strip()[:4000]
    if not answer and not decline:
        raise SubmissionError(_("Write the answer the public will read."))
    before = _audited(found)
    found.state = RequestState.DECLINED if decline else RequestState.ANSWERED
    found.answer = answer
    found.dataset = None if decline else dataset
    found.answered_by = actor.user
    found.answered_at = timezone.now()
    found.save(update_fields=["state", "answer", "dataset", "answered_by", "answered_at"])
    before, after = changed(before, _audited(found))
    record(
        actor,
        "portal.decline_request" if decline else "portal.answer_request",
        found,
        before=before,
        after=after,
    )
    return found
