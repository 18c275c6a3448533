"""Measures of a case (Art. 27): checking a chosen list against the concluded assessments, and
the execution tasks a decided measure becomes (Art. 34). Shared by the lifecycle (``propose``,
``deliver``) and appeals (a revised decision)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cases.codes import MEASURE_ORDER, ORGANIZATIONAL_MEASURES, Measure, SanctionKind
from cases.lifecycle.deciding import organs_allowed
from cases.lifecycle.routing import DECIDING, execution_route
from cases.models import Assessment, Case, CaseSubject, ExecutionTask, MeasureDecision
from cases.selectors.deadlines import deadline_after
from core.errors import field_error
from core.persistence import local_today, save_with_history
from core.typing import Actor
from org.access import department_of_kind
from org.models import Department, Post
from rulebooks.figures import FigureBook


def latest_conclusion(subject: CaseSubject) -> Assessment | None:
    return subject.assessments.filter(kind=Assessment.Kind.CONCLUSION).order_by("-id").first()


def validate_measures(case: Case, items: Any, *, only_subject: CaseSubject | None = None) -> list[tuple[CaseSubject, str, str]]:
    """Check a list of ``{subject, measure, sanction_kind?}`` against the concluded assessments.

    Each measure must be an Art. 27 measure allowed for its subject; every accountable subject
    needs at least one (Art. 15: an interview never replaces accountability).
    """
    if not isinstance(items, list) or not items:
        raise field_error("measures", _("Give at least one measure."))
    subjects = {s.pk: s for s in case.subjects.select_related("cadre")}
    if only_subject is not None:
        subjects = {only_subject.pk: only_subject}
    allowed: dict[int, list[str]] = {}
    accountable: dict[int, bool] = {}
    conclusions: dict[int, Assessment | None] = {}
    for sid, subject in subjects.items():
        conclusion = latest_conclusion(subject)
        conclusions[sid] = conclusion
        allowed[sid] = conclusion.output["allowed_measures"] if conclusion else []
        accountable[sid] = bool(conclusion and conclusion.output["accountable"])
    chosen: list[tuple[CaseSubject, str, str]] = []
    seen: set[tuple[int, str, str]] = set()
    for index, item in enumerate(items):
        where = f"measures[{index}]"
        if not isinstance(item, dict):
            raise field_error(where, _("Expected an object with subject and measure."))
        extra = set(item) - {"subject", "measure", "sanction_kind", "deciding_department"}
        if extra:
            raise field_error(where, _("Unknown field(s): %(f)s") % {"f": ", ".join(sorted(extra))})
        given = item.get("subject")
        if not isinstance(given, int) or isinstance(given, bool) or given not in subjects:
            raise field_error(f"{where}.subject", _("Subject %(id)s is not a subject of this case.") % {"id": given})
        sid = given
        measure = item.get("measure")
        if measure in ("interview", "yuetan", "约谈"):
            raise field_error(
                f"{where}.measure", _("An interview (约谈, Art. 15) is not an accountability measure and cannot replace one.")
            )
        if measure not in MEASURE_ORDER:
            raise field_error(
                f"{where}.measure",
                _("Unknown measure “%(m)s”; Art. 27 measures are: %(all)s")
                % {"m": measure, "all": _measure_labels(list(MEASURE_ORDER))},
            )
        subject = subjects[sid]
        if measure not in allowed[sid]:
            raise field_error(
                f"{where}.measure",
                _("Measure “%(m)s” is not allowed for subject %(id)s (%(name)s); allowed: %(allowed)s")
                % {"m": _measure_label(measure), "id": sid, "name": subject.cadre.name, "allowed": _measure_labels(allowed[sid])},
            )
        kind = item.get("sanction_kind") or ""
        if measure == "sanction":
            if kind not in SanctionKind.values:
                raise field_error(
                    f"{where}.sanction_kind",
                    _("Choose the kind of sanction: %(all)s") % {"all": _sanction_labels(list(SanctionKind.values))},
                )
            kinds = _sanctions_allowed(conclusions[sid])
            if kinds is not None and kind not in kinds:
                raise field_error(
                    f"{where}.sanction_kind",
                    _(
                        "Sanction “%(k)s” is not allowed for subject %(id)s (%(name)s) by the rulebook applied; allowed: %(allowed)s"
                    )
                    % {"k": _sanction_label(kind), "id": sid, "name": subject.cadre.name, "allowed": _sanction_labels(kinds)},
                )
        elif kind:
            raise field_error(f"{where}.sanction_kind", _("Only a disciplinary sanction (处分) takes a sanction kind."))
        key = (sid, measure, kind)
        if key in seen:
            raise field_error(where, _("This measure is listed twice for the same subject."))
        seen.add(key)
        chosen.append((subject, measure, kind))
    without = [subjects[sid].cadre.name for sid in subjects if accountable[sid] and sid not in {s.pk for s, _m, _k in chosen}]
    if without:
        raise field_error("measures", _("Accountable subjects without a measure: %(names)s") % {"names": "、".join(without)})
    # With several circumstances, the chosen measures must answer each of them: a notice chosen
    # for an accident does not answer an obstruction whose policy row excludes a mere notice.
    for sid, subject in subjects.items():
        conclusion = conclusions[sid]
        by_circumstance = (conclusion.output.get("measures_by_circumstance") or {}) if conclusion else {}
        sanctions_by = (conclusion.output.get("sanctions_by_circumstance") or {}) if conclusion else {}
        picked = [(m, k) for s, m, k in chosen if s.pk == sid]
        if not picked:
            continue
        unanswered = [c for c in by_circumstance if not any(_answers(m, k, by_circumstance, sanctions_by, c) for m, k in picked)]
        if unanswered:
            raise field_error(
                "measures",
                _("For %(name)s, no chosen measure answers circumstance(s) %(codes)s; choose one of: %(allowed)s")
                % {
                    "name": subject.cadre.name,
                    "codes": ", ".join(unanswered),
                    "allowed": "; ".join(f"{c}: {_measure_labels(by_circumstance[c])}" for c in unanswered),
                },
            )
    return chosen


def measure_organs(case: Case, items: list[Any], chosen: list[tuple[CaseSubject, str, str]]) -> list[Department]:
    """The deciding organ of each chosen measure (``cases.lifecycle.deciding``), in the order of
    ``chosen`` (which ``validate_measures`` returned for ``items``). ``deciding_department`` (an
    id) may name, for 通报 and 诫勉, the case's owner or the organization department with
    authority over the post; for any other measure it may only name the organ the rules give."""
    subject_ids = {s.pk for s, _m, _k in chosen}
    posts: dict[int, list[Post]] = {}
    for post in Post.objects.filter(cadre__subjects__pk__in=subject_ids).select_related("managing_authority"):
        posts.setdefault(post.cadre_id, []).append(post)
    organs: list[Department] = []
    for index, (item, (subject, measure, _kind)) in enumerate(zip(items, chosen, strict=True)):
        allowed = organs_allowed(case, subject, measure, posts.get(subject.cadre_id, []))
        given = item.get("deciding_department")
        if given is None:
            organs.append(allowed[0])
            continue
        match = (
            next((d for d in allowed if d.pk == given), None) if isinstance(given, int) and not isinstance(given, bool) else None
        )
        if match is None:
            raise field_error(
                f"measures[{index}].deciding_department",
                _("“%(m)s” is decided by %(organs)s (问责条例第十二条, Art. 34).")
                % {"m": Measure(measure).label, "organs": "、".join(d.name for d in allowed)},
            )
        organs.append(match)
    return organs


def _answers(
    measure: str, kind: str, measures_by: dict[str, list[str]], sanctions_by: dict[str, list[str]], circumstance: str
) -> bool:
    """Whether one chosen measure answers a circumstance. Engine 2 also grades sanctions per
    circumstance: a 党内警告 does not answer a circumstance whose range starts at 撤销党内职务."""
    if measure not in measures_by[circumstance]:
        return False
    return measure != "sanction" or circumstance not in sanctions_by or kind in sanctions_by[circumstance]


def _sanctions_allowed(conclusion: Assessment | None) -> list[str] | None:
    """The sanction kinds engine 2 allows for some circumstance; ``None`` for engine 1's
    conclusions, which did not grade sanctions."""
    if conclusion is None or "sanctions_by_circumstance" not in conclusion.output:
        return None
    by = conclusion.output["sanctions_by_circumstance"]
    return [k for k in SanctionKind.values if any(k in kinds for kinds in by.values())]


def _sanction_labels(codes: list[str]) -> str:
    """The names in the active language, e.g. ``党内警告、记过``: messages reach officers, who
    never see codes (issue 16 item 5); API clients read the codes off the field and the conclusion."""
    return "、".join(str(SanctionKind(code).label) for code in codes) or "—"


def _measure_labels(codes: list[str]) -> str:
    """The names in the active language, e.g. ``通报、诫勉``."""
    return "、".join(str(Measure(code).label) for code in codes) or "—"


def _sanction_label(code: str) -> str:
    return str(SanctionKind(code).label) if code in SanctionKind.values else code


def _measure_label(code: str) -> str:
    return str(Measure(code).label) if code in Measure.values else code


def executing_department(case: Case, measure: str) -> Department:
    """Art. 34 / PRODUCT §1.4: sanctions → discipline; organizational measures and 诫勉 →
    organization; a notice → the deciding department."""
    route = execution_route(measure)
    if route == DECIDING:
        return case.owner_department
    return department_of_kind(route, near=case.owner_department)


def measure_deadline_code(measure: str) -> str:
    return "organizational_measure" if measure in ORGANIZATIONAL_MEASURES else "measure_execution"


def create_execution_tasks(
    case: Case, rows: list[MeasureDecision], user: Actor, *, reason: str, figures: FigureBook | None = None
) -> list[ExecutionTask]:
    tasks = []
    figures = figures or FigureBook.load()  # the rulebooks' limits, once for every row
    for row in rows:
        task = ExecutionTask(
            case=case,
            subject=row.subject,
            kind=ExecutionTask.Kind.MEASURE,
            measure=row,
            department=executing_department(case, row.measure),
            due_on=deadline_after(
                measure_deadline_code(row.measure),
                row.decided_on or local_today(),
                department=case.owner_department_id,
                figures=figures,
            ),
        )
        save_with_history(task, acting_user=user, reason=reason)
        tasks.append(task)
    return tasks
