"""Extension points by which upper layers react to what lower layers do, so that imports point
one way (docs/architecture.md): the lower layer calls the hook, the upper layer registers on it
in its ``AppConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

# --- workflow listeners ---------------------------------------------------------------------------
# The services report what they did; ``workflows.sync`` registers listeners that start and
# complete the matching viewflow tasks inside the same transaction. ``cases`` does not import
# ``workflows``: the dependency points one way.
_Listener = TypeVar("_Listener", bound=Callable[..., Any])
_workflow_listeners: dict[str, list[Callable[..., Any]]] = {}


def on_workflow_event(kind: str) -> Callable[[_Listener], _Listener]:
    def register(fn: _Listener) -> _Listener:
        _workflow_listeners.setdefault(kind, []).append(fn)
        return fn

    return register


def workflow_event(kind: str, **kwargs: Any) -> None:
    for listener in _workflow_listeners.get(kind, []):
        listener(**kwargs)


# --- after-commit listeners -----------------------------------------------------------------------
# ``notifications`` registers its dispatcher here: every transaction that appended a case event
# asks for a dispatch once it has committed (never before: PRODUCT §7).
_commit_listeners: list[Callable[[], Any]] = []


def on_events_committed(fn: _Listener) -> _Listener:
    _commit_listeners.append(fn)
    return fn


def events_appended() -> None:
    """Called by whoever appended an event inside the current transaction."""
    if _commit_listeners:
        transaction.on_commit(_events_committed)


def _events_committed() -> None:
    for listener in _commit_listeners:
        listener()
