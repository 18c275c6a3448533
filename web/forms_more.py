"""Forms of the intake, referral, cadre-record, accident and statistics pages.

The forms check only the shape of the input; the domain rules (who may act, which values fit)
stay in ``cases.services``, whose field errors ``add_service_error`` puts back next to the fields.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.codes import Circumstance, SourceKind
from cases.models import Accident, ReportingFinding
from cases.selectors import accidents_visible_q
from core.errors import ApplicationError
from org.codes import MoveKind, Role
from org.jurisdiction import cadres_visible_q, departments_visible_q
from org.models import Cadre, Department

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def add_service_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service error next to the field it names, or above the form."""
    detail = exc.detail
    if isinstance(detail, dict):
        for field, messages in detail.items():
            target = field if field in form.fields else None
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                form.add_error(target, str(message))
    else:
        form.add_error(None, str(detail))


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.name


def departments():
    return Department.objects.order_by("level", "id")


class ScopedForm(forms.Form):
    """A form whose department, cadre and accident choices are narrowed to what ``user`` may see
    (``org.jurisdiction``): another county's units and people are never listed."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None:
            return

        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            if queryset.model is Department:
                field.queryset = queryset.filter(departments_visible_q(user))
            elif queryset.model is Cadre:
                field.queryset = queryset.filter(pk__in=Cadre.objects.filter(cadres_visible_q(user)).values("pk"))
            elif queryset.model is Accident:
                field.queryset = queryset.filter(accidents_visible_q(user))


# --- Lead intake ------------------------------------------------------------------------------


class LeadForm(ScopedForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 6}))
    source_kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    subjects = forms.ModelMultipleChoiceField(
        label=_("Cadres concerned"),
        queryset=Cadre.objects.all(),
        error_messages={"required": _("Name at least one cadre.")},
    )
    target_department = DepartmentChoiceField(
        label=_("Send to"),
        queryset=departments(),
        required=False,
        empty_label=_("The county discipline organ (default, Art. 34)"),
    )
    accident = forms.ModelChoiceField(
        label=_("Related accident"), queryset=Accident.objects.order_by("-occurred_at"), required=False, empty_label=_("None")
    )
    circumstances = forms.MultipleChoiceField(
        label=_("Circumstances (Art. 26)"),
        choices=Circumstance.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


# --- Referrals --------------------------------------------------------------------------------


class ReferralReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- Cadres -----------------------------------------------------------------------------------


class CadreFilterForm(ScopedForm):
    q = forms.CharField(label=_("Name"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    department = DepartmentChoiceField(
        label=_("Organization"), queryset=departments(), required=False, empty_label=_("All organizations")
    )


class RecordDateForm(forms.Form):
    on = forms.DateField(label=_("Eligibility on"), required=False, widget=DateInput)


class VetoOverrideForm(forms.Form):
    subject = forms.TypedChoiceField(label=_("Case"), coerce=int)
    until = forms.DateField(label=_("Veto lasts until"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, subjects: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["subject"]).choices = subjects


MOVE_KINDS = [(k.value, k.label) for k in (MoveKind.TRANSFER, MoveKind.PROMOTION, MoveKind.RETIREMENT)]


class MoveForm(ScopedForm):
    kind = forms.ChoiceField(label=_("Move"), choices=MOVE_KINDS)
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput)
    organization = DepartmentChoiceField(
        label=_("New organization"), queryset=departments(), required=False, empty_label=_("— (not for retirement)")
    )
    role = forms.ChoiceField(label=_("New role"), required=False, choices=[("", "—"), *Role.choices])
    title = forms.CharField(label=_("New title"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != MoveKind.RETIREMENT:
            for name in ("organization", "role", "title"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Required for a transfer or a promotion."))
        return data


# --- Accidents --------------------------------------------------------------------------------


class AccidentForm(ScopedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    occurred_at = forms.DateTimeField(label=_("Occurred at"), input_formats=DATETIME_LOCAL, widget=DateTimeLocalInput)
    location = DepartmentChoiceField(label=_("Where"), queryset=departments(), required=False, empty_label="—")
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deaths = forms.IntegerField(label=_("Deaths"), min_value=0, initial=0)
    serious_injuries = forms.IntegerField(label=_("Serious injuries (incl. acute poisoning)"), min_value=0, initial=0)
    direct_loss_yuan = forms.DecimalField(
        label=_("Direct economic loss (yuan)"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    unit_reported_at = forms.DateTimeField(
        label=_("Reported by the unit at"), input_formats=DATETIME_LOCAL, widget=DateTimeLocalInput, required=False
    )


class AccidentReportForm(ScopedForm):
    level = forms.IntegerField(label=_("Level (0 = the unit)"), min_value=0, max_value=9)
    reporter = forms.CharField(label=_("Reported by"), max_length=200)
    recipient = DepartmentChoiceField(label=_("Reported to"), queryset=departments(), required=False, empty_label="—")
    reported_at = forms.DateTimeField(label=_("Reported at"), input_formats=DATETIME_LOCAL, widget=DateTimeLocalInput)


class ReportingFindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Finding"), choices=ReportingFinding.Kind.choices)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}))
