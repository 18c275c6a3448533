"""Case materials (案件材料, issue 16 item 8): the list of every material with its versions, the
upload form, a new version, withdrawal with a reason, and the download — for those who see the
case in full; the forms for the handling department while the case has not ended."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.codes import TERMINAL_STATES
from cases.selectors import case_or_none
from cases.selectors.materials import material_or_none, material_series, materials_visible
from cases.services.materials import material_add, material_new_version, material_withdraw
from core.errors import NotFound
from duties.api.views import stored_file_response
from web.cases.forms import MaterialForm, MaterialVersionForm, MaterialWithdrawForm
from web.cases.helpers import is_member
from web.common.services import SHOW, run_service

ACTIONS = ("add", "version", "withdraw")


def _case(request, pk: int):
    case = case_or_none(pk)
    if case is None or not materials_visible(request.user, case):
        raise Http404
    return case


def may_write_materials(user, case) -> bool:
    """Whether the page offers the forms (the service decides; this only hides them)."""
    return case.state not in TERMINAL_STATES and is_member(user, case.owner_department_id)


@login_required
@require_http_methods(["GET", "POST"])
def case_materials(request, pk: int):
    case = _case(request, pk)
    can_write = may_write_materials(request.user, case)
    add_form, bound, target = MaterialForm(prefix="material"), None, ""
    status, page_error = 200, ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            raise Http404
        target = request.POST.get("material") or ""
        if action != "add" and not target.isdigit():
            raise Http404
        bound = _form(action, target, request.POST, request.FILES)
        if action == "add":
            add_form = bound
        outcome = None
        if bound.is_valid():
            outcome = run_service(
                request,
                _call(request, action, bound, case.pk, int(target or 0)),
                form=bound,
                success=_("Material withdrawn.") if action == "withdraw" else _("Material saved."),
                denied=SHOW,
            )
            if outcome.ok:
                return redirect(_back(request, case.pk, outcome.value.pk))
        status = outcome.status if outcome is not None else 400
        page_error = outcome.page_error if outcome is not None else ""
    series = material_series(case)
    for item in series:
        pk_ = str(item.latest.pk)
        for action in ("version", "withdraw"):
            posted = bound is not None and request.POST.get("action") == action and target == pk_
            setattr(item, f"{action}_form", bound if posted else _form(action, pk_))
    return render(
        request,
        "web/cases/materials.html",
        {
            "case": case,
            "series": series,
            "can_write": can_write,
            "form": add_form,
            "page_error": page_error,
            "sealed": case.state in TERMINAL_STATES,
        },
        status=status,
    )


def _form(action: str, material: str, data=None, files=None):
    if action == "add":
        return MaterialForm(data, files, prefix="material")
    if action == "version":
        return MaterialVersionForm(data, files, prefix=f"version{material}")
    return MaterialWithdrawForm(data, prefix=f"withdraw{material}")


def _call(request, action: str, form, case_id: int, material_id: int):
    data = form.cleaned_data
    if action == "add":
        return lambda: material_add(
            case_id=case_id,
            kind=data.get("kind") or "",
            title=data.get("title") or "",
            upload=data.get("file"),
            acting_user=request.user,
        )
    if action == "version":
        return lambda: material_new_version(
            case_id=case_id,
            material_id=material_id,
            upload=data.get("file"),
            title=data.get("title") or "",
            acting_user=request.user,
        )
    return lambda: material_withdraw(
        case_id=case_id, material_id=material_id, reason=data.get("reason") or "", acting_user=request.user
    )


def _back(request, case_id: int, material_id: int) -> str:
    if request.POST.get("next") == "case":
        return reverse("web:case_detail", args=[case_id]) + "#materials"
    return reverse("web:case_materials", args=[case_id]) + f"#material-{material_id}"


@login_required
@require_GET
def case_material_download(request, pk: int, mid: int):
    """A material's file, always as an attachment with its checked type (as duty evidence)."""
    case = _case(request, pk)
    material = material_or_none(case, mid)
    if material is None:
        raise Http404
    try:
        return stored_file_response(
            material.file,
            filename=material.original_name,
            content_type=material.content_type,
            missing=_("The file of this material is missing from storage; tell the administrator."),
            what=f"Material {material.pk} of case {case.pk}",
        )
    except NotFound:  # the file is missing from storage (logged)
        raise Http404 from None
