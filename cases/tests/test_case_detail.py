"""``case_detail`` reads only the relations that hold rows (issue 17). What it returns must be
what the plain prefetch of every relation returns, for cases that have each relation and cases
that do not; and each relation that holds rows costs exactly one statement more."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from cases.api.serializers import CaseDetailSerializer
from cases.codes import CaseState
from cases.models import (
    Assessment,
    Case,
    CaseSubject,
    InterimMeasure,
    MeasureDecision,
    PerformanceFinding,
    Referral,
)
from cases.selectors import case_detail
from cases.services.interim import interim_record
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state, new_lead
from core.persistence import local_today

pytestmark = pytest.mark.django_db

WHY = "涉嫌迟报事故，继续履职可能妨碍调查，经研究先期停职。"


def _every_relation(pk: int) -> Case:
    """The read before issue 17's cut: every relation prefetched, whether it holds rows or not."""
    subjects = CaseSubject.objects.select_related(
        "cadre", "post", "post__organization", "finding", "filing", "filing__approved_by"
    ).prefetch_related(
        Prefetch("measures", queryset=MeasureDecision.objects.select_related("deciding_department").order_by("id")),
        Prefetch("assessments", queryset=Assessment.objects.filter(kind=Assessment.Kind.CONCLUSION).order_by("id")),
        Prefetch("finding__full_performance", queryset=PerformanceFinding.objects.select_related("recorded_by").order_by("id")),
        Prefetch(
            "interim_measures",
            queryset=InterimMeasure.objects.select_related(
                "authority", "post", "post__organization", "ordered_by", "ended_by", "absorbed_by"
            ).order_by("ordered_on", "id"),
        ),
    )
    return (
        Case.objects.select_related("owner_department", "source_department", "accident", "proposed_by", "approved_by")
        .prefetch_related(
            Prefetch("subjects", queryset=subjects),
            "team",
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("from_department", "to_department", "subject__cadre").order_by("id"),
            ),
        )
        .get(pk=pk)
    )


def _body(case: Case, user) -> dict:
    request = APIRequestFactory().get("/")
    request.user = user
    return CaseDetailSerializer(case, context={"request": request}).data


def _cases(world) -> dict[str, Case]:
    received = new_lead(world, cadres=("pl-baofeng:township_deputy:0", "pl-baofeng:township_deputy:1"))
    investigating = case_in_state(world, CaseState.INVESTIGATING, cadres=("pl-baofeng:township_deputy:0",))
    # one of its two subjects suspended: the flags are per subject
    interim = case_in_state(
        world, CaseState.INVESTIGATING, cadres=("pl-baofeng:township_deputy:0", "pl-baofeng:township_deputy:1")
    )
    interim_record(
        case_id=interim.pk,
        subject_id=interim.subjects.order_by("id").first().pk,
        kind="suspension",
        ordered_on=local_today(),
        reason=WHY,
        acting_user=world.users["organization_leader"],
    )
    executing = case_in_state(world, CaseState.EXECUTING)
    transferred = new_lead(world)
    case_transition(
        case_id=transferred.pk,
        name="transfer",
        acting_user=world.users["discipline_officer"],
        payload={"to_department": world.departments["pl-organization"].pk, "reason": "属组织处理事项"},
    )
    return {
        "received": received,
        "investigating": investigating,
        "interim": interim,
        "executing": executing,
        "transferred": transferred,
    }


def test_the_detail_is_the_same_as_prefetching_every_relation(world):
    cases = _cases(world)
    seen: set[str] = set()
    for label, case in cases.items():
        detail = case_detail(case.pk)
        assert detail is not None
        officer = world.users["discipline_officer"]
        assert _body(detail, officer) == _body(_every_relation(case.pk), officer), label
        # which relations this case exercises, so the test shows it covers each one
        seen |= {"team"} if detail.team.all() else set()
        seen |= {"referrals"} if detail.referrals.all() else set()
        for subject in detail.subjects.all():
            seen |= {"measures"} if subject.measures.all() else set()
            seen |= {"assessments"} if subject.assessments.all() else set()
            seen |= {"interim_measures"} if subject.interim_measures.all() else set()
    assert seen == {"team", "referrals", "measures", "assessments", "interim_measures"}


def test_each_relation_that_holds_rows_costs_one_statement(world):
    cases = _cases(world)
    expected = {
        "received": 2,  # the case with its flags, the subjects with theirs
        "investigating": 3,  # + the team
        "interim": 4,  # + the team, the one subject's interim measure
        "executing": 6,  # + the team, the measures, the conclusions, the execution's referral
        "transferred": 3,  # + the transfer
    }
    counted = {}
    for label, case in cases.items():
        with CaptureQueriesContext(connection) as ctx:
            case_detail(case.pk)
        counted[label] = sum(1 for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE")))
    assert counted == expected


def test_no_such_case_is_none(world):
    assert case_detail(10**9) is None


def test_reading_the_empty_relations_sends_nothing(world):
    case = case_detail(new_lead(world).pk)
    assert case is not None
    with CaptureQueriesContext(connection) as ctx:
        assert list(case.team.all()) == [] and list(case.referrals.all()) == []
        for subject in case.subjects.all():
            assert list(subject.measures.all()) == list(subject.assessments.all()) == list(subject.interim_measures.all()) == []
    assert ctx.captured_queries == []
