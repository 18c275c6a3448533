"""Type aliases shared by the services (STYLE §11). Meant to move to ``core`` with the errors."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

# The signed-in person a service acts for (``acting_user``): the project's user model, so the
# foreign keys that record who did something (``CaseEvent.actor``, ``recorded_by``) accept it.
Actor: TypeAlias = User

# ``request.user`` before anyone checked it is signed in: the visibility helpers accept either and
# treat the anonymous one as seeing nothing.
AnyUser: TypeAlias = User | AnonymousUser
