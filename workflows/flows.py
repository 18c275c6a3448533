"""The flows: who must act next (STYLE §2). Business state stays in ``cases``.

Every human step is a ``flow.View`` node whose task is completed by the domain service that
performs the step (``workflows.sync``): a transition fired through the API completes the task,
and the task page in the UI fires the transition through the same service. Nodes never change
a case themselves. After each stage the ``route`` switch reads ``Case.state`` and opens the
stage that follows, so the flow cannot disagree with the legal state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from cases.lifecycle.spec import STAGES, TASK_STAGES
from org.codes import Rank
from workflows import views
from workflows.branches import branch_tasks

# Stage nodes of the case flow, keyed by the case state they wait in (``cases.lifecycle.spec``).
STAGE_BY_STATE = {state: stage.node for state, stage in TASK_STAGES.items()}
# Execution branches after delivery (PRODUCT §1.4, Art. 34), joined before closing: a measure
# branch per ``execution_route``, an archive branch per file.
LEADER_NODES = {stage.node for stage in STAGES if stage.human and stage.rank == Rank.LEADER}


def _state_is(*states):
    def condition(activation) -> bool:
        return activation.process.artifact.state in states

    return condition


def _has_branch(node_name):
    def condition(activation) -> bool:
        return branch_tasks(activation.process.artifact, node_name).exists()

    return condition


def _stage(title, description):
    return flow.View(views.TaskRedirectView.as_view()).Annotation(title=title, description=description)


def _route():
    """The switch after every stage: open the node of the case's state, or end the process."""
    switch = flow.Switch()
    for stage in STAGES:
        switch = switch.Case(getattr(this, stage.node), _state_is(stage.state))
    return switch.Default(this.end)


# One titled task per waiting stage, each followed by the switch. viewflow collects a flow's
# nodes from its attributes (``dir()``, inherited ones included) when the class is created, so
# nodes built in a loop on a plain base class are copied onto ``CaseFlow`` like written ones.
if TYPE_CHECKING:
    # mypy cannot use a class built by type() as a base; to it the base is an empty class (the
    # nodes are read by viewflow at run time only, and ``flow.Flow`` is untyped anyway).
    class _CaseStages:
        pass

else:
    _CaseStages = type(
        "_CaseStages",
        (),
        {s.node: _stage(s.title, s.description).Next(this.route) for s in STAGES if s.human},
    )


class CaseFlow(_CaseStages, flow.Flow):
    """One process per accountability case (PRODUCT §1.6)."""

    process_title = _("Accountability case (问责案件)")
    process_description = _("From the lead to closing, one human step per stage.")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_case).Next(this.route)

    route = _route()

    execution = (
        flow.Split()
        .Next(this.execute_organization, case=_has_branch("execute_organization"))
        .Next(this.execute_discipline, case=_has_branch("execute_discipline"))
        .Next(this.execute_notice, case=_has_branch("execute_notice"))
        .Next(this.archive_integrity, case=_has_branch("archive_integrity"))
        .Next(this.archive_personnel, case=_has_branch("archive_personnel"))
    )
    execute_organization = _stage(_("Organizational measures and 诫勉 (组织人事部门)"), _("Carry out within one month.")).Next(
        this.executed
    )
    execute_discipline = _stage(_("Sanctions (纪检监察机关)"), _("Carry out the Party or government sanction.")).Next(
        this.executed
    )
    execute_notice = _stage(_("Notice (决定机关)"), _("Circulate the notice.")).Next(this.executed)
    archive_integrity = _stage(_("File in the integrity file (廉政档案)"), _("The discipline organ files the decision.")).Next(
        this.executed
    )
    archive_personnel = _stage(
        _("File in the personnel file (人事档案)"), _("The organization department files the decision.")
    ).Next(this.executed)
    executed = flow.Join().Next(this.closing)
    closing = _stage(_("Close the case (结案)"), _("Close when every task is done and no appeal is pending.")).Next(this.end)

    end = flow.End()

    def start_case(self, activation, case):
        activation.process.artifact = case
        activation.process.data = {"case": case.pk, "number": case.number}
        return activation.process


class ReferralFlow(flow.Flow):
    """A referral between departments (Art. 32, 34): acknowledge, then accept or return."""

    process_title = _("Referral (移送)")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_referral).Next(this.acknowledge)
    acknowledge = (
        flow.View(views.TaskRedirectView.as_view())
        .Annotation(title=_("Acknowledge the referral (签收)"), description=_("Within the acknowledgement limit."))
        .Next(this.decide)
    )
    decide = (
        flow.View(views.TaskRedirectView.as_view())
        .Annotation(title=_("Accept or return (接收或退回)"), description=_("Returning needs a reason."))
        .Next(this.end)
    )
    end = flow.End()

    def start_referral(self, activation, referral):
        activation.process.artifact = referral
        activation.process.data = {"case": referral.case_id, "referral": referral.pk}
        return activation.process


class AppealFlow(flow.Flow):
    """An appeal (申诉): decided by a leader of the deciding department; execution continues."""

    process_title = _("Appeal (申诉)")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_appeal).Next(this.decide)
    decide = (
        flow.View(views.TaskRedirectView.as_view())
        .Annotation(title=_("Decide the appeal (申诉处理)"), description=_("Uphold or revise the measures."))
        .Next(this.end)
    )
    end = flow.End()

    def start_appeal(self, activation, appeal):
        activation.process.artifact = appeal
        activation.process.data = {"case": appeal.case_id, "appeal": appeal.pk}
        return activation.process
