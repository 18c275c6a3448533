"""Dashboard, inbox and queue, case list and case page, transition forms.

Views are thin: they read through the selectors that know the user (``cases.selectors``,
``workflows.selectors``, ``web.selectors_core``) and change anything only by calling a service.
A service's ``ApplicationError`` becomes field errors next to the fields (400) or a message on
the page (403, 409), and the page answers with the service's status code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from viewflow.workflow.models import Task

from cases.api.pagination import EstimatingPaginator
from cases.codes import TERMINAL_STATES, CaseState, Rank
from cases.errors import ApplicationError, ConcurrentModification
from cases.models import Appeal, Case, ExecutionTask, MeasureDecision
from cases.selectors import FULL, case_access, case_detail_qs, case_list, case_owner_departments
from cases.services import appeals as appeal_services
from cases.services import executions as execution_services
from cases.services import findings as finding_services
from cases.services import lifecycle
from cases.services.common import deadline_after, membership_of
from cases.services.deadlines import open_deadlines
from cases.services.findings import FINDING_STATES
from cases.services.lifecycle import TRANSITIONS, available_transitions
from duties.services.compliance import conduct_compliance
from web.chart_core import case_chart_svg
from web.common.labels import CAUTION, DECIDED_STATES, PRIMARY, TRANSITION_HELP, TRANSITION_LABELS
from web.forms_core import AppealDecideForm, AppealFileForm, FindingsForm, TransitionForm
from web.selectors_core import (
    OPEN_TASK,
    case_page_related,
    case_timeline,
    decided_outcome,
    live_previews,
    open_case_tasks,
    stepper,
    subjects_prefetch,
    subjects_with_records,
    task_rows,
)
from workflows import services as task_services
from workflows.flows import CaseFlow
from workflows.selectors import department_tasks, my_tasks, queue
from workflows.sync import process_of

PAGE_SIZE = 25
DASHBOARD_LATER = 6
DASHBOARD_RECENT = 8
EXPORT_LIMIT = 10_000


# --- helpers ------------------------------------------------------------------------------------


def _case_for(request, pk: int, *, full: bool = True) -> tuple[Case, str]:
    """The case if the user may see it (404 otherwise, like the API): ``full`` pages need full
    access; a referring agency's ``source`` access sees only the limited page."""
    case = get_object_or_404(case_detail_qs(), pk=pk)
    access = case_access(case, request.user)
    if access is None or (full and access != FULL):
        raise Http404
    return case, access


def _is_member(user, department_id: int, *, leader: bool = False) -> bool:
    membership = membership_of(user)
    if membership is None or membership.department_id != department_id:
        return False
    return not leader or membership.rank == Rank.LEADER


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _latest_conclusions(subjects) -> dict:
    """The conclusion each subject was assessed with (prefetched by ``case_detail_qs``)."""
    result = {}
    for subject in subjects:
        conclusions = list(subject.assessments.all())
        if conclusions:
            result[subject.pk] = conclusions[-1]
    return result


def _warning_window(now: dt.datetime) -> dt.timedelta:
    """How early a clock counts as "due soon": the same policy row ``run_deadlines`` warns by."""
    try:
        return deadline_after("deadline_warning", now) - now
    except LookupError:  # no policy configured: still show what is near
        return dt.timedelta(days=2)


# --- dashboard ----------------------------------------------------------------------------------


@login_required
def dashboard(request):
    user = request.user
    membership = membership_of(user)
    mine = my_tasks(user)
    now = timezone.now()
    deadlines = open_deadlines(department_id=membership.department_id) if membership else []
    window = _warning_window(now)
    overdue = [d for d in deadlines if d.overdue(now)]
    soon = [d for d in deadlines if not d.overdue(now) and d.due <= now + window]
    later = [d for d in deadlines if d.due > now + window][:DASHBOARD_LATER]
    counts = dict(case_list(user=user).order_by().values_list("state").annotate(n=Count("pk")))
    by_state = [{"code": code, "label": label, "count": counts.get(code, 0)} for code, label in CaseState.choices]
    open_total = sum(n for state, n in counts.items() if state not in TERMINAL_STATES)
    return render(
        request,
        "web/dashboard.html",
        {
            "membership": membership,
            "my_rows": task_rows(mine[:8], user),
            "my_count": mine.count(),
            "queue_count": queue(user).count(),
            "overdue": overdue,
            "soon": soon,
            "later": later,
            "recent": case_list(user=user).order_by("-updated_at", "-id")[:DASHBOARD_RECENT],
            "by_state": by_state,
            "case_total": sum(counts.values()),
            "open_total": open_total,
        },
    )


# --- inbox and queue ----------------------------------------------------------------------------


@login_required
def inbox(request):
    rows = task_rows(my_tasks(request.user), request.user, with_assignees=True)
    return render(request, "web/core/tasks.html", {"mode": "inbox", "rows": rows, "others": []})


@login_required
def queue_page(request):
    user = request.user
    rows = task_rows(queue(user), user, with_assignees=True)
    membership = membership_of(user)
    others = []
    if membership is not None and membership.rank == Rank.LEADER:
        # Leaders also see who holds the department's taken tasks, to reassign them.
        taken = department_tasks(user).exclude(status="NEW").exclude(owner=user)
        others = task_rows(taken, user, with_assignees=True)
    return render(request, "web/core/tasks.html", {"mode": "queue", "rows": rows, "others": others})


def _task_action(request, task_id: int, action, success: str):
    if not Task.objects.filter(pk=task_id).exists():
        raise Http404
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, success)
    return redirect(_next_url(request, reverse("web:inbox")))


def _message(exc: ApplicationError) -> str:
    """A service error as one line for a page message (field errors joined)."""
    if not isinstance(exc.detail, dict):
        return str(exc.detail)
    return "；".join(str(m) for found in exc.detail.values() for m in (found if isinstance(found, list) else [found]))


@login_required
@require_POST
def task_claim(request, task_id: int):
    return _task_action(
        request,
        task_id,
        lambda: task_services.task_claim(task_id=task_id, acting_user=request.user),
        _("The task is now in your inbox."),
    )


@login_required
@require_POST
def task_release(request, task_id: int):
    return _task_action(
        request,
        task_id,
        lambda: task_services.task_release(task_id=task_id, acting_user=request.user),
        _("The task is back in the queue."),
    )


@login_required
@require_POST
def task_assign(request, task_id: int):
    to = request.POST.get("to", "")
    return _task_action(
        request,
        task_id,
        lambda: task_services.task_assign(
            task_id=task_id, to_username=to, acting_user=request.user, reason=request.POST.get("reason", "")
        ),
        _("The task was assigned."),
    )


# --- case list and export -----------------------------------------------------------------------


def _filtered_cases(request):
    state = request.GET.get("state") or None
    if state and not all(s in CaseState.values for s in state.split(",")):
        state = None
    department = request.GET.get("department") or ""
    department_id = int(department) if department.isdigit() else None
    q = (request.GET.get("q") or "").strip() or None
    qs = case_list(user=request.user, state=state, department=department_id, q=q)
    return qs, {"state": state or "", "department": department_id, "q": q or ""}


@login_required
def case_list_page(request):
    qs, filters = _filtered_cases(request)
    # Counted like the API's lists: exact up to 1,000, then PostgreSQL's estimate (BENCH W3).
    page = EstimatingPaginator(qs.prefetch_related(subjects_prefetch()), PAGE_SIZE).get_page(request.GET.get("page"))
    owners = case_owner_departments(request.user, selected=filters["department"])
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "web/core/case_list.html",
        {
            "page": page,
            "filters": filters,
            "states": CaseState.choices,
            "departments": owners,
            "query": params.urlencode(),
        },
    )


@login_required
def case_export(request):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    qs, _filters = _filtered_cases(request)
    field = Case._meta.get_field
    headers = [
        field("number").verbose_name,
        field("title").verbose_name,
        field("state").verbose_name,
        field("owner_department").verbose_name,
        field("source_department").verbose_name,
        field("source_kind").verbose_name,
        Case.subjects.rel.related_model._meta.verbose_name_plural,
        field("created_at").verbose_name,
        field("decided_on").verbose_name,
        field("delivered_on").verbose_name,
        field("closed_at").verbose_name,
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = str(Case._meta.verbose_name_plural)[:31]
    ws.append([str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="102A43")
        cell.alignment = Alignment(vertical="center")

    def naive(value):
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    for case in qs.prefetch_related(subjects_prefetch())[:EXPORT_LIMIT]:
        ws.append(
            [
                case.number,
                case.title,
                case.get_state_display(),
                case.owner_department.name,
                case.source_department.name,
                case.get_source_kind_display(),
                "、".join(s.cadre.name for s in case.subjects.all()),
                naive(case.created_at),
                case.decided_on,
                case.delivered_on,
                naive(case.closed_at),
            ]
        )
    for column, width in zip("ABCDEFGHIJK", (15, 48, 16, 24, 24, 16, 24, 18, 12, 12, 18), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row[7:]:
            cell.number_format = "yyyy-mm-dd hh:mm" if cell.column in (8, 11) else "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="zeren-cases-{timezone.localdate():%Y%m%d}.xlsx"'
    wb.save(response)
    return response


# --- the case page ------------------------------------------------------------------------------


@login_required
def case_detail(request, pk: int):
    case, access = _case_for(request, pk, full=False)
    if access != FULL:
        return render(request, "web/core/case_limited.html", {"case": case, "measures": decided_outcome(case)})
    user = request.user
    membership = membership_of(user)
    related = case_page_related(case)
    subjects = subjects_with_records(case)
    conclusions = _latest_conclusions(subjects)
    previews = live_previews([s for s in subjects if s.pk not in conclusions])
    available = available_transitions(case, user)
    primary = PRIMARY.get(case.state)
    buttons = [
        {
            "name": n,
            "label": TRANSITION_LABELS[n],
            "style": "primary" if n == primary else ("caution" if n in CAUTION else ""),
        }
        for n in available
    ]
    buttons.sort(key=lambda b: (b["style"] != "primary", b["style"] == "caution"))
    tasks = open_case_tasks(case)
    owner_member = _is_member(user, case.owner_department_id)
    for subject in subjects:
        subject.conclusion = conclusions.get(subject.pk)
        subject.preview = previews.get(subject.pk)
        subject.engine = subject.conclusion.output if subject.conclusion else subject.preview
        subject.active_measures = [m for m in subject.measures.all() if m.state != MeasureDecision.State.WITHDRAWN]
    appealable = [
        s
        for s in subjects
        if any(m.state == MeasureDecision.State.DECIDED for m in s.measures.all())
        and not any(a.subject_id == s.pk and a.state == Appeal.State.FILED for a in related["appeals"])
    ]
    for task in related["executions"]:
        task.can_complete = (
            task.state == ExecutionTask.State.OPEN and membership is not None and membership.department_id == task.department_id
        )
    for appeal in related["appeals"]:
        appeal.can_decide = appeal.state == Appeal.State.FILED and _is_member(user, appeal.deciding_department_id, leader=True)
    process = process_of(CaseFlow, case)
    return render(
        request,
        "web/core/case_detail.html",
        {
            "case": case,
            "subjects": subjects,
            "buttons": buttons,
            "steps": stepper(case, related["events"]),
            "tasks": tasks,
            "chart": case_chart_svg(process, [t["task"] for t in tasks]),
            "timeline": case_timeline(case, related["events"]),
            "executions": related["executions"],
            "referrals": related["referrals"],
            "appeals": related["appeals"],
            "team": list(case.team.all()),
            "can_findings": owner_member and case.state in FINDING_STATES,
            "can_file_appeal": owner_member and case.state == CaseState.EXECUTING and appealable,
            "has_decision": case.state in DECIDED_STATES,
            "membership": membership,
            "open_task_status": OPEN_TASK,
        },
    )


# --- transitions --------------------------------------------------------------------------------


def _transition_context(case, name: str, subjects, conclusions) -> dict:
    context: dict = {}
    if name in ("submit_findings", "conclude"):
        previews = live_previews(subjects) if name == "conclude" else {}
        for subject in subjects:
            subject.preview = previews.get(subject.pk)
        context["subjects"] = subjects
    if name in ("approve", "reject"):
        context["proposed"] = [m for s in subjects for m in s.measures.all() if m.state == MeasureDecision.State.PROPOSED]
    if name == "close":
        context["open_executions"] = ExecutionTask.objects.filter(case=case, state=ExecutionTask.State.OPEN).count()
        context["pending_appeals"] = Appeal.objects.filter(case=case, state=Appeal.State.FILED).count()
    return context


@login_required
def case_transition(request, pk: int, name: str):
    case, _access = _case_for(request, pk)
    if name not in TRANSITIONS:
        raise Http404
    if request.method == "GET" and name not in available_transitions(case, request.user):
        raise Http404
    subjects = subjects_with_records(case)
    conclusions = _latest_conclusions(subjects)
    initial = {"version": case.version}
    if name == "accept":
        initial["team"] = [request.user.username]
    form = TransitionForm(
        request.POST or None, name=name, case=case, subjects=subjects, conclusions=conclusions, initial=initial, user=request.user
    )
    status, page_error, stale = 200, "", False
    if request.method == "POST":
        if form.is_valid():
            try:
                lifecycle.case_transition(
                    case_id=case.pk,
                    name=name,
                    payload=form.payload(),
                    acting_user=request.user,
                    expected_version=form.expected_version(),
                )
            except ApplicationError as exc:
                status = exc.status
                if isinstance(exc, ConcurrentModification):
                    stale = True
                    page_error = _(
                        "The case was changed by someone else since you opened this form. Reload it to see the changes, then try again."
                    )
                elif exc.status == 400:
                    form.attach_errors(exc.detail)
                else:
                    page_error = _message(exc)
            else:
                messages.success(request, _("Done: %(what)s.") % {"what": TRANSITION_LABELS[name]})
                return redirect("web:case_detail", pk=case.pk)
        else:
            status = 400
    context = {
        "case": case,
        "name": name,
        "label": TRANSITION_LABELS[name],
        "help": TRANSITION_HELP[name],
        "form": form,
        "page_error": page_error,
        "stale": stale,
        "conclusions": conclusions,
        **_transition_context(case, name, subjects, conclusions),
    }
    return render(request, "web/core/transition.html", context, status=status)


# --- findings -----------------------------------------------------------------------------------

_SESSION_OUTPUT = "zeren_findings_output"


@login_required
def findings(request, pk: int, sid: int):
    case, _access = _case_for(request, pk)
    subjects = subjects_with_records(case)
    subject = next((s for s in subjects if s.pk == sid), None)
    if subject is None:
        raise Http404
    editable = _is_member(request.user, case.owner_department_id) and case.state in FINDING_STATES
    status, page_error = 200, ""
    if request.method == "POST":
        form = FindingsForm(request.POST)
        if form.is_valid():
            try:
                output = finding_services.finding_put(
                    case_id=case.pk, subject_id=subject.pk, data=form.data_for_service(), acting_user=request.user
                )
            except ApplicationError as exc:
                status = exc.status
                if exc.status == 400:
                    form.attach_errors(exc.detail)
                else:
                    page_error = _message(exc)
            else:
                request.session[_SESSION_OUTPUT] = {"subject": subject.pk, "output": output}
                messages.success(request, _("Findings saved. The rule engine's assessment is shown below."))
                return redirect(reverse("web:case_findings", args=[case.pk, subject.pk]) + "#engine")
    else:
        form = FindingsForm(initial=FindingsForm.initial_for(subject, case))
    stored = request.session.pop(_SESSION_OUTPUT, None) if request.method == "GET" else None
    conclusion = _latest_conclusions([subject]).get(subject.pk)
    if stored and stored.get("subject") == subject.pk:
        output, source = stored["output"], "saved"
    elif conclusion is not None:
        output, source = conclusion.output, "conclusion"
    else:
        output, source = live_previews([subject]).get(subject.pk), "preview"
    others = [s for s in subjects if s.pk != subject.pk]
    ledger = _ledger_for(subject, form)
    return render(
        request,
        "web/core/findings.html",
        {
            "case": case,
            "subject": subject,
            "others": others,
            "form": form,
            "editable": editable,
            "output": output,
            "output_source": source,
            "conclusion": conclusion,
            "page_error": page_error,
            "ledger": ledger,
        },
        status=status,
    )


def _ledger_for(subject, form) -> dict[str, Any]:
    """The subject's duty ledger over the twelve months up to the conduct (PRODUCT §3): the
    investigator's evidence for Art. 26.1 and for an Art. 31 exemption claim."""

    raw = form.data.get("conduct_date") if form.is_bound else form.initial.get("conduct_date")
    try:
        conduct = dt.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        conduct = None
    estimated = conduct is None
    conduct = conduct or timezone.localdate()
    result = conduct_compliance(subject.cadre_id, conduct)
    rows = []
    for obligation in result["obligations"]:
        judged = [p for p in obligation["periods"] if p["status"] != "pending"]
        rows.append(
            {
                **obligation,
                "judged": len(judged),
                "met_count": sum(1 for p in judged if p["status"] == "met"),
                "missed": [p for p in judged if p["status"] == "missed"],
                "partial": [p for p in judged if p["status"] == "partial"],
            }
        )
    return {
        "conduct": conduct,
        "start": result["start"],
        "estimated": estimated,
        "fully_met": result["fully_met"],
        "rows": rows,
        "year": conduct.year,
    }


# --- execution tasks and appeals ----------------------------------------------------------------


@login_required
@require_POST
def execution_complete(request, task_id: int):
    task = get_object_or_404(ExecutionTask.objects.select_related("case"), pk=task_id)
    case_url = reverse("web:case_detail", args=[task.case_id])
    if case_access(task.case, request.user) != FULL:
        raise Http404
    try:
        execution_services.execution_complete(task_id=task.pk, acting_user=request.user, note=request.POST.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("The task is done."))
    return redirect(case_url + "#executions")


@login_required
def appeal_file(request, pk: int):
    case, _access = _case_for(request, pk)
    subjects = [s for s in case.subjects.all() if any(m.state == MeasureDecision.State.DECIDED for m in s.measures.all())]
    if not _is_member(request.user, case.owner_department_id) or case.state != CaseState.EXECUTING:
        raise Http404
    form = AppealFileForm(request.POST or None, subjects=subjects)
    status, page_error = 200, ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            filed_on = dt.date.fromisoformat(d.get("filed_on") or "")
        except ValueError:
            form.add_error("filed_on", _("Expected an ISO date such as 2026-01-31."))
            status = 400
        else:
            subject_id = int(d["subject"]) if str(d.get("subject") or "").isdigit() else -1
            try:
                appeal_services.appeal_file(
                    case_id=case.pk,
                    subject_id=subject_id,
                    filed_on=filed_on,
                    grounds=d.get("grounds") or "",
                    acting_user=request.user,
                )
            except ApplicationError as exc:
                status = exc.status
                if exc.status == 400:
                    form.attach_errors(exc.detail)
                else:
                    page_error = _message(exc)
            else:
                messages.success(request, _("The appeal was filed; a leader of the deciding department decides it."))
                return redirect(reverse("web:case_detail", args=[case.pk]) + "#appeals")
    return render(request, "web/core/appeal_file.html", {"case": case, "form": form, "page_error": page_error}, status=status)


@login_required
def appeal_decide(request, appeal_id: int):
    appeal = get_object_or_404(Appeal.objects.select_related("subject__cadre", "deciding_department"), pk=appeal_id)
    case, _access = _case_for(request, appeal.case_id)
    if request.method == "GET" and (
        appeal.state != Appeal.State.FILED or not _is_member(request.user, appeal.deciding_department_id, leader=True)
    ):
        raise Http404
    subject = next(s for s in case.subjects.all() if s.pk == appeal.subject_id)
    conclusion = _latest_conclusions([subject]).get(subject.pk)
    allowed = conclusion.output.get("allowed_measures", []) if conclusion else []
    form = AppealDecideForm(request.POST or None, appeal=appeal, allowed=allowed)
    status, page_error = 200, ""
    if request.method == "POST" and form.is_valid():
        outcome = form.cleaned_data.get("outcome") or ""
        try:
            appeal_services.appeal_decide(
                appeal_id=appeal.pk,
                outcome=outcome,
                reason=form.cleaned_data.get("reason") or "",
                acting_user=request.user,
                measures=form.measures_payload() if outcome == "revised" else None,
            )
        except ApplicationError as exc:
            status = exc.status
            if exc.status == 400:
                form.attach_errors(exc.detail)
            else:
                page_error = _message(exc)
        else:
            messages.success(request, _("The appeal was decided."))
            return redirect(reverse("web:case_detail", args=[case.pk]) + "#appeals")
    decided = [m for m in subject.measures.all() if m.state == MeasureDecision.State.DECIDED]
    return render(
        request,
        "web/core/appeal_decide.html",
        {"case": case, "appeal": appeal, "subject": subject, "decided": decided, "form": form, "page_error": page_error},
        status=status,
    )
