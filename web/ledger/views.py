"""Pages of the duty ledger (PRODUCT §3; Chapters 2–3, Art. 14, 17): a department's view of who
is behind in the block running now, a cadre's compliance calendar with the year's records and
their evidence, and the download of an evidence file.

Views are thin: who may read or keep the ledger is ``duties.selectors.scope`` (the 403s
``duties.services.access``); records are written and withdrawn only by
``duties.services.ledger``; every read (compliance, status, the rows shown) is
``duties.selectors``, in a constant number of queries whatever the number of cadres, records or
files.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import NotFound, NotPermitted
from core.persistence import local_today
from duties.api.views import evidence_response
from duties.codes import Activity, Organ, Period, PeriodStatus
from duties.selectors import ledger as ledger_reads
from duties.selectors.compliance import cadre_compliance
from duties.selectors.organs import organ_compliance, organ_compliance_for_year, organ_records, organ_units
from duties.selectors.scope import ledger_scope
from duties.selectors.status import department_status
from duties.services.access import NO_ACCESS, require_ledger_access
from duties.services.ledger import organ_record_create, record_create, record_void
from org.access import county_of, membership_of
from org.codes import Role
from org.models import Department, Post
from web.common.services import FLASH, FORM, run_service
from web.ledger.forms import DepartmentPickForm, OrganRecordForm, RecordForm, WithdrawForm

STATUS_MARK = {"met": "✓", "missed": "✗", "partial": "~", "pending": "…"}
MONTHS = [dt.date(2000, m, 1) for m in range(1, 13)]
YEAR_TABS = 8  # the switcher lists at most this many years, the latest first


def _label(choices, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _period_label(code: str) -> str:
    return _label(Period, code)


def _status_label(code: str) -> str:
    return _label(PeriodStatus, code)


def _ledger_rights(user, organizations: set[int]) -> bool:
    """``True`` when ``user`` may keep the cadre's ledger, ``False`` when they may only read it;
    403 when neither (the rule is ``duties.services.access``'s)."""
    try:
        require_ledger_access(user, organizations, write=True)
        return True
    except NotPermitted:
        pass
    try:
        require_ledger_access(user, organizations, write=False)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.detail)) from None
    return False


def compliance_url(cadre_id: int, year: int | None = None) -> str:
    url = reverse("web:duties_cadre", args=[cadre_id])
    return f"{url}?{urlencode({'year': year})}" if year else url


def organs_url(department_id: int, year: int | None = None) -> str:
    query = {"department": department_id, **({"year": year} if year else {})}
    return f"{reverse('web:duties_organs')}?{urlencode(query)}"


def _no_catalog_rows(rows: list[dict]) -> list[dict]:
    """``no_catalog`` lines with the role (or organ) named, for the pages."""
    return [
        {**row, "role_label": _label(Role, row["role"]) if row["role"] in Role.values else _label(Organ, row["role"])}
        for row in rows
    ]


# --- 1. The department's view: who is behind in the block running now ---------------------------


def _picker_groups(units: list[Department]) -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = {}
    for unit in units:
        groups.setdefault(str(Department.Level(unit.level).label), []).append((unit.pk, unit.name))
    return list(groups.items())


@login_required
def ledger_home(request):
    level, scope_ids = ledger_scope(request.user)
    if level == "none":
        raise PermissionDenied(str(NO_ACCESS))
    membership = membership_of(request.user)
    picker = None
    if level == "own":
        # A department keeps the ledger of its own leaders and sees only them.
        department = membership.department
        if request.GET.get("department") not in (None, "", str(department.pk)):
            raise PermissionDenied(str(NO_ACCESS))
    else:
        units = ledger_reads.picker_units(scope_ids)
        by_id = {u.pk: u for u in units}
        wanted = request.GET.get("department")
        if wanted:
            try:
                wanted_id = int(wanted)
            except ValueError:
                raise Http404 from None
            department = by_id.get(wanted_id)
            if department is None:
                if ledger_reads.department_exists(wanted_id):
                    raise PermissionDenied(str(NO_ACCESS))
                raise Http404
        else:
            # Keepers and the discipline organ start with the county's own leaders, who carry the most duties.
            home = county_of(membership.department) if membership else None
            department = (by_id.get(home.pk) if home else None) or next(iter(units), None)
            if department is None:
                raise Http404
        picker = DepartmentPickForm(initial={"department": department.pk}, groups=_picker_groups(units))

    today = local_today()
    status = department_status(department, today)
    organs = _organ_status(department, today) if level != "own" else None
    rows = []
    for row in status["cadres"]:
        duties = [
            {
                **duty,
                "activity_label": _label(Activity, duty["activity"]),
                "period_label": _period_label(duty["period"]),
                "status_label": _status_label(duty["status"]),
                "mark": STATUS_MARK.get(duty["status"], ""),
                "days_left": (duty["end"] - today).days,
            }
            for duty in row["duties"]
        ]
        rows.append(
            {
                **row,
                "duties": duties,
                "span": max(len(duties), 1),
                "role_labels": [_label(Role, r) for r in row["roles"]],
                "url": compliance_url(row["cadre"]["id"]),
                "no_catalog": _no_catalog_rows(row["no_catalog"]),
            }
        )
    return render(
        request,
        "web/ledger/home.html",
        {
            "here": "duties",
            "department": department,
            "picker": picker,
            "today": today,
            "rows": rows,
            "behind_count": status["behind_count"],
            "catalog": status["catalog"],
            "organs": organs,
        },
    )


def _organ_status(department: Department, today: dt.date) -> dict | None:
    """The block running today of each duty of the organs of ``department``'s county (第十四条、
    第十六条、第十七条): the home page's section; ``None`` when the county has no organ."""
    county = county_of(department)
    results = organ_compliance(county, start=today, end=today, as_of=today)
    if not results:
        return None
    rows = []
    for organ in results:
        duties = [
            {
                "citation": o["citation"],
                "activity_label": _label(Activity, o["activity"]),
                "period_label": _period_label(o["period"]),
                **o["periods"][0],
                "status_label": _status_label(o["periods"][0]["status"]),
                "mark": STATUS_MARK.get(o["periods"][0]["status"], ""),
                "behind": o["periods"][0]["done"] < o["periods"][0]["required"],
            }
            for o in organ["obligations"]
        ]
        rows.append({**organ, "duties": duties, "span": max(len(duties), 1), "no_catalog": _no_catalog_rows(organ["no_catalog"])})
    return {"county": county, "rows": rows, "url": organs_url(county.pk)}


# --- 2. A cadre's compliance calendar, records and evidence --------------------------------------


def _year_from(value, today: dt.date) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


def _calendar(periods: list[dict], year: int, today: dt.date) -> list[dict]:
    """The year's twelve months as cells: each block spans its months (a block reaching outside
    the year, a two-year block, spans the part inside it); months in no block are gaps (the
    cadre held no role the duty binds then)."""
    cells = []
    month = 1
    for p in periods:
        first = 1 if p["start"].year < year else p["start"].month
        last = 12 if p["end"].year > year else p["end"].month
        if first > month:
            cells.append({"gap": True, "span": first - month})
        cells.append(
            {
                **p,
                "gap": False,
                "span": last - first + 1,
                "mark": STATUS_MARK.get(p["status"], ""),
                "status_label": _status_label(p["status"]),
                "now": p["start"] <= today <= p["end"],
                "beyond": p["start"].year < year or p["end"].year > year,
                "partly_held": p["held_from"] > p["start"] or (p["held_to"] or p["end"]) < p["end"],
            }
        )
        month = last + 1
    if month <= 12:
        cells.append({"gap": True, "span": 13 - month})
    return cells


def _obligation_label(obligation: dict) -> str:
    citation, period = obligation["citation"], obligation["period"]
    if period == Period.STANDING:
        # Every standing duty has the same activity: name the duty by the seed's words instead.
        words = obligation["text"] if len(obligation["text"]) <= 30 else obligation["text"][:30] + "…"
        return f"{citation} {words} · {_period_label(period)}"
    return f"{citation} {_label(Activity, obligation['activity'])} · {_period_label(period)}"


def _year_tabs(posts: list[Post], year: int, today: dt.date) -> list[int]:
    first = min([p.start.year for p in posts] + [today.year])
    years = list(range(max(first, today.year - YEAR_TABS + 1), today.year + 1))
    if year not in years:
        years.append(year)
    return sorted(years, reverse=True)


@login_required
@require_http_methods(["GET", "POST"])
def cadre_compliance_view(request, pk: int):
    cadre = get_object_or_404(ledger_reads.cadres_with_posts(), pk=pk)
    posts = list(cadre.posts.all())
    can_keep = _ledger_rights(request.user, {p.organization_id for p in posts})
    today = local_today()
    year = _year_from(request.GET.get("year"), today)
    compliance = cadre_compliance(cadre.pk, year=year, as_of=today)
    choices = [(o["obligation"], _obligation_label(o)) for o in compliance["obligations"]]
    record_form = RecordForm(prefix="record", obligations=choices, initial={"date": today if year == today.year else None})
    withdraw_errors: dict[int, WithdrawForm] = {}
    status, action = 200, None

    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied(str(NO_ACCESS))
        action = request.POST.get("action")
        if action == "record":
            record_form = RecordForm(request.POST, request.FILES, prefix="record", obligations=choices)
            if record_form.is_valid():
                data = record_form.cleaned_data
                outcome = run_service(
                    request,
                    lambda: record_create(
                        acting_user=request.user,
                        cadre=cadre,
                        obligation=ledger_reads.obligation(data["obligation"]),
                        date=data["date"],
                        note=data["note"],
                        files=data["evidence"],
                    ),
                    form=record_form,
                    success=lambda record: (
                        _("Duty record of %(date)s saved with %(n)s evidence file(s).")
                        % {"date": record.date.isoformat(), "n": len(data["evidence"])}
                    ),
                    others=FORM,
                )
                if outcome.ok:
                    return redirect(compliance_url(cadre.pk, outcome.value.date.year) + "#records")
        elif action == "withdraw":
            try:
                record_id = int(request.POST.get("record", ""))
            except ValueError:
                raise Http404 from None
            if not ledger_reads.cadre_has_record(cadre.pk, record_id):
                raise Http404
            form = WithdrawForm(request.POST, prefix=f"w{record_id}")
            form.is_valid()
            outcome = run_service(
                request,
                lambda: record_void(acting_user=request.user, record_id=record_id, reason=form.cleaned_data.get("reason", "")),
                form=form,
                success=lambda record: _("The record of %(date)s was withdrawn.") % {"date": record.date.isoformat()},
                others=FLASH,
            )
            if outcome.ok:
                return redirect(compliance_url(cadre.pk, outcome.value.date.year) + "#records")
            if not outcome.on_form:
                return redirect(compliance_url(cadre.pk, year) + "#records")
            withdraw_errors[record_id] = form
        else:
            raise Http404
        status = 400

    records = ledger_reads.cadre_records(cadre.pk, year)
    for record in records:
        # Read by the template beside each record: its withdrawal form, open when it has errors.
        record.withdraw_form = withdraw_errors.get(record.pk) or WithdrawForm(prefix=f"w{record.pk}")  # type: ignore[attr-defined]  # for the template
        record.withdraw_open = record.pk in withdraw_errors  # type: ignore[attr-defined]  # for the template

    obligations = [
        {
            **o,
            "activity_label": _label(Activity, o["activity"]),
            "period_label": _period_label(o["period"]),
            "role_labels": [_label(Role, r) for r in o["roles"]],
            "cells": _calendar(o["periods"], year, today),
            "missed": sum(1 for p in o["periods"] if p["status"] == "missed"),
        }
        for o in compliance["obligations"]
    ]
    return render(
        request,
        "web/ledger/cadre.html",
        {
            "here": "duties_cadre",
            "cadre": cadre,
            "current_posts": [p for p in posts if p.end is None or p.end >= today],
            "year": year,
            "today": today,
            "is_current_year": year == today.year,
            "years": _year_tabs(posts, year, today),
            "fully_met": compliance["fully_met"],
            "catalogs": compliance["catalogs"],
            "no_catalog": _no_catalog_rows(compliance["no_catalog"]),
            "missed_count": sum(o["missed"] for o in obligations),
            "obligations": obligations,
            "months": MONTHS,
            "records": records,
            "can_keep": can_keep,
            "record_form": record_form,
            "files_dropped": status == 400 and action == "record" and bool(request.FILES),
        },
        status=status,
    )


# --- 3. The organs of a county: the safety committee, the government, the park's committee --------


def _organ_department(request, scope_ids: list[int] | None) -> Department:
    """The county (or park) whose organs are shown: ``?department=`` or the user's county."""
    wanted = request.GET.get("department")
    if wanted:
        try:
            wanted_id = int(wanted)
        except ValueError:
            raise Http404 from None
        return get_object_or_404(ledger_reads.departments(), pk=wanted_id)
    membership = membership_of(request.user)
    if membership is None:
        units = ledger_reads.picker_units(scope_ids)
        county = next((u for u in units if u.level == Department.Level.COUNTY), None)
        if county is None:
            raise Http404
        return county
    return county_of(membership.department)


@login_required
@require_http_methods(["GET", "POST"])
def organs_view(request) -> HttpResponse:
    """The organs of a county (第十四条 the safety committee's patrol, 第十六条 its yearly evaluation,
    第十七条 the government's and the park committee's 述责): their calendar for a year, their
    records with evidence, and for keepers the form to record one."""
    level, scope_ids = ledger_scope(request.user)
    if level == "none":
        raise PermissionDenied(str(NO_ACCESS))
    department = _organ_department(request, scope_ids)
    can_keep = _ledger_rights(request.user, {department.pk})
    today = local_today()
    year = _year_from(request.GET.get("year"), today)
    result = organ_compliance_for_year(department, year=year, as_of=today)
    units = {u.pk: u for u in organ_units(department)}
    choices = [
        (
            f"{organ['unit']['id']}:{o['obligation']}",
            f"{organ['unit']['name']} · {organ['organ_label']} · {_obligation_label(o)}",
        )
        for organ in result["organs"]
        for o in organ["obligations"]
    ]
    record_form = OrganRecordForm(prefix="record", duties=choices, initial={"date": today if year == today.year else None})
    withdraw_errors: dict[int, WithdrawForm] = {}
    status, action = 200, None
    here = organs_url(department.pk, year)

    if request.method == "POST":
        if not can_keep:
            raise PermissionDenied(str(NO_ACCESS))
        action = request.POST.get("action")
        if action == "record":
            record_form = OrganRecordForm(request.POST, request.FILES, prefix="record", duties=choices)
            if record_form.is_valid():
                data = record_form.cleaned_data
                unit_id, obligation_id = (int(part) for part in data["duty"].split(":"))
                outcome = run_service(
                    request,
                    lambda: organ_record_create(
                        acting_user=request.user,
                        unit=units[unit_id],
                        obligation=ledger_reads.obligation(obligation_id),
                        date=data["date"],
                        note=data["note"],
                        files=data["evidence"],
                    ),
                    form=record_form,
                    success=lambda record: (
                        _("Duty record of %(date)s saved with %(n)s evidence file(s).")
                        % {"date": record.date.isoformat(), "n": len(data["evidence"])}
                    ),
                    others=FORM,
                )
                if outcome.ok:
                    return redirect(organs_url(department.pk, outcome.value.date.year) + "#records")
        elif action == "withdraw":
            try:
                record_id = int(request.POST.get("record", ""))
            except ValueError:
                raise Http404 from None
            if not ledger_reads.unit_has_record(list(units), record_id):
                raise Http404
            form = WithdrawForm(request.POST, prefix=f"w{record_id}")
            form.is_valid()
            outcome = run_service(
                request,
                lambda: record_void(acting_user=request.user, record_id=record_id, reason=form.cleaned_data.get("reason", "")),
                form=form,
                success=lambda record: _("The record of %(date)s was withdrawn.") % {"date": record.date.isoformat()},
                others=FLASH,
            )
            if outcome.ok or not outcome.on_form:
                return redirect(here + "#records")
            withdraw_errors[record_id] = form
        else:
            raise Http404
        status = 400

    records = list(organ_records(department, year))
    for record in records:
        # Read by the template beside each record: its withdrawal form, open when it has errors.
        record.withdraw_form = withdraw_errors.get(record.pk) or WithdrawForm(prefix=f"w{record.pk}")  # type: ignore[attr-defined]  # for the template
        record.withdraw_open = record.pk in withdraw_errors  # type: ignore[attr-defined]  # for the template
    organs = [
        {
            **organ,
            "no_catalog": _no_catalog_rows(organ["no_catalog"]),
            "missed": sum(1 for o in organ["obligations"] for p in o["periods"] if p["status"] == "missed"),
            "rows": [
                {
                    **o,
                    "activity_label": _label(Activity, o["activity"]),
                    "period_label": _period_label(o["period"]),
                    "cells": _calendar(o["periods"], year, today),
                }
                for o in organ["obligations"]
            ],
        }
        for organ in result["organs"]
    ]
    return render(
        request,
        "web/ledger/organs.html",
        {
            "here": "duties_organs",
            "department": department,
            "year": year,
            "today": today,
            "years": sorted({*range(max(2021, today.year - YEAR_TABS + 1), today.year + 1), year}, reverse=True),
            "organs": organs,
            "months": MONTHS,
            "records": records,
            "can_keep": can_keep,
            "record_form": record_form,
            "has_duties": bool(choices),
            "files_dropped": status == 400 and action == "record" and bool(request.FILES),
        },
        status=status,
    )


# --- 4. Evidence files -----------------------------------------------------------------------------


@login_required
def evidence_download(request, record_pk: int, pk: int):
    """An evidence file, always as an attachment, only for those who may read the record."""
    evidence = ledger_reads.evidence(record_pk, pk)
    if evidence is None:
        raise Http404
    try:
        require_ledger_access(request.user, ledger_reads.record_organizations(evidence.record), write=False)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.detail)) from None
    try:
        return evidence_response(evidence)
    except NotFound:  # the file is missing from storage (logged)
        raise Http404 from None
