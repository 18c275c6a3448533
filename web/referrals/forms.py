"""The form of a referral's return (PRODUCT §5)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.inputs import TEXT_MAX_LENGTH
from web.common.forms import BoundedText, ServiceForm


class ReferralReturnForm(ServiceForm):
    reason = BoundedText(
        max_length=TEXT_MAX_LENGTH, label=_("Reason for return"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
