"""The findings page shows the subject's duty ledger up to the conduct (PRODUCT §3; issue 6) and
Art. 31 as three findings (issue 13): the duties condition rests on the ledger, whose gaps are
listed with a link to explain each; a claim with gaps unexplained, or a condition without its
text or evidence, is refused next to the field and saves nothing.

- discipline_officer: handles the case, records findings and explains gaps.
- organization_officer: keeps the duty ledger.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cases.codes import CaseState
from cases.models import CaseEvent, Finding, LedgerGapExplanation
from cases.tests.scenarios import case_in_state
from duties.models import Obligation
from duties.selectors.periods import blocks_overlapping
from duties.services.ledger import record_create
from web.tests.helpers import field_errors, snapshot

pytestmark = pytest.mark.django_db

OFFICER = "discipline_officer"
CONDUCT = dt.date(2026, 5, 10)
# The demo lead's subject is a township deputy: one inspection a month (Art. 9(四)) and the
# standing duties of Art. 9.
SUBJECT = "pl-baofeng:township_deputy:0"
STANDING = ["9-1", "9-2", "9-3", "9-4-promote", "9-4-resolve", "9-5"]


@pytest.fixture
def login(client, world):
    def make(username: str):
        client.force_login(world.users[username])
        return client

    return make


def _findings(**extra):
    return {"circumstances": ["26.5"], "conduct_date": CONDUCT.isoformat(), **extra}


CLAIM = {
    "fp_duties_established": "on",
    "fp_duties_text": "经查实已全面履行第二章、第三章所规定职责。",
    "fp_statutory_established": "on",
    "fp_statutory_text": "经查实已全面履行法定职责。",
    "fp_statutory_evidence": "执法检查记录。",
    "fp_deployments_established": "on",
    "fp_deployments_text": "经查实已全面落实县委和政府部署。",
    "fp_deployments_evidence": "督办件办结报告。",
}


def _fill_ledger(world, cadre, until: dt.date, *, standing: bool = True) -> None:
    keeper = world.users["organization_officer"]
    obligation = Obligation.objects.get(code="9-4-township")
    for start, _end in blocks_overlapping("month", dt.date(until.year - 1, until.month, 1), until):
        if start < until:
            record_create(acting_user=keeper, cadre=cadre, obligation=obligation, date=start)
    if standing:
        for code in STANDING:
            record_create(
                acting_user=keeper, cadre=cadre, obligation=Obligation.objects.get(code=code), date=dt.date(2025, 12, 1)
            )


def _case(world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    return case, case.subjects.get()


def test_the_page_shows_missed_blocks_before_the_conduct(login, world):
    case, subject = _case(world)
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    html = login(OFFICER).post(url, _findings(), follow=True).content.decode()
    assert 'data-ledger="gaps"' in html
    # May 2025 to April 2026 ended before the conduct and have no record; May 2026 is pending;
    # each standing duty of Art. 9 has one block, the twelve months, and no record in it.
    missed = re.findall(r'class="zm-chip alarm">([\d-]+)', html)
    months = [f"{y}-{m:02d}-01" for y, m in [(2025, m) for m in range(5, 13)] + [(2026, m) for m in range(1, 5)]]
    assert sorted(missed) == sorted(months + ["2025-05-11"] * len(STANDING))


def test_the_gap_list_has_a_link_to_explain_each_gap(login, world):
    case, subject = _case(world)
    _fill_ledger(world, world.cadres[SUBJECT], CONDUCT, standing=False)
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    client = login(OFFICER)
    assert 'data-art31-ledger="unsaved"' in client.get(url).content.decode()
    assert client.post(url, _findings()).status_code == 302
    html = client.get(url).content.decode()
    assert 'data-art31-ledger="gaps"' in html
    rows = re.findall(r'<tr data-gap="([^"]+)" class="is-behind">', html)
    assert sorted(rows) == sorted(f"{code}:2025-05-11" for code in STANDING)
    links = re.findall(rf'href="(/cases/{case.pk}/subjects/{subject.pk}/ledger-gaps/\?[^"]+)"', html)
    assert len(links) == len(STANDING)
    page = client.get(links[0].replace("&amp;", "&"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="gap-form"' in body and 'name="reason"' in body and 'name="duty_records"' in body


def test_a_claim_with_gaps_unexplained_is_refused_next_to_the_duties_condition_and_saves_nothing(login, world):
    case, subject = _case(world)
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    before = snapshot(case.pk)
    response = login(OFFICER).post(url, _findings(**CLAIM))
    assert response.status_code == 400
    [message] = field_errors(response, "fp_duties_established")
    assert "第9条（四）" in message and "第9条（一）" in message
    assert snapshot(case.pk) == before and not Finding.objects.filter(subject=subject).exists()
    html = response.content.decode()
    assert CONDUCT.isoformat() in html and CLAIM["fp_statutory_evidence"] in html  # what was typed is still there


def test_a_condition_without_its_evidence_is_refused_next_to_it(login, world):
    case, subject = _case(world)
    _fill_ledger(world, world.cadres[SUBJECT], CONDUCT)
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    before = snapshot(case.pk)
    response = login(OFFICER).post(url, _findings(**{**CLAIM, "fp_deployments_evidence": ""}))
    assert response.status_code == 400
    assert field_errors(response, "fp_deployments_evidence")
    assert not field_errors(response, "fp_duties_established")
    assert snapshot(case.pk) == before


def test_the_duties_condition_with_26_1_is_refused_next_to_it(login, world):
    case, subject = _case(world)
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    response = login(OFFICER).post(url, _findings(circumstances=["26.1"], **CLAIM))
    assert response.status_code == 400
    assert any("26.1" in m for m in field_errors(response, "fp_duties_established"))


def test_explaining_every_gap_on_the_page_lets_the_claim_through(login, world):
    case, subject = _case(world)
    _fill_ledger(world, world.cadres[SUBJECT], CONDUCT, standing=False)
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    client = login(OFFICER)
    assert client.post(url, _findings()).status_code == 302
    gaps = f"/cases/{case.pk}/subjects/{subject.pk}/ledger-gaps/"
    for code in STANDING:
        obligation = Obligation.objects.get(code=code)
        form = {
            "obligation": obligation.pk,
            "period_start": "2025-05-11",
            "reason": "纸质台账记载已履行",
            "evidence": "纸质台账（附卷）",
        }
        response = client.post(f"{gaps}?obligation={obligation.pk}&period=2025-05-11", form)
        assert response.status_code == 302 and response["Location"].endswith("#art31"), response.content.decode()[:500]
    assert LedgerGapExplanation.objects.filter(subject=subject).count() == len(STANDING)
    html = client.get(url).content.decode()
    assert "is-behind" not in html.split('id="art31-gaps"', 1)[1]
    response = client.post(url, _findings(**CLAIM))
    assert response.status_code == 302, field_errors(response, "fp_duties_established")
    finding = Finding.objects.get(subject=subject)
    assert finding.duties_fully_performed is True
    event = CaseEvent.objects.filter(case=case, kind="findings").order_by("-seq").first()
    assert len(event.payload["art31_ledger"]["gaps"]) == len(STANDING)
    assert all(g["explanation"] for g in event.payload["art31_ledger"]["gaps"])
    assert 'data-engine="exempt"' in client.get(url).content.decode()


def test_an_explanation_without_evidence_is_refused_on_its_page_and_saves_nothing(login, world):
    case, subject = _case(world)
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    client = login(OFFICER)
    assert client.post(url, _findings()).status_code == 302
    obligation = Obligation.objects.get(code="9-1")
    before = snapshot(case.pk)
    response = client.post(
        f"/cases/{case.pk}/subjects/{subject.pk}/ledger-gaps/",
        {"obligation": obligation.pk, "period_start": "2025-05-11", "reason": "已履行"},
    )
    assert response.status_code == 400
    assert field_errors(response, "evidence")
    not_a_gap = client.post(
        f"/cases/{case.pk}/subjects/{subject.pk}/ledger-gaps/",
        {"obligation": obligation.pk, "period_start": "2025-01-01", "reason": "已履行", "evidence": "附卷"},
    )
    assert not_a_gap.status_code == 400 and 'class="errorlist nonfield"' in not_a_gap.content.decode()
    assert snapshot(case.pk) == before


def test_a_justification_from_before_is_shown_as_such(login, world):
    case, subject = _case(world)
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    client = login(OFFICER)
    assert client.post(url, _findings()).status_code == 302
    Finding.objects.filter(subject=subject).update(exemption_justification="纸质台账已附卷（旧）")
    html = client.get(url).content.decode()
    assert 'data-legacy="justification"' in html and "纸质台账已附卷（旧）" in html
    assert 'name="exemption_justification"' not in html and 'name="duties_fully_performed"' not in html
