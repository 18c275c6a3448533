"""Appeal routes of decided measures (issue 14 item 5): for each decided measure, the routes it
opens (``cases.rules.appeals``), and for each stage the body that decides it and the window, with
the policy row (citation, verification) that sets it. ``appeal_routes_for(subject)`` is what the
API, the pages and the decision documents read; ``AppealContext`` reads what the subjects of one
case need once, so a case costs the same few queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from cases.models import Appeal, Case, CaseSubject, DeadlinePolicy, MeasureDecision
from cases.rules import appeals as rules
from cases.selectors.deadlines import deadline_due
from core.persistence import local_today
from org.access import JURISDICTION_LEVELS, county_of
from org.codes import DepartmentKind
from org.models import Department, Post
from rulebooks.figures import FigureBook

DECIDED_APPEAL_STATES = (Appeal.State.UPHELD, Appeal.State.REVISED)


@dataclass(frozen=True)
class Limit:
    """A window or a decision limit: the policy row in force and, when its start is known, the
    last day (``ends_on``; ``approximate`` when counted in working days past the calendar)."""

    code: str
    amount: int
    unit: str
    citation: str
    verified: bool
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    approximate: bool = False


@dataclass(frozen=True)
class StageOption:
    stage: str
    order: int  # 1 or 2
    after: str | None  # the stage whose decision this one is filed against
    starts: str  # rules.DELIVERY or rules.PREVIOUS_DECISION
    basis: str
    body: Department | None  # the body that decides it (the default when there are several)
    alternatives: tuple[Department, ...]  # other bodies the law lets the appellant choose
    window: Limit | None  # None: no limit (``no_window_basis`` says why) or none in force
    direct_window: Limit | None  # the civil servant's 申诉 without 复核
    no_window_basis: str
    decision: Limit | None


@dataclass(frozen=True)
class RouteOption:
    route: str
    basis: str
    stages: tuple[StageOption, ...]


@dataclass(frozen=True)
class MeasureRoutes:
    measure: MeasureDecision
    decided_by: Department | None  # the organ that decided the measure (first stage's body)
    routes: tuple[RouteOption, ...] = field(default=())


class AppealContext:
    """What the routes of one case's subjects are computed from: the discipline and organization
    departments of the jurisdictions concerned, the route limits, the rulebooks' figures and the
    case's appeals. Four or five queries, once per case."""

    def __init__(self, case: Case) -> None:
        self.case = case
        owner = case.owner_department
        # The authority managing each subject's post at the time of the conduct (干部管理权限).
        self._managing_of: dict[int, int | None] = dict(
            CaseSubject.objects.filter(case=case, post__isnull=False).values_list("pk", "post__managing_authority_id")
        )
        wanted = {owner.pk, *(i for i in self._managing_of.values() if i)}
        rows = Department.objects.filter(
            Q(kind__in=(DepartmentKind.DISCIPLINE, DepartmentKind.ORGANIZATION))
            | Q(level__in=JURISDICTION_LEVELS)
            | Q(pk__in=wanted)
        ).order_by("id")
        self.departments: dict[int, Department] = {d.pk: d for d in rows}
        self.policies: dict[str, list[DeadlinePolicy]] = {}
        for p in DeadlinePolicy.objects.filter(code__in=rules.policy_codes()).order_by("code", "-valid_from"):
            self.policies.setdefault(p.code, []).append(p)
        self.figures = FigureBook.load()
        self.appeals: list[Appeal] = list(Appeal.objects.filter(case=case).order_by("id"))

    # --- departments ------------------------------------------------------------------------

    def jurisdiction_of(self, department_id: int) -> int | None:
        """The county, city or region a department belongs to (``org.access.county_of``)."""
        node = self.departments.get(department_id)
        if node is None:
            node = county_of(Department.objects.get(pk=department_id))
            self.departments[node.pk] = node
        for _depth in range(20):
            if node.level in JURISDICTION_LEVELS or node.parent_id is None:
                return node.pk
            parent = self.departments.get(node.parent_id)
            if parent is None:
                return county_of(node).pk
            node = parent
        return None

    def above(self, jurisdiction_id: int | None) -> int | None:
        """The jurisdiction one level above (the city above a county)."""
        node = self.departments.get(jurisdiction_id) if jurisdiction_id else None
        for _depth in range(20):
            if node is None or node.parent_id is None:
                return None
            node = self.departments.get(node.parent_id)
            if node is not None and node.level in JURISDICTION_LEVELS:
                return node.pk
        return None

    def organ(self, kind: str, jurisdiction_id: int | None) -> Department | None:
        """The department of ``kind`` serving a jurisdiction (``org.access.department_of_kind``)."""
        if jurisdiction_id is None:
            return None
        found = [
            d for d in self.departments.values() if d.kind == kind and (d.pk == jurisdiction_id or d.parent_id == jurisdiction_id)
        ]
        return min(found, key=lambda d: d.pk) if found else None

    def managing_authority(self, subject: CaseSubject) -> Department | None:
        """The authority that manages the subject's post (干部管理权限): the post at the time of
        the conduct, else the cadre's latest post."""
        if subject.pk in self._managing_of:
            authority_id = self._managing_of[subject.pk]
        else:
            authority_id = (
                Post.objects.filter(cadre_id=subject.cadre_id)
                .order_by("-start", "-id")
                .values_list("managing_authority_id", flat=True)
                .first()
            )
            self._managing_of[subject.pk] = authority_id
        if authority_id is None:
            return None
        if authority_id not in self.departments:
            self.departments[authority_id] = Department.objects.get(pk=authority_id)
        return self.departments[authority_id]

    def decided_by(self, subject: CaseSubject, measure: str) -> Department | None:
        """The organ that decided a measure (``rules.decided_by``)."""
        who = rules.decided_by(measure)
        if who == rules.BY_CASE_OWNER:
            return self.departments.get(self.case.owner_department_id) or self.case.owner_department
        if who == rules.BY_MANAGING_AUTHORITY:
            authority = self.managing_authority(subject)
            if authority is not None:
                return authority
            return self.organ(DepartmentKind.ORGANIZATION, self.jurisdiction_of(self.case.owner_department_id))
        return self.organ(DepartmentKind.DISCIPLINE, self.jurisdiction_of(self.case.owner_department_id))

    def bodies(self, stage: rules.Stage, decided_by: Department | None) -> list[Department]:
        """Who may decide ``stage`` of an appeal against a measure ``decided_by`` decided: the
        default first, then the alternatives; empty when no such department is configured."""
        if decided_by is None:
            return []
        here = self.jurisdiction_of(decided_by.pk)
        found: list[Department | None]
        if stage.body == rules.DECIDING_ORGAN:
            found = [decided_by]
            if stage.also_above:
                found.append(self.organ(decided_by.kind, self.above(here)))
        elif stage.body == rules.SUPERVISION_ABOVE:
            found = [self.organ(DepartmentKind.DISCIPLINE, self.above(here))]
        else:  # CIVIL_SERVICE_APPEAL: the organ above the original one, or the same-level 公务员主管部门
            found = [
                self.organ(DepartmentKind.ORGANIZATION, self.above(here)),
                self.organ(DepartmentKind.ORGANIZATION, here),
            ]
        out: list[Department] = []
        for d in found:
            if d is not None and d not in out:
                out.append(d)
        return out

    # --- limits -----------------------------------------------------------------------------

    def limit(self, code: str | None, start: dt.date | None) -> Limit | None:
        """The limit ``code`` in force on ``start`` (today when unknown) where the case is handled,
        with its last day when ``start`` is known; ``None`` when no row is in force."""
        if not code:
            return None
        on = start or local_today()
        try:
            due = deadline_due(
                code,
                on,
                department=self.case.owner_department_id,
                policies=self.policies.get(code, []),
                figures=self.figures,
            )
        except LookupError:
            return None
        ends = due.at.date() if isinstance(due.at, dt.datetime) else due.at
        p = due.policy
        return Limit(
            code=code,
            amount=p.amount,
            unit=p.unit,
            citation=p.citation,
            verified=p.verified,
            starts_on=start,
            ends_on=ends if start else None,
            approximate=due.approximate,
        )

    def decided_first_stage(self, subject: CaseSubject, route: str, stage: str, body: Department | None) -> Appeal | None:
        """The latest decided appeal of ``subject`` at ``stage`` of ``route`` before ``body``."""
        found = [
            a
            for a in self.appeals
            if a.subject_id == subject.pk
            and a.route == route
            and a.stage == stage
            and a.state in DECIDED_APPEAL_STATES
            and (body is None or a.deciding_department_id == body.pk)
        ]
        return found[-1] if found else None

    # --- routes -----------------------------------------------------------------------------

    def measure_routes(self, subject: CaseSubject, measure: MeasureDecision) -> MeasureRoutes:
        # The organ recorded on the measure (issue 14 item 1) when there is one; older rows: the rule.
        if measure.deciding_department_id is not None:
            decided_by = self.departments.get(measure.deciding_department_id) or measure.deciding_department
        else:
            decided_by = self.decided_by(subject, measure.measure)
        routes = []
        for code in rules.routes_of(measure.measure, measure.sanction_kind):
            route = rules.ROUTES[code]
            stages = []
            for order, stage in enumerate(route.stages, start=1):
                bodies = self.bodies(stage, decided_by)
                delivered = self.case.delivered_on
                if stage.starts == rules.DELIVERY:
                    start = delivered
                else:
                    before = self.decided_first_stage(subject, code, stage.after or "", decided_by)
                    start = before.decision_delivered_on if before is not None else None
                stages.append(
                    StageOption(
                        stage=stage.code,
                        order=order,
                        after=stage.after,
                        starts=stage.starts,
                        basis=stage.basis,
                        body=bodies[0] if bodies else None,
                        alternatives=tuple(bodies[1:]),
                        window=self.limit(stage.window, start),
                        direct_window=self.limit(stage.direct_window, delivered),
                        no_window_basis=stage.no_window_basis,
                        decision=self.limit(stage.decision, None),
                    )
                )
            routes.append(RouteOption(route=code, basis=route.basis, stages=tuple(stages)))
        return MeasureRoutes(measure=measure, decided_by=decided_by, routes=tuple(routes))


def decided_of(subject: CaseSubject) -> list[MeasureDecision]:
    """The subject's decided measures, from the prefetched rows when there are some."""
    return sorted((m for m in subject.measures.all() if m.state == MeasureDecision.State.DECIDED), key=lambda m: m.pk)


def appeal_routes_for(subject: CaseSubject, *, context: AppealContext | None = None) -> list[MeasureRoutes]:
    """For each decided measure of ``subject``: its routes, each stage's body and window. Pass the
    ``context`` of the subject's case to answer many subjects with the same queries."""
    measures = decided_of(subject)
    if not measures:
        return []
    ctx = context or AppealContext(subject.case)
    return [ctx.measure_routes(subject, m) for m in measures]


def open_routes(subject: CaseSubject) -> list[str]:
    """The routes the subject's decided measures open, in the order of ``rules.ROUTES``."""
    opened = {r for m in decided_of(subject) for r in rules.routes_of(m.measure, m.sanction_kind)}
    return [r for r in rules.ROUTES if r in opened]
