"""Art. 31 as three findings (issue 13, docs/exemption.md), through the services with the
database and the API over HTTP.

"经查实已经全面履行了本细则第二章、第三章所规定职责、法律法规规定有关职责，并全面落实了县委和政府
有关工作部署的，不予追究有关党政领导干部的领导责任。" Each condition is a finding with its text and
evidence; the first rests on the duty ledger over the twelve months up to the conduct, for every
duty of Chapters 2–3 of the post held — the monthly inspection of 第九条（四） and the six standing
duties of 第九条 for this township deputy of 宝丰镇 — and every gap there needs an explanation with
evidence of its own. The conduct is on 15 March 2026: the blocks judged are March 2025 … February
2026 and the standing window 16 March 2025 – 15 March 2026 (March 2026 is still running that day).

Who does what here:
- discipline_officer: investigates the case, records the findings and explains the gaps.
- organization_officer: keeps the duty ledger.
- emergency_officer: another department; may not record findings on this case.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.codes import CaseState
from cases.models import CaseEvent, CaseSubject, Finding, LedgerGapExplanation, PerformanceFinding
from cases.selectors.exemption import full_performance_for
from cases.services.exemption import gap_explanation_record
from cases.services.findings import finding_put
from cases.tests._art31_helpers import FULL_PERFORMANCE
from cases.tests._transitions_helpers import assert_error, snapshot
from cases.tests.scenarios import case_in_state
from core.errors import InvalidInput, PreconditionFailed
from duties.models import Obligation
from duties.services.ledger import record_create, record_void
from org.models import Cadre, Post

pytestmark = pytest.mark.django_db

D = dt.date
OFFICER = "discipline_officer"
DEPUTY = "pl-baofeng:township_deputy:0"
CONDUCT = "2026-03-15"
FINDINGS = {"circumstances": ["26.5"], "conduct_date": CONDUCT, "performance": "称已按月带队检查"}
CLAIM = {**FINDINGS, "full_performance": FULL_PERFORMANCE}
# One inspection in each judged month, March 2025 to February 2026.
MONTHS = [D(2025 + (m > 12), (m - 1) % 12 + 1, 20) for m in range(3, 15)]
STANDING = ["9-1", "9-2", "9-3", "9-4-promote", "9-4-resolve", "9-5"]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(scope="module")
def world(module_world):
    """conftest's ``world``, built once for this module (``module_world``)."""
    return module_world


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.fixture
def case(world):
    return case_in_state(world, CaseState.INVESTIGATING, cadres=(DEPUTY,))


def subject_of(case) -> CaseSubject:
    return CaseSubject.objects.select_related("finding", "cadre").get(case=case)


def record(world, code: str, *days: dt.date, cadre: str = DEPUTY) -> list:
    obligation = Obligation.objects.get(code=code)
    return [
        record_create(acting_user=world.users["organization_officer"], cadre=world.cadres[cadre], obligation=obligation, date=day)
        for day in days
    ]


def full_ledger(world, *, skip_month: dt.date | None = None) -> list:
    inspections = record(world, "9-4-township", *[d for d in MONTHS if d != skip_month])
    for code in STANDING:
        record(world, code, D(2025, 11, 3))
    return inspections


def put(api, case, data: dict, user: str = OFFICER):
    subject = case.subjects.get()
    return api(user).put(f"/api/v1/cases/{case.pk}/subjects/{subject.pk}/findings/", data, format="json", **EN)


def get(api, case, user: str = OFFICER):
    subject = case.subjects.get()
    return api(user).get(f"/api/v1/cases/{case.pk}/subjects/{subject.pk}/findings/", **EN)


def explain(api, case, body: dict, user: str = OFFICER):
    subject = case.subjects.get()
    return api(user).post(f"/api/v1/cases/{case.pk}/subjects/{subject.pk}/ledger-gaps/", body, format="json", **EN)


def gaps_of(api, case) -> list[dict]:
    response = get(api, case)
    assert response.status_code == 200, response.content
    return response.json()["art31_ledger"]["gaps"]


def findings_events(case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind="findings").order_by("seq"))


# --- the gap list ------------------------------------------------------------------------------


def test_the_gaps_are_every_chapter_2_3_duty_not_shown_met_in_the_twelve_months(world, api, case):
    record(world, "9-4-township", *[d for d in MONTHS if d.month != 2])  # February 2026 missing
    assert put(api, case, FINDINGS).status_code == 200
    response = get(api, case)
    assert response.status_code == 200, response.content
    body = response.json()
    ledger = body["art31_ledger"]
    assert (ledger["start"], ledger["end"], ledger["as_of"]) == ("2025-03-16", CONDUCT, CONDUCT)
    assert ledger["obligations"] == 1 + len(STANDING) and ledger["backed"] is False
    # In the catalog's order: 第九条（一）—（三）, （四） before, at and after the monthly inspection, （五）.
    assert [(g["code"], g["start"], g["end"], g["status"], g["done"], g["required"]) for g in ledger["gaps"]] == [
        *[(code, "2025-03-16", CONDUCT, "missed", 0, 1) for code in STANDING[:5]],
        ("9-4-township", "2026-02-01", "2026-02-28", "missed", 0, 1),
        ("9-5", "2025-03-16", CONDUCT, "missed", 0, 1),
    ]
    href = f"/api/v1/cases/{case.pk}/subjects/{case.subjects.get().pk}/ledger-gaps/"
    assert all(g["explanation"] is None and g["explain"]["href"] == href for g in ledger["gaps"])
    february = next(g for g in ledger["gaps"] if g["code"] == "9-4-township")
    assert february["explain"]["body"] == {"obligation": february["obligation"], "period_start": "2026-02-01"}
    assert body["full_performance"] == {"duties": False, "statutory": False, "deployments": False}
    assert body["finding"]["full_performance"]["duties"]["established"] is False


def test_before_findings_with_a_conduct_date_there_is_no_gap_list_and_no_explanation(world, api, case):
    body = get(api, case).json()
    assert body["finding"] is None and body["art31_ledger"] is None
    before = snapshot(case.pk)
    response = explain(
        api,
        case,
        {"obligation": Obligation.objects.get(code="9-1").pk, "period_start": "2025-03-16", "reason": "x", "evidence": "y"},
    )
    assert "conduct" in assert_error(response, 409, "precondition_failed")["detail"]
    assert snapshot(case.pk) == before


# --- claiming Art. 31 -------------------------------------------------------------------------


def test_claiming_the_duties_with_unexplained_gaps_is_refused_and_writes_nothing(world, api, case):
    record(world, "9-4-township", *[d for d in MONTHS if d.month != 2])
    before = snapshot(case.pk)
    response = put(api, case, CLAIM)
    detail = assert_error(response, 400, "invalid")["detail"]
    assert list(detail) == ["full_performance.duties.established"]
    message = detail["full_performance.duties.established"][0]
    assert "7 gap(s)" in message and "第9条（四） 2026-02-01～2026-02-28（0/1）" in message
    assert "第9条（一） 2025-03-16～2026-03-15（0/1）" in message
    assert snapshot(case.pk) == before
    assert not Finding.objects.filter(subject__case=case).exists()


@pytest.mark.parametrize(
    ("condition", "field", "blank"),
    [
        ("duties", "text", {"text": "  "}),
        ("statutory", "text", {"text": ""}),
        ("statutory", "evidence", {"evidence": " "}),
        ("deployments", "text", {"text": ""}),
        ("deployments", "evidence", {"evidence": ""}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_condition_claimed_without_its_text_or_evidence_is_refused_and_writes_nothing(
    world, api, case, condition, field, blank
):
    full_ledger(world)
    before = snapshot(case.pk)
    claim = {**FULL_PERFORMANCE, condition: {**FULL_PERFORMANCE[condition], **blank}}
    response = put(api, case, {**FINDINGS, "full_performance": claim})
    detail = assert_error(response, 400, "invalid")["detail"]
    assert list(detail) == [f"full_performance.{condition}.{field}"]
    assert "Art. 31" in detail[f"full_performance.{condition}.{field}"][0]
    assert snapshot(case.pk) == before


def test_the_duties_condition_rests_on_the_ledger_its_evidence_text_is_optional(world, api, case):
    full_ledger(world)
    response = put(api, case, CLAIM)
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "not_pursued"
    rows = {p.condition: p for p in PerformanceFinding.objects.filter(finding__subject__case=case)}
    assert set(rows) == {"duties", "statutory", "deployments"}
    assert rows["duties"].evidence == "" and rows["statutory"].evidence == FULL_PERFORMANCE["statutory"]["evidence"]
    assert all(r.established and r.recorded_by == world.users[OFFICER] for r in rows.values())
    [event] = findings_events(case)
    assert event.payload["full_performance"] == {"duties": True, "statutory": True, "deployments": True}
    assert event.payload["art31_ledger"] == {"from": "2025-03-16", "as_of": CONDUCT, "obligations": 7, "gaps": []}


@pytest.mark.parametrize("missing", ["duties", "statutory", "deployments"])
def test_all_three_conditions_are_needed_for_the_exemption(world, api, case, missing):
    full_ledger(world)
    claim = {**FULL_PERFORMANCE, missing: {"established": False, "text": "尚未查实", "evidence": ""}}
    response = put(api, case, {**FINDINGS, "full_performance": claim})
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "accountable"  # 26.5 still pursued
    finding = Finding.objects.get(subject__case=case)
    assert finding.duties_fully_performed is False
    expected = {c: c != missing for c in ("duties", "statutory", "deployments")}
    assert full_performance_for(subject_of(case)) == expected
    assert get(api, case).json()["full_performance"] == expected
    # The finding not established keeps its text, for the record.
    assert PerformanceFinding.objects.get(finding=finding, condition=missing).text == "尚未查实"


def test_with_all_three_the_derived_flag_is_true_and_the_case_is_not_pursued(world, api, case):
    full_ledger(world)
    assert put(api, case, CLAIM).status_code == 200
    assert Finding.objects.get(subject__case=case).duties_fully_performed is True
    subject = api(OFFICER).get(f"/api/v1/cases/{case.pk}/").json()["subjects"][0]
    assert subject["finding"]["duties_fully_performed"] is True
    assert subject["finding"]["full_performance"]["deployments"]["text"] == FULL_PERFORMANCE["deployments"]["text"]
    assert subject["finding"]["full_performance"]["deployments"]["recorded_by"] == OFFICER
    for name in ("submit_findings", "conclude"):
        response = api(OFFICER).post(f"/api/v1/cases/{case.pk}/transitions/", {"name": name}, format="json")
        assert response.status_code == 200, response.content
    assert response.json()["state"] == CaseState.NOT_PURSUED


def test_duties_fully_performed_is_derived_and_must_agree_when_sent(world, api, case):
    full_ledger(world)
    before = snapshot(case.pk)
    alone = put(api, case, {**FINDINGS, "duties_fully_performed": True})
    message = assert_error(alone, 400, "invalid", fields=("duties_fully_performed",))["detail"]["duties_fully_performed"][0]
    assert "full_performance" in message and "Chapters 2–3" in message
    contradicted = put(api, case, {**CLAIM, "duties_fully_performed": False})
    assert_error(contradicted, 400, "invalid", fields=("duties_fully_performed",))
    assert_error(put(api, case, {**CLAIM, "duties_fully_performed": "yes"}), 400, "invalid", fields=("duties_fully_performed",))
    assert snapshot(case.pk) == before
    assert put(api, case, {**CLAIM, "duties_fully_performed": True}).status_code == 200
    assert put(api, case, {**FINDINGS, "duties_fully_performed": False}).status_code == 200


def test_a_written_justification_no_longer_stands_in_for_the_ledger(world, api, case):
    before = snapshot(case.pk)
    response = put(api, case, {**FINDINGS, "duties_fully_performed": True, "exemption_justification": "纸质台账已附卷。"})
    detail = assert_error(response, 400, "invalid")["detail"]
    assert "exemption_justification" in detail and "No longer accepted" in detail["exemption_justification"][0]
    assert snapshot(case.pk) == before
    # Blank is what old clients send: accepted, and a justification kept from before stays.
    assert put(api, case, {**FINDINGS, "exemption_justification": ""}).status_code == 200
    Finding.objects.filter(subject__case=case).update(exemption_justification="旧的说明")
    assert put(api, case, FINDINGS).status_code == 200
    assert Finding.objects.get(subject__case=case).exemption_justification == "旧的说明"
    assert get(api, case).json()["finding"]["exemption_justification"] == "旧的说明"


def test_the_duties_condition_contradicts_circumstance_26_1(world, api, case):
    full_ledger(world)
    claim = {**FINDINGS, "circumstances": ["26.1", "26.5"], "full_performance": {"duties": FULL_PERFORMANCE["duties"]}}
    detail = assert_error(put(api, case, claim), 400, "invalid")["detail"]
    assert list(detail) == ["full_performance.duties.established"]
    assert "26.1" in detail["full_performance.duties.established"][0]


def test_all_three_contradict_circumstance_26_6_and_the_error_names_the_duties_condition(world, api, case):
    full_ledger(world)
    before = snapshot(case.pk)
    detail = assert_error(put(api, case, {**CLAIM, "circumstances": ["26.5", "26.6"]}), 400, "invalid")["detail"]
    assert list(detail) == ["full_performance.duties.established"]
    assert "26.6" in detail["full_performance.duties.established"][0]
    assert snapshot(case.pk) == before


def test_a_malformed_full_performance_is_a_400_naming_each_field(world, api, case):
    before = snapshot(case.pk)
    bad = {"duties": {"established": "yes", "txt": ""}, "statutory": "true", "others": {}}
    detail = assert_error(put(api, case, {**FINDINGS, "full_performance": bad}), 400, "invalid")["detail"]
    assert set(detail) == {
        "full_performance.duties.established",
        "full_performance.duties.txt",
        "full_performance.statutory",
        "full_performance.others",
    }
    assert_error(put(api, case, {**FINDINGS, "full_performance": ["duties"]}), 400, "invalid", fields=("full_performance",))
    assert snapshot(case.pk) == before


def test_the_ledger_must_hold_a_duty_of_the_post_held(world, api):
    """A cadre appointed after the conduct held no post the ledger binds in the twelve months
    before it: nothing backs the duties condition."""
    cadre = Cadre.objects.create(name="新任副镇长")
    Post.objects.create(
        cadre=cadre,
        organization=world.departments["pl-baofeng"],
        role="township_deputy",
        title="副镇长",
        start=D(2026, 4, 1),
        managing_authority=world.departments["pl-organization"],
    )
    world.cadres["new:township_deputy"] = cadre
    try:
        case = case_in_state(world, CaseState.INVESTIGATING, cadres=("new:township_deputy",))
    finally:
        del world.cadres["new:township_deputy"]
    detail = assert_error(put(api, case, CLAIM), 400, "invalid")["detail"]
    assert "holds no duty of Chapters 2–3" in detail["full_performance.duties.established"][0]


def test_only_the_handling_department_claims_it(world, api, case):
    full_ledger(world)
    before = snapshot(case.pk)
    assert_error(put(api, case, CLAIM, user="emergency_officer"), 404, "not_found")
    assert snapshot(case.pk) == before


# --- explaining gaps ---------------------------------------------------------------------------


def test_explained_gaps_let_the_claim_through_and_the_event_keeps_what_it_rested_on(world, api, case):
    inspections = full_ledger(world, skip_month=D(2026, 2, 20))
    assert put(api, case, FINDINGS).status_code == 200
    [february] = gaps_of(api, case)
    march = record(world, "9-4-township", D(2026, 3, 2))[0]
    response = explain(
        api,
        case,
        {
            "obligation": february["obligation"],
            "period_start": february["start"],
            "reason": "春节期间带队检查顺延至3月2日，检查内容覆盖2月应查事项。",
            "evidence": "3月2日检查记录表",
            "duty_records": [march.pk],
        },
    )
    assert response.status_code == 201, response.content
    explanation = response.json()
    assert (explanation["period_start"], explanation["period_end"], explanation["duty_records"]) == (
        "2026-02-01",
        "2026-02-28",
        [march.pk],
    )
    assert explanation["recorded_by"] == OFFICER
    [gap] = gaps_of(api, case)
    assert gap["explanation"]["id"] == explanation["id"]

    response = put(api, case, CLAIM)
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "not_pursued"
    event = findings_events(case)[-1]
    assert event.payload["art31_ledger"]["gaps"] == [
        {
            "obligation": "9-4-township",
            "citation": "第9条（四）",
            "period": "2026-02-01",
            "end": "2026-02-28",
            "status": "missed",
            "required": 1,
            "done": 0,
            "explanation": explanation["id"],
        }
    ]
    [explained] = CaseEvent.objects.filter(case=case, kind="ledger_gap_explained")
    assert explained.payload["duty_records"] == [march.pk] and explained.payload["replaced"] is False
    history = api(OFFICER).get(f"/api/v1/cases/{case.pk}/history/").json()["changes"]
    assert {"ledgergapexplanation", "performancefinding"} <= {c["model"] for c in history}
    assert inspections  # the rest of the ledger was there all along


def test_a_second_explanation_replaces_the_first_and_the_history_keeps_both(world, api, case):
    full_ledger(world, skip_month=D(2025, 6, 20))
    assert put(api, case, FINDINGS).status_code == 200
    [june] = gaps_of(api, case)
    body = {"obligation": june["obligation"], "period_start": june["start"], "reason": "纸质记录", "evidence": "附卷"}
    first = explain(api, case, body).json()
    second = explain(api, case, {**body, "reason": "纸质检查记录已调取附卷，经核属实。"}).json()
    assert first["id"] == second["id"]
    explanation = LedgerGapExplanation.objects.get(pk=first["id"])
    assert explanation.reason == "纸质检查记录已调取附卷，经核属实。"
    assert [h.history_change_reason for h in explanation.history.order_by("history_id")][:2] == [
        "ledger gap explained",
        "ledger gap explanation replaced",
    ]
    assert [e.payload["replaced"] for e in CaseEvent.objects.filter(case=case, kind="ledger_gap_explained").order_by("seq")] == [
        False,
        True,
    ]


def test_an_explanation_needs_a_reason_evidence_and_a_real_gap_and_a_400_writes_nothing(world, api, case):
    full_ledger(world, skip_month=D(2025, 6, 20))
    assert put(api, case, FINDINGS).status_code == 200
    [june] = gaps_of(api, case)
    other = record(world, "9-4-township", D(2025, 6, 3), cadre="pl-yaofu:township_deputy:0")[0]
    body = {"obligation": june["obligation"], "period_start": june["start"], "reason": "纸质记录", "evidence": "附卷"}
    before = snapshot(case.pk)
    blank = explain(api, case, {**body, "reason": "  "})
    assert list(assert_error(blank, 400, "invalid")["detail"]) == ["reason"]
    bare = explain(api, case, {**body, "evidence": ""})
    assert "evidence" in assert_error(bare, 400, "invalid")["detail"]["evidence"][0]
    not_a_gap = explain(api, case, {**body, "period_start": "2025-07-01"})
    assert "no gap" in assert_error(not_a_gap, 400, "invalid")["detail"]["period_start"][0]
    foreign = explain(api, case, {**body, "duty_records": [other.pk]})
    assert str(other.pk) in assert_error(foreign, 400, "invalid_reference")["detail"]["duty_records"][0]
    shapes = explain(api, case, {"obligation": "x", "period_start": "June", "reason": 3, "duty_records": "1"})
    assert set(assert_error(shapes, 400, "invalid")["detail"]) == {"obligation", "period_start", "reason", "duty_records"}
    unknown = explain(api, case, {**body, "accepted": True})
    assert list(assert_error(unknown, 400, "invalid")["detail"]) == ["accepted"]
    assert_error(explain(api, case, body, user="emergency_officer"), 404, "not_found")
    assert snapshot(case.pk) == before


def test_a_withdrawn_duty_record_cannot_be_relied_on(world, api, case):
    full_ledger(world, skip_month=D(2025, 6, 20))
    assert put(api, case, FINDINGS).status_code == 200
    [june] = gaps_of(api, case)
    [spare] = record(world, "9-4-township", D(2025, 7, 1))
    record_void(acting_user=world.users["organization_officer"], record_id=spare.pk, reason="录入有误")
    response = explain(
        api,
        case,
        {"obligation": june["obligation"], "period_start": june["start"], "reason": "见记录", "duty_records": [spare.pk]},
    )
    assert_error(response, 400, "invalid_reference", fields=("duty_records",))


def test_a_gap_explained_stays_explained_after_the_findings_are_saved_again(world, case):
    full_ledger(world, skip_month=D(2025, 6, 20))
    officer = world.users[OFFICER]
    subject = subject_of(case)
    finding_put(case_id=case.pk, subject_id=subject.pk, data=FINDINGS, acting_user=officer)
    gap_explanation_record(
        case_id=case.pk,
        subject_id=subject.pk,
        obligation_id=Obligation.objects.get(code="9-4-township").pk,
        period_start="2025-06-01",
        reason="纸质记录",
        evidence="附卷",
        acting_user=officer,
    )
    finding_put(case_id=case.pk, subject_id=subject.pk, data={**FINDINGS, "performance": "补充"}, acting_user=officer)
    finding_put(case_id=case.pk, subject_id=subject.pk, data=CLAIM, acting_user=officer)
    assert full_performance_for(subject_of(case)) == {"duties": True, "statutory": True, "deployments": True}


def test_explanations_only_while_findings_may_be_recorded(world, case):
    full_ledger(world, skip_month=D(2025, 6, 20))
    officer = world.users[OFFICER]
    subject = subject_of(case)
    finding_put(case_id=case.pk, subject_id=subject.pk, data=FINDINGS, acting_user=officer)
    from cases.services.lifecycle import case_transition

    case_transition(case_id=case.pk, name="submit_findings", payload={}, acting_user=officer)
    case_transition(case_id=case.pk, name="conclude", payload={}, acting_user=officer)
    with pytest.raises(PreconditionFailed):
        gap_explanation_record(
            case_id=case.pk,
            subject_id=subject.pk,
            obligation_id=Obligation.objects.get(code="9-4-township").pk,
            period_start="2025-06-01",
            reason="纸质记录",
            evidence="附卷",
            acting_user=officer,
        )


# --- what the rule engine is given ------------------------------------------------------------


def test_full_performance_for_re_checks_the_ledger(world, api, case):
    """A record withdrawn after the finding reopens a gap: the duties condition is false again
    until it is explained, even though the stored finding says established."""
    inspections = full_ledger(world)
    assert put(api, case, CLAIM).status_code == 200
    subject = subject_of(case)
    assert full_performance_for(subject) == {"duties": True, "statutory": True, "deployments": True}
    record_void(acting_user=world.users["organization_officer"], record_id=inspections[4].pk, reason="录入有误")
    assert full_performance_for(subject) == {"duties": False, "statutory": True, "deployments": True}
    assert full_performance_for(subject, verify_ledger=False) == {"duties": True, "statutory": True, "deployments": True}
    body = get(api, case).json()
    assert body["full_performance"]["duties"] is False and body["art31_ledger"]["backed"] is False
    assert [g["start"] for g in body["art31_ledger"]["gaps"]] == ["2025-07-01"]


def test_full_performance_for_a_subject_without_findings_is_all_false(world, case):
    assert full_performance_for(subject_of(case)) == {"duties": False, "statutory": False, "deployments": False}


def test_full_performance_for_reads_few_queries(world, api, case, django_assert_num_queries):
    full_ledger(world)
    assert put(api, case, CLAIM).status_code == 200
    subject, again = subject_of(case), subject_of(case)
    # the three findings; the catalog, posts and records; the explanations; and the three reads that
    # choose each post's catalog by its rulebook (duties.selectors.catalog.Catalogs)
    with django_assert_num_queries(8):
        full_performance_for(subject)
    with django_assert_num_queries(1):  # the three findings only
        full_performance_for(again, verify_ledger=False)


def test_the_service_refuses_a_non_object_body(world, case):
    with pytest.raises(InvalidInput):
        finding_put(
            case_id=case.pk,
            subject_id=subject_of(case).pk,
            data={**FINDINGS, "full_performance": 1},
            acting_user=world.users[OFFICER],
        )


def test_the_openapi_document_describes_the_three_findings_and_the_gap_endpoint(world, api):
    schema = api(OFFICER).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    findings = paths["/api/v1/cases/{case_pk}/subjects/{subject_pk}/findings/"]
    assert {"get", "put"} <= set(findings)
    assert findings["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/SubjectFindings")
    gaps = paths["/api/v1/cases/{case_pk}/subjects/{subject_pk}/ledger-gaps/"]
    assert set(gaps) == {"post"} and "201" in gaps["post"]["responses"]
    components = schema["components"]["schemas"]
    put_body = components["FindingInputRequest"]["properties"]
    assert "full_performance" in put_body and "Derived" in put_body["duties_fully_performed"]["description"]
    assert set(components["FullPerformanceInputRequest"]["properties"]) == {"duties", "statutory", "deployments"}
    assert set(components["ConditionInputRequest"]["properties"]) == {"established", "text", "evidence"}
    assert set(components["GapExplanationInputRequest"]["required"]) == {"obligation", "period_start", "reason"}
    gap = components["LedgerGap"]["properties"]
    assert {"obligation", "start", "end", "status", "required", "done", "explanation", "explain"} <= set(gap)
    assert set(components["SubjectFindings"]["properties"]) == {"subject", "finding", "full_performance", "art31_ledger"}


def test_with_the_case_detail_prefetch_the_stored_findings_cost_no_query(world, api, case, django_assert_num_queries):
    """Pages read a case with ``case_detail``: the previews of many subjects add nothing."""
    from cases.selectors import case_detail

    full_ledger(world)
    assert put(api, case, CLAIM).status_code == 200
    [subject] = list(case_detail(case.pk).subjects.all())
    with django_assert_num_queries(0):
        assert full_performance_for(subject, verify_ledger=False) == {"duties": True, "statutory": True, "deployments": True}
