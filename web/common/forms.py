"""What the forms of every area share: ``ServiceForm``, the widgets and the scoped choices.

Forms check only the shape of the input; the domain rules (who may act, which values fit, which
reasons are required) are the services'. A service's field errors (``ApplicationError.detail``)
come back next to the fields they name through ``ServiceForm.attach_errors``, called by
``web.common.services.run_service``.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Accident
from cases.selectors.handling import accidents_within
from org.models import Cadre, Department
from org.selectors import cadres_within, departments_ordered, departments_within

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
_INDEXED = re.compile(r"^measures\[(\d+)\](?:\.(\w+))?$")


def counted(field: forms.Field) -> None:
    """A text field with a limit gets a live counter (``web/static/web/forms.js``) instead of the
    browser's ``maxlength``, which cuts a pasted text at the limit without a word (issue 16 item 5:
    a 5,000-character title was cut to 300). Over the limit the counter says so and the form is
    refused with the field's own message (``max_length``), the text kept for the officer to shorten."""
    limit = getattr(field, "max_length", None)
    if not limit or field.widget.is_hidden or "data-maxlength" in field.widget.attrs:
        return
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs["data-maxlength"] = str(limit)
    field.widget.attrs["data-over"] = str(_("At most %(limit)s characters; this has {n}.") % {"limit": limit})


class ServiceForm(forms.Form):
    """A form whose errors may come from an ``ApplicationError``'s detail."""

    # Maps ``measures[i]`` of a payload back to the form fields that produced item i
    # (the proposal and appeal forms of ``web.cases.forms`` set it).
    measure_index: list[tuple[str, str]]

    def __getitem__(self, name: str) -> forms.BoundField:
        # Fields are added in ``__init__`` of the subclasses; each is given its counter when first rendered.
        counted(self.fields[name])
        return super().__getitem__(name)

    def attach_errors(self, detail: Any) -> None:
        """Put each message next to the field it names, or above the form."""
        if not isinstance(detail, dict):
            self.add_error(None, str(detail))
            return
        for key, found in detail.items():
            for message in found if isinstance(found, list | tuple) else [found]:
                self.add_error(self._field_for(str(key)), str(message))

    def _field_for(self, key: str) -> str | None:
        if key in self.fields:
            return key
        match = _INDEXED.match(key)
        index = getattr(self, "measure_index", [])
        if match and int(match.group(1)) < len(index):
            measure_field, kind_field = index[int(match.group(1))]
            return kind_field if match.group(2) == "sanction_kind" and kind_field in self.fields else measure_field
        if key.startswith("measures") and "measures" in self.fields:
            return "measures"
        return None


class BoundedText(forms.CharField):
    """Free text with the API's limit (``core.inputs``), refused over it with an error naming the
    limit and the length. The widget gets no ``maxlength``: a browser cuts a pasted text at it
    without a word, and the end of a reason would be lost silently."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # the counter comes from ``counted`` (every form is a ServiceForm)
        return attrs


class DateInput(forms.DateInput):
    """A date; with ``past=True`` (a thing done: a duty, a meeting, an award) the picker offers no
    day after today, which the service refuses anyway."""

    input_type = "date"

    def __init__(self, attrs=None, *, past: bool = False):
        self.past = past
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.past:
            context["widget"]["attrs"].setdefault("max", timezone.localdate().isoformat())
        return context


class DateTimeLocalInput(forms.DateTimeInput):
    """A time; with ``past=True`` (an accident, a report) none after now (in local time)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, *, past: bool = False):
        self.past = past
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.past:
            context["widget"]["attrs"].setdefault("max", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
        return context


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return obj.name


def departments() -> QuerySet[Department]:
    return departments_ordered()


class ScopedForm(ServiceForm):
    """A form whose department, cadre and accident choices are narrowed to what ``user`` may see
    (``cases.services.jurisdiction``): another county's units and people are never listed."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None:
            return
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            if queryset.model is Department:
                field.queryset = departments_within(queryset, user)
            elif queryset.model is Cadre:
                field.queryset = cadres_within(queryset, user)
            elif queryset.model is Accident:
                field.queryset = accidents_within(queryset, user)
