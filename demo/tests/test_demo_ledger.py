"""``loaddemo`` builds a duty ledger with deliberate gaps, the 2025 assessment, a 约谈, the
publication of results, an award and a patrol (PRODUCT §10, issue 6), and a second run changes
nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from appraisal.models import AnnualAssessment, Interview, Patrol, Publication
from appraisal.selectors.rewards import candidates
from cases.codes import CaseState
from core.persistence import local_today
from demo import ledger as demo
from duties.models import DutyRecord, Evidence
from duties.selectors.compliance import cadre_compliance
from tests.seeding import reseed


def _all_table_counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models(include_auto_created=True)}


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """``loaddemo`` run twice, once for the module, inside a transaction rolled back when the
    module ends (each test rolls back in a savepoint of its own). Evidence files go to a
    temporary media root."""
    from django.db import transaction
    from django.test.utils import override_settings

    from cases.models import MeasurePolicy
    from demo.world import build_world
    from duties.models import Obligation

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=str(media)):
                # A transactional test earlier on this worker may have emptied the seeded tables.
                if not (MeasurePolicy.objects.exists() and Obligation.objects.exists()):
                    reseed()
                first_out, second_out = io.StringIO(), io.StringIO()
                call_command("loaddemo", stdout=first_out)
                first = _all_table_counts()
                call_command("loaddemo", stdout=second_out)
                second = _all_table_counts()
                world = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield {
        "world": world,
        "first": first,
        "second": second,
        "first_out": first_out.getvalue(),
        "second_out": second_out.getvalue(),
        "media": media,
    }
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def test_second_run_changes_nothing(demo_db, db):
    first, second = demo_db["first"], demo_db["second"]
    assert second == first
    # …and the first run did build the ledger, the assessment and the patrol.
    assert first["duties.DutyRecord"] > 500
    assert first["duties.HistoricalDutyRecord"] == first["duties.DutyRecord"]
    assert first["duties.Evidence"] == 2
    assert first["appraisal.AnnualAssessment"] >= 12 + 14
    assert first["appraisal.Patrol"] == 1 and first["appraisal.PatrolFinding"] == 2
    assert first["appraisal.Interview"] == 1 and first["appraisal.Publication"] == 1 and first["appraisal.Award"] == 1
    assert "Demo duty ledger created" in demo_db["first_out"]
    assert "Demo duty ledger already present; nothing changed." in demo_db["second_out"]
    assert "Organs (Art. 14, 16, 17): 1 duty record(s)" in demo_db["first_out"]


def test_deliberate_gaps_are_missed_blocks_and_everyone_else_is_complete(demo_db, db):
    cadres = demo_db["world"].cadres
    today = local_today()
    expected: dict[tuple[str, int], set[tuple[str, dt.date]]] = {}
    for key, gaps in demo.GAPS.items():
        for code, starts in gaps.items():
            for start in starts:
                expected.setdefault((key, start.year), set()).add((code, start))
    # Every block the ledger reaches is done, but for the gaps; blocks over before it started
    # have no records.
    for key, cadre in cadres.items():
        for year in (2025, 2026):
            result = cadre_compliance(cadre.pk, year=year, as_of=today)
            missed = {
                (o["code"], p["start"])
                for o in result["obligations"]
                for p in o["periods"]
                if p["status"] == "missed" and p["end"] >= demo.LEDGER_START
            }
            assert missed == expected.get((key, year), set()), (key, year)
    for key in demo.GAPS:
        assert cadre_compliance(cadres[key].pk, year=2026, as_of=today)["fully_met"] is False
    complete = cadre_compliance(cadres["pl-chengguan:township_party_secretary:0"].pk, year=2026, as_of=today)
    assert complete["fully_met"] and complete["obligations"]
    assert all(p["status"] in ("met", "pending") for o in complete["obligations"] for p in o["periods"])


def test_records_follow_post_history_and_carry_notes_and_evidence(demo_db, db, settings):
    settings.MEDIA_ROOT = str(demo_db["media"])
    world = demo_db["world"]
    today = local_today()
    everything = DutyRecord.objects.select_related("post", "recorded_by")
    assert not everything.filter(date__gt=today).exists()
    assert not everything.filter(date__lt=demo.LEDGER_START).exclude(obligation__activity="patrol").exists()
    records = everything.filter(cadre__isnull=False)
    for record in records:
        assert record.post.held_on(record.date) and record.note
        assert record.recorded_by.username in ("emergency_officer", "organization_officer")
    # The organs' records (issue 13): the county safety committee's 2025 evaluation, kept by its office.
    organ = everything.filter(cadre__isnull=True).select_related("unit", "kept_by", "obligation").get()
    assert (organ.organ, organ.unit.code, organ.kept_by.code) == ("county_safety_committee", "pingluo", "pl-emergency")
    assert (organ.obligation.code, organ.date, organ.post) == ("16", demo.PUBLISHED_ON, None)
    # The department Party group secretary (issue 13) has the records of 第五条（二）（九）.
    secretary = world.cadres["pl-housing:dept_party_secretary:0"]
    assert set(records.filter(cadre=secretary).values_list("obligation__code", flat=True)) == {"5-2-department", "5-9-department"}
    assert records.filter(cadre=secretary, note__contains="局党组").count() == records.filter(cadre=secretary).count()
    # The park deputy promoted to the city (demo cases): records only while the park post was
    # held, none for the city post; the block the post ended in is not missed.
    moved = world.cadres["pl-park:park_deputy:0"]
    park_post = moved.posts.get(organization__code="pl-park")
    assert park_post.end is not None
    assert records.filter(cadre=moved).exists()
    assert not records.filter(cadre=moved, date__gt=park_post.end).exists()
    periods = [p for o in cadre_compliance(moved.pk, year=park_post.end.year, as_of=today)["obligations"] for p in o["periods"]]
    assert any(p["held_to"] == park_post.end for p in periods)
    assert all(p["status"] != "missed" for p in periods)
    # Two records carry a small generated PDF, stored and readable.
    evidence = list(Evidence.objects.select_related("record"))
    assert len(evidence) == 2
    for item in evidence:
        assert item.content_type == "application/pdf" and item.original_name.endswith(".pdf")
        with item.file.open("rb") as fh:
            assert fh.read(5) == b"%PDF-"


def test_assessment_interview_publication_and_patrol(demo_db, db):
    world = demo_db["world"]
    d, c = world.departments, world.cadres
    units = AnnualAssessment.objects.filter(year=2025, department__isnull=False).select_related("grade", "department")
    assert {a.department.kind for a in units} == {"township", "park", "regulator", "industry"}
    assert {a.department.code for a in units if a.department.kind in ("township", "park")} == {
        "pl-chengguan",
        "pl-huangquqiao",
        "pl-baofeng",
        "pl-touzha",
        "pl-yaofu",
        "pl-park",
    }
    assert all(a.rank and a.ranked_of for a in units)
    last_failed = [a for a in units if a.ranked_last and a.grade.failing]
    assert [a.department.code for a in last_failed] == ["pl-transport"]

    interview = Interview.objects.get()
    assert interview.ground == "assessment_last_failed"
    assert interview.assessment == last_failed[0] and interview.department == d["pl-transport"]

    people = AnnualAssessment.objects.filter(year=2025, cadre__isnull=False)
    leaders = [k for k in c if k.startswith("pingluo:")] + [k for k in c if ":township_head:" in k]
    assert set(people.values_list("cadre_id", flat=True)) == {c[k].pk for k in leaders}
    assert people.filter(grade__excellent=True).count() >= 3
    # Each cadre result keeps the compliance snapshot it started from (PRODUCT §3).
    assert all(a.compliance and a.compliance["as_of"] == "2025-12-31" for a in people)

    publication = Publication.objects.get()
    assert publication.year == 2025 and publication.county == d["pingluo"]

    patrol = Patrol.objects.get(title=demo.PATROL_TITLE)
    deputy = c["pingluo:county_safety_deputy:0"]
    assert patrol.led_by == deputy and patrol.targets.count() >= 3
    # The current two-year round (2025–2026): the patrol is the safety deputy's Art. 14 record.
    assert patrol.duty_record.obligation.code == "14"
    two_years = cadre_compliance(deputy.pk, year=2026, as_of=local_today())["obligations"]
    assert [p["start"] for o in two_years for p in o["periods"] if o["code"] == "14" and p["met"]] == [dt.date(2025, 1, 1)]
    findings = list(patrol.findings.all())
    assert len(findings) == 2
    referred = [f for f in findings if f.case_id]
    assert len(referred) == 1
    case = referred[0].case
    assert case.state == CaseState.RECEIVED
    assert set(case.subjects.values_list("cadre_id", flat=True)) == {c["pl-baofeng:township_head:0"].pk}


def test_three_years_excellent_cadre_is_a_merit_candidate(demo_db, db):
    c = demo_db["world"].cadres
    merit = c[demo.MERIT_CANDIDATE]
    found = candidates(2025, cadre_ids=[merit.pk], on=local_today())
    assert len(found) == 1
    assert found[0]["kind"] == "merit" and found[0]["excellent_years"] == [2023, 2024, 2025]
    assert found[0]["eligible"] and not found[0]["granted"]
    # One commendation was granted through the service.
    commended = candidates(2025, cadre_ids=[c[demo.COMMENDED].pk], on=local_today())
    assert commended[0]["kind"] == "commendation" and commended[0]["granted"] == "commendation"


def test_the_art31_case_is_exempted_on_three_findings_and_explained_gaps(demo_db, db):
    """Issue 13: the demo's exempted case rests on the ledger; the blocks before December 2025
    (paper records) are each explained with evidence, then the three findings are established."""
    from cases.models import Case, CaseEvent, LedgerGapExplanation
    from cases.selectors.exemption import art31_ledger, full_performance_for
    from demo.management.commands.loaddemo import ART31_TITLE

    case = Case.objects.get(title=ART31_TITLE)
    assert case.state == CaseState.NOT_PURSUED
    subject = case.subjects.select_related("finding", "cadre").get()
    assert subject.finding.duties_fully_performed is True and subject.finding.exemption_justification == ""
    assert full_performance_for(subject) == {"duties": True, "statutory": True, "deployments": True}
    ledger = art31_ledger(subject, subject.finding.conduct_date)
    assert ledger["backed"] and ledger["gaps"]
    # Every gap lies before the ledger started, and each explanation says what paper record it rests on.
    assert all(g["end"] < demo.LEDGER_START for g in ledger["gaps"])
    explanations = list(LedgerGapExplanation.objects.filter(subject=subject))
    assert len(explanations) == len(ledger["gaps"])
    assert all("纸质" in e.reason and "附卷" in e.evidence for e in explanations)
    [findings] = CaseEvent.objects.filter(case=case, kind="findings", payload__has_key="art31_ledger")
    assert sorted(g["explanation"] for g in findings.payload["art31_ledger"]["gaps"]) == sorted(e.pk for e in explanations)
    assert "Art. 31 case not pursued" in demo_db["first_out"]
