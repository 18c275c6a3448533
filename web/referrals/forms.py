"""The form of a referral's return (PRODUCT §5)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from web.common.forms import ServiceForm


class ReferralReturnForm(ServiceForm):
    reason = forms.CharField(label=_("Reason for return"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
