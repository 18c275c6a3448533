"""The referrals a conclusion sets in motion (issue 14; docs/referrals.md).

- **Crime (Art. 27).** Every subject whose conclusion says ``crime_referral`` is referred, with the
  facts and the findings, to the supervision side of the discipline organ (监委: in the county the
  same 纪委监委, kind ``discipline``) for a 职务违法犯罪, or to the public security organ the
  officer names for another crime (``crime_referrals`` in the payload of ``conclude``). Once per
  subject: a referral still open or accepted is not sent again; after a return (with its reason)
  a new one goes only where the officer names it.
- **Lifelong (Art. 32).** Every subject whose conclusion says ``lifelong.action ==
  "transfer_materials"`` (the cadre moved after the conduct) is referred to the authority that
  manages the cadre now (the post history's managing authority), also when the move was recorded
  before the case existed. Not again when a lifelong referral of that subject to that authority
  exists, whatever its state.

A crime referral that is neither accepted nor returned keeps the case from ending: ``conclude``
does not move to ``not_pursued`` (the conclusion is stored, the case stays in ``assessing`` and
waits), and ``close`` refuses (``cases.lifecycle.handlers``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.codes import CaseEventKind, CrimeKind
from cases.models import Case, CaseSubject, Referral
from cases.services.cadres import lifelong_referral_exists, managing_authority_now
from cases.services.referrals import OPEN_REFERRAL_STATES, case_materials, referral_send
from core.errors import field_error
from core.typing import Actor
from org.access import department_of_kind
from org.codes import DepartmentKind
from org.jurisdiction import OUTSIDE_ROUTES, route_allowed
from org.models import Department, Post

NOTE_MAX_LENGTH = 5000
ENTRY_FIELDS = frozenset({"subject", "crime", "to_department", "note"})
# Where each kind of suspected crime goes (Art. 27; 《监察法》第三十七条 (2024): the organs that find a
# public official's 职务违法犯罪 refer it to the supervision organ).
TARGET_KIND: dict[str, str] = {
    CrimeKind.DUTY_CRIME: DepartmentKind.DISCIPLINE,
    CrimeKind.OTHER_CRIME: DepartmentKind.PUBLIC_SECURITY,
}
CRIME_OF_TARGET: dict[str, str] = {kind: crime for crime, kind in TARGET_KIND.items()}
# A crime referral in one of these states has been dealt with or is being dealt with: not sent again.
NOT_AGAIN_STATES = (*OPEN_REFERRAL_STATES, Referral.State.ACCEPTED)

CRIME_REFERRAL_OPEN_CLOSE = gettext_lazy(
    "Crime referral %(referrals)s is neither accepted nor returned: the case cannot be closed (结案) until the receiving "
    "organ accepts it or returns it with a reason (Art. 27)."
)
CRIME_REFERRAL_OPEN_CONCLUDE = gettext_lazy(
    "Crime referral %(referrals)s is neither accepted nor returned: the case cannot end as not pursued (不予追究) until "
    "the receiving organ accepts it or returns it with a reason (Art. 27)."
)


@dataclass(frozen=True)
class CrimeReferralRequest:
    """One entry of ``conclude``'s ``crime_referrals``: where the officer sends a subject's case."""

    subject: CaseSubject
    crime: str
    to_department: Department | None  # None: the discipline organ serving the case's county
    note: str


@dataclass(frozen=True)
class PlannedReferral:
    kind: str
    subject: CaseSubject
    to_department: Department
    crime: str = ""
    note: str = ""


# --- the payload ----------------------------------------------------------------------------------


def parse_crime_referrals(case: Case, data: Any) -> list[CrimeReferralRequest]:
    """Check the shape of ``crime_referrals`` (400 naming the entry); whether each subject's
    conclusion finds a suspected crime is checked once the engine has run (``plan``)."""
    if data is None:
        return []
    name = "crime_referrals"
    if not isinstance(data, list):
        raise field_error(name, _("Expected a list of {subject, crime, to_department, note}."))
    subjects = {s.pk: s for s in case.subjects.select_related("cadre")}
    seen: set[int] = set()
    result: list[CrimeReferralRequest] = []
    for index, item in enumerate(data):
        where = f"{name}[{index}]"
        if not isinstance(item, dict):
            raise field_error(where, _("Expected an object with subject, crime and to_department."))
        extra = set(item) - ENTRY_FIELDS
        if extra:
            raise field_error(where, _("Unknown field(s): %(f)s") % {"f": ", ".join(sorted(extra))})
        sid = item.get("subject")
        if not isinstance(sid, int) or isinstance(sid, bool) or sid not in subjects:
            raise field_error(f"{where}.subject", _("Subject %(id)s is not a subject of this case.") % {"id": sid})
        if sid in seen:
            raise field_error(f"{where}.subject", _("Subject %(id)s is named twice.") % {"id": sid})
        seen.add(sid)
        crime = item.get("crime")
        if crime is not None and crime not in CrimeKind.values:
            raise field_error(
                f"{where}.crime",
                _("Unknown kind of crime “%(c)s”; expected one of: %(all)s") % {"c": crime, "all": ", ".join(CrimeKind.values)},
            )
        target = _target(case, item.get("to_department"), f"{where}.to_department")
        if target is None:
            crime = crime or CrimeKind.DUTY_CRIME
            if crime == CrimeKind.OTHER_CRIME:
                raise field_error(
                    f"{where}.to_department",
                    _("Name the public security organ (公安机关) that receives another suspected crime."),
                )
        else:
            inferred = CRIME_OF_TARGET[target.kind]
            if crime is None:
                crime = inferred
            elif crime != inferred:
                raise field_error(
                    f"{where}.to_department",
                    _("%(crime)s goes to a %(kind)s; %(d)s is not one.")
                    % {"crime": CrimeKind(crime).label, "kind": DepartmentKind(TARGET_KIND[crime]).label, "d": target.name},
                )
        note = item.get("note", "")
        if not isinstance(note, str):
            raise field_error(f"{where}.note", _("Expected text."))
        note = note.strip()
        if len(note) > NOTE_MAX_LENGTH:
            raise field_error(f"{where}.note", _("At most %(n)d characters.") % {"n": NOTE_MAX_LENGTH})
        result.append(CrimeReferralRequest(subjects[sid], str(crime), target, note))
    return result


def _target(case: Case, raw: Any, where: str) -> Department | None:
    if raw is None:
        return None
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise field_error(where, _("Expected a department id."))
    target = Department.objects.filter(pk=raw).select_related("parent").first()
    if target is None:
        raise field_error(where, _("No department with id %(id)s.") % {"id": raw})
    if target.kind not in CRIME_OF_TARGET:
        raise field_error(
            where,
            _("%(d)s is neither a discipline inspection and supervision organ (监委) nor a public security organ (公安机关).")
            % {"d": target.name},
        )
    managing = set(
        Post.objects.filter(cadre__subjects__case=case, end__isnull=True).values_list("managing_authority_id", flat=True)
    )
    if not route_allowed(case.owner_department, target, managing_ids=managing):
        raise field_error(where, OUTSIDE_ROUTES % {"d": target.name})
    return target


# --- what the conclusion sends --------------------------------------------------------------------


def plan(
    case: Case, outputs: Sequence[tuple[CaseSubject, dict[str, Any]]], requests: Sequence[CrimeReferralRequest]
) -> list[PlannedReferral]:
    """The referrals ``conclude`` sends for these conclusions, read-only: 400 when an entry of
    ``crime_referrals`` names a subject without a suspected crime, or one already referred."""
    by_subject = {r.subject.pk: r for r in requests}
    suspected = {subject.pk for subject, output in outputs if output.get("crime_referral")}
    existing = list(case.referrals.filter(kind=Referral.Kind.CRIME).select_related("to_department", "subject__cadre"))
    for index, request in enumerate(requests):
        subject, sid = request.subject, request.subject.pk
        if sid not in suspected:
            raise field_error(
                f"crime_referrals[{index}].subject",
                _("The conclusion for %(name)s finds no suspected crime (Art. 27): there is nothing to refer.")
                % {"name": subject.cadre.name},
            )
        taken = next((r for r in existing if r.subject_id == sid and r.state in NOT_AGAIN_STATES), None)
        if taken is not None:
            raise field_error(
                f"crime_referrals[{index}].subject",
                _("%(name)s is already referred: %(referral)s.") % {"name": subject.cadre.name, "referral": describe(taken)},
            )
    planned: list[PlannedReferral] = []
    default: Department | None = None
    for subject, output in outputs:
        named = by_subject.get(subject.pk)
        before = [r for r in existing if r.subject_id == subject.pk]
        # Not again: referred already (open or accepted), or returned with a reason and not named.
        again = not any(r.state in NOT_AGAIN_STATES for r in before) and (named is not None or not before)
        if output.get("crime_referral") and again:
            target = named.to_department if named is not None else None
            if target is None:
                default = default or department_of_kind(DepartmentKind.DISCIPLINE, near=case.owner_department)
                target = default
            crime = named.crime if named is not None else CrimeKind.DUTY_CRIME
            note = named.note if named is not None else ""
            planned.append(PlannedReferral(Referral.Kind.CRIME, subject, target, crime, note))
        if (output.get("lifelong") or {}).get("action") == "transfer_materials":
            authority = managing_authority_now(subject.cadre)
            if authority is None or authority.pk == case.owner_department_id:
                continue
            if lifelong_referral_exists(case, subject, authority):
                continue
            planned.append(PlannedReferral(Referral.Kind.LIFELONG, subject, authority))
    return planned


def open_crime_referrals(case: Case) -> list[Referral]:
    """The case's crime referrals neither accepted nor returned, oldest first."""
    return list(
        case.referrals.filter(kind=Referral.Kind.CRIME, state__in=OPEN_REFERRAL_STATES)
        .select_related("to_department", "subject__cadre")
        .order_by("id")
    )


def describe(referral: Referral) -> str:
    """``#12（张三 → 平罗县纪委监委，已发送）``: a referral named in a message."""
    who = referral.subject.cadre.name if referral.subject is not None else ""
    arrow = f"{who} → {referral.to_department.name}" if who else referral.to_department.name
    return f"#{referral.pk}（{arrow}，{referral.get_state_display()}）"


def describe_all(referrals: Iterable[Referral]) -> str:
    return "、".join(describe(r) for r in referrals)


def send(case: Case, planned: Iterable[PlannedReferral], acting_user: Actor) -> list[Referral]:
    """Write the planned referrals, each with its event on the case and its flow."""
    sent = []
    for item in planned:
        subject = item.subject
        if item.kind == Referral.Kind.CRIME:
            reason = _(
                "%(name)s: the conclusion of case %(number)s finds a %(crime)s; the facts and the findings are referred to "
                "%(to)s (Art. 27)."
            ) % {
                "name": subject.cadre.name,
                "number": case.number,
                "crime": CrimeKind(item.crime).label,
                "to": item.to_department.name,
            }
            if item.note:
                reason = f"{reason} {item.note}"
            event_kind: str = CaseEventKind.CRIME_REFERRAL
            payload: dict[str, Any] = {"crime": item.crime}
        else:
            reason = _(
                "%(name)s has moved since the conduct; lifelong accountability (Art. 32): the case materials are referred at "
                "the conclusion to %(to)s, which now manages the cadre."
            ) % {"name": subject.cadre.name, "to": item.to_department.name}
            event_kind = CaseEventKind.LIFELONG_REFERRAL
            payload = {"move": "", "egregious": True, "at_conclusion": True}
        sent.append(
            referral_send(
                case=case,
                kind=item.kind,
                subject=subject,
                crime=item.crime,
                to_department=item.to_department,
                reason=reason,
                materials=case_materials(case, subject),
                acting_user=acting_user,
                event_kind=event_kind,
                event_payload=payload,
            )
        )
    return sent
