"""Forms of the duty-ledger pages.

They check only the shape of the input. Which duty binds the cadre on a date, whether an evidence
file is acceptable and who may keep the ledger are ``duties.services.ledger``'s rules; its field
errors come back next to the fields through ``web.common.services.run_service``.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.inputs import TEXT_MAX_LENGTH
from duties.services.ledger import ALLOWED_EXTENSIONS
from web.common.forms import BoundedText, DateInput, ServiceForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files, each only checked to be a file here (the content is judged by
    ``duties.services.ledger.check_upload``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class DepartmentPickForm(ServiceForm):
    department = forms.TypedChoiceField(label=_("Department"), coerce=int)

    def __init__(self, *args, groups: list[tuple[str, list[tuple[int, str]]]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = groups


class RecordForm(ServiceForm):
    obligation = forms.TypedChoiceField(label=_("Duty"), coerce=int)
    date = forms.DateField(label=_("Date done"), widget=DateInput(past=True))
    note = BoundedText(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was done: the meeting, the place inspected, the report heard."),
    )
    evidence = MultipleFileField(label=_("Evidence files"), required=False)

    def __init__(self, *args, obligations: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["obligation"]).choices = [("", "—"), *obligations]
        # Formatted here, in the request's language, not once at import.
        self.fields["evidence"].help_text = gettext("Minutes, notices, photos: %(types)s; several files at once.") % {
            "types": " ".join(ALLOWED_EXTENSIONS)
        }


class OrganRecordForm(ServiceForm):
    """An organ's record: the duty is picked with its organ (``"<unit id>:<obligation id>"``)."""

    duty = forms.ChoiceField(label=_("Organ and duty"))
    date = forms.DateField(label=_("Date done"), widget=DateInput(past=True))
    note = BoundedText(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was done: the patrol round, the evaluation, the report given."),
    )
    evidence = MultipleFileField(label=_("Evidence files"), required=False)

    def __init__(self, *args, duties: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["duty"]).choices = [("", "—"), *duties]
        self.fields["evidence"].help_text = gettext("Minutes, notices, photos: %(types)s; several files at once.") % {
            "types": " ".join(ALLOWED_EXTENSIONS)
        }

    def _field_for(self, key: str) -> str | None:
        # The service names the unit or the obligation; here both are the one choice.
        return "duty" if key in ("unit", "obligation") else super()._field_for(key)


class WithdrawForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        required=False,  # the service says when it is missing, in its own words
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
