"""Navigation of the pages' shell. Each app registers its entries here (in its
`AppConfig.ready`), with the audience that sees them; the shell shows what the viewer may
use, so a link never leads to a refusal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from tinhso.core.actors import Actor


@dataclass(frozen=True)
class NavItem:
    key: str
    label: object  # a lazy translation
    url_name: str
    audience: str  # "public" | "staff"
    roles: tuple[str, ...] = ()
    order: int = 100
    visible: Callable[[Actor], bool] | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def shown_to(self, actor: Actor) -> bool:
        if self.visible is not None:
            return self.visible(actor)
        if self.audience == "public":
            return True
        if not actor.is_authenticated:
            return False
        return not self.roles or actor.has_role(*self.roles)


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def items_for(actor: Actor, audience: str) -> list[NavItem]:
    return sorted(
        (i for i in _items.values() if i.audience == audience and i.shown_to(actor)),
        key=lambda i: i.order,
    )
