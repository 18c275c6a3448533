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
    # Before signatures the next event's link caught it; now its own signature does (issue 15).
    with pytest.raises(CommandError, match=rf"event #{victim.seq} \(id {victim.pk}\).*signature"):
        call_command("verify_audit")


def test_a_forged_chain_rehashed_to_the_end_is_caught_by_the_signatures(cases):
    """Someone with database access edits an event and re-hashes the whole rest of the chain:
    every unkeyed hash fits, but the signatures need the key kept outside the database."""
    from cases.selectors.audit import event_digest

    events = list(CaseEvent.objects.filter(case=cases[0]).order_by("seq"))
    events[1].reason = "伪造"
    prev = events[0].hash
    for event in events[1:]:
        event.prev_hash = prev
        event.hash = event_digest(event)
        _sql(
            "UPDATE {t} SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.reason, event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    with pytest.raises(CommandError, match=rf"event #{events[1].seq} \(id {events[1].pk}\).*signature"):
        call_command("verify_audit")


def test_a_checkpoint_catches_truncation(cases, tmp_path):
    """Deleting the last event, or all of a case's events, leaves a chain that verifies by itself;
    the checkpoint the superior organ keeps does not."""
    path = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", "--out", str(path))
    call_command("verify_audit", "--checkpoint", str(path))  # intact
    last = CaseEvent.objects.filter(case=cases[0]).order_by("-seq").first()
    _sql("DELETE FROM {t} WHERE id = %s", [last.pk])
    call_command("verify_audit")  # the chain alone still verifies
    with pytest.raises(CommandError, match=rf"case {cases[0].pk}.*checkpoint"):
        call_command("verify_audit", "--checkpoint", str(path))
    _sql("DELETE FROM {t} WHERE case_id = %s", [cases[1].pk])
    with pytest.raises(CommandError, match=rf"case {cases[0].pk}|case {cases[1].pk}"):
        call_command("verify_audit", "--checkpoint", str(path))


def test_a_forged_checkpoint_file_is_refused(cases, tmp_path):
    import json

    path = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", "--out", str(path))
    data = json.loads(path.read_text())
    first = next(iter(data["cases"]))
    data["cases"][first]["seq"] = 1
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="signature"):
        call_command("verify_audit", "--checkpoint", str(path))
