"""The case lifecycle of PRODUCT §1.6 as one table (STYLE §13).

One ``Transition`` row per transition and one ``Stage`` row per state a case waits in. Everything
else reads these rows: the dispatcher (``cases.services.lifecycle``), the API's choices, the
UI's labels, buttons and reason fields, the viewflow ``route`` switch and stage nodes
(``workflows.flows``) and the fast path's stage table (``workflows.fast_path``).
``cases/tests/test_lifecycle_spec.py`` ties them to ``CaseState``, ``CaseEventKind``, the
notification rules and the django-fsm transitions of ``Case``.

Sources and targets repeat what the ``@transition`` decorators on ``Case`` say, because the
decorators must stay literal for django-fsm; the test fails if the two disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.codes import CaseEventKind, CaseState
from cases.lifecycle.inputs import (
    AcceptInput,
    ConcludeInput,
    DeliverInput,
    NoInput,
    ProposeInput,
    ReasonInput,
    TransferInput,
    TransitionInput,
)
from org.codes import Rank

S = CaseState


@dataclass(frozen=True)
class Transition:
    name: str  # the public code of PRODUCT §1.6, also the ``Case`` method's name
    sources: tuple[CaseState, ...]
    targets: tuple[CaseState, ...]  # more than one when the method returns its target
    label: Promise  # the button and the form title
    help: Promise  # one line under the form title
    Input: type[TransitionInput]  # the payload serializer (``cases.lifecycle.inputs``)
    event: CaseEventKind  # the kind of the event it records
    reason_required: bool = False
    leader_only: bool = False  # only a leader of the handling department may fire it
    four_eyes: bool = False  # the member who proposed may not fire it
    primary: bool = False  # the usual next step from each of its sources: the primary button
    caution: bool = False  # ends or sends back the proceeding: a quiet, cautionary button
    # Blocked while a transfer waits for the receiving department (``transfer`` itself answers
    # with its own, more precise, precondition).
    blocked_by_pending_transfer: bool = True


@dataclass(frozen=True)
class Stage:
    """A state a case waits in, and the flow node that waits with it (``workflows.flows``)."""

    state: CaseState
    node: str  # the node the ``route`` switch opens for the state
    title: Promise | str
    description: Promise | str
    rank: Rank = Rank.OFFICER  # who takes the task from the queue
    human: bool = True  # False: a gateway (the execution split), not a task in a queue
    # A side state (谈话函询, 暂存待查) sits on the case page's stepper at the step it branches
    # from; every other stage is a step of its own.
    side_of: CaseState | None = None


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "transfer",
        (S.RECEIVED,),
        (S.RECEIVED,),
        _("Transfer to another department"),
        _("The receiving department must acknowledge and accept the lead; until then the case stays here (Art. 34)."),
        TransferInput,
        CaseEventKind.TRANSFER,
        reason_required=True,
        blocked_by_pending_transfer=False,
    ),
    Transition(
        "inquire",
        (S.RECEIVED,),
        (S.INQUIRING,),
        _("Talk or letter inquiry"),
        _("Start a talk or letter inquiry (谈话函询) before deciding whether to investigate."),
        ReasonInput,
        CaseEventKind.INQUIRE,
    ),
    Transition(
        "hold",
        (S.RECEIVED,),
        (S.HELD,),
        _("Hold for later"),
        _("Keep the lead on file for later verification (暂存待查); say why."),
        ReasonInput,
        CaseEventKind.HOLD,
        reason_required=True,
    ),
    Transition(
        "accept",
        (S.RECEIVED, S.INQUIRING, S.HELD),
        (S.INVESTIGATING,),
        _("Accept for investigation"),
        _("Open the verification and investigation with a team of at least two members of the department."),
        AcceptInput,
        CaseEventKind.ACCEPT,
        primary=True,
    ),
    Transition(
        "dismiss",
        (S.RECEIVED, S.INQUIRING, S.HELD, S.INVESTIGATING),
        (S.DISMISSED,),
        _("Dispose of the lead"),
        _("End the proceeding without accountability (予以了结); the reason is recorded and shown to the referring agency."),
        ReasonInput,
        CaseEventKind.DISMISS,
        reason_required=True,
        leader_only=True,
        caution=True,
    ),
    Transition(
        "submit_findings",
        (S.INVESTIGATING,),
        (S.ASSESSING,),
        _("Submit the findings"),
        _("Every subject needs recorded findings; after this they are assessed."),
        NoInput,
        CaseEventKind.SUBMIT_FINDINGS,
        primary=True,
    ),
    Transition(
        "conclude",
        (S.ASSESSING,),
        (S.PROPOSING, S.NOT_PURSUED),
        _("Conclude the assessment"),
        _(
            "The rule engine assesses every subject with the policy in force at the conduct date; the result is stored and can be replayed."
        ),
        ConcludeInput,
        CaseEventKind.CONCLUDE,
        primary=True,
    ),
    Transition(
        "propose",
        (S.PROPOSING,),
        (S.APPROVING,),
        _("Propose measures"),
        _("Choose, for every accountable subject, measures the rule engine allows (Art. 27); they may be combined."),
        ProposeInput,
        CaseEventKind.PROPOSE,
        primary=True,
    ),
    Transition(
        "reject",
        (S.APPROVING,),
        (S.PROPOSING,),
        _("Send back the proposal"),
        _("Return the proposal to the officers with the reason; the proposed measures are withdrawn."),
        ReasonInput,
        CaseEventKind.REJECT,
        reason_required=True,
        leader_only=True,
        caution=True,
    ),
    Transition(
        "approve",
        (S.APPROVING,),
        (S.DECIDED,),
        _("Approve the measures"),
        _("Approve the proposed measures; this fixes the decision and its date. The proposer cannot approve."),
        ReasonInput,
        CaseEventKind.APPROVE,
        leader_only=True,
        four_eyes=True,
        primary=True,
    ),
    Transition(
        "deliver",
        (S.DECIDED,),
        (S.EXECUTING,),
        _("Record delivery of the decision"),
        _(
            "The date the decision was announced to the subjects; it starts the appeal window and creates the execution and archive tasks."
        ),
        DeliverInput,
        CaseEventKind.DELIVER,
        primary=True,
    ),
    Transition(
        "close",
        (S.EXECUTING,),
        (S.CLOSED,),
        _("Close the case"),
        _("Close when every execution and archive task is done and no appeal is pending."),
        ReasonInput,
        CaseEventKind.CLOSE,
        primary=True,
    ),
)

# In the order the ``route`` switch tries them. ``executing`` opens the split on the execution
# branches, which join before the ``closing`` task (both drawn by hand in ``workflows.flows``).
STAGES: tuple[Stage, ...] = (
    Stage(S.RECEIVED, "intake", _("Take in the lead (线索受理)"), _("Inquire, hold, accept, dismiss or transfer the lead.")),
    Stage(
        S.INQUIRING,
        "inquiry",
        _("Talk or letter inquiry (谈话函询)"),
        _("Accept for investigation or dispose of."),
        side_of=S.RECEIVED,
    ),
    Stage(S.HELD, "holding", _("Held for later (暂存待查)"), _("Accept for investigation or dispose of."), side_of=S.RECEIVED),
    Stage(
        S.INVESTIGATING, "investigation", _("Investigate (初步核实/调查)"), _("Record findings for every subject, then submit.")
    ),
    Stage(S.ASSESSING, "assessment", _("Assess the circumstances (情节认定)"), _("Conclude with the rule engine.")),
    Stage(S.PROPOSING, "proposal", _("Propose measures (拟定问责方式)"), _("Choose measures allowed for each subject.")),
    Stage(
        S.APPROVING,
        "approval",
        _("Approve (审批)"),
        _("A leader other than the proposer approves or rejects."),
        rank=Rank.LEADER,
    ),
    Stage(S.DECIDED, "delivery", _("Deliver the decision (送达)"), _("Record the date the decision was announced.")),
    Stage(S.EXECUTING, "execution", S.EXECUTING.label, "", human=False),
)

BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}
# The stages that are a task in a queue, by the state they wait in.
TASK_STAGES: dict[str, Stage] = {s.state.value: s for s in STAGES if s.human}
# The transition shown as the primary button in each state.
PRIMARY_BY_STATE: dict[str, str] = {source.value: t.name for t in TRANSITIONS if t.primary for source in t.sources}
# The case page's stepper: the stages that are steps of their own, then the closed case.
STEPS: list[CaseState] = [s.state for s in STAGES if s.side_of is None] + [S.CLOSED]
STEP_OF: dict[CaseState, CaseState] = {s.state: s.side_of for s in STAGES if s.side_of is not None}
REASON_REQUIRED: frozenset[str] = frozenset(t.name for t in TRANSITIONS if t.reason_required)
CAUTION: frozenset[str] = frozenset(t.name for t in TRANSITIONS if t.caution)
