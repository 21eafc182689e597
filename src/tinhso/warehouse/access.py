"""Who may read which dataset: open to anyone; shared to the staff of every agency (or of
the agencies listed); private to the owner agency. Administrators and the system see
all. Every guarded read goes through here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tinhso.core.access import AccessDenied, NotFound
from tinhso.core.actors import Actor

if TYPE_CHECKING:
    from tinhso.agencies.models import Agency
from tinhso.warehouse.models import Access, Dataset, VersionStatus


def readable_datasets(actor: Actor) -> QuerySet[Dataset]:
    datasets = Dataset.objects.select_related("owner")
    if actor.is_system or actor.has_role("administrator"):
        return datasets
    user = actor.user
    agency_id = getattr(user, "agency_id", None) if user is not None else None
    if agency_id is None:
        return datasets.filter(access=Access.OPEN)
    return datasets.filter(
        Q(access=Access.OPEN)
        | Q(owner_id=agency_id)
        | Q(access=Access.SHARED, shared_with__isnull=True)
        | Q(access=Access.SHARED, shared_with=agency_id)
    ).distinct()


def dataset_for_reader(actor: Actor, slug: str) -> Dataset:
    dataset = readable_datasets(actor).filter(slug=slug).first()
    if dataset is None:
        raise NotFound(_("No dataset “%(slug)s” that you may read.") % {"slug": slug})
    return dataset


def versions_for_reader(actor: Actor, dataset: Dataset):
    """The versions `actor` may see: all of them for those who may write the dataset, the
    accepted ones for everyone else — a rejected file's cells and report were never
    published, and may hold what the owner agency alone should see."""
    versions = dataset.versions.all()
    if not can_write(actor, dataset):
        versions = versions.filter(status=VersionStatus.ACCEPTED)
    return versions


def can_write(actor: Actor, dataset: Dataset) -> bool:
    """The owner agency's data stewards, and administrators."""
    if actor.is_system or actor.has_role("administrator"):
        return True
    user = actor.user
    return (
        user is not None
        and actor.has_role("data_steward")
        and getattr(user, "agency_id", None) == dataset.owner_id
    )


def require_write(actor: Actor, dataset: Dataset) -> None:
    if not can_write(actor, dataset):
        raise AccessDenied(
            _("Only the data stewards of %(agency)s may add versions of this dataset.")
            % {"agency": dataset.owner.name},
            needs_sign_in=not actor.is_authenticated,
        )


def dataset_for_writer(actor: Actor, slug: str) -> Dataset:
    """A dataset its stewards change. One the actor may not even read is not found (its
    name says nothing to them); one they read but do not keep is refused."""
    dataset = dataset_for_reader(actor, slug)
    require_write(actor, dataset)
    return dataset


def can_create(actor: Actor) -> bool:
    """Data stewards (for their agency) and administrators."""
    if actor.is_system or actor.has_role("administrator"):
        return True
    return actor.has_role("data_steward") and getattr(actor.user, "agency_id", None) is not None


def require_steward(actor: Actor) -> None:
    if not actor.is_authenticated:
        raise AccessDenied(_("Please sign in to do this."), needs_sign_in=True)
    if not can_create(actor):
        raise AccessDenied(_("Only data stewards and administrators manage datasets."))


def stewarded_datasets(actor: Actor) -> QuerySet[Dataset]:
    """The datasets `actor` keeps: its agency's, or all for administrators."""
    datasets = Dataset.objects.select_related("owner").order_by("title")
    if actor.is_system or actor.has_role("administrator"):
        return datasets
    return datasets.filter(owner_id=getattr(actor.user, "agency_id", None))


def owners_for(actor: Actor) -> QuerySet[Agency]:
    """The agencies `actor` may create datasets for."""
    from tinhso.agencies.models import Agency

    agencies = Agency.objects.filter(is_active=True).order_by("name")
    if actor.is_system or actor.has_role("administrator"):
        return agencies
    return agencies.filter(pk=getattr(actor.user, "agency_id", None))
