"""Cadre records (PRODUCT §9; Art. 28, 32): the list of cadres in the user's jurisdiction, and a
cadre's record with its eligibility on a date, vetoes and their overrides, and moves.

Writes go through ``cases.services`` (``cadre_move``, ``veto_override``); nothing is saved here.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from appraisal.selectors.assessment import record_extras
from cases.codes import UNDER_INVESTIGATION_STATES, CaseState
from cases.selectors.interim import interim_visible_subjects
from cases.selectors.pages import (
    cadre_subjects_with_conclusions,
    lifelong_referral_ids,
    lifelong_referrals_after,
    visible_case_ids,
)
from cases.selectors.records import (
    VETO_AUTHORITIES,
    VETO_BASIS,
    cadre_record,
    cadre_records,
    require_record_reader,
)
from cases.services.cadres import PERSONNEL_KINDS, cadre_move, move_refusal
from cases.services.records import veto_override
from core.errors import ApplicationError
from core.persistence import local_today
from org.access import membership_of
from org.codes import MoveKind, Rank
from org.models import Cadre
from org.selectors import cadre_posts, cadres_in_jurisdiction, cadres_with_current_posts, with_organization_name
from web.cadres.forms import CadreFilterForm, MoveForm, RecordDateForm, VetoOverrideForm
from web.common.helpers import case_url, measure_label
from web.common.listing import CADRES, list_controls, wants_partial
from web.common.services import FORM, run_service


def _require_records(request) -> None:
    try:
        require_record_reader(request.user)
    except ApplicationError as exc:
        raise PermissionDenied(str(exc.detail)) from None


@login_required
def cadre_list(request):
    _require_records(request)
    form = CadreFilterForm(request.GET or None, user=request.user)
    q = ""
    if form.is_valid():
        data = form.cleaned_data
        q = (data["q"] or "").strip()
        qs = cadres_with_current_posts(request.user, q=q, role=data["role"] or "", organization=data["department"] or None)
    else:
        qs = cadres_with_current_posts(request.user)
    controls = list_controls(request, CADRES)
    if controls.sort.lstrip("-") == "department":
        qs = with_organization_name(qs)
    page = Paginator(controls.apply(qs), controls.page_size).get_page(request.GET.get("page"))
    cadres = list(page.object_list)
    today = local_today()
    records = cadre_records(cadres, today)
    rows = [
        {"cadre": c, "post": c.current_posts[0] if c.current_posts else None, "record": rec}
        for c, rec in zip(cadres, records, strict=True)
    ]
    context = {"form": form, "rows": rows, "page": page, "today": today, "controls": controls, "q": q}
    if wants_partial(request):
        return render(request, "web/cadres/_cadre_results.html", context)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/cadres/cadre_list.html", {**context, "query": query.urlencode()})


def _veto_periods(cadre: Cadre, record: dict, on: dt.date) -> list[dict]:
    """The Art. 28 veto of each of the cadre's subjects it applies to, with its end.

    ``cadre_record`` reports a veto only while it bars something on the chosen date, so for the
    end of a veto at any other time the record is read once more on each decision date (one
    read per distinct decision date, whatever the number of rows).
    """
    subjects = cadre_subjects_with_conclusions(cadre)
    active = {b["case"]: b for b in record["blocking"] if b["basis"].startswith(VETO_BASIS)}
    at_decision: dict[dt.date, dict] = {}
    rows = []
    for subject in subjects:
        found = subject.conclusions  # type: ignore[attr-defined]  # prefetched to this attribute
        conclusion = found[0] if found else None
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


def _interim_rows(user, record: dict) -> list[dict]:
    """The record's 先期处置, each with the link to its subject's interim page where the user may
    open it (the authority managing the post, or the case's own organs)."""
    visible = interim_visible_subjects(user, {m["subject"] for m in record["interim_measures"]})
    return [
        {**m, "url": reverse("web:case_interim", args=[m["case"], m["subject"]]) if m["subject"] in visible else None}
        for m in record["interim_measures"]
    ]


def _record_url(cadre_id: int, on: dt.date | None) -> str:
    url = reverse("web:cadre_record", args=[cadre_id])
    return f"{url}?{urlencode({'on': on.isoformat()})}" if on else url


@login_required
@require_http_methods(["GET", "POST"])
def cadre_record_view(request, pk: int):
    _require_records(request)
    cadre = get_object_or_404(cadres_in_jurisdiction(request.user), pk=pk)
    membership = membership_of(request.user)
    today = local_today()
    date_form = RecordDateForm(request.GET or None)
    on = today
    if date_form.is_bound and date_form.is_valid() and date_form.cleaned_data["on"]:
        on = date_form.cleaned_data["on"]
    can_move = membership is not None and membership.department.kind in PERSONNEL_KINDS
    # 干部管理权限: a post a higher authority manages is moved by that authority only.
    authority_refusal = move_refusal(cadre, request.user) if can_move else None
    can_move = can_move and authority_refusal is None
    # Only a leader may confirm moving a cadre under investigation (政务处分法第五十二条; the service decides).
    can_confirm = can_move and membership is not None and membership.rank == Rank.LEADER
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
                raise PermissionDenied(
                    authority_refusal or _("Only the organization and personnel department keeps cadre records.")
                )
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
                outcome = run_service(
                    request,
                    lambda: veto_override(
                        subject_id=data["subject"], until=data["until"], reason=data["reason"], acting_user=request.user
                    ),
                    form=veto_form,
                    success=_("The veto now lasts until %(date)s.") % {"date": data["until"].isoformat()},
                    others=FORM,
                )
                if outcome.ok:
                    return redirect(_record_url(cadre.pk, on if on != today else None))
        else:
            raise Http404
        status = 400

    posts = cadre_posts(cadre)
    case_ids = [c["id"] for c in record["cases"]]
    # Record readers see every case of the cadre here; the link only where the case page opens.
    visible = visible_case_ids(request.user, case_ids)
    cases = [
        {**c, "state_display": CaseState(c["state"]).label, "url": case_url(c["id"]) if c["id"] in visible else None}
        for c in record["cases"]
    ]
    measures = [{**m, "label": measure_label(m["measure"], m["sanction_kind"])} for m in record["measures"]]
    # Filed (立案) and still under investigation: a move needs a leader's confirmation (政务处分法第五十二条).
    investigated_ids = {c["id"] for c in record["cases"] if c["filed_on"] and c["state"] in UNDER_INVESTIGATION_STATES}
    interim = _interim_rows(request.user, record)
    blocking = [
        {
            **b,
            "applies": [_("promotion") if a == "promotion" else _("awards and 评优") for a in b["applies_to"]],
        }
        for b in record["blocking"]
    ]
    return render(
        request,
        "web/cadres/cadre_record.html",
        {
            "cadre": cadre,
            "posts": posts,
            "current": next((p for p in posts if p.end is None), None),
            "record": record,
            "blocking": blocking,
            "cases": cases,
            "measures": measures,
            "interim": interim,
            "vetoes": vetoes,
            "on": on,
            "today": today,
            "date_form": date_form,
            "can_move": can_move,
            "authority_refusal": authority_refusal,
            "can_confirm": can_confirm,
            "investigated": [c for c in cases if c["id"] in investigated_ids],
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
    before = lifelong_referral_ids(cadre)
    retirement = data["kind"] == MoveKind.RETIREMENT
    outcome = run_service(
        request,
        lambda: cadre_move(
            cadre_id=cadre.pk,
            kind=data["kind"],
            effective_date=data["effective_date"],
            acting_user=request.user,
            organization=None if retirement else data["organization"],
            role="" if retirement else data["role"],
            title="" if retirement else data["title"],
            confirm_under_investigation=bool(data.get("confirm_under_investigation")),
            reason=data.get("reason") or "",
        ),
        form=form,
        success=_("%(move)s of %(name)s recorded, effective %(date)s.")
        % {"move": MoveKind(data["kind"]).label, "name": cadre.name, "date": data["effective_date"].isoformat()},
        others=FORM,
    )
    if not outcome.ok:
        return None
    created = lifelong_referrals_after(cadre, before)
    for referral in created:
        messages.warning(
            request,
            _("Art. 32: case %(number)s and its materials were referred to %(department)s (lifelong accountability).")
            % {"number": referral.case.number, "department": referral.to_department.name},
        )
    return redirect(_record_url(cadre.pk, None))
