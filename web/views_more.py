"""Lead intake, referrals, cadre records, accidents and statistics (PRODUCT §4, §5, §9; Art. 28, 32, 34).

Views are thin: writes go through ``cases.services`` (nothing is saved here), reads of cases go
through ``cases.selectors`` so department visibility is applied in one place. A referring agency
sees only the status and the outcome of what it referred (PRODUCT §5).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.services.assessment import record_extras
from cases import selectors
from cases.codes import OUTCOME_STATES, TERMINAL_STATES, CaseState, Circumstance, Measure, SanctionKind, SourceKind
from cases.models import (
    Accident,
    AccidentReport,
    Assessment,
    Case,
    CaseSubject,
    DeadlinePolicy,
    Finding,
    MeasureDecision,
    Referral,
    ReportingFinding,
    VetoOverride,
)
from cases.selectors import accidents_visible_q, case_visible_qs
from cases.services.accidents import (
    ACCIDENT_KINDS,
    accident_create,
    accident_report_add,
    accident_timeliness,
    reporting_finding_add,
)
from cases.services.cadres import PERSONNEL_KINDS, cadre_move
from cases.services.leads import lead_create
from cases.services.records import (
    VETO_AUTHORITIES,
    VETO_BASIS,
    cadre_record,
    cadre_records,
    require_record_reader,
    veto_override,
)
from cases.services.referrals import referral_move
from core.errors import NO_DEPARTMENT, ApplicationError
from core.persistence import local_today
from org.access import membership_of
from org.codes import DepartmentKind, MoveKind, Rank
from org.jurisdiction import cadres_visible_q
from org.models import Cadre, Post
from web.forms_more import (
    AccidentForm,
    AccidentReportForm,
    CadreFilterForm,
    LeadForm,
    MoveForm,
    RecordDateForm,
    ReferralReturnForm,
    ReportingFindingForm,
    VetoOverrideForm,
    add_service_error,
)

OPEN_REFERRAL = (Referral.State.SENT, Referral.State.ACKNOWLEDGED)
# What a referring agency most likely files: the source kind preselected on the intake form.
DEFAULT_SOURCE = {
    DepartmentKind.INSPECTION: SourceKind.INSPECTION,
    DepartmentKind.AUDIT: SourceKind.AUDIT,
    DepartmentKind.LAW_ENFORCEMENT: SourceKind.LAW_ENFORCEMENT,
    DepartmentKind.EMERGENCY: SourceKind.ACCIDENT_INVESTIGATION,
    DepartmentKind.DISCIPLINE: SourceKind.PETITION,
}
PAGE_SIZE = 30


# --- helpers ----------------------------------------------------------------------------------


def _department_membership(request):
    """The user's department seat; pages about "my department" need one (403 otherwise)."""
    membership = membership_of(request.user)
    if membership is None:
        raise PermissionDenied(str(NO_DEPARTMENT))
    return membership


def _full_access_qs(user):
    """Cases the user's department handles (sees in full), as opposed to ones it only referred."""
    if user.is_superuser:
        return Case.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Case.objects.none()
    # ``_involved`` is the selectors' own definition of full access; reusing it keeps one rule.
    return Case.objects.filter(selectors._involved(membership.department_id))


def case_url(pk: int) -> str | None:
    """The case page, once the case pages (``web.urls_core``) provide one."""
    for name in ("web:case_detail", "web:case"):
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return None


def _measure_label(measure: str, sanction_kind: str = "") -> str:
    label = str(Measure(measure).label) if measure in Measure.values else measure
    if sanction_kind and sanction_kind in SanctionKind.values:
        label += f"（{SanctionKind(sanction_kind).label}）"
    return label


def _outcomes(cases) -> dict[int, list[str]]:
    """Decided measures per case, grouped by cadre, in one query (the "outcome" of PRODUCT §5)."""
    ids = [c.pk for c in cases if c.state in OUTCOME_STATES]
    rows = (
        MeasureDecision.objects.filter(subject__case_id__in=ids, state=MeasureDecision.State.DECIDED)
        .select_related("subject__cadre")
        .order_by("subject_id", "id")
    )
    grouped: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for m in rows:
        grouped[m.subject.case_id].setdefault(m.subject.cadre.name, []).append(_measure_label(m.measure, m.sanction_kind))
    return {case_id: [f"{name}：{'、'.join(ms)}" for name, ms in by_cadre.items()] for case_id, by_cadre in grouped.items()}


def _policy(code: str) -> DeadlinePolicy | None:
    today = local_today()
    return (
        DeadlinePolicy.objects.filter(code=code, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("-valid_from")
        .first()
    )


def _forbidden_if_not_permitted(exc: ApplicationError) -> None:
    if exc.status == 403:
        raise PermissionDenied(str(exc.detail))
    if exc.status == 404:
        raise Http404(str(exc.detail))


# --- 1. Lead intake -----------------------------------------------------------------------------


def _cadre_options(user):
    """Every cadre the user may name (their jurisdiction) with the current post, for the searchable subject list (two queries)."""
    current = Post.objects.filter(end__isnull=True).select_related("organization").order_by("-start", "-id")
    cadres = (
        Cadre.objects.filter(pk__in=Cadre.objects.filter(cadres_visible_q(user)).values("pk"))
        .order_by("name", "id")
        .prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts"))
    )
    return [
        {
            "id": c.pk,
            "name": c.name,
            "post": (
                f"{c.current_posts[0].organization.name} · {c.current_posts[0].title}"
                if c.current_posts
                else c.get_status_display()
            ),
        }
        for c in cadres
    ]


@login_required
@require_http_methods(["GET", "POST"])
def lead_new(request):
    membership = _department_membership(request)
    status = 200
    if request.method == "POST":
        form = LeadForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = lead_create(
                    acting_user=request.user,
                    title=data["title"],
                    facts=data["facts"],
                    source_kind=data["source_kind"],
                    subjects=list(data["subjects"]),
                    target_department=data["target_department"],
                    accident=data["accident"],
                    circumstances=data["circumstances"],
                )
            except ApplicationError as exc:
                _forbidden_if_not_permitted(exc)
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Lead %(number)s was filed and sent to %(department)s.")
                    % {"number": case.number, "department": case.owner_department.name},
                )
                return redirect("web:referred")
        status = 400
    else:
        form = LeadForm(
            initial={"source_kind": DEFAULT_SOURCE.get(membership.department.kind, SourceKind.OTHER)}, user=request.user
        )
    selected = {str(v) for v in (form["subjects"].value() or [])}
    return render(
        request,
        "web/more/lead_form.html",
        {"form": form, "cadres": _cadre_options(request.user), "selected": selected, "department": membership.department},
        status=status,
    )


# --- 2. What we referred, and referrals sent to us ----------------------------------------------


@login_required
def referred(request):
    membership = _department_membership(request)
    department = membership.department
    cases_qs = (
        case_visible_qs(request.user)
        .filter(source_department=department)
        .select_related("owner_department")
        .order_by("-created_at", "-id")
    )
    cases_page = Paginator(cases_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    sent_qs = (
        Referral.objects.filter(from_department=department).select_related("case", "to_department").order_by("-created_at", "-id")
    )
    sent_page = Paginator(sent_qs, PAGE_SIZE).get_page(request.GET.get("rpage"))
    # Every case listed is visible to the department (it referred it); the case page itself shows
    # a referring agency only the status and the outcome.
    outcomes = _outcomes(list(cases_page.object_list) + [r.case for r in sent_page.object_list])
    rows = [{"case": c, "outcome": outcomes.get(c.pk, []), "url": case_url(c.pk)} for c in cases_page.object_list]
    sent = [{"referral": r, "outcome": outcomes.get(r.case_id, []), "url": case_url(r.case_id)} for r in sent_page.object_list]
    return render(
        request,
        "web/more/referred.html",
        {"department": department, "rows": rows, "cases_page": cases_page, "sent": sent, "sent_page": sent_page},
    )


MATERIAL_KINDS = {
    "case_file": gettext_lazy("Case file"),
    "findings": gettext_lazy("Findings"),
    "assessment": gettext_lazy("Assessment"),
    "measure": gettext_lazy("Measure"),
    "events": gettext_lazy("Event log"),
}


def _material_lines(materials) -> list[str]:
    lines = []
    for item in materials or []:
        if not isinstance(item, dict):
            continue
        kind = item.get("kind", "")
        parts = [str(MATERIAL_KINDS.get(kind, kind))]
        if item.get("measure"):
            parts.append(_measure_label(item["measure"]))
        for key in ("ref", "title", "count"):
            if item.get(key) not in (None, ""):
                parts.append(str(item[key]))
        lines.append(" · ".join(parts))
    return lines


def _referrals_context(request, department, errors: dict[int, ReferralReturnForm] | None = None) -> dict:
    now = timezone.now()
    soon = now + dt.timedelta(days=1)
    open_qs = (
        Referral.objects.filter(to_department=department, state__in=OPEN_REFERRAL)
        .select_related("case", "from_department", "created_by")
        .order_by("acknowledge_by", "-created_at", "-id")
    )
    rows = []
    for r in open_qs:
        overdue = r.state == Referral.State.SENT and r.acknowledge_by is not None and r.acknowledge_by < now
        due_soon = not overdue and r.state == Referral.State.SENT and r.acknowledge_by is not None and r.acknowledge_by < soon
        form = (errors or {}).get(r.pk) or ReferralReturnForm(prefix=f"r{r.pk}")
        rows.append(
            {
                "referral": r,
                "overdue": overdue,
                "due_soon": due_soon,
                "form": form,
                "url": case_url(r.case_id),
                "materials": _material_lines(r.materials),
            }
        )
    handled_qs = (
        Referral.objects.filter(to_department=department)
        .exclude(state__in=OPEN_REFERRAL)
        .select_related("case", "from_department", "handled_by")
        .order_by("-handled_at", "-created_at", "-id")
    )
    handled_page = Paginator(handled_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "department": department,
        "rows": rows,
        "handled_page": handled_page,
        "policy": _policy("referral_acknowledgement"),
        "overdue_count": sum(1 for row in rows if row["overdue"]),
    }


@login_required
def referrals(request):
    membership = _department_membership(request)
    return render(request, "web/more/referrals.html", _referrals_context(request, membership.department))


REFERRAL_MESSAGES = {
    "acknowledge": gettext_lazy("Referral for %(number)s acknowledged."),
    "accept": gettext_lazy("Referral for %(number)s accepted."),
    "return": gettext_lazy("Referral for %(number)s returned."),
}


@login_required
@require_POST
def referral_action(request, pk: int, move: str):
    if move not in REFERRAL_MESSAGES:
        raise Http404
    membership = _department_membership(request)
    referral = Referral.objects.filter(pk=pk, to_department=membership.department).select_related("case").first()
    if referral is None:
        raise Http404
    form = ReferralReturnForm(request.POST, prefix=f"r{pk}")
    form.is_valid()
    try:
        referral_move(referral_id=pk, move=move, acting_user=request.user, reason=form.cleaned_data.get("reason", ""))
    except ApplicationError as exc:
        _forbidden_if_not_permitted(exc)
        if isinstance(exc.detail, dict):
            add_service_error(form, exc)
            context = _referrals_context(request, membership.department, errors={pk: form})
            return render(request, "web/more/referrals.html", context, status=exc.status)
        messages.error(request, str(exc.detail))
        return redirect("web:referrals")
    messages.success(request, str(REFERRAL_MESSAGES[move]) % {"number": referral.case.number})
    return redirect("web:referrals")


# --- 3. Cadre records -----------------------------------------------------------------------------


def _require_records(request) -> None:
    try:
        require_record_reader(request.user)
    except ApplicationError as exc:
        raise PermissionDenied(str(exc.detail)) from None


@login_required
def cadre_list(request):
    _require_records(request)
    form = CadreFilterForm(request.GET or None, user=request.user)
    current = Post.objects.filter(end__isnull=True).select_related("organization").order_by("-start", "-id")
    qs = (
        Cadre.objects.filter(pk__in=Cadre.objects.filter(cadres_visible_q(request.user)).values("pk"))
        .order_by("id")
        .prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts"))
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(name__icontains=data["q"].strip())
        post_filter = {}
        if data["role"]:
            post_filter["role"] = data["role"]
        if data["department"]:
            post_filter["organization"] = data["department"]
        if post_filter:
            qs = qs.filter(Exists(Post.objects.filter(cadre=OuterRef("pk"), end__isnull=True, **post_filter)))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    cadres = list(page.object_list)
    today = local_today()
    records = cadre_records(cadres, today)
    rows = [
        {"cadre": c, "post": c.current_posts[0] if c.current_posts else None, "record": rec}
        for c, rec in zip(cadres, records, strict=True)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/more/cadre_list.html",
        {"form": form, "rows": rows, "page": page, "today": today, "query": query.urlencode()},
    )


def _veto_periods(cadre: Cadre, record: dict, on: dt.date) -> list[dict]:
    """The Art. 28 veto of each of the cadre's subjects it applies to, with its end.

    ``cadre_record`` reports a veto only while it bars something on the chosen date, so for the
    end of a veto at any other time the record is read once more on each decision date (one
    read per distinct decision date, whatever the number of rows).
    """
    conclusions = Assessment.objects.filter(kind=Assessment.Kind.CONCLUSION).order_by("-id")
    subjects = (
        CaseSubject.objects.filter(cadre=cadre)
        .select_related("case")
        .prefetch_related(
            Prefetch("assessments", queryset=conclusions, to_attr="conclusions"),
            Prefetch("veto_overrides", queryset=VetoOverride.objects.order_by("-decided_at", "-id").select_related("decided_by")),
        )
        .order_by("case__created_at", "id")
    )
    active = {b["case"]: b for b in record["blocking"] if b["basis"].startswith(VETO_BASIS)}
    at_decision: dict[dt.date, dict] = {}
    rows = []
    for subject in subjects:
        conclusion = subject.conclusions[0] if subject.conclusions else None
        if conclusion is None or not conclusion.output.get("veto", {}).get("applies"):
            continue
        case = subject.case
        override = next(iter(subject.veto_overrides.all()), None)
        entry = active.get(case.pk)
        until, verified, basis = None, True, VETO_BASIS
        if entry is not None:
            until, verified, basis = entry["until"], entry["verified"], entry["basis"]
        elif override is not None:
            until, basis = override.until, f"{VETO_BASIS}；{_('overridden')}: {override.reason}"
        elif case.decided_on:
            if case.decided_on not in at_decision:
                at_decision[case.decided_on] = cadre_record(cadre, case.decided_on)
            found = next(
                (
                    b
                    for b in at_decision[case.decided_on]["blocking"]
                    if b["case"] == case.pk and b["basis"].startswith(VETO_BASIS)
                ),
                None,
            )
            if found is not None:
                until, verified, basis = found["until"], found["verified"], found["basis"]
        rows.append(
            {
                "subject": subject,
                "case": case,
                "decided_on": case.decided_on,
                "until": until,
                "verified": verified,
                "basis": basis,
                "override": override,
                "active": entry is not None,
                "pending": case.decided_on is None or case.decided_on > on,
            }
        )
    return rows


def _record_url(cadre_id: int, on: dt.date | None) -> str:
    url = reverse("web:cadre_record", args=[cadre_id])
    return f"{url}?{urlencode({'on': on.isoformat()})}" if on else url


@login_required
@require_http_methods(["GET", "POST"])
def cadre_record_view(request, pk: int):
    _require_records(request)
    cadre = get_object_or_404(
        Cadre.objects.filter(pk__in=Cadre.objects.filter(cadres_visible_q(request.user)).values("pk")), pk=pk
    )
    membership = membership_of(request.user)
    today = local_today()
    date_form = RecordDateForm(request.GET or None)
    on = today
    if date_form.is_bound and date_form.is_valid() and date_form.cleaned_data["on"]:
        on = date_form.cleaned_data["on"]
    can_move = membership is not None and membership.department.kind in PERSONNEL_KINDS
    can_override = membership is not None and membership.rank == Rank.LEADER and membership.department.kind in VETO_AUTHORITIES

    record = cadre_record(cadre, on)
    vetoes = _veto_periods(cadre, record, on)
    veto_choices = [(v["subject"].pk, f"{v['case'].number} {v['case'].title}") for v in vetoes if v["decided_on"]]
    move_form = MoveForm(prefix="move", user=request.user)
    veto_form = VetoOverrideForm(prefix="veto", subjects=veto_choices)
    status = 200

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "move":
            if not can_move:
                raise PermissionDenied(_("Only the organization and personnel department keeps cadre records."))
            move_form = MoveForm(request.POST, prefix="move", user=request.user)
            if move_form.is_valid():
                response = _do_move(request, cadre, move_form, on)
                if response is not None:
                    return response
        elif action == "veto":
            if not can_override:
                raise PermissionDenied(_("Only a leader of the organization or discipline department may override a veto."))
            veto_form = VetoOverrideForm(request.POST, prefix="veto", subjects=veto_choices)
            if veto_form.is_valid():
                data = veto_form.cleaned_data
                try:
                    veto_override(
                        subject_id=data["subject"], until=data["until"], reason=data["reason"], acting_user=request.user
                    )
                except ApplicationError as exc:
                    _forbidden_if_not_permitted(exc)
                    add_service_error(veto_form, exc)
                else:
                    messages.success(request, _("The veto now lasts until %(date)s.") % {"date": data["until"].isoformat()})
                    return redirect(_record_url(cadre.pk, on if on != today else None))
        else:
            raise Http404
        status = 400

    posts = list(cadre.posts.select_related("organization", "managing_authority").order_by("-start", "-id"))
    case_ids = [c["id"] for c in record["cases"]]
    # Record readers see every case of the cadre here; the link only where the case page opens.
    visible = set(case_visible_qs(request.user).filter(pk__in=case_ids).values_list("pk", flat=True))
    cases = [
        {**c, "state_display": CaseState(c["state"]).label, "url": case_url(c["id"]) if c["id"] in visible else None}
        for c in record["cases"]
    ]
    measures = [{**m, "label": _measure_label(m["measure"], m["sanction_kind"])} for m in record["measures"]]
    blocking = [
        {
            **b,
            "applies": [_("promotion") if a == "promotion" else _("awards and 评优") for a in b["applies_to"]],
        }
        for b in record["blocking"]
    ]
    return render(
        request,
        "web/more/cadre_record.html",
        {
            "cadre": cadre,
            "posts": posts,
            "current": next((p for p in posts if p.end is None), None),
            "record": record,
            "blocking": blocking,
            "cases": cases,
            "measures": measures,
            "vetoes": vetoes,
            "on": on,
            "today": today,
            "date_form": date_form,
            "can_move": can_move,
            "can_override": can_override and bool(veto_choices),
            "move_form": move_form,
            "veto_form": veto_form,
            "unverified_count": sum(1 for b in record["blocking"] if not b["verified"])
            + sum(1 for m in record["measures"] if not m["verified"]),
            # Chapters 4–5: results, awards and Art. 25 candidacy, and 约谈 (never measures).
            "extras": record_extras(cadre, on),
        },
        status=status,
    )


def _do_move(request, cadre: Cadre, form: MoveForm, on: dt.date):
    """Record the move; report every Art. 32 referral it created. None when the service refused."""
    data = form.cleaned_data
    lifelong = Referral.objects.filter(kind=Referral.Kind.LIFELONG, case__subjects__cadre=cadre)
    before = set(lifelong.values_list("pk", flat=True))
    retirement = data["kind"] == MoveKind.RETIREMENT
    try:
        cadre_move(
            cadre_id=cadre.pk,
            kind=data["kind"],
            effective_date=data["effective_date"],
            acting_user=request.user,
            organization=None if retirement else data["organization"],
            role="" if retirement else data["role"],
            title="" if retirement else data["title"],
        )
    except ApplicationError as exc:
        _forbidden_if_not_permitted(exc)
        add_service_error(form, exc)
        return None
    messages.success(
        request,
        _("%(move)s of %(name)s recorded, effective %(date)s.")
        % {"move": MoveKind(data["kind"]).label, "name": cadre.name, "date": data["effective_date"].isoformat()},
    )
    created = lifelong.exclude(pk__in=before).select_related("case", "to_department").order_by("id")
    for referral in created:
        messages.warning(
            request,
            _("Art. 32: case %(number)s and its materials were referred to %(department)s (lifelong accountability).")
            % {"number": referral.case.number, "department": referral.to_department.name},
        )
    return redirect(_record_url(cadre.pk, None))


# --- 4. Statistics ------------------------------------------------------------------------------

CHART_WIDTH = 600


def _nice_max(value: int) -> int:
    if value <= 5:
        return max(value, 1)
    exponent = 10 ** int(math.floor(math.log10(value)))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return int(step * exponent)
    return value


def hbar_chart(key: str, title: str, rows: list[dict], *, columns: list[str] | None = None) -> dict:
    """A horizontal bar chart laid out server side: each row's label sits above its bar, so long
    Chinese labels never need truncating. ``rows`` are ``{label, value, cells?}``."""
    top = max([r["value"] for r in rows] + [1])
    label_h, bar_h, gap = 18, 14, 12
    row_h = label_h + bar_h + gap
    usable = CHART_WIDTH - 60
    bars = []
    for i, r in enumerate(rows):
        y = i * row_h
        width = round(usable * r["value"] / top, 1) if r["value"] else 0
        bars.append(
            {
                **r,
                "y_label": y + 13,
                "y_bar": y + label_h,
                "w": max(width, 2 if r["value"] else 0),
                "x_value": width + 6,
                "y_value": y + label_h + bar_h - 2,
            }
        )
    return {
        "key": key,
        "kind": "hbar",
        "title": title,
        "width": CHART_WIDTH,
        "height": max(len(rows) * row_h, row_h),
        "bars": bars,
        "rows": bars,
        "bar_h": bar_h,
        "total": sum(r["value"] for r in rows),
        "extra_headers": columns or [],
        "empty": not any(r["value"] for r in rows),
    }


def column_chart(key: str, title: str, rows: list[dict], *, width: int = 1100) -> dict:
    """A vertical column chart (for months) with a light grid and the value above each column."""
    left, right, top_pad, plot_h = 34, 8, 18, 170
    top = _nice_max(max([r["value"] for r in rows] + [1]))
    n = max(len(rows), 1)
    slot = (width - left - right) / n
    bar_w = max(min(slot * 0.62, 44), 4)
    every = max(1, math.ceil(n / 12))  # at most twelve x labels
    columns = []
    for i, r in enumerate(rows):
        h = round(plot_h * r["value"] / top, 1)
        x = left + i * slot + (slot - bar_w) / 2
        columns.append(
            {
                **r,
                "x": round(x, 1),
                "y": round(top_pad + plot_h - h, 1),
                "h": h,
                "w": round(bar_w, 1),
                "cx": round(x + bar_w / 2, 1),
                "show_label": i % every == 0,
            }
        )
    grid = []
    for k in range(5):
        value = top * k / 4
        if value != int(value):
            continue
        grid.append({"y": round(top_pad + plot_h - plot_h * k / 4, 1), "value": int(value)})
    return {
        "key": key,
        "kind": "column",
        "title": title,
        "width": width,
        "wide": True,
        "height": top_pad + plot_h + 34,
        "plot_bottom": top_pad + plot_h,
        "left": left,
        "axis_x": left - 6,
        "right_edge": width - right,
        "label_y": top_pad + plot_h + 16,
        "columns": columns,
        "rows": columns,
        "grid": grid,
        "total": sum(r["value"] for r in rows),
        "empty": not any(r["value"] for r in rows),
    }


def _month_range(first: dt.date, last: dt.date, limit: int = 36) -> list[dt.date]:
    months = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months[-limit:]


def stats_data(user) -> dict:
    """Counts over the cases the user may see, in a fixed number of aggregate queries.

    Findings are counted only for cases the user's department handles: a referring agency sees the
    status and outcome of its leads, not the investigation (PRODUCT §5).
    """
    visible = case_visible_qs(user)
    by_state = dict(visible.order_by().values_list("state").annotate(n=Count("id")))
    by_owner = list(
        visible.order_by()
        .values("owner_department_id", "owner_department__name")
        .annotate(n=Count("id"))
        .order_by("-n", "owner_department__name")
    )
    by_month = {
        (row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]): row["n"]
        for row in visible.order_by().annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("id"))
        if row["month"] is not None
    }
    intake: dict[str, set[int]] = defaultdict(set)
    for case_id, codes in visible.order_by().values_list("pk", "circumstances"):
        for code in codes or []:
            intake[code].add(case_id)
    found: dict[str, set[int]] = defaultdict(set)
    findings = Finding.objects.filter(subject__case__in=_full_access_qs(user).values("pk"))
    for case_id, codes in findings.values_list("subject__case_id", "circumstances"):
        for code in codes or []:
            found[code].add(case_id)
    by_measure: dict[str, Mapping[str, Any]] = {
        row["measure"]: row
        for row in MeasureDecision.objects.filter(state=MeasureDecision.State.DECIDED, subject__case__in=visible.values("pk"))
        .order_by()
        .values("measure")
        .annotate(n=Count("id"), cases=Count("subject__case", distinct=True))
    }

    total = sum(by_state.values())
    open_count = sum(n for s, n in by_state.items() if s not in TERMINAL_STATES)
    charts = [
        hbar_chart(
            "circumstance",
            _("Cases by circumstance (Art. 26)"),
            [
                {
                    "label": f"{c.value} {c.label}",
                    "value": len(intake[c.value] | found[c.value]),
                    "cells": [len(intake[c.value]), len(found[c.value])],
                }
                for c in Circumstance
            ],
            columns=[_("Claimed at intake"), _("Found by the investigation")],
        ),
        hbar_chart(
            "measure",
            _("Decided measures (Art. 27)"),
            [
                {
                    "label": str(m.label),
                    "value": by_measure.get(m.value, {}).get("n", 0),
                    "cells": [by_measure.get(m.value, {}).get("cases", 0)],
                }
                for m in Measure
            ],
            columns=[_("Cases")],
        ),
        hbar_chart(
            "state",
            _("Cases by state"),
            [{"label": str(s.label), "value": by_state[s.value], "state": s.value} for s in CaseState if by_state.get(s.value)],
        ),
        hbar_chart(
            "owner",
            _("Cases by handling department"),
            [{"label": row["owner_department__name"], "value": row["n"]} for row in by_owner],
        ),
    ]
    today = local_today()
    this_month = dt.date(today.year, today.month, 1)
    year_ago = dt.date(today.year - 1, today.month, 1) if today.month == 12 else dt.date(today.year - 1, today.month + 1, 1)
    months = _month_range(min([year_ago, *by_month]), max([this_month, *by_month]))
    charts.insert(
        0,
        column_chart(
            "month",
            _("New cases by month"),
            [{"label": m.strftime("%Y-%m"), "value": by_month.get(m, 0)} for m in months],
        ),
    )
    return {
        "total": total,
        "open": open_count,
        "closed": total - open_count,
        "measures": sum(row["n"] for row in by_measure.values()),
        "charts": charts,
    }


@login_required
def stats(request):
    return render(request, "web/more/stats.html", stats_data(request.user))


# --- 5. Accidents ---------------------------------------------------------------------------------


def _require_accidents(request):
    if request.user.is_superuser:
        return None
    membership = membership_of(request.user)
    if membership is None or membership.department.kind not in ACCIDENT_KINDS:
        raise PermissionDenied(_("Accidents are recorded by emergency management, regulators or the discipline organ."))
    return membership


@login_required
def accident_list(request):
    _require_accidents(request)
    accidents = (
        Accident.objects.filter(accidents_visible_q(request.user))
        .select_related("location")
        .annotate(n_cases=Count("cases"))
        .order_by("-occurred_at", "id")
    )
    page = Paginator(accidents, PAGE_SIZE).get_page(request.GET.get("page"))
    for accident in page.object_list:
        accident.loss_wan = accident.direct_loss_yuan / 10000
    return render(request, "web/more/accident_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def accident_new(request):
    _require_accidents(request)
    status = 200
    if request.method == "POST":
        form = AccidentForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                accident = accident_create(data=form.cleaned_data, acting_user=request.user)
            except ApplicationError as exc:
                _forbidden_if_not_permitted(exc)
                add_service_error(form, exc)
            else:
                messages.success(
                    request, _("Accident recorded; computed grade: %(grade)s.") % {"grade": accident.get_grade_display()}
                )
                return redirect("web:accident_detail", pk=accident.pk)
        status = 400
    else:
        form = AccidentForm(user=request.user)
    return render(request, "web/more/accident_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def accident_detail(request, pk: int):
    _require_accidents(request)
    accident = get_object_or_404(
        Accident.objects.filter(accidents_visible_q(request.user)).select_related("location", "created_by"), pk=pk
    )
    reports_qs = AccidentReport.objects.select_related("recipient", "recorded_by").order_by("level", "reported_at")
    top = accident.reports.order_by("-level").values_list("level", flat=True).first()
    next_level = top + 1 if top is not None else (1 if accident.unit_reported_at else 0)
    report_form = AccidentReportForm(prefix="report", initial={"level": next_level}, user=request.user)
    finding_form = ReportingFindingForm(prefix="finding")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "report":
            report_form = AccidentReportForm(request.POST, prefix="report", user=request.user)
            if report_form.is_valid():
                try:
                    accident_report_add(accident_id=accident.pk, acting_user=request.user, **report_form.cleaned_data)
                except ApplicationError as exc:
                    _forbidden_if_not_permitted(exc)
                    add_service_error(report_form, exc)
                else:
                    messages.success(request, _("Report step recorded."))
                    return redirect("web:accident_detail", pk=accident.pk)
        elif action == "finding":
            finding_form = ReportingFindingForm(request.POST, prefix="finding")
            if finding_form.is_valid():
                try:
                    reporting_finding_add(accident_id=accident.pk, acting_user=request.user, **finding_form.cleaned_data)
                except ApplicationError as exc:
                    _forbidden_if_not_permitted(exc)
                    add_service_error(finding_form, exc)
                else:
                    messages.success(request, _("Reporting finding recorded."))
                    return redirect("web:accident_detail", pk=accident.pk)
        else:
            raise Http404
        status = 400

    accident = Accident.objects.prefetch_related(Prefetch("reports", queryset=reports_qs)).select_related("location").get(pk=pk)
    accident.loss_wan = accident.direct_loss_yuan / 10000  # type: ignore[attr-defined]  # pinned on the row for the template
    reports = {r.level: r for r in accident.reports.all()}
    timeliness = accident_timeliness(accident)
    steps = [{**s, "report": reports.get(s["level"])} for s in timeliness["steps"]]
    findings = ReportingFinding.objects.filter(accident=accident).select_related("recorded_by").order_by("recorded_at", "id")
    cases = case_visible_qs(request.user).filter(accident=accident).select_related("owner_department").order_by("-created_at")
    policies = {
        p.code: p
        for p in DeadlinePolicy.objects.filter(code__in=["accident_unit_report", "accident_level_report"]).order_by("valid_from")
    }
    return render(
        request,
        "web/more/accident_detail.html",
        {
            "accident": accident,
            "timeliness": timeliness,
            "steps": steps,
            "findings": findings,
            "cases": [{"case": c, "url": case_url(c.pk)} for c in cases],
            "report_form": report_form,
            "finding_form": finding_form,
            "policies": list(policies.values()),
        },
        status=status,
    )
