"""Forms of the cadre list and record: filters, the eligibility date, moves (Art. 32), veto overrides (Art. 28)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.inputs import TEXT_MAX_LENGTH
from org.codes import MoveKind, Role
from web.common.forms import BoundedText, DateInput, DepartmentChoiceField, ScopedForm, ServiceForm, departments


class CadreFilterForm(ScopedForm):
    q = forms.CharField(label=_("Name"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    department = DepartmentChoiceField(
        label=_("Organization"), queryset=departments(), required=False, empty_label=_("All organizations")
    )


class RecordDateForm(ServiceForm):
    on = forms.DateField(label=_("Eligibility on"), required=False, widget=DateInput)


class VetoOverrideForm(ServiceForm):
    subject = forms.TypedChoiceField(label=_("Case"), coerce=int)
    until = forms.DateField(label=_("Veto lasts until"), widget=DateInput)
    reason = BoundedText(max_length=TEXT_MAX_LENGTH, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, subjects: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["subject"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = subjects


MOVE_KINDS = [(k.value, k.label) for k in (MoveKind.TRANSFER, MoveKind.PROMOTION, MoveKind.RETIREMENT)]


class MoveForm(ScopedForm):
    kind = forms.ChoiceField(label=_("Move"), choices=MOVE_KINDS)
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput)
    organization = DepartmentChoiceField(
        label=_("New organization"), queryset=departments(), required=False, empty_label=_("— (not for retirement)")
    )
    role = forms.ChoiceField(label=_("New role"), required=False, choices=[("", "—"), *Role.choices])
    title = forms.CharField(label=_("New title"), required=False, max_length=200)
    # 政务处分法第五十二条: a cadre under investigation (立案) is moved only on a leader's confirmation.
    confirm_under_investigation = forms.BooleanField(
        label=_("I confirm this move although the cadre is under investigation (政务处分法第五十二条)"), required=False
    )
    reason = BoundedText(
        max_length=TEXT_MAX_LENGTH,
        label=_("Reason for the confirmation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Told to the discipline organ handling the case, with your name."),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != MoveKind.RETIREMENT:
            for name in ("organization", "role", "title"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Required for a transfer or a promotion."))
        return data
