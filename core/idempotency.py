"""``Idempotency-Key`` for requests that create rows (leads, accidents, duty records).

A client that lost the answer to a POST cannot know whether it committed; retrying with the same
key returns what the first attempt created instead of creating it twice. The key row is written
in the creating transaction, so it exists exactly when the creation does.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.errors import field_error
from core.models import IdempotencyKey
from core.typing import Actor

HEADER = "HTTP_IDEMPOTENCY_KEY"


def key_from(request: HttpRequest) -> str | None:
    key = (request.META.get(HEADER) or "").strip()
    if not key:
        return None
    if len(key) > 100:
        raise field_error("Idempotency-Key", _("At most 100 characters."))
    return key


def once(*, user: Actor, scope: str, key: str | None, create: Callable[[], int]) -> tuple[int, bool]:
    """``(id, created)``: run ``create`` (returning the new row's id) unless ``key`` was already
    used by ``user`` for ``scope``, in which case return the id it created then."""
    if key is None:
        return create(), True
    previous = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).values_list("object_id", flat=True).first()
    if previous is not None:
        return previous, False
    try:
        with transaction.atomic():
            object_id = create()
            IdempotencyKey.objects.create(user=user, scope=scope, key=key, object_id=object_id)
    except IntegrityError:
        # A concurrent retry with the same key won: its creation stands, ours rolled back.
        previous = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).values_list("object_id", flat=True).first()
        if previous is None:
            raise
        return previous, False
    return object_id, True
