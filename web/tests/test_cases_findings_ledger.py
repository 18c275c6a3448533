"""The findings page shows the subject's duty ledger up to the conduct, and an Art. 31 claim
needs it met or a written justification (PRODUCT §3; issue 6).

- discipline_officer: handles the case and records findings.
- organization_officer: keeps the duty ledger.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cases.codes import CaseState
from cases.models import Finding
from cases.tests.scenarios import case_in_state
from duties.models import Obligation
from duties.selectors.periods import blocks_overlapping
from duties.services.ledger import record_create

pytestmark = pytest.mark.django_db

OFFICER = "discipline_officer"
CONDUCT = dt.date(2026, 5, 10)
# The demo lead's subject is a township deputy: one inspection a month (Art. 9(四)).
SUBJECT = "pl-baofeng:township_deputy:0"


@pytest.fixture
def login(client, world):
    def make(username: str):
        client.force_login(world.users[username])
        return client

    return make


def _findings(case, subject, **extra):
    return {
        "circumstances": ["26.5"],
        "conduct_date": CONDUCT.isoformat(),
        "duties_fully_performed": "on",
        **extra,
    }


def _fill_ledger(world, cadre, until: dt.date) -> None:
    obligation = Obligation.objects.get(code="9-4-township")
    for start, _end in blocks_overlapping("month", dt.date(until.year - 1, until.month, 1), until):
        if start < until:
            record_create(acting_user=world.users["organization_officer"], cadre=cadre, obligation=obligation, date=start)


def test_the_page_shows_missed_blocks_before_the_conduct(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    html = login(OFFICER).post(url, _findings(case, subject, duties_fully_performed=""), follow=True).content.decode()
    assert 'data-ledger="gaps"' in html
    # May 2025 to April 2026 ended before the conduct and have no record; May 2026 is pending.
    missed = re.findall(r'class="zm-chip alarm">([\d-]+)', html)
    assert missed == [f"{y}-{m:02d}-01" for y, m in [(2025, m) for m in range(5, 13)] + [(2026, m) for m in range(1, 5)]]


def test_art31_claim_with_gaps_is_refused_next_to_the_justification_and_saves_nothing(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    response = login(OFFICER).post(url, _findings(case, subject))
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(r'<ul class="errorlist" data-field="exemption_justification">(.*?)</ul>', html, re.S)
    assert errors and "第9条（四）" in errors.group(1)
    assert not Finding.objects.filter(subject=subject).exists()
    # what was typed is still there
    assert 'name="conduct_date"' in html and CONDUCT.isoformat() in html


def test_art31_claim_with_a_justification_is_kept_on_the_case(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    why = "1—4月检查记录因系统迁移未录入，纸质台账已调取附卷。"
    response = login(OFFICER).post(url, _findings(case, subject, exemption_justification=why))
    assert response.status_code == 302
    finding = Finding.objects.get(subject=subject)
    assert finding.duties_fully_performed and finding.exemption_justification == why
    event = case.events.filter(kind="findings").order_by("-seq").first()
    assert event.payload["art31_compliance"]["justification_given"] is True
    assert event.payload["art31_compliance"]["fully_met"] is False
    assert why in login(OFFICER).get(f"/cases/{case.pk}/").content.decode()


def test_art31_claim_with_a_full_ledger_needs_no_justification(login, world):
    case = case_in_state(world, CaseState.INVESTIGATING)
    subject = case.subjects.get()
    _fill_ledger(world, world.cadres[SUBJECT], CONDUCT)
    url = f"/cases/{case.pk}/subjects/{subject.pk}/findings/"
    page = login(OFFICER).get(url).content.decode()
    assert 'data-ledger="gaps"' in page  # no conduct date yet: judged up to today, and Nov 2026 onwards is empty
    response = login(OFFICER).post(url, _findings(case, subject))
    assert response.status_code == 302
    event = case.events.filter(kind="findings").order_by("-seq").first()
    assert event.payload["art31_compliance"] == {
        "from": "2025-05-11",
        "as_of": CONDUCT.isoformat(),
        "fully_met": True,
        "missed": [],
        "justification_given": False,
    }
