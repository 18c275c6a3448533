"""Running the rule engine under the rulebook that applies (PRODUCT §2, issue 13). The engine is
pure (``cases.rules.engine``); this module chooses the rulebooks, reads the subject's data and
replays stored assessments.

Which rulebook: the one of the jurisdiction (a department, walking up to the national rules) in
force on the conduct date; and, for 从旧兼从轻, the one in force today for the same jurisdiction —
when it treats the finding more lightly it applies, and the answer names both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from cases.models import CaseSubject
from cases.rules import engine_v1, policy_v1
from cases.rules.engine import AssessmentInputError, assess, choose_lighter, parse_input
from cases.rules.policy import policy_from_snapshot, snapshot
from cases.selectors.exemption import full_performance_for
from core.persistence import local_today
from org.access import county_of, membership_of
from org.codes import CadreStatus, MoveKind
from org.models import Department, Post
from rulebooks.selectors import NoRulebookInForce, effective, rulebook_for

Snapshots = tuple[dict[str, Any], dict[str, Any] | None]


def default_jurisdiction() -> Department | None:
    """Where no caller names one (the CLI): ``ZEREN_DEFAULT_JURISDICTION`` (a department code),
    or the national rules when that department does not exist."""
    code = getattr(settings, "ZEREN_DEFAULT_JURISDICTION", "")
    return Department.objects.filter(code=code).select_related("parent").first() if code else None


def caller_county(user: Any) -> Department | None:
    """The API's default jurisdiction: the county of the caller's department."""
    membership = membership_of(user)
    return county_of(membership.department) if membership is not None else default_jurisdiction()


def department_named(value: str) -> Department | None:
    """A department by code, or by id when ``value`` is a number (the CLI's ``--jurisdiction``)."""
    rows = Department.objects.select_related("parent")
    return rows.filter(pk=int(value)).first() if value.isdigit() else rows.filter(code=value).first()


def jurisdiction_from(value: Any, fallback: Department | None) -> Department | None:
    """The department named by an input's ``jurisdiction`` (an id), else ``fallback``."""
    if value is None:
        return fallback
    if not isinstance(value, int) or isinstance(value, bool):
        raise AssessmentInputError("jurisdiction", "expected an integer (a department id)", "应为整数（部门编号）")
    found = Department.objects.filter(pk=value).select_related("parent").first()
    if found is None:
        raise AssessmentInputError("jurisdiction", f"no department with id {value}", f"没有编号为 {value} 的部门")
    return found


def snapshots_for(jurisdiction: Department | None, day: dt.date, *, today: dt.date | None = None) -> Snapshots:
    """The rulebook snapshots for a conduct on ``day``: in force then, and in force ``today``
    when that is a different rulebook (else ``None``). Raises ``AssessmentInputError`` before
    the earliest rulebook."""
    try:
        then = rulebook_for(jurisdiction, day)
    except NoRulebookInForce as exc:
        earliest = exc.earliest
        first = f"{earliest.code}（《{earliest.title}》，自 {earliest.valid_from.isoformat()} 施行）" if earliest else "无"
        first_en = f"{earliest.code}, in force from {earliest.valid_from.isoformat()}" if earliest else "none is loaded"
        raise AssessmentInputError(
            "conduct_date",
            f"no rulebook is in force on {day.isoformat()}; the earliest rulebook is {first_en}",
            f"{day.isoformat()} 没有有效的规则集；最早的规则集为 {first}",
        ) from exc
    at_conduct = snapshot(effective(then))
    try:
        now = rulebook_for(jurisdiction, today or local_today())
    except NoRulebookInForce:
        return at_conduct, None
    if now.pk == then.pk:
        return at_conduct, None
    return at_conduct, snapshot(effective(now))


def assess_under(data: Any, snaps: Snapshots, *, today: dt.date | None = None) -> dict[str, Any]:
    """Assess under the rulebook at the conduct and, if different, today's; apply the lighter."""
    at_conduct, current = snaps
    output = assess(data, policy_from_snapshot(at_conduct), today=today)
    if current is None:
        return output
    try:
        later = assess(data, policy_from_snapshot(current), today=today)
    except AssessmentInputError:
        # The finding does not exist in today's rules (a circumstance they dropped): nothing to compare.
        return output
    return choose_lighter(output, later)


def evaluate(data: Any, *, jurisdiction: Department | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate ``data`` and evaluate it for ``jurisdiction`` (``data["jurisdiction"]`` wins).

    Returns ``(output, stored_policy)``: what an assessment keeps besides its input, enough to
    replay it. Raises ``AssessmentInputError`` naming the field."""
    today = local_today()
    inp = parse_input(data, today=today)
    place = jurisdiction_from(inp.jurisdiction, jurisdiction)
    snaps = snapshots_for(place, inp.conduct_date, today=today)
    output = assess_under(data, snaps, today=today)
    stored = dict(snaps[0])
    if snaps[1] is not None:
        stored["current"] = snaps[1]
    return output, stored


def replay(stored_input: dict[str, Any]) -> dict[str, Any]:
    """Re-evaluate a stored assessment with the engine and the rulebook snapshot it was made with.

    Engine 1 (before rulebooks) kept a measures-policy snapshot without ``engine``; it replays
    with the frozen engine 1."""
    policy = stored_input["policy"]
    if policy.get("engine") != 2:
        return engine_v1.assess(stored_input["data"], policy_v1.policy_from_snapshot(policy))
    return assess_under(stored_input["data"], (policy, policy.get("current")))


def cadre_status_for(subject: CaseSubject, conduct_date: dt.date, *, posts: Iterable[Post] | None = None) -> str:
    """The cadre's status relative to the post held at the conduct (Art. 32): still there,
    transferred, promoted (judged by the moves after the conduct) or retired.

    ``posts``: the cadre's posts already loaded (a page showing many subjects); otherwise they
    are read here."""
    cadre = subject.cadre
    if cadre.status == CadreStatus.RETIRED:
        return CadreStatus.RETIRED
    if posts is None:
        posts = Post.objects.filter(cadre_id=cadre.pk, start__gt=conduct_date).exclude(move_kind=MoveKind.APPOINTMENT)
    kinds = [p.move_kind for p in posts if p.start > conduct_date and p.move_kind != MoveKind.APPOINTMENT]
    if not kinds:
        return CadreStatus.IN_OFFICE
    return CadreStatus.PROMOTED if MoveKind.PROMOTION in kinds else CadreStatus.TRANSFERRED


def finding_input(subject: CaseSubject, *, posts: Iterable[Post] | None = None, verify_ledger: bool = True) -> dict[str, Any]:
    """The engine input for a subject's findings; the case's accident gives the grade, and Art.
    31's three findings their conjunction (the duties condition re-checked against the duty
    ledger unless ``verify_ledger`` is false: a page's preview reads only what was found)."""
    finding = subject.finding
    full = full_performance_for(subject, verify_ledger=verify_ledger)
    data: dict[str, Any] = {
        "circumstances": list(finding.circumstances),
        "aggravating": list(finding.aggravating),
        "mitigating": finding.mitigating,
        "duties_fully_performed": all(full.values()),
        "full_performance": full,
        "fault_tolerance": finding.fault_tolerance,
        "suspected_crime": finding.suspected_crime,
        "egregious": finding.egregious,
        "cadre_status": cadre_status_for(subject, finding.conduct_date, posts=posts),
        "conduct_date": finding.conduct_date.isoformat(),
    }
    data.update(accident_grade_of(subject))
    return data


def accident_grade_of(subject: CaseSubject) -> dict[str, str]:
    """``{"accident_grade": …}`` when the subject's case concerns a graded accident, else ``{}``."""
    accident = subject.case.accident
    return {"accident_grade": accident.grade} if accident is not None and accident.grade else {}


def case_jurisdiction(subject: CaseSubject) -> Department:
    """A case is assessed under the rules of the department that handles it (and its county)."""
    return subject.case.owner_department


def evaluate_subject(subject: CaseSubject) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``(input, output, stored_policy)`` for one subject's findings."""
    data = finding_input(subject)
    output, stored = evaluate(data, jurisdiction=case_jurisdiction(subject))
    return data, output, stored
