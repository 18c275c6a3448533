"""Cadres and their post history (PRODUCT §4). Moves keep every case attached to the cadre."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.codes import CaseEventKind
from cases.models import Case, CaseSubject, Referral
from cases.selectors.records import INVESTIGATION_BASIS, open_or_egregious_subjects, subject_filing, under_investigation
from cases.services.common import case_event_record
from cases.services.referrals import case_materials, referral_send
from core.errors import NOT_FOUND, NotFound, NotPermitted, PreconditionFailed, field_error
from core.persistence import lock, save_with_history
from core.typing import Actor
from org.access import department_of_kind, require_membership
from org.codes import CadreStatus, DepartmentKind, MoveKind, Rank, Role
from org.jurisdiction import cadres_visible_q, user_units
from org.models import Cadre, Department, Post

OPEN_STATES = (Referral.State.SENT, Referral.State.ACKNOWLEDGED)
PERSONNEL_KINDS = {DepartmentKind.ORGANIZATION}
MOVE_STATUS: dict[str, str] = {
    MoveKind.TRANSFER: CadreStatus.TRANSFERRED,
    MoveKind.PROMOTION: CadreStatus.PROMOTED,
    MoveKind.RETIREMENT: CadreStatus.RETIRED,
}


# 《公职人员政务处分法》第五十二条第二款 (VERIFIED-P; quoted in ``cases.selectors.records``) bars the
# cadre's own and superior units from moving, promoting or retiring a cadre 被立案调查, and names no
# consent that lifts the bar (the 监察机关's consent it names is for 出境 and 辞去公职 only). The
# organization department records moves for those units, so it is its leader, who answers for the
# move under 干部管理权限, who may confirm recording one anyway (a move decided above the county,
# or one already effected), with the reason; the discipline organ handling the case is told at
# once through the case event. Officers cannot confirm.
UNDER_INVESTIGATION_REFUSED = gettext_lazy(
    "%(name)s is under investigation (立案) in case %(cases)s: under 政务处分法第五十二条 the cadre may not be "
    "transferred, promoted or retired while it lasts. A leader of the organization department may record the move "
    "only by confirming it (confirm_under_investigation) with the reason."
)
# 干部管理权限: a post's ``managing_authority`` (the city organization department for the county
# party secretary, the magistrate and the other county leaders) decides its holder's moves; the
# county organization department records moves only of the cadres a unit of its own jurisdiction
# manages (《党政领导干部选拔任用工作条例》: 按照干部管理权限).
OUTSIDE_AUTHORITY = gettext_lazy(
    "%(name)s's post is managed by %(authority)s (干部管理权限): only that authority may record a transfer, "
    "promotion or retirement of this cadre. 该干部由%(authority)s按照干部管理权限管理，调动、晋升或退休只能由其办理。"
)
CONFIRM_LEADER_ONLY = gettext_lazy(
    "Only a leader of the organization department may confirm a move of a cadre under investigation (政务处分法第五十二条)."
)


def _require_personnel(user: Actor) -> None:
    membership = require_membership(user)
    if membership.department.kind not in PERSONNEL_KINDS:
        raise NotPermitted(_("Only the organization and personnel department keeps cadre records."))


def move_refusal(cadre: Cadre, user: Actor, current: Post | None = None) -> str | None:
    """Why ``user`` may not record a move of ``cadre`` under 干部管理权限 (the current post's
    ``managing_authority`` is outside the user's jurisdiction); ``None`` when they may."""
    if current is None:
        current = cadre.posts.select_related("managing_authority").filter(end__isnull=True).order_by("-start", "-id").first()
    if current is None or current.managing_authority_id is None:
        return None
    units = user_units(user)
    if units is None or current.managing_authority_id in units:
        return None
    authority = current.managing_authority
    assert authority is not None  # managing_authority_id was checked above
    return str(OUTSIDE_AUTHORITY % {"name": cadre.name, "authority": authority.name})


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise field_error("role", _("Unknown role “%(r)s”.") % {"r": role})


@transaction.atomic
def cadre_register(
    *,
    name: str,
    organization: Department,
    role: str,
    title: str,
    since: dt.date,
    acting_user: Actor,
    managing_authority: Department | None = None,
) -> Cadre:
    _require_personnel(acting_user)
    _check_role(role)

    units = user_units(acting_user)
    if units is not None and organization.pk not in units:
        raise field_error("organization", _("%(d)s is outside your jurisdiction.") % {"d": organization.name})
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("This field is required."))
    cadre = Cadre(name=name)
    save_with_history(cadre, acting_user=acting_user, reason="register")
    post = Post(
        cadre=cadre,
        organization=organization,
        role=role,
        title=title,
        start=since,
        managing_authority=managing_authority or department_of_kind(DepartmentKind.ORGANIZATION, near=organization),
    )
    save_with_history(post, acting_user=acting_user, reason="register")
    return cadre


@transaction.atomic
def cadre_move(
    *,
    cadre_id: int,
    kind: str,
    effective_date: dt.date,
    acting_user: Actor,
    organization: Department | None = None,
    role: str = "",
    title: str = "",
    managing_authority: Department | None = None,
    confirm_under_investigation: bool = False,
    reason: str = "",
) -> Cadre:
    """Transfer, promote or retire a cadre: the current post ends the day before
    ``effective_date``. Open cases stay attached (they follow the cadre, Art. 32).

    A cadre 被立案调查 (《公职人员政务处分法》第五十二条) is refused (409 ``under_investigation``,
    naming the cases) unless a leader of the organization department confirms the move with a
    reason; the move is then recorded and each such case gets a
    ``subject_moved_under_investigation`` event naming who confirmed it and why.
    """
    _require_personnel(acting_user)

    if not Cadre.objects.filter(cadres_visible_q(acting_user), pk=cadre_id).exists():
        raise NotFound(NOT_FOUND)
    cadre = lock(Cadre, cadre_id)
    if cadre.status == CadreStatus.RETIRED:
        raise PreconditionFailed(_("The cadre has retired; no further moves can be recorded."))
    if kind not in MOVE_STATUS:
        raise field_error("kind", _("Expected transfer, promotion or retirement."))
    current = cadre.posts.select_related("managing_authority").filter(end__isnull=True).order_by("-start").first()
    refusal = move_refusal(cadre, acting_user, current)
    if refusal is not None:
        raise NotPermitted(refusal)
    if current and effective_date <= current.start:
        raise field_error("effective_date", _("Must be after the start of the current post (%(d)s).") % {"d": current.start})
    if kind != MoveKind.RETIREMENT:
        _check_new_post(organization, role, title)
    investigated = under_investigation(cadre)
    if investigated:
        reason = _confirmed(cadre, investigated, confirm_under_investigation, reason, acting_user)
    if current:
        current.end = effective_date - dt.timedelta(days=1)
        save_with_history(current, acting_user=acting_user, reason=kind)
    if kind == MoveKind.RETIREMENT:
        cadre.retired_on = effective_date
    else:
        assert organization is not None  # checked by _check_new_post above
        post = Post(
            cadre=cadre,
            organization=organization,
            role=role,
            title=title.strip(),
            start=effective_date,
            move_kind=kind,
            managing_authority=managing_authority or department_of_kind(DepartmentKind.ORGANIZATION, near=organization),
        )
        save_with_history(post, acting_user=acting_user, reason=kind)
    cadre.status = MOVE_STATUS[kind]
    save_with_history(cadre, acting_user=acting_user, reason=kind)
    for subject in investigated:
        _record_move_under_investigation(subject, cadre, kind, effective_date, reason, acting_user)
    if kind == MoveKind.RETIREMENT:
        # A retiree stays with the authority that managed the last post.
        authority = current.managing_authority if current else None
    else:
        authority = post.managing_authority
    if authority is not None:
        lifelong_referrals(cadre=cadre, move=kind, effective_date=effective_date, authority=authority, acting_user=acting_user)
    return cadre


def _check_new_post(organization: Department | None, role: str, title: str) -> None:
    if organization is None:
        raise field_error("organization", _("This field is required."))
    _check_role(role)
    if not title.strip():
        raise field_error("title", _("This field is required."))


def _confirmed(cadre: Cadre, investigated: list[CaseSubject], confirm: bool, reason: str, acting_user: Actor) -> str:
    """The reason of a confirmed move of a cadre 被立案调查; the refusal otherwise (政务处分法第五十二条)."""
    numbers = [subject.case.number for subject in investigated]
    if not confirm:
        raise PreconditionFailed(
            UNDER_INVESTIGATION_REFUSED % {"name": cadre.name, "cases": "、".join(numbers)},
            code="under_investigation",
            extra={"cases": numbers, "basis": INVESTIGATION_BASIS},
        )
    if require_membership(acting_user).rank != Rank.LEADER:
        raise NotPermitted(CONFIRM_LEADER_ONLY)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why the move is recorded although the cadre is under investigation."))
    return reason


def _record_move_under_investigation(
    subject: CaseSubject, cadre: Cadre, move: str, effective_date: dt.date, reason: str, acting_user: Actor
) -> None:
    case = lock(Case, subject.case_id)
    filing = subject_filing(subject)
    case_event_record(
        case=case,
        kind=CaseEventKind.SUBJECT_MOVED_UNDER_INVESTIGATION,
        acting_user=acting_user,
        from_state=case.state,
        to_state=case.state,
        reason=reason,
        payload={
            "subject": subject.pk,
            "cadre": cadre.pk,
            "move": move,
            "effective_date": effective_date.isoformat(),
            "filed_on": filing.filed_on.isoformat() if filing else None,
            "confirmed_by": acting_user.get_username(),
            "basis": INVESTIGATION_BASIS,
        },
    )


def lifelong_referrals(
    *, cadre: Cadre, move: str, effective_date: dt.date, authority: Department, acting_user: Actor
) -> list[Referral]:
    """Art. 32 in motion: a moved cadre's open cases, and closed egregious ones, are referred
    with their materials to the authority that now manages the cadre (干部管理权限). One per
    subject and authority while it is open; ``conclude`` refers the moves made before the case
    (``cases.lifecycle.referrals``)."""

    created = []
    for subject, lifelong in open_or_egregious_subjects(cadre):
        case = lock(Case, subject.case_id)
        if authority.pk == case.owner_department_id:
            continue
        if lifelong_referral_exists(case, subject, authority, states=OPEN_STATES):
            continue
        reason = _(
            "%(name)s: %(move)s on %(date)s; case materials referred to the authority now managing the cadre (Art. 32)."
        ) % {
            "name": cadre.name,
            "move": MoveKind(move).label,
            "date": effective_date.isoformat(),
        }
        referral = referral_send(
            case=case,
            kind=Referral.Kind.LIFELONG,
            subject=subject,
            to_department=authority,
            reason=reason,
            materials=case_materials(case, subject),
            acting_user=acting_user,
            event_kind=CaseEventKind.LIFELONG_REFERRAL,
            event_payload={"move": move, "egregious": lifelong},
        )
        created.append(referral)
    return created


def lifelong_referral_exists(
    case: Case, subject: CaseSubject, authority: Department, *, states: tuple[str, ...] | None = None
) -> bool:
    """A lifelong referral of ``subject`` on ``case`` to ``authority`` exists (in ``states``, or in
    any state). One made before issue 14 names no subject: it counts for every subject."""
    rows = case.referrals.filter(kind=Referral.Kind.LIFELONG, to_department=authority).filter(
        Q(subject=subject) | Q(subject__isnull=True)
    )
    if states is not None:
        rows = rows.filter(state__in=states)
    return rows.exists()


def managing_authority_now(cadre: Cadre) -> Department | None:
    """The authority that manages the cadre now (干部管理权限, Art. 32): the current post's; for a
    retiree, the last post's (as ``cadre_move`` refers a retirement)."""
    post = cadre.posts.filter(end__isnull=True).order_by("-start", "-id").first()
    if post is None:
        post = cadre.posts.order_by("-start", "-id").first()
    return post.managing_authority if post is not None else None
