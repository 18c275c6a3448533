"""Who decides each measure (issue 14 item 1; 问责条例 2019 第十二条, Art. 34).

The discipline organ decides its own measures (sanctions; 通报 and 诫勉 by default) and sends the
others as a 问责建议 to the organ with authority over the post; each organ's leader approves its
part; the case is ``decided`` on the last approval; any of them may send the whole proposal back.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases.codes import CaseState
from cases.lifecycle.deciding import deciding_organ, organ_name
from cases.models import Case, CaseEvent, MeasureDecision, Referral
from cases.selectors.cases import FULL, case_access
from cases.selectors.transitions import available_transitions
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state
from core.errors import InvalidInput, NotPermitted, PreconditionFailed
from org.codes import DepartmentKind, Rank
from org.models import Membership
from workflows.selectors import my_tasks, queue

pytestmark = pytest.mark.django_db

DEPUTY = "pl-baofeng:township_deputy:0"
COUNTY_DEPUTY = "pingluo:county_safety_deputy:0"


def fire(world, case, name, persona, **payload):
    user = world.users[persona] if isinstance(persona, str) else persona
    return case_transition(case_id=case.pk, name=name, payload=payload, acting_user=user)


def proposing(world, key=DEPUTY):
    return case_in_state(world, CaseState.PROPOSING, cadres=(key,), circumstances=("26.5",))


def propose(world, case, *items):
    subject = case.subjects.get()
    measures = [{"subject": subject.pk, **item} for item in items]
    return fire(world, case, "propose", "discipline_officer", measures=measures)


DISMISSAL = {"measure": "dismissal"}
WARNING = {"measure": "sanction", "sanction_kind": "party_warning"}


# (measure, sanction kind, cadre, the department code that decides)
ORGANS = [
    ("dismissal", "", DEPUTY, "pl-organization"),
    ("suspension", "", DEPUTY, "pl-organization"),
    ("demotion", "", COUNTY_DEPUTY, "szs-organization"),  # a post the city manages
    ("sanction", "party_warning", DEPUTY, "pl-discipline"),
    ("sanction", "gov_demerit", COUNTY_DEPUTY, "pl-discipline"),
    ("admonishment", "", DEPUTY, "pl-discipline"),
    ("notice", "", DEPUTY, "pl-discipline"),
]


@pytest.mark.parametrize(("measure", "kind", "cadre", "organ"), ORGANS)
def test_the_deciding_organ_of_each_measure(world, measure, kind, cadre, organ):
    case = proposing(world, cadre)
    assert deciding_organ(case, case.subjects.get(), measure).code == organ


def test_a_government_sanction_is_decided_by_the_organ_as_supervision_commission(world):
    discipline = world.departments["pl-discipline"]
    assert organ_name(discipline, "gov_demerit").endswith("监委") and "纪委" not in organ_name(discipline, "gov_demerit")
    assert organ_name(discipline, "party_warning").endswith("纪委")
    assert organ_name(world.departments["pl-organization"]) == world.departments["pl-organization"].name


def test_an_admonishment_may_be_imposed_by_the_organization_department(world):
    case = proposing(world)
    organization = world.departments["pl-organization"]
    propose(world, case, {"measure": "admonishment", "deciding_department": organization.pk})
    assert MeasureDecision.objects.get(subject__case=case).deciding_department == organization


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"measure": "dismissal", "deciding_department": "pl-discipline"}, "measures[0].deciding_department"),
        ({"measure": "admonishment", "deciding_department": "hn-organization"}, "measures[0].deciding_department"),
        ({"measure": "notice", "deciding_department": True}, "measures[0].deciding_department"),
    ],
)
def test_a_proposal_naming_an_organ_without_authority_is_refused_and_writes_nothing(world, item, field):
    case = proposing(world)
    given = item["deciding_department"]
    item = {**item, "deciding_department": world.departments[given].pk if isinstance(given, str) else given}
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(InvalidInput) as caught:
        propose(world, case, item)
    assert field in str(caught.value.detail) or field in str(caught.value)
    assert Case.objects.get(pk=case.pk).state == CaseState.PROPOSING
    assert not MeasureDecision.objects.filter(subject__case=case).exists()
    assert CaseEvent.objects.filter(case=case).count() == events


def _split_case(world):
    case = proposing(world)
    propose(world, case, DISMISSAL, WARNING)
    return Case.objects.get(pk=case.pk)


def test_a_dismissal_is_decided_only_when_the_organization_leader_approves(world):
    case = _split_case(world)
    organization = world.departments["pl-organization"]
    case = fire(world, case, "approve", "discipline_leader")
    assert case.state == CaseState.APPROVING and case.approved_by == world.users["discipline_leader"]
    rows = {m.measure: m for m in MeasureDecision.objects.filter(subject__case=case)}
    assert (
        rows["sanction"].state == MeasureDecision.State.DECIDED
        and rows["sanction"].decided_by == world.users["discipline_leader"]
    )
    assert rows["dismissal"].state == MeasureDecision.State.PROPOSED and rows["dismissal"].deciding_department == organization
    recommendation = Referral.objects.get(case=case, kind=Referral.Kind.RECOMMENDATION)
    assert recommendation.to_department == organization and recommendation.state == Referral.State.SENT
    assert recommendation.acknowledge_by is not None and "免职" in recommendation.reason
    # The organization department now sees the case and only its leader may decide.
    assert case_access(case, world.users["organization_leader"]) == FULL
    assert available_transitions(case, world.users["organization_leader"]) == ["reject", "approve"]
    assert available_transitions(case, world.users["organization_officer"]) == []
    assert available_transitions(case, world.users["discipline_leader"]) == []

    case = fire(world, case, "approve", "organization_leader")
    assert case.state == CaseState.DECIDED and case.decided_on is not None
    dismissal = MeasureDecision.objects.get(subject__case=case, measure="dismissal")
    assert dismissal.state == MeasureDecision.State.DECIDED and dismissal.decided_by == world.users["organization_leader"]
    assert Referral.objects.get(pk=recommendation.pk).state == Referral.State.ACCEPTED
    approvals = list(CaseEvent.objects.filter(case=case, kind="approve").order_by("seq"))
    assert [e.payload["deciding_department"] for e in approvals] == [world.departments["pl-discipline"].pk, organization.pk]
    assert [e.payload["complete"] for e in approvals] == [False, True]
    assert [m["measure"] for m in approvals[1].payload["measures"]] == ["dismissal"]
    assert approvals[0].to_state == CaseState.APPROVING and approvals[1].to_state == CaseState.DECIDED


def test_a_case_with_only_the_discipline_organs_measures_is_decided_at_once(world):
    case = proposing(world)
    propose(world, case, WARNING)
    case = fire(world, case, "approve", "discipline_leader")
    assert case.state == CaseState.DECIDED
    assert not Referral.objects.filter(case=case, kind=Referral.Kind.RECOMMENDATION).exists()


def test_after_its_part_the_discipline_leader_cannot_approve_again(world):
    case = fire(world, _split_case(world), "approve", "discipline_leader")
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(PreconditionFailed) as caught:
        fire(world, case, "approve", "discipline_leader2")
    assert world.departments["pl-organization"].name in str(caught.value)
    assert CaseEvent.objects.filter(case=case).count() == events


@pytest.mark.parametrize("persona", ["organization_officer", "emergency_officer", "city_discipline_officer"])
def test_only_a_leader_of_the_organ_with_the_recommendation_decides_it(world, persona):
    case = fire(world, _split_case(world), "approve", "discipline_leader")
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(NotPermitted):
        fire(world, case, "approve", persona)
    assert MeasureDecision.objects.get(subject__case=case, measure="dismissal").state == MeasureDecision.State.PROPOSED
    assert CaseEvent.objects.filter(case=case).count() == events


def test_the_organization_leader_sends_the_whole_proposal_back(world):
    case = fire(world, _split_case(world), "approve", "discipline_leader")
    case = fire(world, case, "reject", "organization_leader", reason="免职依据不足，建议调整职务")
    assert case.state == CaseState.PROPOSING and case.approved_by is None
    states = set(MeasureDecision.objects.filter(subject__case=case).values_list("state", flat=True))
    assert states == {MeasureDecision.State.WITHDRAWN}
    recommendation = Referral.objects.get(case=case, kind=Referral.Kind.RECOMMENDATION)
    assert recommendation.state == Referral.State.RETURNED and recommendation.return_reason == "免职依据不足，建议调整职务"
    event = CaseEvent.objects.filter(case=case, kind="reject").get()
    assert event.payload["deciding_department"] == world.departments["pl-organization"].pk
    assert len(event.payload["withdrawn"]) == 2
    # A new proposal starts a new round: the discipline organ decides first again.
    propose(world, case, {"measure": "reassignment"}, WARNING)
    assert available_transitions(Case.objects.get(pk=case.pk), world.users["discipline_leader"]) == ["reject", "approve"]
    assert available_transitions(Case.objects.get(pk=case.pk), world.users["organization_leader"]) == []


def test_the_queues_follow_the_organs(world):
    case = fire(world, _split_case(world), "approve", "discipline_leader")
    leader_queue = [t.data.get("case") for t in queue(world.users["discipline_leader"])]
    assert case.pk not in leader_queue  # the approval stage waits in no queue
    organization_queue = list(queue(world.users["organization_officer"]))
    assert any(t.data.get("case") == case.pk for t in organization_queue)  # the recommendation to acknowledge
    fire(world, case, "approve", "organization_leader")
    # Delivery is the owning department's officer step: with an investigation team it waits in
    # every member's 我的待办, not in the department queue (issue 16 item 3).
    member = case.team.order_by("username").first()
    assert member is not None
    delivery = [t for t in my_tasks(member) if t.data.get("case") == case.pk]
    assert [t.flow_task.name for t in delivery] == ["delivery"]
    assert not [t for t in queue(world.users["discipline_officer"]) if t.data.get("case") == case.pk]


def test_a_city_managed_cadres_demotion_goes_to_the_city_organization_department(world):
    city = world.departments["szs-organization"]
    leader = Membership.objects.filter(department=city, rank=Rank.LEADER).select_related("user").first()
    if leader is None:  # the demo has no city organization leader: add one
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create(username="city_organization_leader")
        leader = Membership.objects.create(user=user, department=city, rank=Rank.LEADER)
    case = proposing(world, COUNTY_DEPUTY)
    propose(world, case, {"measure": "demotion"})
    case = fire(world, case, "approve", "discipline_leader")
    assert Referral.objects.get(case=case, kind=Referral.Kind.RECOMMENDATION).to_department == city
    with pytest.raises(NotPermitted):  # the county's organization department has no authority here
        fire(world, case, "approve", "organization_leader")
    assert fire(world, case, "approve", leader.user).state == CaseState.DECIDED
    assert city.kind == DepartmentKind.ORGANIZATION


def test_over_http_each_organ_approves_its_part(world):
    case = _split_case(world)
    clients = {}
    for persona in ("discipline_leader", "organization_leader"):
        clients[persona] = APIClient()
        clients[persona].force_authenticate(world.users[persona])
    url = f"/api/v1/cases/{case.pk}/transitions/"
    first = clients["discipline_leader"].post(url, {"name": "approve"}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["state"] == "approving"
    detail = clients["organization_leader"].get(f"/api/v1/cases/{case.pk}/")
    assert detail.status_code == 200 and detail.json()["available_transitions"] == ["reject", "approve"]
    again = clients["discipline_leader"].post(url, {"name": "approve"}, format="json")
    assert again.status_code == 409
    second = clients["organization_leader"].post(url, {"name": "approve"}, format="json")
    assert second.status_code == 200 and second.json()["state"] == "decided"


def test_each_deciding_organ_has_its_document(world):
    from cases.documents import decision_context, documents_of

    case = fire(world, _split_case(world), "approve", "discipline_leader")
    case = fire(world, case, "approve", "organization_leader")
    discipline, organization = world.departments["pl-discipline"], world.departments["pl-organization"]
    name = case.subjects.get().cadre.name
    assert [(d.key, d.title) for d in documents_of(case)] == [
        (f"decision-{discipline.pk}", "处分决定书"),
        (f"recommendation-{organization.pk}", "问责建议书"),
        (f"decision-{organization.pk}", "组织处理决定书"),
    ]
    own = decision_context(case)
    assert own["title"] == "处分决定书" and own["organ"] == discipline.name and own["document_number"].startswith("处决")
    assert own["subjects"][0]["decision_sentence"] == f"经平罗县纪委研究决定，给予{name}同志以下问责：处分（党内警告）。"
    assert own["approver"] == world.users["discipline_leader"].get_full_name()
    recommendation = decision_context(case, f"recommendation-{organization.pk}")
    assert recommendation["organ"] == discipline.name and recommendation["addressee"] == organization.name
    assert recommendation["subjects"][0]["decision_sentence"] == f"建议{organization.name}对{name}同志给予以下处理：免职。"
    assert recommendation["appeal"] is None
    decision = decision_context(case, f"decision-{organization.pk}")
    assert decision["title"] == "组织处理决定书" and decision["organ"] == organization.name
    assert decision["subjects"][0]["decision_sentence"] == f"经{organization.name}研究决定，给予{name}同志以下问责：免职。"
    assert decision["approver"] == world.users["organization_leader"].get_full_name()
    assert organization.name in decision["appeal"]["text"]


def test_the_documents_over_http_after_the_checklist_is_confirmed(world):
    case = fire(world, _split_case(world), "approve", "discipline_leader")
    case = fire(world, case, "approve", "organization_leader")
    organization = world.departments["pl-organization"]
    api = APIClient()
    api.force_authenticate(world.users["discipline_officer"])
    listing = api.get(f"/api/v1/cases/{case.pk}/documents/").json()
    assert [d["key"] for d in listing["documents"]][1:] == [f"recommendation-{organization.pk}", f"decision-{organization.pk}"]
    assert listing["confirmed"] is False and listing["checklist"]
    pdf = f"/api/v1/cases/{case.pk}/decision.pdf?document=decision-{organization.pk}"
    assert api.get(pdf).status_code == 409
    events = CaseEvent.objects.filter(case=case).count()
    partial = api.post(
        f"/api/v1/cases/{case.pk}/documents/confirm/",
        {"items": listing["checklist"][:1] and [listing["checklist"][0]["key"]]},
        format="json",
    )
    assert partial.status_code == 400 and CaseEvent.objects.filter(case=case).count() == events
    keys = [item["key"] for item in listing["checklist"]]
    assert api.post(f"/api/v1/cases/{case.pk}/documents/confirm/", {"items": keys}, format="json").status_code == 200
    confirmed = CaseEvent.objects.get(case=case, kind="documents_confirmed")
    assert confirmed.actor == world.users["discipline_officer"] and [i["key"] for i in confirmed.payload["items"]] == keys
    response = api.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert api.get(f"/api/v1/cases/{case.pk}/decision.pdf?document=decision-999999").status_code == 404


def test_the_case_page_shows_who_must_still_decide(world, client):
    case = fire(world, _split_case(world), "approve", "discipline_leader")
    client.force_login(world.users["organization_leader"])
    html = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="waiting-organs"' in html and world.departments["pl-organization"].name in html
    assert "决定机关：" in html
    detail = APIClient()
    detail.force_authenticate(world.users["organization_leader"])
    measures = detail.get(f"/api/v1/cases/{case.pk}/").json()["subjects"][0]["measures"]
    organs = {m["measure"]: m["deciding_department"]["id"] for m in measures}
    assert organs == {"dismissal": world.departments["pl-organization"].pk, "sanction": world.departments["pl-discipline"].pk}


@pytest.mark.parametrize("move", ["accept", "return"])
def test_a_recommendation_is_not_accepted_or_returned_as_a_plain_referral(world, move):
    from cases.services.referrals import referral_move

    case = fire(world, _split_case(world), "approve", "discipline_leader")
    recommendation = Referral.objects.get(case=case, kind=Referral.Kind.RECOMMENDATION)
    referral_move(referral_id=recommendation.pk, move="acknowledge", acting_user=world.users["organization_officer"])
    with pytest.raises(PreconditionFailed):
        referral_move(referral_id=recommendation.pk, move=move, acting_user=world.users["organization_leader"], reason="x")
    assert Referral.objects.get(pk=recommendation.pk).state == Referral.State.ACKNOWLEDGED
    assert fire(world, case, "approve", "organization_leader").state == CaseState.DECIDED


def test_one_sentence_per_side_of_the_discipline_organ(world):
    from cases.documents import decision_context

    case = proposing(world, COUNTY_DEPUTY)
    propose(world, case, {"measure": "notice"}, WARNING, {"measure": "sanction", "sanction_kind": "gov_demerit"})
    case = fire(world, case, "approve", "discipline_leader")
    sentence = decision_context(case)["subjects"][0]["decision_sentence"]
    assert sentence.startswith("经平罗县纪委研究决定") and "通报、处分（党内警告）" in sentence
    assert "；经平罗县监委研究决定" in sentence and sentence.endswith("处分（记过）。")


def test_the_documents_page_confirms_the_checklist_then_offers_every_document(world, client):
    case = fire(world, _split_case(world), "approve", "discipline_leader")
    case = fire(world, case, "approve", "organization_leader")
    client.force_login(world.users["discipline_officer"])
    page = client.get(f"/cases/{case.pk}/documents/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="confirm-form"' in page and "问责建议书" in page and "组织处理决定书" in page
    assert "decision.pdf?document=" not in page  # nothing to download before the confirmation
    refused = client.post(f"/cases/{case.pk}/documents/", {"items": []})
    assert refused.status_code == 400 and not CaseEvent.objects.filter(case=case, kind="documents_confirmed").exists()
    from cases.selectors.issuance import issuance_checklist

    keys = [item["key"] for item in issuance_checklist(case)["items"]]
    done = client.post(f"/cases/{case.pk}/documents/", {"items": keys})
    assert done.status_code == 302
    page = client.get(f"/cases/{case.pk}/documents/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="confirmed"' in page and page.count("decision.pdf?document=") == 3


def test_each_document_states_the_appeal_route_body_and_window_of_its_measures(world):
    from cases.documents import decision_context

    case = proposing(world, COUNTY_DEPUTY)
    propose(world, case, {"measure": "sanction", "sanction_kind": "gov_demerit"}, {"measure": "demotion"})
    from cases.tests.scenarios import approve_all  # the city's organization department decides the demotion

    approve_all(world, case)
    case = Case.objects.get(pk=case.pk)
    own = decision_context(case)["subjects"][0]["appeal_lines"]
    assert own == [
        "对处分（记过）不服的，可以自收到本决定书之日起一个月内向平罗县纪委监委申请复审；"
        "对复审决定仍不服的，可以自收到复审决定之日起一个月内向石嘴山市纪委监委申请复核（依据《公职人员政务处分法》第五十五条）。"
    ]
    city = world.departments["szs-organization"]
    lines = decision_context(case, f"decision-{city.pk}")["subjects"][0]["appeal_lines"]
    assert any(
        "申请复核" in line and "三十日" in line and city.name in line and "《公务员法》第九十五条" in line for line in lines
    )
    assert any(line.startswith("对降职不服的，可以自收到本决定书之日起一个月内") for line in lines)
    text = " ".join(lines + own)
    assert "VERIFIED" not in text and "约第" not in text


def test_the_decision_states_how_an_interim_removal_was_absorbed(world):
    """栖霞 1·10 pattern (docs/interim-measures.md): removed from post before the findings, then 免职."""
    import datetime as dt

    from cases.documents import decision_context
    from cases.services.interim import interim_record, interim_settle
    from core.persistence import local_today

    case = case_in_state(world, CaseState.INVESTIGATING, cadres=(DEPUTY,), circumstances=("26.5",))
    subject = case.subjects.get()
    ordered = local_today() - dt.timedelta(days=1)
    interim = interim_record(
        case_id=case.pk,
        subject_id=subject.pk,
        kind="removal",
        ordered_on=ordered,
        reason="事故发生后先期免职",
        acting_user=world.users["organization_leader"],
    )
    from cases.services.findings import finding_put
    from cases.tests.scenarios import ACCIDENT_FINDING

    finding_put(
        case_id=case.pk, subject_id=subject.pk, data=dict(ACCIDENT_FINDING), acting_user=world.users["discipline_officer"]
    )
    fire(world, case, "submit_findings", "discipline_officer")
    fire(world, case, "conclude", "discipline_officer")
    propose(world, case, DISMISSAL, WARNING)
    fire(world, case, "approve", "discipline_leader")
    case = fire(world, case, "approve", "organization_leader")
    interim_settle(
        case_id=case.pk,
        subject_id=subject.pk,
        measure_id=interim.pk,
        outcome="absorbed",
        reason="免职吸收先期免职",
        acting_user=world.users["organization_leader"],
    )
    organization = world.departments["pl-organization"]
    lines = decision_context(case, f"decision-{organization.pk}")["subjects"][0]["interim_lines"]
    assert (
        len(lines) == 1 and lines[0].startswith(f"{organization.name}于") and lines[0].endswith("先期免职，由本决定的免职吸收。")
    )
