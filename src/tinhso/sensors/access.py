"""Who may do what with sensors.

Readings are open data: the air people breathe and the water in the river are public,
so anyone reads devices' names, places, types and observations. A device's token and its
owner's contact are not: only administrators and the owner agency's data stewards see
the contact, and nobody sees a token after it was shown once. Devices are registered by
administrators and by the data stewards of the agency that will own them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tinhso.core.access import AccessDenied, NotFound
from tinhso.core.actors import Actor
from tinhso.sensors.models import Device

if TYPE_CHECKING:
    from tinhso.agencies.models import Agency


def can_register(actor: Actor, owner: Agency | None) -> bool:
    """Administrators, and the data stewards of the owner agency."""
    if actor.is_system or actor.has_role("administrator"):
        return True
    user = actor.user
    return (
        user is not None
        and owner is not None
        and actor.has_role("data_steward")
        and getattr(user, "agency_id", None) == owner.pk
    )


def require_register(actor: Actor, owner: Agency | None) -> None:
    if can_register(actor, owner):
        return
    if not actor.is_authenticated:
        raise AccessDenied(_("Please sign in to do this."), needs_sign_in=True)
    raise AccessDenied(
        _("Only administrators and the data stewards of the owner agency may register devices.")
    )


def agency_for_registration(actor: Actor, code: str) -> Agency:
    """The agency a device would belong to, if the actor may register devices for it;
    an unknown code is refused the same way as another agency's."""
    from tinhso.agencies.models import Agency

    owner = Agency.objects.filter(code=code).first()
    require_register(actor, owner)
    if owner is None:
        raise NotFound(_("No agency with the code “%(code)s”.") % {"code": code})
    return owner


def public_devices() -> QuerySet[Device]:
    """Every active device, for anyone: the open part of each (no token, no contact)."""
    return Device.objects.filter(is_active=True).select_related("commune", "owner")


def device_for_reader(actor: Actor, device_id: str) -> Device:
    device = public_devices().filter(device_id=device_id).first()
    if device is None:
        raise NotFound(_("No device “%(device)s”.") % {"device": device_id})
    return device


def sees_contact(actor: Actor, device: Device) -> bool:
    """The owner's contact: administrators and the owner agency's data stewards."""
    return can_register(actor, device.owner)
