"""What the portal shows to whom — always through the warehouse's own rules
(`warehouse.access.readable_datasets`). The public sees open datasets; a token or a
session adds what its user's agency may read, but search lists those only when asked
(`include_private`), as CKAN does. A dataset that exists but may not be read is refused
(Authorization Error), as CKAN refuses a private dataset, rather than hidden."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tinhso.core.access import AccessDenied, NotFound
from tinhso.core.actors import Actor
from tinhso.warehouse.access import readable_datasets
from tinhso.warehouse.models import Access, Dataset

from . import index
from .models import DataRequest, RequestState, Reuse, ReuseState, SearchEntry


def listed(actor: Actor, *, include_private: bool = False) -> QuerySet[Dataset]:
    """The datasets a search or a list shows: open ones, and with `include_private` the
    others the signed-in actor may read."""
    datasets = readable_datasets(actor)
    if include_private and actor.is_authenticated:
        return datasets
    return datasets.filter(access=Access.OPEN)


def _find(ref: str) -> Dataset | None:
    found = Dataset.objects.filter(slug=ref).first()
    if found is None and len(ref) == 36:
        index.refresh()
        entry = SearchEntry.objects.filter(uuid=ref).first()
        found = Dataset.objects.filter(pk=entry.dataset_id).first() if entry else None
    return found


def dataset_for(actor: Actor, ref: str) -> Dataset:
    """The dataset named by slug or id, if `actor` may read it."""
    found = _find(ref)
    if found is None:
        raise NotFound(_("no dataset “%(ref)s”.") % {"ref": ref})
    return _readable(actor, found, ref)


def _readable(actor: Actor, found: Dataset, ref: str) -> Dataset:
    """A dataset the actor may not read answers as one that does not exist (as the
    warehouse's own API does), so that its name does not tell it is there."""
    readable = readable_datasets(actor).filter(pk=found.pk).first()
    if readable is None:
        raise NotFound(_("no dataset “%(ref)s”.") % {"ref": ref})
    return readable


def dataset_of_resource(actor: Actor, ref: str) -> Dataset:
    """The dataset a resource id (or the dataset's slug, as an alias) belongs to."""
    index.refresh()
    entry = SearchEntry.objects.filter(resources__contains=f"|{ref}|").first() if ref else None
    if entry is None:
        if ref and Dataset.objects.filter(slug=ref).exists():
            return dataset_for(actor, ref)
        raise NotFound(_("no resource “%(ref)s”.") % {"ref": ref})
    return _readable(actor, entry.dataset, ref)


def can_review_list(actor: Actor) -> bool:
    """Who records a review of the published open-data list: data stewards (the list is
    drawn up with the agencies that own the data) and administrators."""
    return actor.is_system or actor.has_role("data_steward", "administrator")


def require_list_reviewer(actor: Actor) -> None:
    if can_review_list(actor):
        return
    if not actor.is_authenticated:
        raise AccessDenied(_("Please sign in to do this."), needs_sign_in=True)
    raise AccessDenied(_("Only data stewards and administrators record a review."))


# --- reuses and dataset requests ---------------------------------------------------------


def _steward_agency(actor: Actor) -> int | None:
    """The agency whose data `actor` keeps as a data steward (None when not one)."""
    if not actor.is_authenticated or not actor.user.role_codes & {"data_steward"}:
        return None
    return getattr(actor.user, "agency_id", None)


def _sees_all(actor: Actor) -> bool:
    return actor.is_system or actor.has_role("administrator")


def can_moderate(actor: Actor) -> bool:
    """Who opens the moderation page: data stewards of an agency, and administrators."""
    return _sees_all(actor) or _steward_agency(actor) is not None


def require_moderator(actor: Actor) -> None:
    if can_moderate(actor):
        return
    if not actor.is_authenticated:
        raise AccessDenied(_("Please sign in to do this."), needs_sign_in=True)
    raise AccessDenied(_("Only data stewards and administrators moderate reuses and requests."))


def moderated_reuses(actor: Actor) -> QuerySet[Reuse]:
    """The reuses `actor` decides on: those of a dataset its agency owns (all for
    administrators)."""
    reuses = Reuse.objects.all()
    if _sees_all(actor):
        return reuses
    agency = _steward_agency(actor)
    if agency is None:
        return reuses.none()
    return reuses.filter(datasets__owner_id=agency).distinct()


def moderated_requests(actor: Actor) -> QuerySet[DataRequest]:
    """The requests `actor` answers: those naming its agency (administrators: all, and
    they alone answer those that name none)."""
    requests = DataRequest.objects.select_related("agency", "dataset")
    if _sees_all(actor):
        return requests
    agency = _steward_agency(actor)
    if agency is None:
        return requests.none()
    return requests.filter(agency_id=agency)


def reuse_to_moderate(actor: Actor, pk: int) -> Reuse:
    require_moderator(actor)
    reuse = moderated_reuses(actor).filter(pk=pk).first()
    if reuse is None:
        if Reuse.objects.filter(pk=pk).exists():
            raise AccessDenied(
                _("Only the data stewards of the agency owning its datasets decide on a reuse.")
            )
        raise NotFound(_("No reuse %(pk)s.") % {"pk": pk})
    return reuse


def request_to_answer(actor: Actor, pk: int) -> DataRequest:
    require_moderator(actor)
    found = moderated_requests(actor).filter(pk=pk).first()
    if found is None:
        if DataRequest.objects.filter(pk=pk).exists():
            raise AccessDenied(
                _("Only the data stewards of the agency it names answer a dataset request.")
            )
        raise NotFound(_("No dataset request %(pk)s.") % {"pk": pk})
    return found


def published_reuses(dataset: Dataset) -> QuerySet[Reuse]:
    """What a dataset's page shows: its published reuses, never who sent them."""
    return dataset.reuses.filter(state=ReuseState.PUBLISHED).only(
        "pk", "title", "kind", "url", "description", "is_demo", "created_at"
    )


def published_reuse_count(datasets: QuerySet[Dataset]) -> int:
    """The published reuses of any of `datasets` (the portal's home counts them)."""
    return (
        Reuse.objects.filter(state=ReuseState.PUBLISHED, datasets__in=datasets.values("pk"))
        .distinct()
        .count()
    )


def public_requests() -> QuerySet[DataRequest]:
    """The requests anyone reads: open and answered ones (declined ones are spam or abuse
    and leave the public pages)."""
    return (
        DataRequest.objects.exclude(state=RequestState.DECLINED)
        .select_related("agency", "dataset")
        .defer(*DataRequest.PERSONAL)
    )


def public_request(pk: int) -> DataRequest:
    found = public_requests().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No dataset request %(pk)s.") % {"pk": pk})
    return found
