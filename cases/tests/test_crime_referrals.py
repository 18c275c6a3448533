"""Crime referrals at the conclusion (issue 14 item 2; 细则第二十七条; docs/referrals.md).

A subject whose conclusion says ``crime_referral`` is referred, with the facts and the subject, to
the supervision side of the discipline organ (监委: in the county the same 纪委监委) or to the public
security organ the officer names. Until the referral is accepted or returned with a reason the
case cannot end: ``conclude`` holds the case in ``assessing`` instead of ``not_pursued``, and
``close`` refuses. Services with the database, the API over HTTP, the pages with the test client,
and the nothing-written guarantees for wrong state, wrong user and bad payload.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from viewflow.workflow.models import Task

from cases.codes import CaseState
from cases.models import Assessment, Case, CaseEvent, Referral
from cases.services.findings import finding_put
from cases.services.lifecycle import case_transition
from cases.services.referrals import referral_move
from cases.tests._art31_helpers import put_exempt_findings
from cases.tests._records_helpers import REPORTING, decided
from cases.tests._transitions_helpers import assert_error, complete_tasks, snapshot, transition_url
from cases.tests.scenarios import ACCIDENT_FINDING, case_in_state
from core.errors import InvalidInput, NotPermitted, PreconditionFailed, TransitionNotAllowed
from notifications.models import Notification
from notifications.services import dispatch_pending
from org.codes import Rank
from org.models import Membership
from workflows.flows import CaseFlow, ReferralFlow
from workflows.sync import open_tasks, process_of

pytestmark = pytest.mark.django_db

OFFICER, LEADER = "discipline_officer", "discipline_leader"
DEPUTY = "pl-baofeng:township_deputy:0"
OTHER = "pl-touzha:township_head:0"
# Art. 31: the accident responsibility is exempted (the three findings), but the investigation
# found a suspected crime (e.g. 谎报 of the accident): the engine says not_pursued and crime_referral.
EXEMPT_CRIME = {**ACCIDENT_FINDING, "suspected_crime": True}


# --- helpers ------------------------------------------------------------------------------------


def fire(world, case, name, persona=OFFICER, **payload) -> Case:
    return case_transition(case_id=case.pk, name=name, payload=payload, acting_user=world.users[persona])


def exempt_crime_case(world, cadres=(DEPUTY,)) -> Case:
    """A case in ``assessing`` whose subjects are exempted under Art. 31 but suspected of a crime."""
    case = case_in_state(world, CaseState.INVESTIGATING, cadres=cadres)
    put_exempt_findings(case_id=case.pk, data=dict(EXEMPT_CRIME), acting_user=world.users[OFFICER])
    fire(world, case, "submit_findings")
    return Case.objects.get(pk=case.pk)


def member(world, username: str, code: str, rank: str = Rank.LEADER):
    user = get_user_model().objects.create_user(username, password="x")
    Membership.objects.create(user=user, department=world.departments[code], rank=rank)
    world.users[username] = user
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def crime_referrals(case) -> list[Referral]:
    return list(Referral.objects.filter(case=case, kind=Referral.Kind.CRIME).order_by("id"))


def kinds(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("kind", flat=True))


def assert_unchanged(before, case) -> None:
    assert snapshot(case.pk) == before


# --- services: the Art. 31 exemption with a suspected crime ----------------------------------------


def test_exempted_subject_suspected_of_a_crime_is_referred_and_the_case_waits_in_assessing(world):
    """The real pattern: Art. 31 exempts the accident responsibility, yet the suspected crime
    must not disappear with a ``not_pursued`` case."""
    case = exempt_crime_case(world)
    subject = case.subjects.get()

    case = fire(world, case, "conclude")

    assert case.state == CaseState.ASSESSING and case.closed_at is None
    conclusion = subject.assessments.get(kind=Assessment.Kind.CONCLUSION)
    assert conclusion.output["outcome"] == "not_pursued" and conclusion.output["crime_referral"] is True
    [referral] = crime_referrals(case)
    discipline = world.departments["pl-discipline"]
    assert (referral.subject_id, referral.crime, referral.state) == (subject.pk, "duty_crime", Referral.State.SENT)
    assert referral.from_department == discipline and referral.to_department == discipline
    assert referral.acknowledge_by is not None and referral.created_by == world.users[OFFICER]
    materials = {m["kind"]: m for m in referral.materials}
    assert materials["facts"]["text"] == case.facts
    assert materials["subject"]["cadre"] == world.cadres[DEPUTY].pk
    assert {"case_file", "findings", "assessment", "events"} <= set(materials)
    assert world.cadres[DEPUTY].name in referral.reason
    # The timeline says what happened: the referral, and the conclusion held for it. No `conclude`.
    assert kinds(case)[-2:] == ["crime_referral", "conclusion_held"]
    held = CaseEvent.objects.get(case=case, kind="conclusion_held")
    assert held.from_state == held.to_state == CaseState.ASSESSING
    assert held.payload["waiting_for"] == [referral.pk]
    assert held.payload["subjects"][str(subject.pk)]["outcome"] == "not_pursued"
    assert not CaseEvent.objects.filter(case=case, kind="conclude").exists()


def test_a_held_case_cannot_conclude_again_while_the_referral_is_open_and_nothing_is_written(world):
    case = exempt_crime_case(world)
    fire(world, case, "conclude")
    [referral] = crime_referrals(case)
    referral_move(referral_id=referral.pk, move="acknowledge", acting_user=world.users["discipline_officer2"])
    before = snapshot(case.pk)

    with pytest.raises(PreconditionFailed) as exc:
        fire(world, case, "conclude")

    assert f"#{referral.pk}" in str(exc.value.detail) and "不予追究" in str(exc.value.detail)
    assert exc.value.extra == {"referrals": [referral.pk]}
    assert_unchanged(before, case)


def test_accepted_crime_referral_lets_the_case_end_as_not_pursued(world):
    case = exempt_crime_case(world)
    fire(world, case, "conclude")
    [referral] = crime_referrals(case)

    referral_move(referral_id=referral.pk, move="accept", acting_user=world.users[LEADER])
    case = fire(world, case, "conclude")

    assert case.state == CaseState.NOT_PURSUED
    assert [r.pk for r in crime_referrals(case)] == [referral.pk]  # not sent twice
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.ACCEPTED
    assert kinds(case)[-2:] == ["referral_accept", "conclude"]
    assert case.subjects.get().assessments.filter(kind=Assessment.Kind.CONCLUSION).count() == 2


def test_returned_crime_referral_needs_a_reason_and_then_the_case_may_end(world):
    case = exempt_crime_case(world)
    fire(world, case, "conclude")
    [referral] = crime_referrals(case)
    before = snapshot(case.pk)

    with pytest.raises(InvalidInput) as exc:
        referral_move(referral_id=referral.pk, move="return", acting_user=world.users[LEADER], reason="  ")
    assert "reason" in exc.value.detail
    assert_unchanged(before, case)

    referral_move(
        referral_id=referral.pk, move="return", acting_user=world.users[LEADER], reason="经初步核实，不构成犯罪，不予立案。"
    )
    assert Referral.objects.get(pk=referral.pk).return_reason == "经初步核实，不构成犯罪，不予立案。"
    case = fire(world, case, "conclude")
    assert case.state == CaseState.NOT_PURSUED
    assert len(crime_referrals(case)) == 1  # a returned referral is an outcome: not sent again by default


def test_only_a_leader_other_than_the_sender_accepts_or_returns_a_crime_referral(world):
    """监察法第四十二条: 立案 is approved by the organ's leader; the officer who sent it cannot decide it."""
    case = exempt_crime_case(world)
    fire(world, case, "conclude", persona=LEADER)  # a leader concludes: another leader must decide
    [referral] = crime_referrals(case)
    before = snapshot(case.pk)

    for persona, move in (("discipline_officer2", "accept"), ("discipline_officer2", "return"), (LEADER, "accept")):
        with pytest.raises(NotPermitted):
            referral_move(referral_id=referral.pk, move=move, acting_user=world.users[persona], reason="理由")
    with pytest.raises(NotPermitted):  # another department
        referral_move(referral_id=referral.pk, move="accept", acting_user=world.users["organization_leader"])
    assert_unchanged(before, case)

    # Acknowledging (签收) is any member's; deciding is another leader's.
    referral_move(referral_id=referral.pk, move="acknowledge", acting_user=world.users["discipline_officer2"])
    referral_move(referral_id=referral.pk, move="accept", acting_user=world.users["discipline_leader2"])
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.ACCEPTED
    with pytest.raises(TransitionNotAllowed):  # decided once
        referral_move(referral_id=referral.pk, move="return", acting_user=world.users["discipline_leader2"], reason="x")


def test_the_held_case_keeps_its_assessment_task_and_the_referral_opens_its_own(world):
    case = exempt_crime_case(world)
    fire(world, case, "conclude")
    [referral] = crime_referrals(case)

    process = process_of(CaseFlow, case)
    assert [t.flow_task.name for t in open_tasks(process)] == ["assessment"]
    assert [t.flow_task.name for t in open_tasks(process_of(ReferralFlow, referral))] == ["acknowledge"]

    referral_move(referral_id=referral.pk, move="accept", acting_user=world.users[LEADER])
    fire(world, case, "conclude")
    assert not open_tasks(process_of(CaseFlow, case)).exists()
    assert not Task.objects.filter(process=process_of(ReferralFlow, referral), status__in=["NEW", "ASSIGNED", "STARTED"]).exists()


def test_the_receiving_organ_is_told_and_the_sender_learns_the_outcome(world):
    case = exempt_crime_case(world)
    fire(world, case, "conclude")
    [referral] = crime_referrals(case)
    dispatch_pending()
    told = Notification.objects.filter(recipient=world.users[LEADER], kind="referral_received", referral_id=referral.pk)
    assert told.count() == 1 and "第二十七条" in told.get().text

    referral_move(referral_id=referral.pk, move="return", acting_user=world.users[LEADER], reason="不构成犯罪")
    dispatch_pending()
    outcome = Notification.objects.get(recipient=world.users[OFFICER], kind="referral_outcome", referral_id=referral.pk)
    assert "已退回" in outcome.text and "重新作出认定结论" in outcome.text


# --- services: an accountable subject suspected of a crime ----------------------------------------


def test_accountable_case_proceeds_but_cannot_close_while_the_crime_referral_is_open(world):
    case = decided(world, finding={**REPORTING, "suspected_crime": True}, deliver=True)
    [referral] = crime_referrals(case)
    assert referral.state == Referral.State.SENT and referral.subject == case.subjects.get()
    complete_tasks(world, case)
    before = snapshot(case.pk)

    with pytest.raises(PreconditionFailed) as exc:
        fire(world, case, "close")

    message = str(exc.value.detail)
    assert f"#{referral.pk}" in message and world.departments["pl-discipline"].name in message and "结案" in message
    assert_unchanged(before, case)

    referral_move(referral_id=referral.pk, move="accept", acting_user=world.users[LEADER])
    assert fire(world, case, "close").state == CaseState.CLOSED


def test_each_suspected_subject_gets_one_referral_and_the_others_none(world):
    case = case_in_state(world, CaseState.INVESTIGATING, cadres=(DEPUTY, OTHER))
    first, second = case.subjects.order_by("id")
    finding_put(
        case_id=case.pk, subject_id=first.pk, data={**REPORTING, "suspected_crime": True}, acting_user=world.users[OFFICER]
    )
    finding_put(case_id=case.pk, subject_id=second.pk, data=dict(REPORTING), acting_user=world.users[OFFICER])
    fire(world, case, "submit_findings")

    case = fire(world, case, "conclude")

    assert case.state == CaseState.PROPOSING
    assert [(r.subject_id, r.kind) for r in crime_referrals(case)] == [(first.pk, "crime")]
    assert kinds(case)[-2:] == ["conclude", "crime_referral"]


# --- the officer names the organ: crime_referrals in the payload -----------------------------------


def test_other_crime_goes_to_the_public_security_organ_the_officer_names(world):
    psb = world.departments["pl-public-security"]
    case = exempt_crime_case(world)
    sid = case.subjects.get().pk

    fire(world, case, "conclude", crime_referrals=[{"subject": sid, "to_department": psb.pk, "note": "涉嫌不报、谎报安全事故罪"}])

    [referral] = crime_referrals(case)
    assert (referral.to_department, referral.crime) == (psb, "other_crime")
    assert referral.reason.endswith("涉嫌不报、谎报安全事故罪")
    # The police's leader decides it; the discipline organ cannot.
    with pytest.raises(NotPermitted):
        referral_move(referral_id=referral.pk, move="accept", acting_user=world.users[LEADER])
    police = member(world, "psb_leader", "pl-public-security")
    referral_move(referral_id=referral.pk, move="accept", acting_user=police)
    assert fire(world, case, "conclude").state == CaseState.NOT_PURSUED


def test_after_a_return_a_new_referral_goes_only_where_the_officer_names_it(world):
    psb = world.departments["pl-public-security"]
    case = exempt_crime_case(world)
    sid = case.subjects.get().pk
    fire(world, case, "conclude")
    [first] = crime_referrals(case)
    referral_move(referral_id=first.pk, move="return", acting_user=world.users[LEADER], reason="不属于职务犯罪，建议移送公安机关")

    case = fire(world, case, "conclude", crime_referrals=[{"subject": sid, "crime": "other_crime", "to_department": psb.pk}])

    assert case.state == CaseState.ASSESSING  # held again, for the new referral
    assert [(r.pk == first.pk, r.to_department_id, r.state) for r in crime_referrals(case)] == [
        (True, world.departments["pl-discipline"].pk, "returned"),
        (False, psb.pk, "sent"),
    ]


BAD_ENTRIES = [
    pytest.param("not a list", "crime_referrals", id="not-a-list"),
    pytest.param(["x"], "crime_referrals[0]", id="entry-not-an-object"),
    pytest.param([{"subject": "@", "court": 1}], "crime_referrals[0]", id="unknown-field"),
    pytest.param([{"subject": 999999}], "crime_referrals[0].subject", id="subject-not-in-case"),
    pytest.param([{"subject": "@"}, {"subject": "@"}], "crime_referrals[1].subject", id="subject-twice"),
    pytest.param([{"subject": "@", "crime": "murder"}], "crime_referrals[0].crime", id="unknown-crime"),
    pytest.param([{"subject": "@", "crime": "other_crime"}], "crime_referrals[0].to_department", id="other-crime-without-organ"),
    pytest.param(
        [{"subject": "@", "to_department": "pl-organization"}], "crime_referrals[0].to_department", id="not-a-crime-organ"
    ),
    pytest.param(
        [{"subject": "@", "crime": "duty_crime", "to_department": "pl-public-security"}],
        "crime_referrals[0].to_department",
        id="duty-crime-to-police",
    ),
    pytest.param([{"subject": "@", "to_department": "hn-discipline"}], "crime_referrals[0].to_department", id="other-county"),
    pytest.param([{"subject": "@", "to_department": 999999}], "crime_referrals[0].to_department", id="no-such-department"),
    pytest.param([{"subject": "@", "to_department": "7"}], "crime_referrals[0].to_department", id="department-not-an-id"),
    pytest.param([{"subject": "@", "note": 5}], "crime_referrals[0].note", id="note-not-text"),
]


def _entries(world, case, raw):
    sid = case.subjects.get().pk
    if not isinstance(raw, list):
        return raw
    result = []
    for item in raw:
        if not isinstance(item, dict):
            result.append(item)
            continue
        entry = dict(item)
        if entry.get("subject") == "@":
            entry["subject"] = sid
        code = entry.get("to_department")
        if isinstance(code, str) and code in world.departments:
            entry["to_department"] = world.departments[code].pk
        result.append(entry)
    return result


@pytest.mark.parametrize(("raw", "field"), BAD_ENTRIES)
def test_a_bad_crime_referrals_payload_is_400_naming_the_entry_and_writes_nothing(world, raw, field):
    case = exempt_crime_case(world)
    before = snapshot(case.pk)

    with pytest.raises(InvalidInput) as exc:
        fire(world, case, "conclude", crime_referrals=_entries(world, case, raw))

    assert field in exc.value.detail, exc.value.detail
    assert_unchanged(before, case)


def test_naming_a_subject_without_a_suspected_crime_is_400_and_writes_nothing(world):
    case = case_in_state(world, CaseState.ASSESSING)  # the scenario's findings: no suspected crime
    before = snapshot(case.pk)
    with pytest.raises(InvalidInput) as exc:
        fire(world, case, "conclude", crime_referrals=[{"subject": case.subjects.get().pk}])
    assert "crime_referrals[0].subject" in exc.value.detail
    assert_unchanged(before, case)


def test_naming_a_subject_already_referred_is_400_and_writes_nothing(world):
    case = exempt_crime_case(world)
    fire(world, case, "conclude")
    [referral] = crime_referrals(case)
    referral_move(referral_id=referral.pk, move="accept", acting_user=world.users[LEADER])
    before = snapshot(case.pk)
    with pytest.raises(InvalidInput) as exc:
        fire(world, case, "conclude", crime_referrals=[{"subject": case.subjects.get().pk}])
    assert f"#{referral.pk}" in str(exc.value.detail["crime_referrals[0].subject"])
    assert_unchanged(before, case)


def test_wrong_state_and_wrong_user_write_nothing(world):
    case = exempt_crime_case(world)
    sid = case.subjects.get().pk
    payload = {"crime_referrals": [{"subject": sid}]}
    before = snapshot(case.pk)
    for persona in ("emergency_officer", "organization_leader", "city_discipline_officer"):
        with pytest.raises(NotPermitted):
            case_transition(case_id=case.pk, name="conclude", payload=payload, acting_user=world.users[persona])
    assert_unchanged(before, case)

    proposing = case_in_state(world, CaseState.PROPOSING)
    before = snapshot(proposing.pk)
    with pytest.raises(TransitionNotAllowed):
        fire(world, proposing, "conclude", crime_referrals=[{"subject": proposing.subjects.get().pk}])
    assert_unchanged(before, proposing)


# --- the API over HTTP ----------------------------------------------------------------------------


def test_api_conclude_holds_the_case_shows_the_open_item_and_close_is_409(world, api):
    psb = world.departments["pl-public-security"]
    case = exempt_crime_case(world)
    sid = case.subjects.get().pk
    officer = api(OFFICER)

    response = officer.post(
        transition_url(case.pk),
        {"name": "conclude", "crime_referrals": [{"subject": sid, "to_department": psb.pk}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "assessing" and "conclude" in body["available_transitions"]
    [item] = [r for r in body["referrals"] if r["kind"] == "crime"]
    assert item["crime"] == "other_crime" and item["subject"] == sid and item["cadre"]["id"] == world.cadres[DEPUTY].pk
    assert item["to_department"] == {"id": psb.pk, "kind": "public_security", "name": "平罗县公安局"}
    assert item["state"] == "sent" and item["blocks_end"] is True
    listed = officer.get("/api/v1/referrals/", {"case": case.pk}).json()["results"]
    assert [(r["kind"], r["crime"], r["subject"]) for r in listed] == [("crime", "other_crime", sid)]

    # Concluding again while it is open: 409 naming it, nothing written.
    before = snapshot(case.pk)
    again = officer.post(transition_url(case.pk), {"name": "conclude"}, format="json")
    error = assert_error(again, 409, "precondition_failed")
    assert f"#{item['id']}" in error["detail"] and error["referrals"] == [item["id"]]
    assert snapshot(case.pk) == before

    # The police: an officer may acknowledge, not accept; a leader returns only with a reason.
    police_officer = client_for(member(world, "psb_officer", "pl-public-security", Rank.OFFICER))
    police_leader = client_for(member(world, "psb_leader", "pl-public-security"))
    url = f"/api/v1/referrals/{item['id']}"
    before = snapshot(case.pk)
    assert_error(police_officer.post(f"{url}/accept/", {}, format="json"), 403, "not_permitted")
    assert_error(police_leader.post(f"{url}/return/", {"reason": ""}, format="json"), 400, "invalid")
    assert_error(api(LEADER).post(f"{url}/accept/", {}, format="json"), 403, "not_permitted")  # the sender
    assert snapshot(case.pk) == before
    assert police_officer.post(f"{url}/acknowledge/", {}, format="json").json()["state"] == "acknowledged"
    returned = police_leader.post(f"{url}/return/", {"reason": "不属于公安机关管辖"}, format="json")
    assert returned.status_code == 200 and returned.json()["return_reason"] == "不属于公安机关管辖"

    # The outcome is on the case, and the case may now end.
    detail = officer.get(f"/api/v1/cases/{case.pk}/").json()
    [item] = [r for r in detail["referrals"] if r["kind"] == "crime"]
    assert (item["state"], item["return_reason"], item["blocks_end"]) == ("returned", "不属于公安机关管辖", False)
    ended = officer.post(transition_url(case.pk), {"name": "conclude"}, format="json")
    assert ended.status_code == 200 and ended.json()["state"] == "not_pursued"
    history = [e["kind"] for e in officer.get(f"/api/v1/cases/{case.pk}/history/").json()["events"]]
    assert {"crime_referral", "conclusion_held", "referral_acknowledge", "referral_return", "conclude"} <= set(history)


def test_api_close_is_409_naming_the_open_crime_referral(world, api):
    case = decided(world, finding={**REPORTING, "suspected_crime": True}, deliver=True)
    complete_tasks(world, case)
    [referral] = crime_referrals(case)
    before = snapshot(case.pk)

    response = api(OFFICER).post(transition_url(case.pk), {"name": "close"}, format="json")

    error = assert_error(response, 409, "precondition_failed")
    assert f"#{referral.pk}" in error["detail"] and error["referrals"] == [referral.pk]
    assert snapshot(case.pk) == before


def test_api_bad_crime_referrals_is_400_and_writes_nothing(world, api):
    case = exempt_crime_case(world)
    before = snapshot(case.pk)
    response = api(OFFICER).post(
        transition_url(case.pk),
        {"name": "conclude", "crime_referrals": [{"subject": case.subjects.get().pk, "crime": "other_crime"}]},
        format="json",
    )
    assert_error(response, 400, "invalid", fields=("crime_referrals[0].to_department",))
    assert snapshot(case.pk) == before


def test_api_cadre_record_shows_the_crime_referral_and_its_outcome(world, api):
    case = exempt_crime_case(world)
    fire(world, case, "conclude")
    [referral] = crime_referrals(case)
    url = f"/api/v1/cadres/{world.cadres[DEPUTY].pk}/record/"

    record = api("organization_officer").get(url).json()
    [entry] = [r for r in record["referrals"] if r["kind"] == "crime"]
    assert (entry["id"], entry["case"], entry["state"], entry["crime"]) == (referral.pk, case.pk, "sent", "duty_crime")
    [note] = [n for n in record["notes"] if n["basis"].startswith("细则第二十七条")]
    assert case.number in note["reason"] and note["case"] == case.pk
    # A referral bars nothing by itself (no 立案 recorded; the record's eligibility is unchanged).
    assert record["eligible_for_promotion"] is True and record["eligible_for_awards"] is True

    referral_move(referral_id=referral.pk, move="return", acting_user=world.users[LEADER], reason="不构成犯罪")
    record = api("organization_officer").get(url).json()
    [entry] = [r for r in record["referrals"] if r["kind"] == "crime"]
    assert entry["state"] == "returned" and entry["return_reason"] == "不构成犯罪"
    assert any("不构成犯罪" in n["reason"] for n in record["notes"])


# --- the pages ------------------------------------------------------------------------------------


def test_case_page_shows_the_open_crime_referral_and_its_state(world, client):
    case = exempt_crime_case(world)
    fire(world, case, "conclude")
    [referral] = crime_referrals(case)
    client.force_login(world.users[OFFICER])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="open-crime-referrals"' in html and f'href="#referral-{referral.pk}"' in html
    assert f'id="referral-{referral.pk}" data-kind="crime" data-state="sent"' in html
    assert "Open: the case cannot end" in html and "The conclusion is held" in html

    referral_move(referral_id=referral.pk, move="accept", acting_user=world.users[LEADER])
    html = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="open-crime-referrals"' not in html
    assert f'id="referral-{referral.pk}" data-kind="crime" data-state="accepted"' in html


def test_conclude_form_names_the_public_security_organ(world, client):
    psb = world.departments["pl-public-security"]
    case = exempt_crime_case(world)
    sid = case.subjects.get().pk
    client.force_login(world.users[OFFICER])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = client.get(f"/cases/{case.pk}/transitions/conclude/")
    assert form.status_code == 200 and f'name="crime_target_{sid}"' in form.content.decode()

    response = client.post(
        f"/cases/{case.pk}/transitions/conclude/",
        {"version": Case.objects.get(pk=case.pk).version, f"crime_target_{sid}": psb.pk},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    [referral] = crime_referrals(case)
    assert (referral.to_department, referral.crime) == (psb, "other_crime")


def test_cadre_page_lists_the_crime_referral(world, client):
    case = exempt_crime_case(world)
    fire(world, case, "conclude")
    client.force_login(world.users["organization_officer"])
    html = client.get(f"/cadres/{world.cadres[DEPUTY].pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="record-referrals"' in html and 'data-kind="crime" data-state="sent"' in html and case.number in html


# --- query counts: the referrals add one query, whatever their number -------------------------------


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_case_detail_and_record_cost_the_same_for_one_and_two_crime_referrals(world, api):
    one = exempt_crime_case(world, cadres=(DEPUTY,))
    two = exempt_crime_case(world, cadres=(DEPUTY, OTHER))
    fire(world, one, "conclude")
    fire(world, two, "conclude")
    assert len(crime_referrals(one)) == 1 and len(crime_referrals(two)) == 2
    officer = api(OFFICER)
    assert _queries(officer, f"/api/v1/cases/{one.pk}/") == _queries(officer, f"/api/v1/cases/{two.pk}/")

    organization = api("organization_officer")
    url = f"/api/v1/cadres/{world.cadres[DEPUTY].pk}/record/"
    with_two = _queries(organization, url)  # the cadre is a subject of both cases
    Referral.objects.filter(case=two).delete()
    assert _queries(organization, url) == with_two
