"""The lead intake form (PRODUCT §4; Art. 34)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.codes import Circumstance, SourceKind
from cases.selectors.handling import accidents_newest_first
from core.inputs import FACTS_MAX_LENGTH
from org.models import Cadre
from web.common.forms import DepartmentChoiceField, ScopedForm, departments


class LeadForm(ScopedForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    facts = forms.CharField(label=_("Facts"), max_length=FACTS_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6}))
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
        label=_("Related accident"), queryset=accidents_newest_first(), required=False, empty_label=_("None")
    )
    circumstances = forms.MultipleChoiceField(
        label=_("Circumstances (Art. 26)"),
        choices=Circumstance.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
