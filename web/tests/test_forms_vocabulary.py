"""Forms speak one language and never cut, guess or show codes (issue 16 item 5), over HTTP.

- A limited text field carries a counter (``data-maxlength``), not the browser's ``maxlength``
  that cuts a pasted text silently; over the limit the form is refused naming the limit and the
  length, the whole text kept in the form, nothing written.
- Dates and times of things that happened: the picker offers nothing after today (``max``), the
  server refuses a future one next to its field.
- Ranges: an assessment score beyond the scale (``ZEREN_ASSESSMENT_SCORE_MAX``, 100) is refused.
- Sanction kinds are chosen from two labelled groups (党纪处分, 政务处分), narrowed to what the
  conclusion allows.
- A message reads in the language chosen, never "中文 / English"; the measures' messages name
  measures and sanctions by their names, never by codes.
"""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.utils import timezone

from appraisal.models import AnnualAssessment
from cases.codes import CaseState
from cases.models import Accident, Case, Finding
from cases.tests.scenarios import case_in_state
from web.tests.helpers import OFFICER, YEAR, field_errors, post_lead, post_transition, snapshot, transition_url

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_a_limited_field_has_a_counter_and_no_maxlength_that_would_cut_a_paste(client_as):
    html = client_as("audit_officer").get("/leads/new/").content.decode()
    title = re.search(r"<input[^>]*name=\"title\"[^>]*>", html).group(0)
    assert 'data-maxlength="300"' in title and "maxlength=" not in title.replace("data-maxlength=", "")
    assert "最多 300 个字符" in title  # the counter's message, in the page's language
    facts = re.search(r"<textarea[^>]*name=\"facts\"[^>]*>", html).group(0)
    assert "data-maxlength=" in facts and " maxlength=" not in facts
    # Every form of the product: no maxlength anywhere a person types.
    for url in ("/leads/new/", "/accidents/new/"):
        page = client_as("emergency_officer").get(url).content.decode()
        assert not re.search(r"<(input|textarea)(?![^>]*type=\"hidden\")[^>]*\smaxlength=", page), url


def test_a_pasted_5000_character_title_is_refused_whole_not_cut(client_as, world):
    before = Case.objects.count()
    long = "某镇燃气管道安全隐患排查整治不到位" * 295  # 5,015 characters
    response = post_lead(client_as("audit_officer"), world, title=long)
    assert response.status_code == 400
    [message] = field_errors(response, "title")
    assert "300" in message and str(len(long)) in message  # names the limit and the length
    assert long in response.content.decode()  # nothing lost: the officer shortens it
    assert Case.objects.count() == before


def test_a_future_accident_time_is_refused_next_to_the_field(client_as):
    client = client_as("emergency_officer")
    page = client.get("/accidents/new/").content.decode()
    occurred = re.search(r"<input[^>]*name=\"occurred_at\"[^>]*>", page).group(0)
    assert re.search(r'max="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"', occurred)
    tomorrow = (timezone.localtime() + timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/accidents/new/",
        {"title": "未来的事故", "occurred_at": tomorrow, "deaths": "1", "serious_injuries": "0", "direct_loss_yuan": "0"},
    )
    assert response.status_code == 400 and field_errors(response, "occurred_at")
    assert not Accident.objects.filter(title="未来的事故").exists()


def test_a_future_conduct_date_is_refused_in_the_language_chosen(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    client = login(OFFICER)
    page = client.get(url).content.decode()
    conduct = re.search(r"<input[^>]*name=\"conduct_date\"[^>]*>", page).group(0)
    assert f'max="{timezone.localdate().isoformat()}"' in conduct
    before = snapshot(case.pk)
    future = (timezone.localdate() + timezone.timedelta(days=30)).isoformat()
    data = {"circumstances": ["26.5"], "conduct_date": future, "performance": "未按期检查", "evidence": "检查台账"}
    [chinese] = field_errors(client.post(url, data), "conduct_date")
    assert "晚于今天" in chinese and "/" not in chinese and "future" not in chinese
    [english] = field_errors(_english(client).post(url, data), "conduct_date")
    assert "in the future" in english and "晚于" not in english
    [required] = field_errors(_english(client).post(url, {**data, "conduct_date": ""}), "conduct_date")
    assert required == "This field is required."
    client.cookies["django_language"] = "zh-hans"
    [required] = field_errors(client.post(url, {**data, "conduct_date": ""}), "conduct_date")
    assert required == "该字段为必填项。"  # the same words as every other form
    assert snapshot(case.pk) == before and not Finding.objects.filter(subject=subject).exists()


@pytest.mark.parametrize(("score", "ok"), [("100", True), ("0", True), ("150", False), ("100.01", False), ("-1", False)])
def test_an_assessment_score_beyond_the_scale_is_refused(client_as, world, score, ok):
    response = client_as("emergency_officer").post(
        f"/assessment/?year={YEAR}",
        {"action": "department", "dept-department": world.departments["pl-yaofu"].pk, "dept-grade": "good", "dept-score": score},
    )
    assert (response.status_code == 302) is ok, response.status_code
    assert AnnualAssessment.objects.exists() is ok
    if not ok:
        assert response.context["dept_form"].errors["score"]


@override_settings(ZEREN_ASSESSMENT_SCORE_MAX=150)
def test_the_service_refuses_a_score_over_the_configured_scale(world):
    from appraisal.services.assessment import assessment_record
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        assessment_record(
            acting_user=world.users["emergency_officer"],
            year=YEAR,
            grade="good",
            department=world.departments["pl-yaofu"],
            score=151,
        )
    assert "150" in str(caught.value.detail["score"][0])
    row = assessment_record(
        acting_user=world.users["emergency_officer"], year=YEAR, grade="good", department=world.departments["pl-yaofu"], score=150
    )
    assert row.score == 150


def test_sanction_kinds_come_in_two_labelled_groups(login, world):
    case = case_in_state(world, CaseState.PROPOSING, cadres=("pl-touzha:township_head:0",))
    subject = case.subjects.get()
    html = login(OFFICER).get(transition_url(case, "propose")).content.decode()
    select = re.search(rf'<select name="sanction_kind_{subject.pk}".*?</select>', html, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _ in groups] == ["党纪处分", "政务处分"]
    party, government = (re.findall(r'value="(\w+)"', options) for _, options in groups)
    assert party and all(code.startswith("party_") for code in party)
    assert government and all(code.startswith("gov_") for code in government)


def test_measure_messages_name_sanctions_not_codes(login, world):
    case = case_in_state(world, CaseState.PROPOSING, cadres=("pl-touzha:township_head:0",))
    subject = case.subjects.get()
    client = login(OFFICER)
    response = post_transition(client, case, "propose", {f"measures_{subject.pk}": "sanction"})
    assert response.status_code == 400
    [message] = field_errors(response, f"sanction_kind_{subject.pk}")
    assert "党内警告" in message and not CODE.search(message), message
    [english] = field_errors(
        post_transition(_english(client), case, "propose", {f"measures_{subject.pk}": "sanction"}), f"sanction_kind_{subject.pk}"
    )
    assert "Party warning" in english and not CODE.search(english), english
