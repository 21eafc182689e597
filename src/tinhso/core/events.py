"""Domain events: actions emit them after their write; other apps subscribe.

A thin layer over a Django signal so that subscribers (notifications, search indexing,
the warehouse's code tables) receive one shape: the event name, the actor and a payload.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

event = Signal()


def emit(name: str, *, actor: Any, **payload: Any) -> None:
    """Announce that `name` happened (after the write has been committed or staged)."""
    event.send(sender=name, actor=actor, payload=payload)
