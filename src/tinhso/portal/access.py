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
from .models import SearchEntry


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
