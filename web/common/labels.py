"""Labels the officers read: transitions, timeline events, engine outcomes. English msgids,
Chinese in the catalog; the codes stay the public slugs of PRODUCT §1."""

from django.utils.translation import gettext_lazy as _

from cases.codes import CaseState

TRANSITION_LABELS = {
    "transfer": _("Transfer to another department"),
    "inquire": _("Talk or letter inquiry"),
    "hold": _("Hold for later"),
    "accept": _("Accept for investigation"),
    "dismiss": _("Dispose of the lead"),
    "submit_findings": _("Submit the findings"),
    "conclude": _("Conclude the assessment"),
    "propose": _("Propose measures"),
    "reject": _("Send back the proposal"),
    "approve": _("Approve the measures"),
    "deliver": _("Record delivery of the decision"),
    "close": _("Close the case"),
}

# What each form asks, in one line under its title.
TRANSITION_HELP = {
    "transfer": _("The receiving department must acknowledge and accept the lead; until then the case stays here (Art. 34)."),
    "inquire": _("Start a talk or letter inquiry (谈话函询) before deciding whether to investigate."),
    "hold": _("Keep the lead on file for later verification (暂存待查); say why."),
    "accept": _("Open the verification and investigation with a team of at least two members of the department."),
    "dismiss": _(
        "End the proceeding without accountability (予以了结); the reason is recorded and shown to the referring agency."
    ),
    "submit_findings": _("Every subject needs recorded findings; after this they are assessed."),
    "conclude": _(
        "The rule engine assesses every subject with the policy in force at the conduct date; the result is stored and can be replayed."
    ),
    "propose": _("Choose, for every accountable subject, measures the rule engine allows (Art. 27); they may be combined."),
    "reject": _("Return the proposal to the officers with the reason; the proposed measures are withdrawn."),
    "approve": _("Approve the proposed measures; this fixes the decision and its date. The proposer cannot approve."),
    "deliver": _(
        "The date the decision was announced to the subjects; it starts the appeal window and creates the execution and archive tasks."
    ),
    "close": _("Close when every execution and archive task is done and no appeal is pending."),
}

# The transition every state usually leads to: shown as the primary button.
PRIMARY = {
    CaseState.RECEIVED: "accept",
    CaseState.INQUIRING: "accept",
    CaseState.HELD: "accept",
    CaseState.INVESTIGATING: "submit_findings",
    CaseState.ASSESSING: "conclude",
    CaseState.PROPOSING: "propose",
    CaseState.APPROVING: "approve",
    CaseState.DECIDED: "deliver",
    CaseState.EXECUTING: "close",
}
# Transitions that end or send back a proceeding: shown as quiet, cautionary buttons.
CAUTION = {"dismiss", "reject"}

EVENT_LABELS = {
    "lead": _("Lead received"),
    "transfer": _("Transferred"),
    "inquire": _("Inquiry started"),
    "hold": _("Held for later"),
    "accept": _("Accepted for investigation"),
    "dismiss": _("Disposed of"),
    "submit_findings": _("Findings submitted"),
    "conclude": _("Assessment concluded"),
    "propose": _("Measures proposed"),
    "reject": _("Proposal sent back"),
    "approve": _("Measures approved"),
    "deliver": _("Decision delivered"),
    "close": _("Case closed"),
    "findings": _("Findings recorded"),
    "execution_complete": _("Task completed"),
    "appeal_filed": _("Appeal filed"),
    "appeal_upheld": _("Appeal decided: upheld"),
    "appeal_revised": _("Appeal decided: revised"),
    "task_claimed": _("Task claimed"),
    "task_assigned": _("Task assigned"),
    "task_reassigned": _("Task reassigned"),
    "task_released": _("Task released to the queue"),
    "deadline_warning": _("Deadline near"),
    "deadline_overdue": _("Deadline passed, escalated"),
    "referral_acknowledge": _("Referral acknowledged"),
    "referral_accept": _("Referral accepted"),
    "referral_return": _("Referral returned"),
    "lifelong_referral": _("Lifelong accountability referral"),
    "veto_override": _("Veto period overridden"),
}

OUTCOME_LABELS = {
    "accountable": _("Accountable"),
    "not_pursued": _("Not pursued"),
    "tolerated": _("Tolerated (fault tolerance, Art. 23)"),
}
SEVERITY_LABELS = {
    "heavier": _("Heavier (从重, Art. 29)"),
    "standard": _("Standard"),
    "lighter": _("Lighter or mitigated (从轻、减轻, Art. 30)"),
    "conflict": _("Heavier and lighter both apply"),
}
LIFELONG_LABELS = {
    "none": _("None"),
    "transfer_materials": _("Transfer the materials to the managing authority"),
    "pursue_retired": _("Pursue although retired"),
}

# The stages of the stepper on the case page, in the order of the proceeding.
STEPS = [
    CaseState.RECEIVED,
    CaseState.INVESTIGATING,
    CaseState.ASSESSING,
    CaseState.PROPOSING,
    CaseState.APPROVING,
    CaseState.DECIDED,
    CaseState.EXECUTING,
    CaseState.CLOSED,
]
# Side states sit on the step they branch from.
STEP_OF = {CaseState.INQUIRING: CaseState.RECEIVED, CaseState.HELD: CaseState.RECEIVED}
DECIDED_STATES = {CaseState.DECIDED, CaseState.EXECUTING, CaseState.CLOSED}
