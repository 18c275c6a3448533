"""Intake, referrals, cadre records, accidents and statistics over HTTP, as the personas use them.

Personas (``conftest.py``): audit_officer and inspection_officer refer leads and follow only their
status and outcome; organization_officer keeps cadre records and records moves;
organization_leader may also override a veto; discipline_officer handles cases; emergency_officer
records accidents; admin is a superuser without a department.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.codes import CaseState, SourceKind
from cases.models import Accident, AccidentReport, Case, CaseEvent, Referral, ReportingFinding, VetoOverride
from cases.services.cadres import cadre_register
from cases.services.lifecycle import case_transition
from cases.tests.scenarios import case_in_state, new_lead
from core.persistence import local_today
from org.models import Post

pytestmark = pytest.mark.django_db

BAOFENG_DEPUTY = "pl-baofeng:township_deputy:0"
TOUZHA_HEAD = "pl-touzha:township_head:0"


@pytest.fixture
def client_as(world):
    def make(username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(world.users[username])
        return client

    return make


@pytest.fixture
def nav_registered(settings):
    """The navigation reads ``web.context_processors.zeren_nav``; settings must register it."""
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    if "web.context_processors.zeren_nav" not in processors:
        templates = [dict(settings.TEMPLATES[0])]
        templates[0]["OPTIONS"] = {
            **templates[0]["OPTIONS"],
            "context_processors": [*processors, "web.context_processors.zeren_nav"],
        }
        settings.TEMPLATES = templates


def _post_lead(client, world, **overrides):
    data = {
        "title": "审计发现某镇安全生产专项资金挪用",
        "facts": "2025年度审计发现专项资金被挪作他用，涉及镇分管领导。",
        "source_kind": SourceKind.AUDIT,
        "subjects": [world.cadres[BAOFENG_DEPUTY].pk],
        "circumstances": ["26.1"],
    }
    data.update(overrides)
    return client.post("/leads/new/", {k: v for k, v in data.items() if v is not None})


# --- who may open what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "persona", "status"),
    [
        ("/leads/new/", "audit_officer", 200),
        ("/leads/new/", "inspection_officer", 200),
        ("/leads/new/", "emergency_officer", 200),
        ("/leads/new/", "admin", 403),  # no department to file on behalf of
        ("/referred/", "audit_officer", 200),
        ("/referred/", "organization_officer", 200),
        ("/referrals/", "organization_officer", 200),
        ("/referrals/", "audit_officer", 200),
        ("/cadres/", "organization_officer", 200),
        ("/cadres/", "discipline_officer", 200),
        ("/cadres/", "admin", 200),
        ("/cadres/", "audit_officer", 403),
        ("/cadres/", "inspection_officer", 403),
        ("/cadres/", "emergency_officer", 403),
        ("/stats/", "audit_officer", 200),
        ("/stats/", "discipline_officer", 200),
        ("/stats/", "admin", 200),
        ("/accidents/", "emergency_officer", 200),
        ("/accidents/", "discipline_officer", 200),
        ("/accidents/", "audit_officer", 403),
        ("/accidents/", "organization_officer", 403),
        ("/accidents/new/", "emergency_officer", 200),
        ("/accidents/new/", "inspection_officer", 403),
    ],
)
def test_pages_open_for_the_right_personas(client_as, url, persona, status):
    assert client_as(persona).get(url).status_code == status


@pytest.mark.parametrize("url", ["/leads/new/", "/referred/", "/referrals/", "/cadres/", "/stats/", "/accidents/"])
def test_anonymous_users_are_sent_to_the_login_page(client_as, url):
    response = client_as(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_cadre_record_and_accident_detail_answer_403_or_404(client_as, world):
    cadre = world.cadres[BAOFENG_DEPUTY]
    accident = world.accidents["baofeng"]
    assert client_as("organization_officer").get(f"/cadres/{cadre.pk}/").status_code == 200
    assert client_as("audit_officer").get(f"/cadres/{cadre.pk}/").status_code == 403
    assert client_as("organization_officer").get("/cadres/999999/").status_code == 404
    assert client_as("emergency_officer").get(f"/accidents/{accident.pk}/").status_code == 200
    assert client_as("audit_officer").get(f"/accidents/{accident.pk}/").status_code == 403
    assert client_as("emergency_officer").get("/accidents/999999/").status_code == 404


def test_navigation_offers_cadres_only_to_organization_and_discipline(client_as, nav_registered):
    org = client_as("organization_officer").get("/stats/").content.decode()
    audit = client_as("audit_officer").get("/stats/").content.decode()
    for page in (org, audit):
        assert 'href="/leads/new/"' in page and 'href="/referred/"' in page and 'href="/referrals/"' in page
    assert 'href="/cadres/"' in org and 'href="/cadres/"' not in audit
    assert 'href="/accidents/"' not in org
    assert 'href="/accidents/"' in client_as("emergency_officer").get("/stats/").content.decode()


# --- 1. lead intake -------------------------------------------------------------------------------


def test_audit_files_a_lead_that_goes_to_the_county_discipline_organ(client_as, world):
    response = _post_lead(client_as("audit_officer"), world)
    assert response.status_code == 302 and response["Location"] == "/referred/"
    case = Case.objects.get(title="审计发现某镇安全生产专项资金挪用")
    assert case.state == CaseState.RECEIVED
    assert case.source_department == world.departments["pl-audit"]
    assert case.owner_department == world.departments["pl-discipline"]
    assert case.circumstances == ["26.1"]
    assert [s.cadre_id for s in case.subjects.all()] == [world.cadres[BAOFENG_DEPUTY].pk]


def test_a_named_target_department_gets_the_lead(client_as, world):
    target = world.departments["pl-organization"]
    response = _post_lead(client_as("inspection_officer"), world, target_department=target.pk, source_kind=SourceKind.INSPECTION)
    assert response.status_code == 302
    case = Case.objects.get(title="审计发现某镇安全生产专项资金挪用")
    assert case.owner_department == target
    assert case.source_department == world.departments["pl-inspection"]


def test_bad_lead_shows_errors_next_to_the_fields_and_writes_nothing(client_as, world):
    cases, events = Case.objects.count(), CaseEvent.objects.count()
    response = _post_lead(client_as("audit_officer"), world, title="", subjects=[], circumstances=["26.9"])
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "subjects", "circumstances"}
    html = response.content.decode()
    # Each message sits inside its field's block, not in a list at the top.
    title_block = html[html.index('id="id_title"') - 400 : html.index('id="id_title"') + 600]
    assert "errorlist" in title_block
    subjects_block = html[html.index('id="subjects-field"') : html.index('id="cadre-options"')]
    assert str(form.errors["subjects"][0]) in subjects_block
    circumstances_block = html[html.index('id="circumstances-field"') : html.index('id="subjects-field"')]
    assert "errorlist" in circumstances_block
    # What was typed is kept.
    assert "2025年度审计发现专项资金被挪作他用" in html
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases, events)


def test_the_cadre_picker_lists_every_cadre_with_the_current_post(client_as, world):
    html = client_as("audit_officer").get("/leads/new/").content.decode()
    cadre = world.cadres[BAOFENG_DEPUTY]
    assert f'value="{cadre.pk}"' in html
    assert "宝丰镇 · 副镇长" in html


# --- 2. what we referred, referrals sent to us -------------------------------------------------


def test_referred_page_shows_status_and_outcome_but_not_the_facts(client_as, world):
    case = case_in_state(world, CaseState.EXECUTING, source="audit_officer")
    pending = new_lead(world, source="audit_officer", cadres=(TOUZHA_HEAD,))
    response = client_as("audit_officer").get("/referred/")
    html = response.content.decode()
    assert case.number in html and pending.number in html
    assert html.index(pending.number) < html.index(case.number)  # newest first
    assert "测试事实" not in html  # the facts stay with the handling department
    row = next(r for r in response.context["rows"] if r["case"].pk == case.pk)
    assert "诫勉" in row["outcome"][0]
    assert next(r for r in response.context["rows"] if r["case"].pk == pending.pk)["outcome"] == []
    # Another agency sees none of it.
    assert case.number not in client_as("inspection_officer").get("/referred/").content.decode()


def _transfer_to_emergency(world) -> tuple[Case, Referral]:
    case = new_lead(world)
    case_transition(
        case_id=case.pk,
        name="transfer",
        payload={"to_department": world.departments["pl-emergency"].pk, "reason": "属应急管理部门职责"},
        acting_user=world.users["discipline_officer"],
    )
    return case, Referral.objects.get(case=case, kind=Referral.Kind.TRANSFER)


def test_receiving_department_acknowledges_then_accepts_and_the_case_changes_hands(client_as, world):
    case, referral = _transfer_to_emergency(world)
    client = client_as("emergency_officer")
    page = client.get("/referrals/")
    assert case.number in page.content.decode()
    assert timezone.localtime(referral.acknowledge_by).strftime("%Y-%m-%d %H:%M") in page.content.decode()
    assert client.post(f"/referrals/{referral.pk}/acknowledge/").status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACKNOWLEDGED
    assert client.post(f"/referrals/{referral.pk}/accept/").status_code == 302
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED
    assert Case.objects.get(pk=case.pk).owner_department == world.departments["pl-emergency"]
    # The sender follows it on its own page.
    sent = client_as("discipline_officer").get("/referred/").context["sent"]
    assert [row["referral"].pk for row in sent] == [referral.pk]


def test_return_needs_a_reason_shown_next_to_the_field(client_as, world):
    case, referral = _transfer_to_emergency(world)
    client = client_as("emergency_officer")
    response = client.post(f"/referrals/{referral.pk}/return/", {f"r{referral.pk}-reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    block = html[html.index(f'id="referral-{referral.pk}"') :]
    assert "errorlist" in block[: block.index("</article>")]
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT
    response = client.post(f"/referrals/{referral.pk}/return/", {f"r{referral.pk}-reason": "不属本部门职责"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.return_reason) == (Referral.State.RETURNED, "不属本部门职责")
    assert Case.objects.get(pk=case.pk).owner_department == world.departments["pl-discipline"]


def test_other_departments_cannot_move_a_referral(client_as, world):
    _case, referral = _transfer_to_emergency(world)
    assert client_as("audit_officer").post(f"/referrals/{referral.pk}/accept/").status_code == 404
    assert client_as("emergency_officer").post(f"/referrals/{referral.pk}/fly/").status_code == 404
    assert client_as("emergency_officer").get(f"/referrals/{referral.pk}/accept/").status_code == 405
    referral.refresh_from_db()
    assert referral.state == Referral.State.SENT


def test_unacknowledged_referrals_past_their_deadline_are_highlighted(client_as, world):
    _case, referral = _transfer_to_emergency(world)
    client = client_as("emergency_officer")
    assert client.get("/referrals/").context["overdue_count"] == 0
    with time_machine.travel(referral.acknowledge_by + dt.timedelta(hours=1)):
        response = client.get("/referrals/")
    assert response.context["overdue_count"] == 1
    assert f'class="zm-referral is-overdue" id="referral-{referral.pk}"' in response.content.decode()


# --- 3. cadre records -------------------------------------------------------------------------------


def test_record_shows_the_admonishment_as_a_blocking_reason_marked_unverified(client_as, world):
    case = case_in_state(world, CaseState.EXECUTING)  # proposes and decides an admonishment
    cadre = world.cadres[BAOFENG_DEPUTY]
    response = client_as("organization_officer").get(f"/cadres/{cadre.pk}/")
    assert response.status_code == 200
    record = response.context["record"]
    assert record["eligible_for_promotion"] is False and record["eligible_for_awards"] is False
    admonishment = next(
        b for b in record["blocking"] if case.number in b["reason"] and b["until"] and "一票否决" not in b["reason"]
    )
    assert admonishment["verified"] is False
    html = response.content.decode()
    assert admonishment["basis"] in html
    assert admonishment["until"].isoformat() in html
    assert "zm-flag" in html and "未经核实的默认值" in html  # the unverified-default marker
    assert response.context["unverified_count"] >= 1
    assert case.number in html
    # The Art. 28 veto (accident responsibility, 26.5) is listed with its end.
    veto = response.context["vetoes"][0]
    assert veto["case"].pk == case.pk and veto["until"] is not None


def test_record_on_a_later_date_no_longer_blocks(client_as, world):
    case_in_state(world, CaseState.EXECUTING)
    cadre = world.cadres[BAOFENG_DEPUTY]
    later = local_today() + dt.timedelta(days=365 * 3)
    response = client_as("discipline_officer").get(f"/cadres/{cadre.pk}/?on={later.isoformat()}")
    assert response.context["on"] == later
    assert response.context["record"]["eligible_for_promotion"] is True
    assert response.context["record"]["blocking"] == []
    # The veto still shows with its end, though no longer in force.
    assert response.context["vetoes"][0]["until"] is not None and not response.context["vetoes"][0]["active"]
    bad = client_as("discipline_officer").get(f"/cadres/{cadre.pk}/?on=not-a-date")
    assert bad.status_code == 200 and bad.context["on"] == local_today()


def test_cadre_list_filters_by_name_role_and_department(client_as, world):
    client = client_as("organization_officer")
    cadre = world.cadres[BAOFENG_DEPUTY]
    by_name = client.get("/cadres/", {"q": cadre.name})
    assert cadre in [row["cadre"] for row in by_name.context["rows"]]
    by_role = client.get("/cadres/", {"role": "township_deputy", "department": world.departments["pl-baofeng"].pk})
    names = {row["cadre"].pk for row in by_role.context["rows"]}
    assert names == {world.cadres["pl-baofeng:township_deputy:0"].pk, world.cadres["pl-baofeng:township_deputy:1"].pk}


def test_move_of_a_cadre_with_an_open_case_refers_it_to_the_new_authority(client_as, world):
    case = new_lead(world)  # open, handled by the discipline organ
    cadre = world.cadres[BAOFENG_DEPUTY]
    response = client_as("organization_officer").post(
        f"/cadres/{cadre.pk}/",
        {
            "action": "move",
            "move-kind": "transfer",
            "move-effective_date": (local_today() + dt.timedelta(days=1)).isoformat(),
            "move-organization": world.departments["pl-park"].pk,
            "move-role": "park_deputy",
            "move-title": "园区管委会副主任",
        },
        follow=True,
    )
    assert response.status_code == 200
    referral = Referral.objects.get(case=case, kind=Referral.Kind.LIFELONG)
    assert referral.to_department == world.departments["pl-organization"]
    texts = [str(m) for m in response.context["messages"]]
    assert any(case.number in t and referral.to_department.name in t for t in texts)
    assert response.context["current"].organization == world.departments["pl-park"]


def test_bad_move_shows_field_errors_and_writes_nothing(client_as, world):
    cadre = world.cadres[BAOFENG_DEPUTY]
    posts = Post.objects.filter(cadre=cadre).count()
    response = client_as("organization_officer").post(
        f"/cadres/{cadre.pk}/",
        {"action": "move", "move-kind": "promotion", "move-effective_date": "2000-01-01", "move-title": "x"},
    )
    assert response.status_code == 400
    assert {"organization", "role"} <= set(response.context["move_form"].errors)
    # The service's own check (a date before the current post) also lands next to its field.
    response = client_as("organization_officer").post(
        f"/cadres/{cadre.pk}/",
        {
            "action": "move",
            "move-kind": "promotion",
            "move-effective_date": "2000-01-01",
            "move-organization": world.departments["pl-park"].pk,
            "move-role": "park_deputy",
            "move-title": "园区管委会副主任",
        },
    )
    assert response.status_code == 400
    assert "effective_date" in response.context["move_form"].errors
    assert Post.objects.filter(cadre=cadre).count() == posts


def test_only_the_organization_department_records_moves(client_as, world):
    cadre = world.cadres[BAOFENG_DEPUTY]
    response = client_as("discipline_officer").post(
        f"/cadres/{cadre.pk}/", {"action": "move", "move-kind": "retirement", "move-effective_date": "2030-01-01"}
    )
    assert response.status_code == 403
    assert "Record a move" not in client_as("discipline_officer").get(f"/cadres/{cadre.pk}/").content.decode()


def test_a_leader_overrides_the_veto_with_a_reason(client_as, world):
    case = case_in_state(world, CaseState.EXECUTING)
    cadre = world.cadres[BAOFENG_DEPUTY]
    subject = case.subjects.get()
    until = case.decided_on + dt.timedelta(days=200)
    officer = client_as("organization_officer")
    assert officer.post(f"/cadres/{cadre.pk}/", {"action": "veto", "veto-subject": subject.pk}).status_code == 403
    leader = client_as("organization_leader")
    missing = leader.post(f"/cadres/{cadre.pk}/", {"action": "veto", "veto-subject": subject.pk, "veto-until": until.isoformat()})
    assert missing.status_code == 400 and "reason" in missing.context["veto_form"].errors
    ok = leader.post(
        f"/cadres/{cadre.pk}/",
        {"action": "veto", "veto-subject": subject.pk, "veto-until": until.isoformat(), "veto-reason": "经研究提前结束"},
    )
    assert ok.status_code == 302
    override = VetoOverride.objects.get(subject=subject)
    assert (override.until, override.reason) == (until, "经研究提前结束")
    veto = client_as("organization_officer").get(f"/cadres/{cadre.pk}/").context["vetoes"][0]
    assert veto["until"] == until and veto["override"] == override


# --- 4. statistics ------------------------------------------------------------------------------


def _chart(response, key):
    return next(c for c in response.context["charts"] if c["key"] == key)


def _values(chart) -> dict[str, int]:
    return {row["label"]: row["value"] for row in chart["rows"]}


def test_stats_count_what_the_user_may_see(client_as, world):
    new_lead(world, circumstances=("26.1",))
    new_lead(world, source="audit_officer", circumstances=("26.1", "26.3"), cadres=(TOUZHA_HEAD,))
    executing = case_in_state(world, CaseState.EXECUTING)  # 26.5 at intake and in the findings; admonishment

    response = client_as("discipline_officer").get("/stats/")
    assert response.status_code == 200
    assert (response.context["total"], response.context["open"], response.context["measures"]) == (3, 3, 1)
    circumstances = {row["label"].split()[0]: (row["value"], row["cells"]) for row in _chart(response, "circumstance")["rows"]}
    assert circumstances["26.1"] == (2, [2, 0])
    assert circumstances["26.3"] == (1, [1, 0])
    assert circumstances["26.5"] == (1, [1, 1])
    assert circumstances["26.7"] == (0, [0, 0])
    measures = {row["label"]: row["value"] for row in _chart(response, "measure")["rows"]}
    assert sum(measures.values()) == 1 and list(measures.values())[1] == 1  # admonishment, second in Art. 27
    states = {row["state"]: row["value"] for row in _chart(response, "state")["rows"]}
    assert states == {CaseState.RECEIVED: 2, CaseState.EXECUTING: 1}
    assert _values(_chart(response, "owner")) == {world.departments["pl-discipline"].name: 3}
    month = executing.created_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m")
    assert _values(_chart(response, "month"))[month] == 3
    html = response.content.decode()
    assert html.count("<svg") == 5 and html.count("zm-datatable") == 5

    # The audit office sees only its own lead, and no findings.
    audit = client_as("audit_officer").get("/stats/")
    assert audit.context["total"] == 1
    assert {row["label"].split()[0]: row["value"] for row in _chart(audit, "circumstance")["rows"]}["26.5"] == 0


def test_findings_of_a_referred_case_are_not_counted_for_the_referring_agency(client_as, world):
    case_in_state(world, CaseState.ASSESSING, source="audit_officer", circumstances=())  # findings say 26.5
    rows = {
        row["label"].split()[0]: row["cells"] for row in _chart(client_as("audit_officer").get("/stats/"), "circumstance")["rows"]
    }
    assert rows["26.5"] == [0, 0]
    rows = {
        row["label"].split()[0]: row["cells"]
        for row in _chart(client_as("discipline_officer").get("/stats/"), "circumstance")["rows"]
    }
    assert rows["26.5"] == [0, 1]


# --- query budgets ------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_stats_cost_the_same_for_small_and_larger_data(client_as, world):
    client = client_as("discipline_officer")
    case_in_state(world, CaseState.EXECUTING)
    small = _count(client, "/stats/")
    for key in (TOUZHA_HEAD, "pl-yaofu:township_head:0", "pl-chengguan:township_head:0"):
        case_in_state(world, CaseState.EXECUTING, cadres=(key,))
        new_lead(world, cadres=(key,), circumstances=("26.1", "26.2"))
    assert _count(client, "/stats/") == small


def test_cadre_list_costs_the_same_for_small_and_larger_data(client_as, world):
    client = client_as("organization_officer")
    surname = world.cadres[TOUZHA_HEAD].name[0]
    urls = ["/cadres/", f"/cadres/?q={surname}&role=township_head", f"/cadres/?department={world.departments['pl-baofeng'].pk}"]
    # One case with a decided measure from the start, so every prefetch of the record runs.
    case_in_state(
        world, CaseState.EXECUTING, cadres=(BAOFENG_DEPUTY, "pl-touzha:township_head:0", "pl-chengguan:township_head:0")
    )
    small = [_count(client, url) for url in urls]
    case_in_state(world, CaseState.EXECUTING, cadres=(BAOFENG_DEPUTY,))
    case_in_state(world, CaseState.EXECUTING, cadres=(TOUZHA_HEAD, "pl-baofeng:township_deputy:1"))
    new_lead(world, cadres=("pl-baofeng:township_head:0",))
    for n in range(5):
        cadre_register(
            name=f"王测试{n}",
            organization=world.departments["pl-baofeng"],
            role="township_head",
            title="镇长",
            since=dt.date(2024, 1, 1),
            acting_user=world.users["organization_officer"],
        )
    assert [_count(client, url) for url in urls] == small


# --- 5. accidents -----------------------------------------------------------------------------------


def test_recording_an_accident_computes_its_grade(client_as, world):
    client = client_as("emergency_officer")
    response = client.post(
        "/accidents/new/",
        {
            "title": "某建筑工地坍塌事故",
            "occurred_at": "2026-06-01T08:30",
            "location": world.departments["pl-chengguan"].pk,
            "deaths": "3",
            "serious_injuries": "0",
            "direct_loss_yuan": "500000",
        },
    )
    accident = Accident.objects.get(title="某建筑工地坍塌事故")
    assert response.status_code == 302 and response["Location"] == f"/accidents/{accident.pk}/"
    assert accident.grade == "larger"
    assert accident.created_by == world.users["emergency_officer"]
    bad = client.post("/accidents/new/", {"title": "", "occurred_at": "yesterday", "deaths": "-1"})
    assert bad.status_code == 400
    assert {"title", "occurred_at", "deaths"} <= set(bad.context["form"].errors)
    assert Accident.objects.filter(title="").count() == 0


def test_report_chain_flags_late_steps_and_findings_need_evidence(client_as, world):
    accident = world.accidents["baofeng"]  # the unit reported 70 minutes after: 10 minutes late
    client = client_as("emergency_officer")
    page = client.get(f"/accidents/{accident.pk}/")
    assert page.context["timeliness"]["late"] is True
    assert page.context["steps"][0]["late"] is True
    assert 'class="zm-late"' in page.content.decode()
    reported = timezone.localtime(accident.unit_reported_at) + dt.timedelta(hours=5)
    response = client.post(
        f"/accidents/{accident.pk}/",
        {
            "action": "report",
            "report-level": "1",
            "report-reporter": "宝丰镇人民政府",
            "report-recipient": world.departments["pl-emergency"].pk,
            "report-reported_at": reported.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert AccidentReport.objects.filter(accident=accident, level=1).exists()
    steps = client.get(f"/accidents/{accident.pk}/").context["steps"]
    assert [s["late"] for s in steps] == [True, True]
    assert steps[1]["report"].reporter == "宝丰镇人民政府"

    missing = client.post(
        f"/accidents/{accident.pk}/", {"action": "finding", "finding-kind": "concealed", "finding-evidence": ""}
    )
    assert missing.status_code == 400 and "evidence" in missing.context["finding_form"].errors
    assert not ReportingFinding.objects.filter(accident=accident).exists()
    ok = client.post(
        f"/accidents/{accident.pk}/",
        {"action": "finding", "finding-kind": "concealed", "finding-evidence": "企业隐瞒2名重伤人员，有医院记录为证"},
    )
    assert ok.status_code == 302
    page = client.get(f"/accidents/{accident.pk}/").content.decode()
    assert "企业隐瞒2名重伤人员" in page


def test_accident_forms_are_refused_to_other_departments(client_as, world):
    accident = world.accidents["park"]
    response = client_as("audit_officer").post(
        f"/accidents/{accident.pk}/", {"action": "finding", "finding-kind": "false", "finding-evidence": "x"}
    )
    assert response.status_code == 403
    assert not ReportingFinding.objects.filter(accident=accident).exists()


def test_every_page_renders_in_english_as_well(client_as, world, settings):
    case = case_in_state(world, CaseState.EXECUTING)
    _case, referral = _transfer_to_emergency(world)
    cadre = world.cadres[BAOFENG_DEPUTY]
    pages = {
        "discipline_officer": ["/leads/new/", "/referred/", "/cadres/", f"/cadres/{cadre.pk}/", "/stats/", "/accidents/"],
        "emergency_officer": ["/referrals/", f"/accidents/{world.accidents['baofeng'].pk}/", "/accidents/new/"],
        "organization_leader": [f"/cadres/{cadre.pk}/"],
    }
    for persona, urls in pages.items():
        client = client_as(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert '<html lang="en">' in response.content.decode(), url
    assert case.number and referral.pk
