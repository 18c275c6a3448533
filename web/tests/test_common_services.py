"""``run_service``: where each kind of service error goes (``web.common.services``)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404
from django.test import RequestFactory

from core.errors import (
    CONCURRENT_MODIFICATION,
    ConcurrentModification,
    InvalidInput,
    NotFound,
    NotPermitted,
    PreconditionFailed,
    field_error,
)
from web.common.forms import ServiceForm
from web.common.services import FLASH, FORM, SHOW, run_service


class ReasonForm(ServiceForm):
    reason = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _raise(exc):
    def call():
        raise exc

    return call


def _bound_form() -> ReasonForm:
    form = ReasonForm({"reason": ""})
    assert form.is_valid()
    return form


def test_success_returns_the_value_and_says_so():
    request = _request()
    outcome = run_service(request, lambda: 42, success=lambda n: f"got {n}")
    assert outcome.ok and outcome.value == 42 and outcome.status == 200
    assert [str(m) for m in get_messages(request)] == ["got 42"]


def test_field_errors_go_next_to_the_field_they_name_or_above_the_form():
    form = _bound_form()
    outcome = run_service(_request(), _raise(InvalidInput({"reason": ["Say why."], "elsewhere": "Other."})), form=form)
    assert not outcome.ok and outcome.status == 400 and outcome.on_form
    assert form.errors["reason"] == ["Say why."] and form.non_field_errors() == ["Other."]


@pytest.mark.parametrize(("exc", "raised"), [(NotPermitted("No."), PermissionDenied), (NotFound("Gone."), Http404)])
def test_403_and_404_are_the_error_pages_unless_the_page_shows_them(exc, raised):
    with pytest.raises(raised, match=str(exc.detail)):
        run_service(_request(), _raise(exc), form=_bound_form())
    outcome = run_service(_request(), _raise(exc), form=_bound_form(), denied=SHOW)
    assert outcome.status == exc.status and outcome.page_error == str(exc.detail)


def test_409_goes_on_the_page_after_the_redirect_or_above_the_form():
    exc = PreconditionFailed("Not ready.")
    assert run_service(_request(), _raise(exc), form=_bound_form()).page_error == "Not ready."
    request = _request()
    outcome = run_service(request, _raise(exc), others=FLASH)
    assert outcome.status == 409 and not outcome.page_error
    assert [str(m) for m in get_messages(request)] == ["Not ready."]
    form = _bound_form()
    assert run_service(_request(), _raise(exc), form=form, others=FORM).on_form
    assert form.non_field_errors() == ["Not ready."]


def test_a_stale_form_gets_its_own_message_and_the_reload_flag():
    outcome = run_service(_request(), _raise(ConcurrentModification("Changed.")), stale_message="Reload.")
    assert outcome.status == 409 and outcome.stale and outcome.page_error == "Reload."


def test_field_errors_without_a_form_are_one_line():
    request = _request()
    run_service(request, _raise(field_error("reason", "Say why.")), denied=SHOW, others=FLASH)
    assert [str(m) for m in get_messages(request)] == ["Say why."]


def test_sqlite_write_lock_not_obtained_is_a_concurrent_modification_on_the_page():
    """The busy timeout ran out (issue 15): the officer is told someone else was writing, not a 500."""
    outcome = run_service(_request(), _raise(OperationalError("database is locked")), stale_message="Reload.")
    assert not outcome.ok and outcome.status == 409 and outcome.stale and outcome.page_error == "Reload."
    assert isinstance(outcome.error, ConcurrentModification)
    flashed = _request()
    outcome = run_service(flashed, _raise(OperationalError("database is locked")), others=FLASH)
    assert outcome.status == 409 and [str(m) for m in get_messages(flashed)] == [str(CONCURRENT_MODIFICATION)]


def test_any_other_database_error_is_not_hidden():
    with pytest.raises(OperationalError, match="disk I/O error"):
        run_service(_request(), _raise(OperationalError("disk I/O error")), stale_message="Reload.")
