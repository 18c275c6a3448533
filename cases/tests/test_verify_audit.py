"""The tamper-evident audit trail (PRODUCT §8; issue 7 item 4): ``verify_audit`` names the first
event row that was changed, removed or re-ordered behind the application's back."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cases.codes import CaseEventKind, CaseState
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


# --- issue 15 item 8: every manipulation of the trail, history rows and live case rows -----------


def _history_sql(model, statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{t}", model.history.model._meta.db_table), params)


def _broken(*args) -> str:
    with pytest.raises(CommandError) as err:
        call_command("verify_audit", *args)
    return str(err.value)


def test_deleting_the_last_event_is_caught_by_the_checkpoint(cases, tmp_path):
    path = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", "--out", str(path))
    last = CaseEvent.objects.filter(case=cases[0]).order_by("-seq").first()
    _sql("DELETE FROM {t} WHERE id = %s", [last.pk])
    message = _broken("--checkpoint", str(path))
    assert f"case {cases[0].pk}: event #{last.seq} of the checkpoint is gone" in message


def test_deleting_all_events_of_a_case_is_caught_by_the_checkpoint(cases, tmp_path):
    path = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", "--out", str(path))
    _sql("DELETE FROM {t} WHERE case_id = %s", [cases[1].pk])
    assert f"case {cases[1].pk}: event #" in _broken("--checkpoint", str(path))


def test_an_edited_history_row_is_named(cases):
    from cases.models import Case

    row = Case.history.filter(id=cases[0].pk).order_by("history_id")[1]
    _history_sql(Case, "UPDATE {t} SET title = %s WHERE history_id = %s", ["改过的标题", row.history_id])
    message = _broken()
    assert f"case {cases[0].pk}, number {cases[0].number}, history row cases.historicalcase #{row.history_id}" in message
    assert "changed outside Zeren" in message


def test_an_edited_history_row_of_a_row_of_the_case_is_named(cases):
    from cases.models import MeasureDecision

    row = MeasureDecision.history.filter(subject__case=cases[0]).order_by("history_id").first()
    _history_sql(MeasureDecision, "UPDATE {t} SET measure = %s WHERE history_id = %s", ["forged", row.history_id])
    assert f"history row cases.historicalmeasuredecision #{row.history_id}: its content no longer matches" in _broken()


def test_a_deleted_history_row_is_named(cases):
    from cases.models import Case

    rows = list(Case.history.filter(id=cases[0].pk).order_by("history_id"))
    victim = rows[1]  # not the newest: the live row still equals the newest
    _history_sql(Case, "DELETE FROM {t} WHERE history_id = %s", [victim.history_id])
    message = _broken()
    assert f"history row cases.historicalcase #{victim.history_id}: event #" in message
    assert "the history row was deleted" in message
    # the check of one case finds it too
    assert "deleted" in _broken("--case", str(cases[0].pk))


def test_an_inserted_or_copied_history_row_is_named(cases):
    from cases.models import Case

    table = Case.history.model._meta.db_table
    row = Case.history.filter(id=cases[1].pk).order_by("history_id")[0]
    columns = [f.column for f in Case.history.model._meta.concrete_fields if f.column != "history_id"]
    listed = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:  # a copy of a signed row, signature and all
        cursor.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {table} WHERE history_id = %s", [row.history_id])
    assert "copied outside Zeren" in _broken()
    with connection.cursor() as cursor:  # and a row written without the key
        cursor.execute(f"UPDATE {table} SET history_mac = '' WHERE history_id = (SELECT MAX(history_id) FROM {table})")
    assert "not signed" in _broken()


@pytest.mark.parametrize(("column", "value"), [("state", "closed"), ("title", "改过的标题")])
def test_an_edited_live_case_row_is_named(cases, column, value):
    from cases.models import Case

    Case.objects.filter(pk=cases[1].pk).update(**{column: value})
    message = _broken()
    assert f"case {cases[1].pk}, number {cases[1].number}, the live case row: {column} differ" in message
    assert "changed outside Zeren" in message
    assert "changed outside Zeren" in _broken("--case", str(cases[1].pk))


def test_a_forged_reason_re_hashed_without_the_key_is_refused(cases, world):
    """The API served the forged reason before signatures: the re-hashed event now fails."""
    from cases.selectors.audit import event_digest

    events = list(CaseEvent.objects.filter(case=cases[1]).order_by("seq"))
    victim = events[-1]
    victim.reason = "伪造的理由"
    _sql("UPDATE {t} SET reason = %s, hash = %s WHERE id = %s", [victim.reason, event_digest(victim), victim.pk])
    message = _broken()
    assert f"case {cases[1].pk}, event #{victim.seq} (id {victim.pk}), number {cases[1].number}" in message
    assert "signature does not match" in message


def test_key_rotation_still_verifies_what_the_old_key_signed(cases, world, settings, capsys):
    from cases.models import Case
    from cases.services.lifecycle import case_transition

    old_id = settings.AUDIT_KEY_ID
    settings.AUDIT_KEYS = {"k2": "n" * 40, **settings.AUDIT_KEYS}
    settings.AUDIT_KEY_ID = "k2"
    case_transition(case_id=cases[1].pk, name="conclude", payload={}, acting_user=world.users["discipline_officer"])
    assert CaseEvent.objects.filter(case=cases[1]).order_by("-seq").first().mac.startswith("k2:")
    assert Case.history.filter(id=cases[1].pk).order_by("-history_id").first().history_mac.startswith("k2:")
    assert "events verified" in _verify(capsys)
    # without the old key, what it signed no longer verifies
    settings.AUDIT_KEYS = {"k2": "n" * 40}
    assert old_id not in settings.AUDIT_KEYS
    assert "signature does not match" in _broken()


def test_events_signed_before_the_history_rows_were_listed_still_verify(cases, capsys):
    """Version-1 events (written before issue 15 item 8) verify as before."""
    from cases.selectors.audit import event_digest, sign

    prev = ""
    for event in CaseEvent.objects.filter(case=cases[0]).order_by("seq"):
        event.mac_version, event.history, event.prev_hash = 1, [], prev
        event.hash = event_digest(event)
        event.mac = sign(event.hash)
        event.save()
        prev = event.hash
    assert "events verified" in _verify(capsys)


def test_a_rolled_back_savepoint_leaves_no_history_row_for_the_event_to_list(cases, world, capsys):
    from django.db import transaction

    from cases.models import Case
    from cases.services.common import case_event_record
    from core.persistence import save_with_history

    case = Case.objects.get(pk=cases[0].pk)
    with transaction.atomic():
        try:
            with transaction.atomic():
                case.title = "不会留下"
                save_with_history(case, acting_user=world.users["discipline_officer"], reason="test")
                raise RuntimeError
        except RuntimeError:
            pass
        case = Case.objects.get(pk=cases[0].pk)
        case.title = "留下"
        save_with_history(case, acting_user=world.users["discipline_officer"], reason="test")
        event = case_event_record(case=case, kind=CaseEventKind.FINDINGS, acting_user=world.users["discipline_officer"])
    assert [ref[0] for ref in event.history] == ["cases.historicalcase"]
    assert "events verified" in _verify(capsys)
