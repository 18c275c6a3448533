"""The tamper-evident audit trail (PRODUCT §8; issue 7 item 4): ``verify_audit`` names the first
event row that was changed, removed or re-ordered behind the application's back."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cases.codes import CaseState
from cases.models import CaseEvent
from cases.tests.scenarios import case_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    return [case_in_state(world, CaseState.EXECUTING), case_in_state(world, CaseState.ASSESSING)]


def _sql(statement: str, params: list) -> None:
    """Write straight to the table, as someone with database access would."""
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{t}", CaseEvent._meta.db_table), params)


def _verify(capsys, *args) -> str:
    call_command("verify_audit", *args)
    return capsys.readouterr().out


def test_an_untouched_trail_verifies(cases, capsys):
    total = CaseEvent.objects.count()
    assert total > 10
    assert f"{total} events verified" in _verify(capsys)


def test_an_edited_reason_is_named(cases):
    victim = CaseEvent.objects.filter(case=cases[0]).order_by("seq")[3]
    _sql("UPDATE {t} SET reason = %s WHERE id = %s", ["改过的理由", victim.pk])
    with pytest.raises(CommandError) as err:
        call_command("verify_audit")
    assert f"case {cases[0].pk}, event #{victim.seq} (id {victim.pk})" in str(err.value)
    assert "content no longer matches" in str(err.value)


def test_an_edited_payload_is_named_even_when_later_rows_are_intact(cases):
    victim = CaseEvent.objects.filter(case=cases[1]).order_by("seq")[1]
    _sql("UPDATE {t} SET payload = %s WHERE id = %s", ['{"forged": true}', victim.pk])
    with pytest.raises(CommandError, match=rf"event #{victim.seq} \(id {victim.pk}\)"):
        call_command("verify_audit")
    # the other case's chain is still fine on its own
    call_command("verify_audit", "--case", str(cases[0].pk))


def test_a_deleted_event_breaks_the_next_link(cases):
    events = list(CaseEvent.objects.filter(case=cases[0]).order_by("seq"))
    _sql("DELETE FROM {t} WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError, match=rf"event #{events[3].seq} \(id {events[3].pk}\).*missing"):
        call_command("verify_audit")


def test_a_recomputed_hash_still_breaks_the_link_of_the_next_event(cases):
    """Someone who edits a row and recomputes its own hash is caught by the next event."""
    from cases.selectors.audit import event_digest

    events = list(CaseEvent.objects.filter(case=cases[0]).order_by("seq"))
    victim = events[1]
    victim.reason = "伪造"
    _sql("UPDATE {t} SET reason = %s, hash = %s WHERE id = %s", ["伪造", event_digest(victim), victim.pk])
    with pytest.raises(CommandError, match=rf"event #{events[2].seq} \(id {events[2].pk}\).*link"):
        call_command("verify_audit")
