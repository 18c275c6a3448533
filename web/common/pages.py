"""The view-models of the dashboard, task and case pages: rows of the domain selectors
(``cases.selectors``, ``org.selectors``, ``workflows.selectors``) put together the way a page
shows them. Nothing here queries the database itself; every write goes through
``cases.services`` or ``workflows.services``. Each function runs a fixed number of queries
whatever the number of rows, so the inbox, the list and the case page keep their query budgets.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from cases.codes import DECIDED_STATES, ENDED_EARLY_STATES, CaseState
from cases.models import Accident, Case, CaseEvent, CaseMaterial, CaseSubject, InterimMeasure, MeasureDecision
from cases.rules.engine import AssessmentInputError
from cases.selectors import case_history, decided_measures
from cases.selectors.assessments import Snapshots, assess_under, case_jurisdiction, finding_input, snapshots_for
from cases.selectors.deadlines import Deadline, open_deadlines
from cases.selectors.pages import (
    accident_titles,
    cases_by_id,
    department_names,
    measure_names,
    subject_names,
)
from org.access import membership_of
from org.codes import MoveKind, Rank
from org.models import Department, Post
from org.selectors import department_members, departments_by_id, later_moves, posts_by_id, users_by_id, users_by_username
from web.common.labels import EVENT_LABELS, STEP_OF, STEPS
from workflows.flows import AppealFlow
from workflows.selectors import case_tasks, case_teams, is_team_task

OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


# --- people -------------------------------------------------------------------------------------


def display_name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.username


# --- tasks --------------------------------------------------------------------------------------

# The clock that runs while a task waits (cases.selectors.deadlines kinds), by node.
_DEADLINE_KIND = {
    "inquiry": "inquiry_reply",
    "acknowledge": "referral_acknowledgement",
    "execute_organization": "execution",
    "execute_discipline": "execution",
    "execute_notice": "execution",
    "archive_integrity": "execution",
    "archive_personnel": "execution",
}


@dataclass
class TaskRow:
    task: Any
    case: Case | None
    stage: str
    waiting_since: dt.datetime
    due: dt.datetime | None = None
    due_approximate: bool = False  # working days past the official calendar's years
    overdue: bool = False
    needs_leader: bool = False
    assignees: list = field(default_factory=list)
    team_work: bool = False  # the case team's unclaimed step (workflows.teams)
    teammates: list = field(default_factory=list)  # the team's other members


def task_rows(tasks, user, *, with_assignees: bool = False) -> list[TaskRow]:
    """Tasks with their case, stage title, waiting time and the clock running on them."""
    tasks = list(tasks)
    case_ids = {t.data.get("case") for t in tasks if t.data.get("case")}
    cases = cases_by_id(case_ids)
    membership = membership_of(user)
    dues: dict[tuple[int, str], Deadline] = {}
    if membership is not None and tasks:
        for item in open_deadlines(department_id=membership.department_id):
            key = (item.case_id, item.kind)
            if key not in dues or item.due < dues[key].due:
                dues[key] = item
    members = []
    if with_assignees and membership is not None and membership.rank == Rank.LEADER:
        members = list(department_members(membership.department_id))
    teams = case_teams(t.data.get("case") for t in tasks if is_team_task(t) and t.status == STATUS.NEW)
    now = timezone.now()
    rows = []
    for t in tasks:
        node = t.flow_task
        kind = "appeal_decision" if node.flow_class is AppealFlow else _DEADLINE_KIND.get(node.name)
        clock = dues.get((t.data.get("case"), kind)) if kind else None
        due = clock.due if clock else None
        needs_leader = t.data.get("rank") == "leader"
        rows.append(
            TaskRow(
                task=t,
                case=cases.get(t.data.get("case")),
                stage=str(node.task_title or node.name),
                waiting_since=t.created,
                due=due,
                due_approximate=bool(clock and clock.approximate),
                overdue=bool(due and now > due),
                needs_leader=needs_leader,
                assignees=[m for m in members if not needs_leader or m.membership.rank == Rank.LEADER],
                team_work=is_team_task(t) and t.status == STATUS.NEW,
                teammates=[u for u in teams.get(t.data.get("case"), []) if u.pk != user.pk],
            )
        )
    return rows


def open_case_tasks(case: Case):
    """The steps waiting on a case (its own, its referrals' and appeals'), with departments."""
    tasks = [t for t in case_tasks(case.pk) if t.status in OPEN_TASK]
    departments = departments_by_id(t.data.get("department") for t in tasks)
    return [
        {
            "task": t,
            "stage": str(t.flow_task.task_title or t.flow_task.name),
            "department": departments.get(t.data.get("department")),
            "owner": t.owner,
            "since": t.created,
            "team_work": is_team_task(t) and t.status == STATUS.NEW,
        }
        for t in tasks
    ]


# --- the case page ------------------------------------------------------------------------------


def subjects_with_records(case: Case) -> list[CaseSubject]:
    """The subjects as ``case_detail`` prefetched them (cadre, post, finding, measures,
    conclusions), plus the later posts of each cadre for the live preview (one more query)."""
    subjects = list(case.subjects.all())
    moves = later_moves(s.cadre_id for s in subjects)
    for subject in subjects:
        subject.later_moves = moves.get(subject.cadre_id, [])  # type: ignore[attr-defined]  # read by live_previews
    return subjects


def live_previews(subjects: list[CaseSubject]) -> dict[int, dict]:
    """The rule engine's output for findings not yet concluded: one rulebook read per distinct
    jurisdiction and conduct date, none per subject."""
    snapshots: dict[tuple[int, dt.date], Snapshots | None] = {}
    result = {}
    for subject in subjects:
        finding = getattr(subject, "finding", None) if _has_finding(subject) else None
        if finding is None or finding.conduct_date is None:
            continue
        place = case_jurisdiction(subject)
        key = (place.pk, finding.conduct_date)
        if key not in snapshots:
            try:
                snapshots[key] = snapshots_for(place, finding.conduct_date)
            except AssessmentInputError:
                snapshots[key] = None
        snaps = snapshots[key]
        if snaps is None:
            continue
        # The same input the service builds; the moves are already loaded (no query per subject).
        data = finding_input(subject, posts=subject.later_moves, verify_ledger=False)  # type: ignore[attr-defined]  # set by subjects_with_records
        try:
            result[subject.pk] = assess_under(data, snaps)
        except AssessmentInputError:
            continue
    return result


def _has_finding(subject: CaseSubject) -> bool:
    try:
        subject.finding  # noqa: B018 — a reverse one-to-one raises when absent
    except CaseSubject.finding.RelatedObjectDoesNotExist:
        return False
    return True


def decided_outcome(case: Case) -> list[MeasureDecision]:
    """The decided measures, for the limited view of a referring agency (PRODUCT §5)."""
    if case.state not in DECIDED_STATES:
        return []
    return list(decided_measures(case))


# --- stepper ------------------------------------------------------------------------------------


def stepper(case: Case, events: list[CaseEvent]) -> list[dict]:
    """The stages of the proceeding with done / current / ahead, and the end it took if it
    stopped early (予以了结, 不予追究)."""
    state = case.state
    ended_early = state in ENDED_EARLY_STATES
    anchor = state
    if ended_early:
        last = next((e for e in reversed(events) if e.to_state == state), None)
        anchor = last.from_state if last and last.from_state else CaseState.RECEIVED
    anchor = STEP_OF.get(anchor, anchor)
    position = STEPS.index(anchor) if anchor in STEPS else 0
    steps = []
    for index, code in enumerate(STEPS):
        if index < position or (ended_early and index == position) or state == CaseState.CLOSED:
            status = "done"
        elif index == position:
            status = "current"
        else:
            status = "ahead"
        label = CaseState(code).label
        if status == "current" and state in STEP_OF:
            label = CaseState(state).label
        steps.append({"code": code, "label": label, "status": status})
        if ended_early and index == position:
            steps.append({"code": state, "label": CaseState(state).label, "status": "ended"})
            break
    return steps


# --- timeline -----------------------------------------------------------------------------------

_QUIET_FIELDS = {"version", "hash", "prev_hash", "updated_at", "id", "case_id", "input", "output"}


def _model_for(name: str):
    return apps.get_model("cases", name)


def _model_field(model, attname: str):
    name = attname[:-3] if attname.endswith("_id") else attname
    try:
        return model._meta.get_field(name)
    except Exception:  # a history-only column
        return None


def _field_label(model, attname: str) -> str:
    model_field = _model_field(model, attname)
    return str(model_field.verbose_name) if model_field is not None else attname


def _name_resolvers() -> dict:
    """How a foreign key in a diff is shown: one query per target model, whatever the rows."""
    return {
        Department: department_names,
        get_user_model(): lambda ids: {u.pk: display_name(u) for u in users_by_id(ids)},
        CaseSubject: subject_names,
        MeasureDecision: measure_names,
        Post: lambda ids: {pk: f"{p.organization.name} · {p.title}" for pk, p in posts_by_id(ids).items()},
        Accident: accident_titles,
    }


def _value(model, attname: str, value, names: dict) -> str:
    if value in (None, "", [], {}):
        return ""
    model_field = _model_field(model, attname)
    if model_field is not None and model_field.is_relation and model_field.related_model in names:
        return names[model_field.related_model].get(value, f"#{value}")
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        value = "、".join(map(str, value))
    elif isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "…"


def _resolve_names(history: list[dict]) -> dict:
    """Names for every foreign key value in the diffs (departments, people, subjects…)."""
    resolvers = _name_resolvers()
    wanted: dict = {}
    for entry in history:
        model = _model_for(entry["model"])
        for change in entry["changes"]:
            model_field = _model_field(model, change["field"])
            if model_field is None or not model_field.is_relation or model_field.related_model not in resolvers:
                continue
            for value in (change["old"], change["new"]):
                if isinstance(value, int):
                    wanted.setdefault(model_field.related_model, set()).add(value)
    return {target: resolvers[target](ids) for target, ids in wanted.items()} | {
        target: {} for target in resolvers if target not in wanted
    }


_ASCII_NOTE = re.compile(r"^[\x00-\x7f]*$")


def _change_reason(reason: str | None) -> str:
    """What the timeline says of why a history row was written: the label of the step that wrote
    it (``submit_findings`` → 提交调查结果), or a person's own words; the services' English notes
    to the audit trail (``"veto override"``, ``"findings: Art. 31 duties"``) stay in the history
    itself (the admin, the audit export) and never show as raw codes (issue 16 item 5)."""
    if not reason:
        return ""
    head = reason.split(":", 1)[0].strip()
    if head in EVENT_LABELS:
        return str(EVENT_LABELS[head])
    return "" if _ASCII_NOTE.match(reason) else reason


@dataclass
class TimelineItem:
    when: dt.datetime
    kind: str
    label: str
    actor: str
    from_state: str = ""
    to_state: str = ""
    reason: str = ""
    details: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    event: CaseEvent | None = None


def _event_details(event: CaseEvent, users: dict[str, str], departments: dict[int, str]) -> list[str]:
    p = event.payload or {}
    out = []
    if event.kind == "accept" and p.get("team"):
        out.append(_("Team: %(names)s") % {"names": "、".join(users.get(u, u) for u in p["team"])})
    if event.kind in ("task_claimed", "task_assigned", "task_reassigned", "task_released"):
        before, after = p.get("from"), p.get("to")
        if before and after:
            out.append(f"{users.get(before, before)} → {users.get(after, after)}")
        elif after:
            out.append("→ " + users.get(after, after))
        elif before:
            out.append(users.get(before, before) + " →")
    if event.kind == "transfer" and p.get("to_department"):
        out.append("→ " + departments.get(p["to_department"], str(p["to_department"])))
    if event.kind == "deliver" and p.get("appeal_until"):
        out.append(_("Appeals accepted until %(d)s") % {"d": p["appeal_until"]})
    if event.kind == "approve" and p.get("decided_on"):
        out.append(_("Decided on %(d)s") % {"d": p["decided_on"]})
    if event.kind == "filed" and p.get("filed_on"):
        out.append(_("Filed on %(d)s") % {"d": p["filed_on"]})
    if event.kind == "interim_measure" and p.get("kind") in InterimMeasure.Kind.values:
        out.append(_("%(m)s from %(d)s") % {"m": InterimMeasure.Kind(p["kind"]).label, "d": p.get("ordered_on", "")})
    if event.kind == "interim_lifted" and p.get("lifted_on"):
        out.append(_("Lifted from %(d)s") % {"d": p["lifted_on"]})
    if event.kind == "interim_settled" and p.get("outcome") in InterimMeasure.State.values:
        out.append(f"{InterimMeasure.State(p['outcome']).label} · {p.get('ended_on', '')}")
    if event.kind in ("material_added", "material_versioned", "material_withdrawn") and p.get("kind") in CaseMaterial.Kind.values:
        out.append(
            _("%(kind)s “%(title)s”, version %(v)s")
            % {"kind": CaseMaterial.Kind(p["kind"]).label, "title": p.get("title", ""), "v": p.get("version", "")}
        )
    if event.kind == "subject_moved_under_investigation" and p.get("move") in MoveKind.values:
        out.append(
            _("%(move)s effective %(d)s, confirmed by %(who)s")
            % {"move": MoveKind(p["move"]).label, "d": p.get("effective_date", ""), "who": display_name(event.actor)}
        )
    return out


def case_timeline(case: Case, events: list[CaseEvent]) -> list[TimelineItem]:
    """Case events (who, what, from → to, why, when) with the field-level changes written in
    the same step, newest first. History rows are attached to the first event recorded at or
    after them (services write rows, then the event, in one transaction); rows with no such
    event stand on their own."""
    history = case_history(case)
    usernames = {e["user"] for e in history if e["user"]}
    for e in events:
        p = e.payload or {}
        usernames.update(u for u in p.get("team", []) if isinstance(u, str))
        usernames.update(p[k] for k in ("from", "to") if isinstance(p.get(k), str))
    users = {u.username: display_name(u) for u in users_by_username(usernames)}
    departments = department_names(e.payload["to_department"] for e in events if isinstance(e.payload.get("to_department"), int))

    items = [
        TimelineItem(
            when=e.created_at,
            kind=e.kind,
            label=str(EVENT_LABELS.get(e.kind, e.kind)),
            actor=display_name(e.actor) if e.actor_id else "—",
            from_state=str(CaseState(e.from_state).label) if e.from_state in CaseState.values else "",
            to_state=str(CaseState(e.to_state).label) if e.to_state in CaseState.values else "",
            reason=e.reason,
            details=_event_details(e, users, departments),
            event=e,
        )
        for e in events
    ]
    by_time = sorted(items, key=lambda i: i.when)
    loose = []
    window = dt.timedelta(seconds=5)
    names = _resolve_names(history)
    for entry in history:
        model = _model_for(entry["model"])
        changes = [
            {
                "field": _field_label(model, c["field"]),
                "old": _value(model, c["field"], c["old"], names) if entry["type"] != "created" else "",
                "new": _value(model, c["field"], c["new"], names),
            }
            for c in entry["changes"]
            if c["field"] not in _QUIET_FIELDS
        ]
        changes = [c for c in changes if c["old"] or c["new"]]
        if not changes:
            continue
        block = {
            "model": str(model._meta.verbose_name),
            "object_id": entry["object_id"],
            "type": entry["type"],
            "user": users.get(entry["user"], entry["user"] or "—"),
            "reason": _change_reason(entry["reason"]),
            "changes": changes,
        }
        host = next((i for i in by_time if entry["date"] <= i.when <= entry["date"] + window), None)
        if host is not None:
            host.changes.append(block)
        else:
            loose.append(
                TimelineItem(
                    when=entry["date"],
                    kind="history",
                    label=str(model._meta.verbose_name),
                    actor=block["user"],
                    reason=_change_reason(entry["reason"]),
                    changes=[block],
                )
            )
    return sorted(items + loose, key=lambda i: i.when, reverse=True)
