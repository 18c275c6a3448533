"""The lifecycle's table (``cases.lifecycle.spec``) is complete and agrees with everything that
reads it or restates it: every state waits in a stage or ends the case, every event kind is
told to someone or deliberately to no one, every transition has its label, help, serializer and
handler, and its sources and targets are the django-fsm transitions of ``Case``. A missing row
fails here instead of as a 500 on a page or a process that silently ends."""

from __future__ import annotations

from collections import defaultdict

from django_fsm import RETURN_VALUE

from cases.codes import TERMINAL_STATES, CaseEventKind, CaseState
from cases.lifecycle.handlers import HANDLERS
from cases.lifecycle.inputs import TransitionInput
from cases.lifecycle.spec import PRIMARY_BY_STATE, STAGES, TASK_STAGES, TRANSITIONS
from cases.models import Case
from notifications.rules import RULES, SILENT


def _fsm_transitions() -> dict[str, tuple[set[str], set[str]]]:
    """name → (sources, targets) as the ``@transition`` decorators on ``Case`` declare them."""
    found: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for t in Case._meta.get_field("state").get_all_transitions(Case):
        sources, targets = found[t.name]
        sources.add(t.source)
        targets.update(t.target.allowed_states if isinstance(t.target, RETURN_VALUE) else [t.target])
    return dict(found)


def test_every_state_ends_the_case_or_waits_in_exactly_one_stage():
    staged = [s.state for s in STAGES]
    assert len(staged) == len(set(staged))
    for state in CaseState:
        assert (state in TERMINAL_STATES) != (state in staged), f"{state}: neither terminal nor a stage (or both)"
    assert len({s.node for s in STAGES}) == len(STAGES)


def test_every_event_kind_has_a_notification_rule_or_is_marked_silent():
    for kind in CaseEventKind:
        assert (kind in RULES) != (kind in SILENT), f"{kind}: no notification rule and not marked silent (or both)"
    assert set(RULES) | set(SILENT) <= set(CaseEventKind.values)


def test_every_transition_has_a_label_help_serializer_handler_and_event_kind():
    assert len({t.name for t in TRANSITIONS}) == len(TRANSITIONS)
    for t in TRANSITIONS:
        assert str(t.label).strip() and str(t.help).strip(), t.name
        assert isinstance(t.Input, type) and issubclass(t.Input, TransitionInput), t.name
        assert t.name in HANDLERS, t.name
        assert t.event in CaseEventKind.values and t.event == t.name, t.name
        if t.reason_required:
            assert "reason" in t.Input._declared_fields, t.name
    assert set(HANDLERS) == {t.name for t in TRANSITIONS}


def test_every_transitions_sources_and_targets_are_the_fsm_transitions_of_case():
    fsm = _fsm_transitions()
    assert set(fsm) == {t.name for t in TRANSITIONS}
    for t in TRANSITIONS:
        assert fsm[t.name] == ({s.value for s in t.sources}, {s.value for s in t.targets}), t.name


def test_every_waiting_state_has_one_primary_action_leaving_it():
    primaries = defaultdict(list)
    for t in TRANSITIONS:
        if t.primary:
            for source in t.sources:
                primaries[source].append(t.name)
    assert all(len(names) == 1 for names in primaries.values()), dict(primaries)
    assert set(PRIMARY_BY_STATE) == {s.value for s in CaseState if s not in TERMINAL_STATES}


def test_every_stage_with_a_task_is_left_by_some_transition():
    leaving = {source for t in TRANSITIONS for source in t.sources}
    assert set(TASK_STAGES) <= leaving
