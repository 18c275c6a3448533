"""Calling a service from a page: ``run_service`` is the one place a page turns a service's
``ApplicationError`` (``cases.errors``) into what the officer sees.

- 400 (``InvalidInput``, ``InvalidReference``) with a form: the messages next to the fields they
  name (``ServiceForm.attach_errors``), or above the form when they name none.
- 403 (``NotPermitted``) and 404 (``NotFound``): with ``denied=RAISE`` the error pages
  (``PermissionDenied`` / ``Http404``, as the intake, record, accident, ledger and Chapter 4–5
  pages have always answered); with ``denied=SHOW`` a message on the page like any other error,
  as the case pages answer, so the officer reads why (e.g. the proposer may not approve).
- Anything else (409: ``TransitionNotAllowed``, ``ConcurrentModification``,
  ``PreconditionFailed``) goes where ``others`` says: on the page (``PAGE``, the result's
  ``page_error``), as a message after the redirect (``FLASH``), or above the form (``FORM``).
  ``stale_message`` replaces the text of a ``ConcurrentModification`` and marks the result
  ``stale`` so the page offers to reload the form. SQLite's write lock not obtained within its
  busy timeout (``core.errors.database_busy``) is a ``ConcurrentModification`` too.

The page answers with the status the view chooses; ``Outcome.status`` is the service's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest

from core.errors import CONCURRENT_MODIFICATION, ApplicationError, ConcurrentModification, database_busy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How 403/404 are answered.
RAISE = "raise"
SHOW = "show"
# Where other errors go.
PAGE = "page"
FLASH = "flash"
FORM = "form"


@dataclass
class Outcome:
    """What a service call came to: ``value`` when ``ok``, otherwise the error and where it went."""

    ok: bool
    value: Any = None
    status: int = 200
    error: ApplicationError | None = None
    page_error: str = ""
    stale: bool = False
    on_form: bool = False  # the error was attached to the form


def error_text(exc: ApplicationError) -> str:
    """A service error as one line (field errors joined) for a page message."""
    if not isinstance(exc.detail, dict):
        return str(exc.detail)
    return "；".join(str(m) for found in exc.detail.values() for m in (found if isinstance(found, list | tuple) else [found]))


def run_service(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    form: Any = None,
    success: str | Callable[[Any], str] | None = None,
    denied: str = RAISE,
    others: str = PAGE,
    stale_message: StrOrPromise | None = None,
) -> Outcome:
    """Run ``call()`` (a service function closed over its arguments) and map its error.

    On success ``success`` (a text, or a function of the service's result) becomes a success
    message. ``form`` is a ``ServiceForm``; without one, field errors go where ``others`` says.
    """
    try:
        value = call()
    except ApplicationError as exc:
        return _failed(request, exc, form=form, denied=denied, others=others, stale_message=stale_message)
    except OperationalError as exc:
        if not database_busy(exc):
            raise
        busy = ConcurrentModification(CONCURRENT_MODIFICATION)
        return _failed(request, busy, form=form, denied=denied, others=others, stale_message=stale_message)
    if success is not None:
        messages.success(request, success(value) if callable(success) else success)
    return Outcome(ok=True, value=value)


def _failed(request, exc: ApplicationError, *, form, denied: str, others: str, stale_message: StrOrPromise | None) -> Outcome:
    outcome = Outcome(ok=False, status=exc.status, error=exc)
    if denied == RAISE:
        if exc.status == 403:
            raise PermissionDenied(str(exc.detail))
        if exc.status == 404:
            raise Http404(str(exc.detail))
    if stale_message is not None and isinstance(exc, ConcurrentModification):
        outcome.stale, outcome.page_error = True, str(stale_message)
        return outcome
    if form is not None and (exc.status == 400 or others == FORM):
        form.attach_errors(exc.detail)
        outcome.on_form = True
    elif others == FLASH:
        messages.error(request, error_text(exc))
    else:
        outcome.page_error = error_text(exc)
    return outcome
