"""先期处置 (issue 14 item 4): an interim suspension (先期停职) or removal from post (先期免职) decided by
the authority that manages the cadre's post before the investigation's findings; the cadre record
bars promotion while it is in force; it is lifted (解除) at any time, and settled when the case is
decided: absorbed (吸收) by a final measure that takes the cadre off the post, or lifted; ``deliver``
refuses (409) while one is unsettled. The service with the database, the rules as a table, the
record, the notification, and the endpoints over HTTP with nothing written on 400/403/404/409.

The real pattern is 栖霞 “1·10” (2021), the explosion at the 笏山金矿 on 2021-01-10: "山东省委决定，
因在该起事故迟报中负有重要领导责任，栖霞市委书记姚秀霞被免职，市长朱涛的职务按程序免职，并将根据调查
结果依法依规追究其相关责任" (四海网, 2021-01-18, quoting 闪电新闻:
http://qiangjiping.cn/life/202101/530791_2.html; 1月15日 per https://ntdtv.com/b5/2021/02/25/a103061735.html),
weeks before the published outcome: "依规依纪依法对45名相关责任人员追责问责……姚秀霞……朱涛，因负有迟报
瞒报事故责任，目前由公安机关立案侦查" (人民日报客户端, 2021-02-23:
http://www.kankanews.com/a/2021-02-23/0039674228.shtml). A removal ahead of the findings, its
grounds, the authority with the post (the provincial committee for a city secretary), and a final
outcome that must then say what became of it: ``test_the_栖霞_pattern_removal_before_the_findings_absorbed_at_the_decision``.

Personas: organization_leader leads 中共平罗县委组织部, which manages the township cadres' posts;
organization_officer works there (may not decide); discipline_leader / discipline_officer handle
the case (may not decide an organizational measure); city_organization_leader (made here) leads
中共石嘴山市委组织部, which manages the county leaders' posts; huinong_* are another county.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from cases.codes import CaseEventKind, CaseState
from cases.models import Case, CaseEvent, InterimMeasure, MeasureDecision
from cases.selectors.interim import absorbing_measure
from cases.selectors.records import INTERIM_BAR_BASIS, cadre_record
from cases.services.cadres import cadre_move
from cases.services.findings import finding_put
from cases.services.interim import (
    AUTHORITY_ONLY,
    OWN_ONLY,
    SUSPENSION_BASIS,
    interim_lift,
    interim_record,
    interim_settle,
    require_interim_settled,
)
from cases.services.lifecycle import case_transition
from cases.tests._transitions_helpers import assert_error, snapshot
from cases.tests.scenarios import approve_all, case_in_state
from core.errors import InvalidInput, NotFound, NotPermitted, PreconditionFailed
from core.persistence import local_today
from notifications.models import Notification
from org.codes import Rank
from org.models import Membership

pytestmark = pytest.mark.django_db

ORG_LEADER, ORG_OFFICER, CITY_ORG_LEADER = "organization_leader", "organization_officer", "city_organization_leader"
DISC_LEADER, DISC_OFFICER = "discipline_leader", "discipline_officer"
DEPUTY, OTHER = "pl-baofeng:township_deputy:0", "pl-baofeng:township_deputy:1"
COUNTY_DEPUTY = "pingluo:county_safety_deputy:0"  # a post the city's organization department manages
WHY = "涉嫌迟报事故，继续履职可能妨碍调查，经研究先期停职。"
TODAY = local_today
REPORTING = {"circumstances": ["26.4"], "conduct_date": "2024-12-01"}  # all eight measures allowed


@pytest.fixture(scope="module")
def world(module_world, django_db_blocker):
    """conftest's ``world`` built once for this module, with a leader of the city's organization
    department (the demo has none: the city manages the county leaders' posts)."""
    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user(CITY_ORG_LEADER, first_name="市委组织部 负责人")
        Membership.objects.create(user=user, department=module_world.departments["szs-organization"], rank=Rank.LEADER)
    module_world.users[CITY_ORG_LEADER] = user
    _CADRES.update({key: cadre.pk for key, cadre in module_world.cadres.items()})
    return module_world


_CADRES: dict[str, int] = {}  # persona key → cadre id, filled with the module's world


def _subject(case, key=DEPUTY):
    return case.subjects.get(cadre_id=_CADRES[key])


def _case(world, state=CaseState.INVESTIGATING, cadres=(DEPUTY,), **kwargs) -> Case:
    return case_in_state(world, state, cadres=cadres, **kwargs)


def _record(world, case, *, persona=ORG_LEADER, key=DEPUTY, kind="suspension", on=None, reason=WHY) -> InterimMeasure:
    return interim_record(
        case_id=case.pk,
        subject_id=_subject(case, key).pk,
        kind=kind,
        ordered_on=on or TODAY(),
        reason=reason,
        acting_user=world.users[persona],
    )


def _decide(world, case, measures, key=DEPUTY) -> Case:
    """From investigating to decided with ``measures`` ((measure, sanction kind), …) for one subject."""
    subject = _subject(case, key)
    officer = world.users[DISC_OFFICER]
    finding_put(case_id=case.pk, subject_id=subject.pk, data=dict(REPORTING), acting_user=officer)
    case_transition(case_id=case.pk, name="submit_findings", payload={}, acting_user=officer)
    case_transition(case_id=case.pk, name="conclude", payload={}, acting_user=officer)
    items = [{"subject": subject.pk, "measure": m, **({"sanction_kind": k} if k else {})} for m, k in measures]
    case_transition(case_id=case.pk, name="propose", payload={"measures": items}, acting_user=officer)
    approve_all(world, case, DISC_LEADER)  # each deciding organ approves its part (issue 14 item 1)
    return Case.objects.get(pk=case.pk)


def _deliver(world, case):
    return case_transition(
        case_id=case.pk, name="deliver", payload={"delivered_on": TODAY().isoformat()}, acting_user=world.users[DISC_OFFICER]
    )


# --- recording ----------------------------------------------------------------------------------


def test_the_managing_authority_records_a_suspension_with_history_and_event(world):
    case = _case(world)
    measure = _record(world, case)
    assert measure.state == InterimMeasure.State.IN_FORCE and measure.ordered_on == TODAY() and measure.reason == WHY
    assert measure.authority == world.departments["pl-organization"] and measure.ordered_by == world.users[ORG_LEADER]
    assert measure.post.cadre_id == world.cadres[DEPUTY].pk and measure.post.end is None
    [row] = measure.history.all()
    assert row.history_user == world.users[ORG_LEADER] and row.history_type == "+"
    [event] = CaseEvent.objects.filter(case=case, kind=CaseEventKind.INTERIM_MEASURE)
    assert event.actor == world.users[ORG_LEADER] and event.reason == WHY
    assert event.from_state == event.to_state == CaseState.INVESTIGATING
    assert event.payload["interim"] == measure.pk and event.payload["kind"] == "suspension"
    assert event.payload["ordered_on"] == TODAY().isoformat() and event.payload["basis"] == SUSPENSION_BASIS
    assert event.payload["authority"] == world.departments["pl-organization"].pk
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING  # no state of its own: the transitions stay as they were


@pytest.mark.parametrize("persona", [DISC_LEADER, DISC_OFFICER, ORG_OFFICER, CITY_ORG_LEADER, "emergency_officer"])
def test_only_a_leader_of_the_authority_managing_the_post_may_decide(world, persona):
    case = _case(world)
    before = snapshot(case.pk)
    with pytest.raises(NotPermitted) as refused:
        _record(world, case, persona=persona)
    assert str(refused.value.detail) == str(AUTHORITY_ONLY % {"d": "中共平罗县委组织部", "name": world.cadres[DEPUTY].name})
    assert snapshot(case.pk) == before


def test_a_cadre_the_city_manages_is_suspended_by_the_citys_organization_department(world):
    """干部管理权限: the county leader's post is managed by 中共石嘴山市委组织部; the county's
    organization leader is refused, the city's records it."""
    case = _case(world, cadres=(COUNTY_DEPUTY,))
    before = snapshot(case.pk)
    with pytest.raises(NotPermitted) as refused:
        _record(world, case, key=COUNTY_DEPUTY)
    assert "中共石嘴山市委组织部" in str(refused.value.detail)
    assert snapshot(case.pk) == before
    measure = _record(world, case, key=COUNTY_DEPUTY, persona=CITY_ORG_LEADER, kind="removal")
    assert measure.authority == world.departments["szs-organization"] and measure.kind == "removal"


@pytest.mark.parametrize("state", [CaseState.INVESTIGATING, CaseState.ASSESSING, CaseState.PROPOSING, CaseState.APPROVING])
def test_recorded_from_the_investigation_until_the_decision(world, state):
    case = _case(world, state)
    assert _record(world, case).state == InterimMeasure.State.IN_FORCE


@pytest.mark.parametrize(
    "state",
    [
        CaseState.RECEIVED,
        CaseState.INQUIRING,
        CaseState.HELD,
        CaseState.DECIDED,
        CaseState.EXECUTING,
        CaseState.DISMISSED,
        CaseState.NOT_PURSUED,
    ],
)
def test_refused_outside_those_states_with_the_state_and_nothing_written(world, state):
    case = _case(world, state)
    before = snapshot(case.pk)
    with pytest.raises(PreconditionFailed) as refused:
        _record(world, case)
    assert refused.value.extra == {"state": state}
    assert snapshot(case.pk) == before


def test_the_date_is_not_in_the_future_nor_before_the_accident(world):
    case = _case(world)
    accident = world.accidents["baofeng"]  # 2026-03-15 09:20, local time
    Case.objects.filter(pk=case.pk).update(accident=accident)
    before = snapshot(case.pk)
    for day in (TODAY() + dt.timedelta(days=1), dt.date(2026, 3, 14)):
        with pytest.raises(InvalidInput) as refused:
            _record(world, case, on=day)
        assert set(refused.value.detail) == {"ordered_on"}
    assert snapshot(case.pk) == before
    assert _record(world, case, on=dt.date(2026, 3, 15)).ordered_on == dt.date(2026, 3, 15)


def test_the_date_is_not_before_the_conduct_found_but_may_precede_the_case(world):
    """An authority can act before the discipline organ opens a case (栖霞: the removal came five
    days after the accident), so the case's own date is no bound; the conduct found is."""
    case = _case(world, CaseState.ASSESSING)  # findings: conduct on 2026-03-15
    with pytest.raises(InvalidInput) as refused:
        _record(world, case, on=dt.date(2026, 3, 14))
    assert set(refused.value.detail) == {"ordered_on"} and "2026-03-15" in str(refused.value.detail["ordered_on"][0])
    assert not InterimMeasure.objects.filter(subject__case=case).exists()
    opened = Case.objects.get(pk=case.pk).created_at.date()
    assert _record(world, case, on=dt.date(2026, 3, 15)).ordered_on < opened


@pytest.mark.parametrize("kind, reason, field", [("furlough", WHY, "kind"), ("suspension", "  ", "reason")])
def test_kind_and_reason_are_checked(world, kind, reason, field):
    case = _case(world)
    before = snapshot(case.pk)
    with pytest.raises(InvalidInput) as refused:
        _record(world, case, kind=kind, reason=reason)
    assert set(refused.value.detail) == {field}
    assert snapshot(case.pk) == before


def test_one_of_each_kind_in_force_and_no_suspension_after_a_removal(world):
    case = _case(world)
    _record(world, case)
    with pytest.raises(PreconditionFailed):
        _record(world, case)  # a second suspension
    removal = _record(world, case, kind="removal")  # escalation: removed while suspended
    assert removal.state == InterimMeasure.State.IN_FORCE
    other = _case(world, cadres=(OTHER,))
    _record(world, other, key=OTHER, kind="removal")
    before = snapshot(other.pk)
    with pytest.raises(PreconditionFailed):
        _record(world, other, key=OTHER)
    assert snapshot(other.pk) == before


def test_a_cadre_without_a_post_cannot_be_suspended(world):
    case = _case(world)
    cadre_move(cadre_id=world.cadres[DEPUTY].pk, kind="retirement", effective_date=TODAY(), acting_user=world.users[ORG_OFFICER])
    before = snapshot(case.pk)
    with pytest.raises(PreconditionFailed):
        _record(world, case)
    assert snapshot(case.pk) == before


def test_a_subject_of_another_case_is_not_found(world):
    case = _case(world)
    elsewhere = _case(world, cadres=(OTHER,))
    with pytest.raises(NotFound):
        interim_record(
            case_id=case.pk,
            subject_id=_subject(elsewhere, OTHER).pk,
            kind="suspension",
            ordered_on=TODAY(),
            reason=WHY,
            acting_user=world.users[ORG_LEADER],
        )
    assert not InterimMeasure.objects.exists()


# --- lifting ------------------------------------------------------------------------------------


def test_the_authority_lifts_it_with_a_reason_and_the_record_clears(world):
    case = _case(world)
    measure = _record(world, case, on=TODAY() - dt.timedelta(days=10))
    assert cadre_record(world.cadres[DEPUTY], TODAY())["eligible_for_promotion"] is False
    lifted = interim_lift(
        case_id=case.pk,
        subject_id=measure.subject_id,
        measure_id=measure.pk,
        lifted_on=TODAY() - dt.timedelta(days=2),
        reason="经核实不影响调查，恢复履职。",
        acting_user=world.users[ORG_LEADER],
    )
    assert lifted.state == InterimMeasure.State.LIFTED and lifted.ended_on == TODAY() - dt.timedelta(days=2)
    assert lifted.ended_by == world.users[ORG_LEADER] and lifted.end_reason == "经核实不影响调查，恢复履职。"
    [event] = CaseEvent.objects.filter(case=case, kind=CaseEventKind.INTERIM_LIFTED)
    assert event.payload["lifted_on"] == lifted.ended_on.isoformat() and event.reason == lifted.end_reason
    assert cadre_record(world.cadres[DEPUTY], TODAY())["eligible_for_promotion"] is True
    # on a day it was in force the record still says so, with its end
    [item] = [b for b in cadre_record(world.cadres[DEPUTY], TODAY() - dt.timedelta(days=5))["blocking"] if b["case"] == case.pk]
    assert item["until"] == lifted.ended_on and item["since"] == measure.ordered_on
    before = snapshot(case.pk)
    with pytest.raises(PreconditionFailed):  # lifted once
        interim_lift(
            case_id=case.pk,
            subject_id=measure.subject_id,
            measure_id=measure.pk,
            lifted_on=TODAY(),
            reason="再次解除",
            acting_user=world.users[ORG_LEADER],
        )
    assert snapshot(case.pk) == before


@pytest.mark.parametrize(
    "persona, lifted_on, reason, error",
    [
        (DISC_LEADER, 0, "理由", NotPermitted),
        (ORG_OFFICER, 0, "理由", NotPermitted),
        (ORG_LEADER, 1, "理由", InvalidInput),  # in the future
        (ORG_LEADER, -30, "理由", InvalidInput),  # before the measure
        (ORG_LEADER, 0, " ", InvalidInput),
    ],
)
def test_a_refused_lift_writes_nothing(world, persona, lifted_on, reason, error):
    case = _case(world)
    measure = _record(world, case, on=TODAY() - dt.timedelta(days=10))
    before = snapshot(case.pk)
    with pytest.raises(error) as refused:
        interim_lift(
            case_id=case.pk,
            subject_id=measure.subject_id,
            measure_id=measure.pk,
            lifted_on=TODAY() + dt.timedelta(days=lifted_on),
            reason=reason,
            acting_user=world.users[persona],
        )
    if error is NotPermitted:
        assert str(refused.value.detail) == str(OWN_ONLY % {"d": "中共平罗县委组织部"})
    assert snapshot(case.pk) == before


def test_lifting_tells_the_discipline_organ_handling_the_case(world, django_capture_on_commit_callbacks):
    case = _case(world)
    measure = _record(world, case)
    with django_capture_on_commit_callbacks(execute=True):
        interim_lift(
            case_id=case.pk,
            subject_id=measure.subject_id,
            measure_id=measure.pk,
            lifted_on=TODAY(),
            reason="恢复履职。",
            acting_user=world.users[ORG_LEADER],
        )
    told = Notification.objects.filter(kind="interim_measure", text__contains="解除")
    assert {DISC_OFFICER, DISC_LEADER} <= set(told.values_list("recipient__username", flat=True))
    assert all(case.number in t and "恢复履职。" in t for t in told.values_list("text", flat=True))


def test_a_measure_still_in_force_after_the_case_ended_is_lifted_there(world):
    """A case disposed of (予以了结) leaves the measure standing until its authority lifts it: the
    record keeps barring promotion, as the cadre is still off the post."""
    case = _case(world)
    measure = _record(world, case)
    case_transition(case_id=case.pk, name="dismiss", payload={"reason": "不属实"}, acting_user=world.users[DISC_LEADER])
    assert cadre_record(world.cadres[DEPUTY], TODAY())["eligible_for_promotion"] is False
    interim_lift(
        case_id=case.pk,
        subject_id=measure.subject_id,
        measure_id=measure.pk,
        lifted_on=TODAY(),
        reason="经核不实，恢复职务。",
        acting_user=world.users[ORG_LEADER],
    )
    assert cadre_record(world.cadres[DEPUTY], TODAY())["eligible_for_promotion"] is True


# --- settling at the decision and the guard of deliver -----------------------------------------------

# interim kind, final measure, sanction kind, absorbed (else it must be lifted)
ABSORPTION = [
    ("suspension", "suspension", "", True),
    ("suspension", "reassignment", "", True),
    ("suspension", "ordered_resignation", "", True),
    ("suspension", "demotion", "", True),
    ("suspension", "dismissal", "", True),
    ("removal", "dismissal", "", True),
    ("removal", "demotion", "", True),
    ("removal", "suspension", "", False),  # 停职检查 does not put a removed cadre back
    ("suspension", "admonishment", "", False),
    ("removal", "notice", "", False),
    ("suspension", "sanction", "gov_removal", True),
    ("removal", "sanction", "gov_expulsion", True),
    ("removal", "sanction", "party_removal_from_post", True),
    ("suspension", "sanction", "gov_demerit", False),
    ("removal", "sanction", "party_serious_warning", False),
]


@pytest.mark.parametrize("kind, measure, sanction, absorbed", ABSORPTION)
def test_which_final_measure_absorbs_which_interim_measure(kind, measure, sanction, absorbed):
    interim = InterimMeasure(subject_id=1, kind=kind)
    decision = MeasureDecision(pk=7, subject_id=1, measure=measure, sanction_kind=sanction, state=MeasureDecision.State.DECIDED)
    assert (absorbing_measure(interim, [decision]) is decision) is absorbed
    withdrawn = MeasureDecision(
        pk=8, subject_id=1, measure=measure, sanction_kind=sanction, state=MeasureDecision.State.WITHDRAWN
    )
    assert absorbing_measure(interim, [withdrawn]) is None


def test_the_栖霞_pattern_removal_before_the_findings_absorbed_at_the_decision(world, django_capture_on_commit_callbacks):
    """栖霞 “1·10”: removed from post days after the accident, before the findings; the final
    decision (here 免职) states that it absorbs the removal, and only then is it delivered. The
    record bars promotion from the removal, and from the decision the measure's own period runs."""
    case = _case(world)
    ordered = TODAY() - dt.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        removal = _record(
            world, case, kind="removal", on=ordered, reason="对事故迟报负有重要领导责任，先期免职，根据调查结果依法依规追究。"
        )
    told = set(Notification.objects.filter(kind="interim_measure").values_list("recipient__username", flat=True))
    assert {DISC_OFFICER, DISC_LEADER} <= told and not told & {ORG_LEADER, ORG_OFFICER}  # the organ handling the case
    case = _decide(world, case, [("dismissal", "")])
    before = snapshot(case.pk)
    with pytest.raises(PreconditionFailed) as refused:
        _deliver(world, case)
    assert world.cadres[DEPUTY].name in str(refused.value.detail) and refused.value.extra["subjects"] == [
        world.cadres[DEPUTY].name
    ]
    assert snapshot(case.pk) == before
    settled = interim_settle(
        case_id=case.pk,
        subject_id=removal.subject_id,
        measure_id=removal.pk,
        outcome="absorbed",
        reason="免职决定吸收先期免职。",
        acting_user=world.users[ORG_LEADER],
    )
    dismissal = MeasureDecision.objects.get(subject__case=case, measure="dismissal")
    assert settled.state == InterimMeasure.State.ABSORBED and settled.absorbed_by == dismissal
    assert settled.ended_on == dismissal.decided_on
    [event] = CaseEvent.objects.filter(case=case, kind=CaseEventKind.INTERIM_SETTLED)
    assert event.payload["outcome"] == "absorbed" and event.payload["measure"] == dismissal.pk
    require_interim_settled(case)  # nothing left in force
    _deliver(world, case)
    assert Case.objects.get(pk=case.pk).state == CaseState.EXECUTING
    record = cadre_record(world.cadres[DEPUTY], TODAY())
    assert not [b for b in record["blocking"] if b["basis"] == INTERIM_BAR_BASIS]  # the dismissal's period took over
    [shown] = [m for m in record["interim_measures"] if m["case"] == case.pk]
    assert shown["state"] == "absorbed" and shown["ended_on"] == dismissal.decided_on and shown["in_force"] is False
    [earlier] = [b for b in cadre_record(world.cadres[DEPUTY], ordered)["blocking"] if b["basis"] == INTERIM_BAR_BASIS]
    assert earlier["until"] == dismissal.decided_on and earlier["applies_to"] == ["promotion"]


def test_a_lighter_final_measure_absorbs_nothing_so_the_measure_is_lifted(world):
    case = _case(world)
    measure = _record(world, case, on=TODAY() - dt.timedelta(days=5))
    case = _decide(world, case, [("admonishment", "")])
    before = snapshot(case.pk)
    with pytest.raises(InvalidInput) as refused:
        interim_settle(
            case_id=case.pk,
            subject_id=measure.subject_id,
            measure_id=measure.pk,
            outcome="absorbed",
            reason="吸收",
            acting_user=world.users[ORG_LEADER],
        )
    assert set(refused.value.detail) == {"outcome"}
    assert snapshot(case.pk) == before
    lifted = interim_settle(
        case_id=case.pk,
        subject_id=measure.subject_id,
        measure_id=measure.pk,
        outcome="lifted",
        reason="给予诫勉，解除先期停职，恢复履职。",
        acting_user=world.users[ORG_LEADER],
    )
    assert lifted.state == InterimMeasure.State.LIFTED and lifted.ended_on == TODAY() and lifted.absorbed_by is None
    _deliver(world, case)


@pytest.mark.parametrize(
    "persona, outcome, reason, error",
    [
        (DISC_LEADER, "lifted", "理由", NotPermitted),
        (ORG_OFFICER, "lifted", "理由", NotPermitted),
        (ORG_LEADER, "forgotten", "理由", InvalidInput),
        (ORG_LEADER, "lifted", "", InvalidInput),
    ],
)
def test_a_refused_settlement_writes_nothing(world, persona, outcome, reason, error):
    case = _case(world)
    measure = _record(world, case)
    case = _decide(world, case, [("dismissal", "")])
    before = snapshot(case.pk)
    with pytest.raises(error):
        interim_settle(
            case_id=case.pk,
            subject_id=measure.subject_id,
            measure_id=measure.pk,
            outcome=outcome,
            reason=reason,
            acting_user=world.users[persona],
        )
    assert snapshot(case.pk) == before


def test_settling_is_for_the_decided_case_only(world):
    case = _case(world, CaseState.APPROVING)
    measure = _record(world, case)
    before = snapshot(case.pk)
    with pytest.raises(PreconditionFailed) as refused:
        interim_settle(
            case_id=case.pk,
            subject_id=measure.subject_id,
            measure_id=measure.pk,
            outcome="lifted",
            reason="理由",
            acting_user=world.users[ORG_LEADER],
        )
    assert refused.value.extra == {"state": CaseState.APPROVING}
    assert snapshot(case.pk) == before


def test_a_measure_lifted_before_the_decision_does_not_hold_the_delivery(world):
    case = _case(world)
    measure = _record(world, case)
    interim_lift(
        case_id=case.pk,
        subject_id=measure.subject_id,
        measure_id=measure.pk,
        lifted_on=TODAY(),
        reason="解除",
        acting_user=world.users[ORG_LEADER],
    )
    case = _decide(world, case, [("admonishment", "")])
    _deliver(world, case)
    assert Case.objects.get(pk=case.pk).state == CaseState.EXECUTING


# --- the record ---------------------------------------------------------------------------------------


def test_in_force_it_bars_promotion_only_and_shows_on_the_record(world):
    case = _case(world)
    ordered = TODAY() - dt.timedelta(days=3)
    _record(world, case, on=ordered)
    record = cadre_record(world.cadres[DEPUTY], TODAY())
    assert record["eligible_for_promotion"] is False and record["eligible_for_awards"] is True
    [item] = [b for b in record["blocking"] if b["case"] == case.pk]
    assert item["applies_to"] == ["promotion"] and item["since"] == ordered and item["until"] is None
    assert item["basis"] == INTERIM_BAR_BASIS and "UNVERIFIED" in item["basis"] and item["verified"] is False
    assert case.number in item["reason"]
    [shown] = record["interim_measures"]
    assert shown["kind"] == "suspension" and shown["in_force"] and shown["authority"] == "中共平罗县委组织部"
    # the day before it was ordered nothing shows
    earlier = cadre_record(world.cadres[DEPUTY], ordered - dt.timedelta(days=1))
    assert earlier["eligible_for_promotion"] is True and earlier["interim_measures"] == []
    # another subject of another case is untouched
    assert cadre_record(world.cadres[OTHER], TODAY())["interim_measures"] == []


# --- over HTTP -----------------------------------------------------------------------------------


def _url(case, key=DEPUTY, rest="") -> str:
    return f"/api/v1/cases/{case.pk}/subjects/{_subject(case, key).pk}/interim-measures/{rest}"


def _body(**overrides) -> dict:
    return {"kind": "suspension", "ordered_on": TODAY().isoformat(), "reason": WHY, **overrides}


def test_api_records_201_and_the_case_history_and_list_show_it(world, api):
    case = _case(world)
    response = api(ORG_LEADER).post(_url(case), _body(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "suspension" and body["state"] == "in_force" and body["ordered_by"] == ORG_LEADER
    assert body["authority"]["name"] == "中共平罗县委组织部" and body["post"]["title"] == "副镇长"
    assert body["ended_on"] is None and body["absorbed_by"] is None
    # the discipline team sees it on the case, its event and its row's changes
    detail = api(DISC_OFFICER).get(f"/api/v1/cases/{case.pk}/").json()
    assert [m["id"] for m in detail["subjects"][0]["interim_measures"]] == [body["id"]]
    history = api(DISC_OFFICER).get(f"/api/v1/cases/{case.pk}/history/").json()
    assert [e["kind"] for e in history["events"]].count("interim_measure") == 1
    assert any(c["model"] == "interimmeasure" for c in history["changes"])
    # the organization department lists it (it does not see the case itself)
    assert api(ORG_OFFICER).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    listed = api(ORG_OFFICER).get(_url(case))
    assert listed.status_code == 200 and [m["id"] for m in listed.json()] == [body["id"]]


def test_api_the_city_organization_leader_reaches_a_county_case_through_the_post(world, api):
    case = _case(world, cadres=(COUNTY_DEPUTY,))
    client = api(CITY_ORG_LEADER)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404  # the county's case is not theirs
    response = client.post(_url(case, COUNTY_DEPUTY), _body(kind="removal"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["authority"]["name"] == "中共石嘴山市委组织部"
    assert [m["kind"] for m in client.get(_url(case, COUNTY_DEPUTY)).json()] == ["removal"]
    # the county's organization leader sees it but may not act: 403 naming the city
    before = snapshot(case.pk)
    refused = assert_error(api(ORG_LEADER).post(_url(case, COUNTY_DEPUTY), _body(), format="json"), 403, "not_permitted")
    assert "中共石嘴山市委组织部" in refused["detail"]
    assert snapshot(case.pk) == before


def test_api_retry_with_the_same_idempotency_key_returns_the_first(world, api):
    case = _case(world)
    client = api(ORG_LEADER)
    first = client.post(_url(case), _body(), format="json", HTTP_IDEMPOTENCY_KEY="interim-1")
    again = client.post(_url(case), _body(), format="json", HTTP_IDEMPOTENCY_KEY="interim-1")
    assert first.status_code == 201 and again.status_code == 200 and again.json() == first.json()
    assert InterimMeasure.objects.filter(subject__case=case).count() == 1
    assert_error(client.post(_url(case), _body(), format="json"), 409, "precondition_failed")  # one in force


@pytest.mark.parametrize(
    "overrides, fields",
    [
        ({"kind": "furlough"}, ("kind",)),
        ({"kind": None}, ("kind",)),
        ({"ordered_on": "2026/03/01"}, ("ordered_on",)),
        ({"ordered_on": "2999-01-01"}, ("ordered_on",)),
        ({"reason": ""}, ("reason",)),
        ({"reason": None, "ordered_on": None}, ("ordered_on", "reason")),
    ],
)
def test_api_bad_input_is_400_naming_the_field_and_writes_nothing(world, api, overrides, fields):
    case = _case(world)
    body = {k: v for k, v in _body(**overrides).items() if v is not None}
    before = snapshot(case.pk)
    assert_error(api(ORG_LEADER).post(_url(case), body, format="json"), 400, "invalid", fields=fields)
    assert snapshot(case.pk) == before


@pytest.mark.parametrize("persona", [DISC_LEADER, DISC_OFFICER, ORG_OFFICER])
def test_api_without_authority_over_the_post_is_403_and_writes_nothing(world, api, persona):
    case = _case(world)
    before = snapshot(case.pk)
    body = assert_error(api(persona).post(_url(case), _body(), format="json"), 403, "not_permitted")
    assert "干部管理权限" in body["detail"]
    assert snapshot(case.pk) == before


@pytest.mark.parametrize(
    "persona", ["huinong_organization_officer", "city_discipline_officer", "audit_officer", "emergency_officer"]
)
def test_api_users_who_neither_see_the_case_nor_manage_the_post_get_404(world, api, persona):
    """The emergency officer referred the lead (status only); the others are elsewhere."""
    case = _case(world)
    before = snapshot(case.pk)
    assert_error(api(persona).get(_url(case)), 404, "not_found")
    assert_error(api(persona).post(_url(case), _body(), format="json"), 404, "not_found")
    assert snapshot(case.pk) == before


def test_api_subject_of_another_case_is_404(world, api):
    case = _case(world)
    other = _case(world, cadres=(OTHER,))
    url = f"/api/v1/cases/{case.pk}/subjects/{_subject(other, OTHER).pk}/interim-measures/"
    assert_error(api(ORG_LEADER).post(url, _body(), format="json"), 404, "not_found")
    assert not InterimMeasure.objects.exists()


def test_api_wrong_state_is_409_with_the_state_and_writes_nothing(world, api):
    case = _case(world, CaseState.RECEIVED)
    before = snapshot(case.pk)
    body = assert_error(api(ORG_LEADER).post(_url(case), _body(), format="json"), 409, "precondition_failed")
    assert body["state"] == CaseState.RECEIVED
    assert snapshot(case.pk) == before


def test_api_lift_and_its_refusals(world, api):
    case = _case(world)
    measure_id = api(ORG_LEADER).post(_url(case), _body(), format="json").json()["id"]
    lift = _url(case, rest=f"{measure_id}/lift/")
    good = {"lifted_on": TODAY().isoformat(), "reason": "恢复履职。"}
    before = snapshot(case.pk)
    assert_error(api(DISC_LEADER).post(lift, good, format="json"), 403, "not_permitted")
    assert_error(
        api(ORG_LEADER).post(lift, {"lifted_on": "soon", "reason": ""}, format="json"), 400, "invalid", fields=("lifted_on",)
    )
    assert_error(api(ORG_LEADER).post(lift, {**good, "reason": " "}, format="json"), 400, "invalid", fields=("reason",))
    assert_error(api(ORG_LEADER).post(_url(case, rest="999999/lift/"), good, format="json"), 404, "not_found")
    assert_error(api("huinong_discipline_officer").post(lift, good, format="json"), 404, "not_found")
    assert snapshot(case.pk) == before
    response = api(ORG_LEADER).post(lift, good, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "lifted" and response.json()["ended_by"] == ORG_LEADER
    before = snapshot(case.pk)
    assert_error(api(ORG_LEADER).post(lift, good, format="json"), 409, "precondition_failed")
    assert snapshot(case.pk) == before


def test_api_settle_and_deliver_over_http(world, api):
    case = _case(world)
    measure_id = api(ORG_LEADER).post(_url(case), _body(), format="json").json()["id"]
    settle = _url(case, rest=f"{measure_id}/settle/")
    before = snapshot(case.pk)
    assert_error(api(ORG_LEADER).post(settle, {"outcome": "lifted", "reason": "解除"}, format="json"), 409, "precondition_failed")
    assert snapshot(case.pk) == before
    case = _decide(world, case, [("suspension", "")])  # 停职检查 absorbs the 先期停职
    deliver = {"name": "deliver", "delivered_on": TODAY().isoformat()}
    before = snapshot(case.pk)
    refused = assert_error(
        api(DISC_OFFICER).post(f"/api/v1/cases/{case.pk}/transitions/", deliver, format="json"), 409, "precondition_failed"
    )
    assert refused["subjects"] == [world.cadres[DEPUTY].name]
    assert_error(
        api(ORG_LEADER).post(settle, {"outcome": "kept", "reason": "x"}, format="json"), 400, "invalid", fields=("outcome",)
    )
    assert_error(api(DISC_LEADER).post(settle, {"outcome": "absorbed", "reason": "x"}, format="json"), 403, "not_permitted")
    assert snapshot(case.pk) == before
    response = api(ORG_LEADER).post(settle, {"outcome": "absorbed", "reason": "停职检查吸收先期停职。"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "absorbed" and body["absorbed_by"]["measure"] == "suspension"
    delivered = api(DISC_OFFICER).post(f"/api/v1/cases/{case.pk}/transitions/", deliver, format="json")
    assert delivered.status_code == 200 and delivered.json()["state"] == CaseState.EXECUTING


def test_api_schema_documents_the_endpoints_and_their_errors(world, api):
    schema = api(DISC_OFFICER).get("/api/schema/?format=json").json()
    base = "/api/v1/cases/{case_pk}/subjects/{subject_pk}/interim-measures/"
    create = schema["paths"][base]["post"]
    assert {"200", "201", "400", "403", "404", "409"} <= set(create["responses"])
    assert "Idempotency-Key" in {p["name"] for p in create.get("parameters", [])}
    assert "200" in schema["paths"][base]["get"]["responses"]
    request = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"kind", "ordered_on", "reason"} <= set(schema["components"]["schemas"][request]["properties"])
    for action, fields in (("lift", {"lifted_on", "reason"}), ("settle", {"outcome", "reason"})):
        operation = schema["paths"][base + "{id}/" + action + "/"]["post"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert fields <= set(schema["components"]["schemas"][ref]["properties"])
