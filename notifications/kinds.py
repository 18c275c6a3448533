"""The kinds of notification ``notifications.rules`` creates, with the label an officer reads.

One table (STYLE §13): the notification page's filter and its rows read the labels here; a test
ties every kind the rules emit to a row, so no raw code reaches the page."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KIND_LABELS: dict[str, Promise] = {
    "lead_routed": _("New lead"),
    "referral_received": _("Referral received"),
    "referral_outcome": _("Outcome of our referral"),
    "approval_requested": _("Approval requested"),
    "proposal_rejected": _("Proposal returned"),
    "execution_assigned": _("Decision to execute"),
    "appeal_filed": _("Appeal filed"),
    "task_waiting": _("Step waiting"),
    "task_assigned": _("Task assigned to you"),
    "deadline_near": _("Deadline near"),
    "deadline_overdue": _("Deadline passed"),
    "case_filed": _("Case filed for investigation"),
    "subject_moved_under_investigation": _("Subject under investigation moved"),
    "accident_regraded": _("Accident regraded"),
    "interim_measure": _("Interim measure"),
}

OTHER_KIND = _("Notification")


def kind_label(kind: str) -> str:
    """The label of ``kind``; a kind without a row reads as a plain notification, never its code."""
    return str(KIND_LABELS.get(kind, OTHER_KIND))
