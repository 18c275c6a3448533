"""Drive a case to any state through the services, as the personas would."""

from __future__ import annotations

from cases.codes import CaseState, SourceKind
from cases.models import Case
from cases.services.findings import finding_put
from cases.services.leads import lead_create
from cases.services.lifecycle import case_transition
from cases.tests._art31_helpers import put_exempt_findings

# The path from intake to each state, as (transition, persona, payload) steps.
TEAM = {"team": ["discipline_officer", "discipline_officer2"]}
PATHS: dict[str, list[tuple[str, str, dict]]] = {
    CaseState.RECEIVED: [],
    CaseState.INQUIRING: [("inquire", "discipline_officer", {})],
    CaseState.HELD: [("hold", "discipline_officer", {"reason": "线索笼统"})],
    CaseState.INVESTIGATING: [("accept", "discipline_officer", TEAM)],
    CaseState.DISMISSED: [("dismiss", "discipline_leader", {"reason": "不属实"})],
}
_ASSESSING = PATHS[CaseState.INVESTIGATING] + [("@findings", "", {}), ("submit_findings", "discipline_officer", {})]
PATHS[CaseState.ASSESSING] = _ASSESSING
PATHS[CaseState.PROPOSING] = _ASSESSING + [("conclude", "discipline_officer", {})]
PATHS[CaseState.APPROVING] = PATHS[CaseState.PROPOSING] + [("@propose", "discipline_officer", {})]
PATHS[CaseState.DECIDED] = PATHS[CaseState.APPROVING] + [("approve", "discipline_leader", {})]
PATHS[CaseState.EXECUTING] = PATHS[CaseState.DECIDED] + [("@deliver", "discipline_officer", {})]
PATHS[CaseState.NOT_PURSUED] = PATHS[CaseState.INVESTIGATING] + [
    ("@findings_exempt", "", {}),
    ("submit_findings", "discipline_officer", {}),
    ("conclude", "discipline_officer", {}),
]

ACCIDENT_FINDING = {"circumstances": ["26.5"], "conduct_date": "2026-03-15", "performance": "未按期检查"}


def new_lead(world, *, source="emergency_officer", cadres=("pl-baofeng:township_deputy:0",), circumstances=("26.5",)) -> Case:
    return lead_create(
        acting_user=world.users[source],
        title="测试线索",
        facts="测试事实",
        source_kind=SourceKind.ACCIDENT_INVESTIGATION,
        subjects=[world.cadres[key] for key in cadres],
        circumstances=list(circumstances),
    )


def file_subjects(world, case: Case, *, on=None, persona: str = "discipline_leader") -> None:
    """Record the 立案 of every subject of ``case`` (《监察法》第四十二条), as the leader who approved it."""
    from cases.services.filings import subject_file
    from core.persistence import local_today

    for subject in case.subjects.all():
        subject_file(
            case_id=case.pk,
            subject_id=subject.pk,
            filed_on=on or local_today(),
            reason="初步核实认为涉嫌失职失责，需要追究责任，批准立案。",
            acting_user=world.users[persona],
        )


def advance(world, case: Case, state: str, *, filed: bool = False) -> Case:
    """Move a fresh case along ``PATHS[state]``; returns it re-read. With ``filed``, every subject
    is filed (立案) as soon as the case is accepted for investigation."""
    from core.persistence import local_today

    for name, persona, payload in PATHS[state]:
        if name == "@findings_exempt":
            # The test subjects have no duty ledger: every gap is explained before Art. 31's three
            # findings are claimed.
            put_exempt_findings(case_id=case.pk, data=dict(ACCIDENT_FINDING), acting_user=world.users["discipline_officer"])
            continue
        if name == "@findings":
            data = dict(ACCIDENT_FINDING)
            for subject in case.subjects.all():
                finding_put(case_id=case.pk, subject_id=subject.pk, data=data, acting_user=world.users["discipline_officer"])
            continue
        if name == "@propose":
            name, payload = "propose", {"measures": [{"subject": s.pk, "measure": "admonishment"} for s in case.subjects.all()]}
        if name == "@deliver":
            name, payload = "deliver", {"delivered_on": local_today().isoformat()}
        case_transition(case_id=case.pk, name=name, payload=payload, acting_user=world.users[persona])
        if filed and name == "accept":
            file_subjects(world, case)
    return Case.objects.get(pk=case.pk)


def case_in_state(world, state: str, *, filed: bool = False, **lead_kwargs) -> Case:
    return advance(world, new_lead(world, **lead_kwargs), state, filed=filed)


def organ_leader(world, department_id: int):
    """A demo leader of the department (the one who decides its part of a proposal)."""
    from org.codes import Rank
    from org.models import Membership

    for user in world.users.values():
        membership = getattr(user, "membership", None)
        if membership is not None and membership.department_id == department_id and membership.rank == Rank.LEADER:
            return user
    found = Membership.objects.filter(department_id=department_id, rank=Rank.LEADER).select_related("user").first()
    if found is not None:
        return found.user
    # The demo has no leader there (the city's organization department): a test gets one.
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username=f"leader-{department_id}")
    Membership.objects.create(user=user, department_id=department_id, rank=Rank.LEADER)
    return user


def approve_all(world, case: Case, persona: str = "discipline_leader") -> Case:
    """``approve`` as the owner's leader, then as a leader of each organ its 问责建议 went to
    (issue 14), until the case is decided."""
    from cases.lifecycle.handlers import open_recommendations

    case = case_transition(case_id=case.pk, name="approve", payload={}, acting_user=world.users[persona])
    for referral in list(open_recommendations(case)):
        case = case_transition(
            case_id=case.pk, name="approve", payload={}, acting_user=organ_leader(world, referral.to_department_id)
        )
    return case


def confirm_documents(world, case: Case, persona: str = "discipline_officer") -> None:
    """Confirm every unverified default of the checklist, as the officer does before issuing."""
    from cases.selectors.issuance import issuance_checklist
    from cases.services.issuance import documents_confirm

    keys = [item["key"] for item in issuance_checklist(case)["items"]]
    documents_confirm(case_id=case.pk, keys=keys, acting_user=world.users[persona])
