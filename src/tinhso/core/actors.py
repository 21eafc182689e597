"""The acting party of every read and write, passed explicitly through the layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in person, an API token (acting for its user), an anonymous
    citizen, or the platform itself (tasks, the demo loader)."""

    kind: str  # "user" | "token" | "citizen" | "system"
    user: Any = None
    token_id: int | None = None
    ip: str | None = None
    label_override: str | None = field(default=None, compare=False)

    @classmethod
    def citizen(cls, ip: str | None = None) -> Actor:
        return cls(kind="citizen", ip=ip)

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind="system", label_override=label)

    @classmethod
    def for_user(cls, user: Any, ip: str | None = None) -> Actor:
        return cls(kind="user", user=user, ip=ip)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None and self.user.is_active

    @property
    def is_system(self) -> bool:
        return self.kind == "system"

    @property
    def label(self) -> str:
        if self.label_override:
            return self.label_override
        if self.user is not None:
            suffix = f" (token {self.token_id})" if self.token_id else ""
            return f"{self.user.get_username()}{suffix}"
        return self.kind

    def has_role(self, *roles: str) -> bool:
        """True when the actor holds any of `roles` (administrators hold every role)."""
        if self.is_system:
            return True
        if not self.is_authenticated:
            return False
        held = self.user.role_codes
        return "administrator" in held or self.user.is_superuser or bool(held & set(roles))


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trusted solely through the proxy's own rewrite.
    return request.META.get("REMOTE_ADDR")


def actor_from_request(request: HttpRequest) -> Actor:
    """The actor of a request: a token resolved by the API's auth, a session user, or an
    anonymous citizen."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, Actor):
        return auth
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Actor.for_user(user, ip=client_ip(request))
    return Actor.citizen(ip=client_ip(request))
