"""One error family for the domain (STYLE §6). The API maps each to ``{"error": code, "detail": …}``.

Messages are module constants (msgids, translated to Chinese by default) so tests can assert on
them; ``detail`` may also be a dict of field errors.
"""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.utils.translation import gettext_lazy as _

TRANSITION_NOT_ALLOWED = _("Transition “%(name)s” is not allowed from state “%(state)s”.")
UNKNOWN_TRANSITION = _("Unknown transition “%(name)s”.")
CONCURRENT_MODIFICATION = _("The case was changed by someone else at the same moment; reload it and try again.")
NOT_A_MEMBER = _("You do not belong to the department that handles this case.")
LEADER_REQUIRED = _("Only a leader of the handling department may do this.")
PROPOSER_CANNOT_APPROVE = _("The proposer of the measures cannot approve them; another leader must.")
NO_DEPARTMENT = _("Your account is not attached to any department.")
NOT_FOUND = _("Not found.")


class ApplicationError(Exception):
    code = "error"
    status = 400

    def __init__(self, detail: Any, *, code: str | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(str(detail))
        self.detail = detail
        if code:
            self.code = code
        self.extra = extra or {}


class InvalidInput(ApplicationError):
    """400: a payload field is wrong; ``detail`` is ``{field: [messages]}``."""

    code = "invalid"
    status = 400


class InvalidReference(ApplicationError):
    code = "invalid_reference"
    status = 400


class NotPermitted(ApplicationError):
    code = "not_permitted"
    status = 403


class NotFound(ApplicationError):
    code = "not_found"
    status = 404


class TransitionNotAllowed(ApplicationError):
    code = "transition_not_allowed"
    status = 409


class ConcurrentModification(ApplicationError):
    code = "concurrent_modification"
    status = 409


class PreconditionFailed(ApplicationError):
    """409: the request is well formed but the case is not ready for it (e.g. findings missing)."""

    code = "precondition_failed"
    status = 409


def database_busy(exc: BaseException) -> bool:
    """SQLite's answer when its write lock stayed taken for the whole busy timeout (settings): the
    writer lost a race and its transaction was rolled back, so it may reload and retry. The API
    and the pages answer it as ``ConcurrentModification`` (docs/deployment.md)."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


class FieldValueError(ValueError):
    """Bad input to pure code (the rule engine) that has no request: ``field`` names the field,
    ``message`` says what is wrong. The API answers it as a 400 ``invalid`` on that field."""

    field: str
    message: str


def field_error(field: str, message: Any) -> InvalidInput:
    return InvalidInput({field: [message]})
