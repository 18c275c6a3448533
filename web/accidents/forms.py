"""Forms of the accident pages: the accident, its report steps and reporting findings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import ReportingFinding
from core.inputs import FACTS_MAX_LENGTH
from web.common.forms import (
    DATETIME_LOCAL,
    BoundedText,
    DateTimeLocalInput,
    DepartmentChoiceField,
    ScopedForm,
    ServiceForm,
    departments,
)


class AccidentForm(ScopedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    occurred_at = forms.DateTimeField(label=_("Occurred at"), input_formats=DATETIME_LOCAL, widget=DateTimeLocalInput(past=True))
    known_at = forms.DateTimeField(
        label=_("The unit head learned of it at"),
        help_text=_("The unit's 1-hour report limit runs from here (条例第九条); left empty, it runs from the occurrence."),
        input_formats=DATETIME_LOCAL,
        widget=DateTimeLocalInput(past=True),
        required=False,
    )
    location = DepartmentChoiceField(label=_("Where"), queryset=departments(), required=False, empty_label="—")
    description = BoundedText(
        max_length=FACTS_MAX_LENGTH, label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deaths = forms.IntegerField(label=_("Deaths"), min_value=0, initial=0)
    serious_injuries = forms.IntegerField(label=_("Serious injuries (incl. acute poisoning)"), min_value=0, initial=0)
    direct_loss_yuan = forms.DecimalField(
        label=_("Direct economic loss (yuan)"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    unit_reported_at = forms.DateTimeField(
        label=_("Reported by the unit at"), input_formats=DATETIME_LOCAL, widget=DateTimeLocalInput(past=True), required=False
    )


class AccidentReportForm(ScopedForm):
    level = forms.IntegerField(label=_("Level (0 = the unit)"), min_value=0, max_value=9)
    reporter = forms.CharField(label=_("Reported by"), max_length=200)
    recipient = DepartmentChoiceField(label=_("Reported to"), queryset=departments(), required=False, empty_label="—")
    reported_at = forms.DateTimeField(label=_("Reported at"), input_formats=DATETIME_LOCAL, widget=DateTimeLocalInput(past=True))


class ReportingFindingForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Finding"), choices=ReportingFinding.Kind.choices)
    evidence = BoundedText(max_length=FACTS_MAX_LENGTH, label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}))
