"""立案: recording that a subject of a case was filed for investigation (《监察法》2024 第四十二条).

The filing is a recorded event inside the proceeding, not a state of its own: the case stays
``investigating`` (初步核实/调查) and its transitions are unchanged; what changes is the subject's
standing under 《公职人员政务处分法》第五十二条, which bars moving, promoting, rewarding or retiring a
cadre from the filing date while the case is under investigation (``cases.selectors.records``,
``cases.services.cadres.cadre_move``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.codes import FILING_STATES, CaseEventKind, CaseState
from cases.models import Case, CaseEvent, CaseSubject, Filing
from cases.services.common import case_event_record
from core.errors import NOT_FOUND, NotFound, NotPermitted, PreconditionFailed, field_error
from core.persistence import local_today, lock, save_with_history
from core.typing import Actor
from org.access import require_member_of
from org.codes import DepartmentKind

# 《监察法》2024 第四十二条第二款 (VERIFIED-P, LawRefBook/Laws 宪法相关法/监察法(2024-12-25).md):
# “监察机关主要负责人依法批准立案后，应当主持召开专题会议，研究确定调查方案……”. Zeren knows a
# department's leaders (Rank.LEADER), not which of them is the 主要负责人, so any leader of the
# handling discipline organ may record the filing, as the one who approved it.
FILING_BASIS = "《监察法》第四十二条：监察机关主要负责人依法批准立案"
NOT_DISCIPLINE = gettext_lazy(
    "立案 is approved by the discipline inspection and supervision organ (监察法第四十二条); this case is handled by %(d)s."
)
LEADER_ONLY = gettext_lazy(
    "Only a leader of the discipline organ handling the case may record a 立案 (监察法第四十二条: 主要负责人批准立案)."
)
WRONG_STATE = gettext_lazy("A 立案 can be recorded only while the case is under investigation and not yet decided (now: %(s)s).")
ALREADY_FILED = gettext_lazy("The 立案 of %(name)s was already recorded (filed on %(d)s); a subject is filed once.")


@transaction.atomic
def subject_file(*, case_id: int, subject_id: int, filed_on: dt.date, reason: str, acting_user: Actor) -> Filing:
    """Record the 立案 of one subject of a case, approved by ``acting_user``.

    Allowed while the case is under investigation and not yet decided (``FILING_STATES``), by a
    leader of the discipline organ that handles it, once per subject. ``filed_on`` is not in
    the future, not before the case was opened and, once the findings are submitted, not after
    that day (the investigation a filing opens is over by then). Appends a ``filed`` event.
    """
    case = lock(Case, case_id)
    if case.state not in FILING_STATES:
        raise PreconditionFailed(WRONG_STATE % {"s": CaseState(case.state).label}, extra={"state": case.state})
    owner = case.owner_department
    if owner.kind != DepartmentKind.DISCIPLINE:
        raise NotPermitted(NOT_DISCIPLINE % {"d": owner.name})
    try:
        require_member_of(acting_user, owner.pk, leader=True)
    except NotPermitted:
        raise NotPermitted(LEADER_ONLY) from None
    subject = CaseSubject.objects.select_related("cadre").filter(case=case, pk=subject_id).first()
    if subject is None:
        raise NotFound(NOT_FOUND)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the grounds of the 立案 (what the preliminary verification found)."))
    _check_date(case, filed_on)
    existing = Filing.objects.filter(subject=subject).first()
    if existing is not None:
        raise PreconditionFailed(ALREADY_FILED % {"name": subject.cadre.name, "d": existing.filed_on.isoformat()})
    filing = Filing(subject=subject, filed_on=filed_on, approved_by=acting_user, reason=reason)
    save_with_history(filing, acting_user=acting_user, reason="立案")
    case_event_record(
        case=case,
        kind=CaseEventKind.FILED,
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload={
            "subject": subject.pk,
            "cadre": subject.cadre_id,
            "filing": filing.pk,
            "filed_on": filed_on.isoformat(),
            "approved_by": acting_user.get_username(),
            "basis": FILING_BASIS,
        },
    )
    return filing


def _check_date(case: Case, filed_on: dt.date) -> None:
    if filed_on > local_today():
        raise field_error("filed_on", _("The date of the 立案 cannot be in the future."))
    opened = timezone.localdate(case.created_at)
    if filed_on < opened:
        raise field_error("filed_on", _("The 立案 cannot precede the case: it was opened on %(d)s.") % {"d": opened.isoformat()})
    if case.state != CaseState.INVESTIGATING:
        submitted = (
            CaseEvent.objects.filter(case=case, kind=CaseEventKind.SUBMIT_FINDINGS)
            .order_by("-seq")
            .values_list("created_at", flat=True)
            .first()
        )
        if submitted is not None and filed_on > timezone.localdate(submitted):
            raise field_error(
                "filed_on",
                _("The investigation ended when the findings were submitted on %(d)s; a 立案 recorded now must be dated by then.")
                % {"d": timezone.localdate(submitted).isoformat()},
            )
