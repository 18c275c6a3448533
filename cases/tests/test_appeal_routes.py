"""Appeals by route with the database (issue 14 item 5): the window of each route and stage, the
second stage filed against the first stage's decision, who decides, the routes a subject's
measures open, refusals that name the deadline and write nothing, and ``revised`` adjusting only
the measures appealed and their execution tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from cases.models import Appeal, Case, ExecutionTask, MeasureDecision
from cases.selectors.appeals import AppealContext, appeal_routes_for, open_routes
from cases.selectors.deadlines import open_deadlines
from cases.services.appeals import appeal_decide, appeal_file
from cases.tests._appeal_helpers import (
    ADMONISHMENT,
    DELIVERED,
    DISMISSAL,
    GOV_WARNING,
    PARTY_WARNING,
    TOUZHA_HEAD,
    executing,
    leader_of,
)
from cases.tests._transitions_helpers import snapshot
from core.errors import InvalidInput, PreconditionFailed
from core.persistence import add_months, local_today

pytestmark = pytest.mark.django_db
OFFICER, LEADER = "discipline_officer", "discipline_leader"
D = dt.timedelta


def _file(world, case: Case, filed_on: dt.date, **kw) -> Appeal:
    subject = kw.pop("subject", None) or case.subjects.order_by("id").first()
    return appeal_file(
        case_id=case.pk, subject_id=subject.pk, filed_on=filed_on, grounds="认为处理偏重", acting_user=world.users[OFFICER], **kw
    )


def _refused(world, case: Case, filed_on: dt.date, *, field: str, **kw) -> str:
    """File, expect a 400 on ``field`` and nothing written; return the message (in English)."""
    before = snapshot(case.pk)
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        _file(world, case, filed_on, **kw)
    assert snapshot(case.pk) == before
    assert field in caught.value.detail, caught.value.detail
    return str(caught.value.detail[field][0])


# measures, route, stage, last day of the window (from delivery), deciding department
FIRST_STAGES = [
    ((ADMONISHMENT,), "accountability", "appeal", add_months(DELIVERED, 1), "pl-discipline"),
    ((GOV_WARNING,), "government_sanction", "review", add_months(DELIVERED, 1), "pl-discipline"),
    ((DISMISSAL,), "civil_service", "recheck", DELIVERED + D(days=30), "pl-organization"),
    ((DISMISSAL,), "civil_service", "appeal", DELIVERED + D(days=30), "szs-organization"),  # 申诉 without 复核
    ((DISMISSAL,), "accountability", "appeal", add_months(DELIVERED, 1), "pl-organization"),  # 问责决定机关
]


@pytest.mark.parametrize(("measures", "route", "stage", "last_day", "body"), FIRST_STAGES)
def test_the_window_of_each_route_runs_from_delivery(world, measures, route, stage, last_day, body):
    case = executing(world, *measures)
    message = _refused(world, case, last_day + D(days=1), field="filed_on", route=route, stage=stage)
    assert last_day.isoformat() in message and DELIVERED.isoformat() in message and "window" in message
    appeal = _file(world, case, last_day, route=route, stage=stage)
    assert (appeal.route, appeal.stage, appeal.window_ends_on) == (route, stage, last_day)
    assert appeal.deciding_department == world.departments[body]
    assert list(appeal.measures.all()) == list(MeasureDecision.objects.filter(subject=appeal.subject, state="decided"))
    event = case.events.filter(kind="appeal_filed").get()
    assert event.payload["route"] == route and event.payload["window_ends_on"] == last_day.isoformat()


def test_the_party_discipline_appeal_has_no_window(world):
    case = executing(world, PARTY_WARNING, delivered=local_today() - D(days=800))
    appeal = _file(world, case, local_today() - D(days=1))
    assert (appeal.route, appeal.stage, appeal.window_ends_on) == ("party_discipline", "appeal", None)
    assert appeal.deciding_department == world.departments["pl-discipline"]
    # The city discipline organ (上级党组织) may receive it too.
    other = executing(world, PARTY_WARNING, delivered=None)
    city = _file(world, other, local_today(), deciding_department_id=world.departments["szs-discipline"].pk)
    assert city.deciding_department == world.departments["szs-discipline"]


def test_recheck_of_a_government_sanction_runs_from_the_review_decision(world):
    case = executing(world, GOV_WARNING)
    # No 复核 before the 复审 is decided.
    _refused(world, case, DELIVERED + D(days=3), field="stage", route="government_sanction", stage="recheck")
    review = _file(world, case, DELIVERED + D(days=3), route="government_sanction")
    assert review.stage == "review" and review.deciding_department == world.departments["pl-discipline"]
    _refused(world, case, DELIVERED + D(days=4), field="stage", route="government_sanction", stage="recheck")
    received = DELIVERED + D(days=20)
    appeal_decide(
        appeal_id=review.pk, outcome="upheld", reason="事实清楚", delivered_on=received, acting_user=world.users[LEADER]
    )
    # A second 复审 is refused: what follows is the 复核.
    _refused(world, case, DELIVERED + D(days=21), field="stage", route="government_sanction", stage="review")
    last = add_months(received, 1)
    message = _refused(world, case, last + D(days=1), field="filed_on", route="government_sanction", stage="recheck")
    assert last.isoformat() in message and received.isoformat() in message
    _refused(world, case, received - D(days=1), field="filed_on", route="government_sanction", stage="recheck")
    recheck = _file(world, case, last, route="government_sanction", stage="recheck")
    assert recheck.previous == review and recheck.window_ends_on == last
    assert recheck.deciding_department == world.departments["szs-discipline"]  # 上一级监察机关
    assert list(recheck.measures.all()) == list(review.measures.all())
    # The county's leaders do not decide it; the city organ's do.
    with pytest.raises(Exception) as refused:
        appeal_decide(appeal_id=recheck.pk, outcome="upheld", reason="维持", acting_user=world.users[LEADER])
    assert getattr(refused.value, "status", None) == 403
    city_leader = leader_of(world, "szs-discipline", "city_discipline_leader")
    appeal_decide(appeal_id=recheck.pk, outcome="upheld", reason="维持", acting_user=city_leader)
    with pytest.raises(PreconditionFailed):
        _file(world, case, last, route="government_sanction", stage="recheck", previous_id=review.pk)


def test_civil_servant_appeal_after_recheck_runs_fifteen_days_from_the_recheck_decision(world):
    case = executing(world, DISMISSAL)
    recheck = _file(world, case, DELIVERED + D(days=5), route="civil_service")
    assert recheck.stage == "recheck" and recheck.deciding_department == world.departments["pl-organization"]
    received = DELIVERED + D(days=30)
    appeal_decide(
        appeal_id=recheck.pk,
        outcome="upheld",
        reason="程序合法",
        delivered_on=received,
        acting_user=world.users["organization_leader"],
    )
    last = received + D(days=15)
    message = _refused(world, case, last + D(days=1), field="filed_on", route="civil_service", stage="appeal")
    assert last.isoformat() in message
    emergency = world.departments["pl-emergency"].pk
    _refused(
        world, case, last, field="deciding_department", route="civil_service", stage="appeal", deciding_department_id=emergency
    )
    # The same-level 公务员主管部门 instead of the organ above.
    same_level = world.departments["pl-organization"]
    appeal = _file(world, case, last, route="civil_service", stage="appeal", deciding_department_id=same_level.pk)
    assert (appeal.previous, appeal.window_ends_on, appeal.deciding_department) == (recheck, last, same_level)


def test_a_subject_with_a_government_and_a_party_sanction_has_two_routes(world):
    case = executing(world, GOV_WARNING, PARTY_WARNING, delivered=None)
    subject = case.subjects.get()
    assert open_routes(subject) == ["party_discipline", "government_sanction"]
    # Several routes and none named: the route must be named. A route the measures do not open is refused.
    assert "party_discipline" in _refused(world, case, local_today(), field="route")
    message = _refused(world, case, local_today(), field="route", route="civil_service")
    assert "government_sanction" in message and "party_discipline" in message
    _refused(world, case, local_today(), field="route", route="no_such_route")
    party = _file(world, case, local_today(), route="party_discipline")
    gov = _file(world, case, local_today(), route="government_sanction")
    assert [m.sanction_kind for m in party.measures.all()] == ["party_warning"]
    assert [m.sanction_kind for m in gov.measures.all()] == ["gov_warning"]
    # One pending appeal per route.
    before = snapshot(case.pk)
    with pytest.raises(PreconditionFailed):
        _file(world, case, local_today(), route="party_discipline")
    assert snapshot(case.pk) == before


def test_measures_decided_by_two_organs_are_appealed_one_organ_at_a_time(world):
    case = executing(world, ADMONISHMENT, DISMISSAL, delivered=None)
    # 诫勉 by the discipline organ, 免职 by the organization department: both on the accountability route.
    assert "organs" in _refused(world, case, local_today(), field="measures")
    dismissal = MeasureDecision.objects.get(subject__case=case, measure="dismissal", state="decided")
    appeal = _file(world, case, local_today(), measure_ids=[dismissal.pk])
    assert appeal.deciding_department == world.departments["pl-organization"]
    _refused(world, case, local_today(), field="measures", route="civil_service", measure_ids=[dismissal.pk + 1000])


def test_revised_replaces_only_the_measures_appealed_and_their_tasks(world):
    case = executing(world, ADMONISHMENT, GOV_WARNING, delivered=None)
    admonishment = MeasureDecision.objects.get(subject__case=case, measure="admonishment")
    warning = MeasureDecision.objects.get(subject__case=case, sanction_kind="gov_warning")
    kept_task = ExecutionTask.objects.get(measure=admonishment)
    old_task = ExecutionTask.objects.get(measure=warning)
    review = _file(world, case, local_today(), route="government_sanction")
    subject = review.subject.pk
    # The 复审 revises the 政务处分 only: a 通报 is not a measure of its route.
    before = snapshot(case.pk)
    with pytest.raises(InvalidInput) as caught:
        appeal_decide(
            appeal_id=review.pk,
            outcome="revised",
            reason="变更",
            measures=[{"subject": subject, "measure": "notice"}],
            acting_user=world.users[LEADER],
        )
    assert "measures[0].measure" in caught.value.detail and snapshot(case.pk) == before
    appeal_decide(
        appeal_id=review.pk,
        outcome="revised",
        reason="情节较重，改为记过",
        measures=[{"subject": subject, "measure": "sanction", "sanction_kind": "gov_demerit"}],
        acting_user=world.users[LEADER],
    )
    for row in (admonishment, warning, kept_task, old_task):
        row.refresh_from_db()
    assert (admonishment.state, kept_task.state) == ("decided", "open")
    assert (warning.state, old_task.state) == ("revoked", "cancelled")
    new = MeasureDecision.objects.get(subject_id=subject, sanction_kind="gov_demerit", state="decided")
    assert ExecutionTask.objects.get(measure=new).state == "open"
    # The 复核 is against the revised decision: its measures are the new ones.
    recheck = _file(world, case, local_today(), route="government_sanction", stage="recheck")
    assert list(recheck.measures.all()) == [new]


def test_an_appeal_filed_before_routes_revises_every_decided_measure(world):
    """Old rows have no measures recorded (migration 0020 puts them on the 问责条例 route): as before,
    `revised` replaces all the subject's decided measures."""
    case = executing(world, ADMONISHMENT, GOV_WARNING, delivered=None)
    appeal = _file(world, case, local_today(), route="government_sanction")
    appeal.measures.clear()  # as an appeal filed before issue 14
    Appeal.objects.filter(pk=appeal.pk).update(route="accountability", stage="appeal")
    subject = appeal.subject.pk
    appeal_decide(
        appeal_id=appeal.pk,
        outcome="revised",
        reason="改为通报",
        measures=[{"subject": subject, "measure": "notice"}],
        acting_user=world.users[LEADER],
    )
    decided = MeasureDecision.objects.filter(subject_id=subject, state="decided")
    assert [m.measure for m in decided] == ["notice"]
    assert not ExecutionTask.objects.filter(case=case, kind="measure", state="open").exclude(measure__in=decided).exists()


def test_the_data_migration_puts_old_appeals_on_the_accountability_route(world):
    import importlib

    from django.apps import apps

    case = executing(world, GOV_WARNING, delivered=None)
    appeal = _file(world, case, local_today(), route="government_sanction")
    importlib.import_module("cases.migrations.0022_seed_appeal_route_policies").route_old_appeals(apps, None)
    appeal.refresh_from_db()
    assert (appeal.route, appeal.stage) == ("accountability", "appeal")


def test_a_decision_is_delivered_after_filing_and_not_in_the_future(world):
    case = executing(world, GOV_WARNING)
    review = _file(world, case, DELIVERED + D(days=2), route="government_sanction")
    for day in (DELIVERED + D(days=1), local_today() + D(days=1)):
        before = snapshot(case.pk)
        with pytest.raises(InvalidInput) as caught:
            appeal_decide(appeal_id=review.pk, outcome="upheld", reason="维持", delivered_on=day, acting_user=world.users[LEADER])
        assert "delivered_on" in caught.value.detail and snapshot(case.pk) == before
    appeal_decide(appeal_id=review.pk, outcome="upheld", reason="维持", acting_user=world.users[LEADER])
    review.refresh_from_db()
    assert review.decision_delivered_on == local_today()  # by default, the day it is decided


def test_open_deadlines_use_the_decision_limit_of_the_route(world):
    gov = executing(world, GOV_WARNING)
    review = _file(world, gov, DELIVERED + D(days=2), route="government_sanction")
    acc = executing(world, ADMONISHMENT)
    appeal = _file(world, acc, DELIVERED + D(days=2))
    civil = executing(world, DISMISSAL)
    recheck = _file(world, civil, DELIVERED + D(days=2), route="civil_service")
    due = {d.key: d.due.date() for d in open_deadlines()}
    assert due[f"appeal:{review.pk}"] == add_months(DELIVERED + D(days=2), 1)  # 复审: one month
    assert due[f"appeal:{appeal.pk}"] == add_months(DELIVERED + D(days=2), 1)  # 问责申诉 (UNVERIFIED row)
    assert due[f"appeal:{recheck.pk}"] == DELIVERED + D(days=32)  # 复核: thirty days
    received = DELIVERED + D(days=10)
    appeal_decide(appeal_id=review.pk, outcome="upheld", reason="维持", delivered_on=received, acting_user=world.users[LEADER])
    second = _file(world, gov, received + D(days=1), route="government_sanction", stage="recheck")
    assert {d.key: d.due.date() for d in open_deadlines()}[f"appeal:{second.pk}"] == add_months(received + D(days=1), 2)


def test_appeal_routes_for_each_decided_measure(world):
    case = executing(world, DISMISSAL, GOV_WARNING, PARTY_WARNING)
    subject = case.subjects.get()
    routes = {(m.measure.measure, m.measure.sanction_kind): m for m in appeal_routes_for(subject)}
    d = world.departments

    def stages(key, route):
        found = next(r for r in routes[key].routes if r.route == route)
        return [(s.stage, s.body, s.alternatives, s.window.ends_on if s.window else None) for s in found.stages]

    assert [r.route for r in routes[("dismissal", "")].routes] == ["accountability", "civil_service"]
    assert routes[("dismissal", "")].decided_by == d["pl-organization"]
    assert stages(("dismissal", ""), "civil_service") == [
        ("recheck", d["pl-organization"], (), DELIVERED + D(days=30)),
        ("appeal", d["szs-organization"], (d["pl-organization"],), None),  # from the 复核 decision, not yet known
    ]
    civil_appeal = next(r for r in routes[("dismissal", "")].routes if r.route == "civil_service").stages[1]
    assert civil_appeal.direct_window.ends_on == DELIVERED + D(days=30)  # 申诉 without 复核
    assert civil_appeal.window.amount == 15 and civil_appeal.window.verified
    assert stages(("sanction", "gov_warning"), "government_sanction") == [
        ("review", d["pl-discipline"], (), add_months(DELIVERED, 1)),
        ("recheck", d["szs-discipline"], (), None),
    ]
    party = next(r for r in routes[("sanction", "party_warning")].routes).stages[0]
    assert (party.stage, party.body, party.alternatives, party.window) == (
        "appeal",
        d["pl-discipline"],
        (d["szs-discipline"],),
        None,
    )
    assert "未规定申诉期限" in party.no_window_basis and party.decision.amount == 3
    accountability = next(r for r in routes[("dismissal", "")].routes if r.route == "accountability").stages[0]
    assert not accountability.window.verified and "UNVERIFIED" in accountability.window.citation

    # Once the 复审 is decided and delivered, the 复核's last day is known.
    review = _file(world, case, DELIVERED + D(days=1), route="government_sanction")
    appeal_decide(
        appeal_id=review.pk, outcome="upheld", reason="维持", delivered_on=DELIVERED + D(days=9), acting_user=world.users[LEADER]
    )
    subject = Case.objects.get(pk=case.pk).subjects.get()
    after = {(m.measure.measure, m.measure.sanction_kind): m for m in appeal_routes_for(subject)}
    recheck = next(r for r in after[("sanction", "gov_warning")].routes).stages[1]
    assert recheck.window.ends_on == add_months(DELIVERED + D(days=9), 1)


def test_a_cadre_the_city_manages_is_rechecked_by_the_city_organization_department(world):
    case = executing(world, DISMISSAL, cadres=("pingluo:county_magistrate:0",))
    subject = case.subjects.get()
    (dismissal,) = appeal_routes_for(subject)
    civil = next(r for r in dismissal.routes if r.route == "civil_service")
    d = world.departments
    # The region has no organization department in the demo: the same-level one alone hears the 申诉.
    assert [(s.stage, s.body, s.alternatives) for s in civil.stages] == [
        ("recheck", d["szs-organization"], ()),
        ("appeal", d["szs-organization"], ()),
    ]


def test_the_routes_of_a_case_cost_the_same_queries_for_more_subjects(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(case: Case) -> int:
        subjects = list(case.subjects.prefetch_related("measures").select_related("case__owner_department"))
        with CaptureQueriesContext(connection) as ctx:
            context = AppealContext(subjects[0].case)
            for s in subjects:
                appeal_routes_for(s, context=context)
        return len(ctx.captured_queries)

    one = executing(world, DISMISSAL, GOV_WARNING)
    two = executing(world, DISMISSAL, GOV_WARNING, cadres=("pl-baofeng:township_deputy:1", TOUZHA_HEAD))
    assert cost(one) == cost(two) <= 6


def test_no_limit_in_force_is_a_409_naming_the_policy_row_and_writes_nothing(world):
    """A decision delivered before the 2018 公务员法 took effect (2019-06-01): no row sets its windows."""
    case = executing(world, DISMISSAL, delivered=dt.date(2019, 5, 1))
    before = snapshot(case.pk)
    with pytest.raises(PreconditionFailed) as caught:
        _file(world, case, dt.date(2019, 5, 10), route="civil_service")
    assert "civil_service_recheck_window" in str(caught.value.detail) and snapshot(case.pk) == before
