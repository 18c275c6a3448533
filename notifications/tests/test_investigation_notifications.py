"""Who is told of a 立案 and of a confirmed move of a cadre under investigation (issue 13 item 5).

- A filing (``filed``) tells the investigation team: from now on 政务处分法第五十二条 bars moving or
  promoting the subject. The leader who recorded it is not told of their own step.
- A confirmed move (``subject_moved_under_investigation``) tells the discipline organ handling the
  case (officers and leaders), not the organization department that recorded it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases.codes import CaseState
from cases.services.cadres import cadre_move
from cases.tests.scenarios import case_in_state, file_subjects
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_filing_tells_the_investigation_team(world, django_capture_on_commit_callbacks):
    case = case_in_state(world, CaseState.INVESTIGATING)
    with django_capture_on_commit_callbacks(execute=True):
        file_subjects(world, case)
    assert _told("case_filed") == {"discipline_officer", "discipline_officer2"}  # the team of ``accept``
    [text] = set(Notification.objects.filter(kind="case_filed").values_list("text", flat=True))
    assert case.number in text and "立案" in text and "第五十二条" in text
    assert world.cadres["pl-baofeng:township_deputy:0"].name in text


def test_a_confirmed_move_tells_the_discipline_organ_handling_the_case(world, django_capture_on_commit_callbacks):
    case = case_in_state(world, CaseState.INVESTIGATING, filed=True)
    with django_capture_on_commit_callbacks(execute=True):
        cadre_move(
            cadre_id=world.cadres["pl-baofeng:township_deputy:0"].pk,
            kind="transfer",
            effective_date=dt.date(2027, 1, 1),
            organization=world.departments["pl-touzha"],
            role="township_deputy",
            title="副镇长",
            acting_user=world.users["organization_leader"],
            confirm_under_investigation=True,
            reason="县委研究决定交流。",
        )
    told = _told("subject_moved_under_investigation")
    assert {"discipline_officer", "discipline_officer2", "discipline_leader", "discipline_leader2"} <= told
    assert not told & {"organization_officer", "organization_leader"}
    text = Notification.objects.filter(kind="subject_moved_under_investigation").values_list("text", flat=True).first()
    assert case.number in text and "县委研究决定交流。" in text and "第五十二条" in text
