"""Chapter 4: annual assessment (Art. 16, 18), patrols (Art. 14), interviews (Art. 15) and the
publication of results (Art. 20)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.codes import InterviewGround
from appraisal.models import AnnualAssessment, AssessmentGrade, Interview, Patrol, PatrolFinding, Publication
from cases.models import Case
from cases.services.leads import lead_create
from core.errors import NOT_FOUND, NotFound, PreconditionFailed, field_error
from core.persistence import local_today, lock, save_with_history
from core.typing import Actor
from duties.codes import Activity, Organ
from duties.selectors.catalog import catalog_for
from duties.selectors.compliance import cadre_compliance
from duties.selectors.ledger import in_force
from duties.services.access import require_keeper
from duties.services.ledger import organ_record_create, post_for, record_create
from org.access import county_of
from org.jurisdiction import unit_ids
from org.models import Cadre, Department


def _in_county(county: Department | None, ids: list[int] | None, department: Department, field: str) -> None:
    if county is not None and department.pk not in (ids or []):
        raise field_error(field, _("%(d)s is not in your county.") % {"d": department.name})


def _cadre_in_county(county: Department | None, ids: list[int] | None, cadre: Cadre, field: str) -> None:
    if county is not None and not cadre.posts.filter(organization_id__in=ids or []).exists():
        raise field_error(field, _("%(c)s holds no post in your county.") % {"c": cadre.name})


def _year(year: int) -> int:
    if not isinstance(year, int) or year < 2021 or year > local_today().year:
        raise field_error("year", _("Expected a year from 2021 (when the 细则 took effect) to this year."))
    return year


def grade_by_code(code: str) -> AssessmentGrade:
    grade = AssessmentGrade.objects.filter(code=code, active=True).first()
    if grade is None:
        codes = ", ".join(AssessmentGrade.objects.filter(active=True).values_list("code", flat=True))
        raise field_error("grade", _("Unknown grade “%(g)s”; expected one of %(codes)s.") % {"g": code, "codes": codes})
    return grade


@transaction.atomic
def assessment_record(
    *,
    acting_user: Actor,
    year: int,
    grade: str,
    department: Department | None = None,
    cadre: Cadre | None = None,
    score: Decimal | None = None,
    rank: int | None = None,
    ranked_of: int | None = None,
    note: str = "",
) -> AnnualAssessment:
    """Record (or revise, keeping the history) the year's result of a department, township or
    park (Art. 16) or of a cadre (Art. 18). A cadre's result keeps a snapshot of the year's duty
    compliance it started from (PRODUCT §3)."""
    county = require_keeper(acting_user)
    ids = unit_ids(county) if county is not None else None
    year = _year(year)
    grade_row = grade_by_code(grade)
    if (department is None) == (cadre is None):
        raise field_error("department", _("Give either a department or a cadre."))
    if department is not None:
        _in_county(county, ids, department, "department")
        if department.level not in (Department.Level.DEPARTMENT, Department.Level.TOWNSHIP):
            raise field_error("department", _("Only departments, townships and the park are assessed (Art. 16)."))
    if cadre is not None:
        _cadre_in_county(county, ids, cadre, "cadre")
    top = settings.ZEREN_ASSESSMENT_SCORE_MAX
    if score is not None and not (0 <= score <= top):
        raise field_error("score", _("The score must be between 0 and %(top)s.") % {"top": top})
    if (rank is None) != (ranked_of is None):
        raise field_error("rank", _("Give the rank together with the number ranked."))
    if rank is not None and ranked_of is not None and not (1 <= rank <= ranked_of):  # both or neither: checked above
        raise field_error("rank", _("The rank must be between 1 and the number ranked."))
    existing = AnnualAssessment.objects.select_for_update().filter(year=year, department=department, cadre=cadre).first()
    row = existing or AnnualAssessment(year=year, department=department, cadre=cadre, recorded_by=acting_user)
    row.grade = grade_row
    row.score = score
    row.rank = rank
    row.ranked_of = ranked_of
    row.note = (note or "").strip()
    row.recorded_by = acting_user
    row.recorded_at = timezone.now()
    if cadre is not None:
        as_of = min(local_today(), dt.date(year, 12, 31))
        summary = cadre_compliance(cadre.pk, year=year, as_of=as_of)
        row.compliance = {
            "as_of": as_of.isoformat(),
            "fully_met": summary["fully_met"],
            "missed": [
                {
                    "obligation": o["code"],
                    "citation": o["citation"],
                    "periods": [str(p["start"]) for p in o["periods"] if p["status"] == "missed"],
                }
                for o in summary["obligations"]
                if not o["met"]
            ],
        }
    save_with_history(row, acting_user=acting_user, reason="assessment revised" if existing else "assessment")
    return row


# --- patrols (Art. 14) -----------------------------------------------------------------------


@transaction.atomic
def patrol_create(
    *,
    acting_user: Actor,
    title: str,
    started_on: dt.date,
    targets: list[Department],
    ended_on: dt.date | None = None,
    led_by: Cadre | None = None,
    summary: str = "",
) -> Patrol:
    """Record a round of the safety committee's patrol, with the Art. 14 duty record of the
    catalog in force for the county on its last day: from 2027 the committee's own (an organ
    record kept by its office, whoever led the round); before, the county leader in charge of
    work safety's, when that cadre led it (the first catalog's reading, ``docs/duties.md``)."""
    county = require_keeper(acting_user)
    ids = unit_ids(county) if county is not None else None
    if not (title or "").strip():
        raise field_error("title", _("This field is required."))
    if not targets:
        raise field_error("targets", _("Name at least one patrolled department, township or park."))
    for target in targets:
        _in_county(county, ids, target, "targets")
    today = local_today()
    if started_on > today:
        raise field_error("started_on", _("The date is in the future."))
    if ended_on is not None and (ended_on < started_on or ended_on > today):
        raise field_error("ended_on", _("Must be between the start and today."))
    if led_by is not None:
        _cadre_in_county(county, ids, led_by, "led_by")
    patrol = Patrol(
        title=title.strip(),
        started_on=started_on,
        ended_on=ended_on,
        led_by=led_by,
        summary=(summary or "").strip(),
        county=county or county_of(targets[0]),
        recorded_by=acting_user,
    )
    save_with_history(patrol, acting_user=acting_user, reason="patrol")
    patrol.targets.set(targets)
    day = ended_on or started_on
    rows = in_force(catalog_for(patrol.county, day).catalog, day, activity=Activity.PATROL)
    note = _("Patrol: %(t)s") % {"t": patrol.title}
    committee = next((o for o in rows if Organ.COUNTY_SAFETY_COMMITTEE in o.organs), None)
    led = next((o for o in rows if led_by is not None and post_for(led_by, o, day) is not None), None)
    if committee is not None:
        patrol.duty_record = organ_record_create(
            acting_user=acting_user, unit=patrol.county, obligation=committee, date=day, note=note
        )
    elif led is not None and led_by is not None:
        patrol.duty_record = record_create(acting_user=acting_user, cadre=led_by, obligation=led, date=day, note=note)
    if patrol.duty_record_id is not None:
        save_with_history(patrol, acting_user=acting_user, reason="patrol: duty record")
    return patrol


def _require_own_patrol(county: Department | None, patrol: Patrol) -> None:
    """A patrol is the county committee's own: another county's keepers cannot touch it."""
    if county is not None and patrol.county_id != county.pk:
        raise NotFound(NOT_FOUND)


@transaction.atomic
def patrol_finding_add(
    *, acting_user: Actor, patrol: Patrol, department: Department, text: str, cadres: Sequence[Cadre] = ()
) -> PatrolFinding:
    county = require_keeper(acting_user)
    patrol = lock(Patrol, patrol.pk)
    _require_own_patrol(county, patrol)
    if not patrol.targets.filter(pk=department.pk).exists():
        raise field_error("department", _("%(d)s was not patrolled in this round.") % {"d": department.name})
    if not (text or "").strip():
        raise field_error("text", _("Describe the problem found."))
    finding = PatrolFinding(patrol=patrol, department=department, text=text.strip(), recorded_by=acting_user)
    save_with_history(finding, acting_user=acting_user, reason="patrol finding")
    finding.cadres.set(cadres)
    return finding


@transaction.atomic
def patrol_finding_refer(*, acting_user: Actor, finding_id: int, circumstances: list[str] | None = None) -> Case:
    """Hand a patrol finding over as a lead (Art. 34): a case in ``received`` at the county's
    discipline organ, with the cadres concerned as subjects."""

    county = require_keeper(acting_user)
    finding = lock(PatrolFinding, finding_id)
    _require_own_patrol(county, finding.patrol)
    if finding.case_id:
        raise PreconditionFailed(_("This finding was already handed over as a lead."))
    cadres = list(finding.cadres.all())
    if not cadres:
        raise field_error("cadres", _("Name the cadres concerned before handing the finding over."))
    case = lead_create(
        acting_user=acting_user,
        title=_("Work-safety patrol finding: %(d)s") % {"d": finding.department.name},
        facts=f"{finding.patrol.title}\n{finding.text}",
        source_kind="supervision",
        subjects=cadres,
        circumstances=circumstances,
    )
    finding.case = case
    save_with_history(finding, acting_user=acting_user, reason="handed over as a lead")
    return case


# --- interviews (Art. 15) --------------------------------------------------------------------


@transaction.atomic
def interview_record(
    *,
    acting_user: Actor,
    held_on: dt.date,
    department: Department,
    cadre: Cadre,
    ground: str,
    notes: str,
    assessment: AnnualAssessment | None = None,
) -> Interview:
    """Record a 约谈. It is not an accountability measure and changes no case or record of
    measures (Art. 15: "安全生产约谈不能代替对有关责任人员诫勉及党纪政务处分的问责措施")."""
    county = require_keeper(acting_user)
    ids = unit_ids(county) if county is not None else None
    _in_county(county, ids, department, "department")
    if ground not in InterviewGround.values:
        raise field_error("ground", _("Expected one of %(codes)s.") % {"codes": ", ".join(InterviewGround.values)})
    if held_on > local_today():
        raise field_error("held_on", _("The date is in the future."))
    if not (notes or "").strip():
        raise field_error("notes", _("Record what was said and the rectification asked for."))
    if not any(p.organization_id == department.pk and p.held_on(held_on) for p in cadre.posts.all()):
        raise field_error(
            "cadre", _("%(c)s held no post in %(d)s on %(day)s.") % {"c": cadre.name, "d": department.name, "day": held_on}
        )
    if ground == InterviewGround.ASSESSMENT_LAST_FAILED:
        if assessment is None or assessment.department_id != department.pk:
            raise field_error(
                "assessment", _("Name the department's annual assessment that ranked it last and failed it (Art. 15).")
            )
        if not (assessment.grade.failing and assessment.ranked_last):
            raise field_error(
                "assessment",
                _("Art. 15 applies to a department ranked last and failed; this assessment is %(g)s, rank %(r)s of %(n)s.")
                % {"g": assessment.grade.label, "r": assessment.rank or "—", "n": assessment.ranked_of or "—"},
            )
    interview = Interview(
        held_on=held_on,
        department=department,
        cadre=cadre,
        ground=ground,
        assessment=assessment,
        notes=notes.strip(),
        recorded_by=acting_user,
    )
    save_with_history(interview, acting_user=acting_user, reason="interview (约谈)")
    return interview


# --- publication (Art. 20) -------------------------------------------------------------------


@transaction.atomic
def publish(*, acting_user: Actor, year: int, published_on: dt.date, channel: str) -> Publication:
    county = require_keeper(acting_user)
    year = _year(year)
    if not (channel or "").strip():
        raise field_error("channel", _("Say how the results were published (通报、公示…)."))
    if published_on > local_today() or published_on.year < year:
        raise field_error("published_on", _("Must be in or after the assessed year, and not in the future."))
    if county is None:
        raise field_error("year", _("Publish as a member of a county department."))
    ids = unit_ids(county)
    if not AnnualAssessment.objects.filter(year=year, department_id__in=ids).exists():
        raise PreconditionFailed(_("No assessment results are recorded for %(y)s.") % {"y": year})
    row = Publication(year=year, county=county, published_on=published_on, channel=channel.strip(), published_by=acting_user)
    save_with_history(row, acting_user=acting_user, reason="results published (Art. 20)")
    return row
