"""Forms of the Chapter 4–5 pages: annual results and their publication (Art. 16, 18, 20),
patrols (Art. 14), 约谈 (Art. 15) and Art. 25 awards.

As everywhere in ``web`` the forms check only the shape of the input; which department, cadre,
grade or date fits is decided by ``duties.services``, whose field errors ``ServiceForm.attach_errors``
puts back next to the fields. Querysets are set per request, limited to the user's county.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from appraisal.codes import InterviewGround
from appraisal.models import AnnualAssessment, AssessmentGrade
from appraisal.selectors.assessment import active_grades, cadres_by_ids
from core.inputs import TEXT_MAX_LENGTH
from org.models import Cadre, Department
from web.common.forms import BoundedText, DateInput, DepartmentChoiceField, ServiceForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FIRST_YEAR = 2021  # the 细则 took effect in 2021; the services refuse earlier years


def cadre_label(cadre: Cadre) -> str:
    """``name · organization title`` from the prefetched ``current_posts`` (no query)."""
    posts = getattr(cadre, "current_posts", None) or []
    if posts:
        return f"{cadre.name} · {posts[0].organization.name} {posts[0].title}"
    return f"{cadre.name} · {cadre.get_status_display()}"


def grouped_cadre_choices(cadres: list[Cadre], *, blank: StrOrPromise | None = None) -> list:
    """Select choices grouped by each cadre's current organization, in the order cadres come."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for cadre in cadres:
        posts = getattr(cadre, "current_posts", None) or []
        group = posts[0].organization.name if posts else str(_("No current post"))
        label = f"{cadre.name} · {posts[0].title}" if posts else f"{cadre.name} · {cadre.get_status_display()}"
        groups[group].append((cadre.pk, label))
    choices: list = [("", blank)] if blank is not None else []
    return choices + [(group, options) for group, options in groups.items()]


class GradeChoiceField(forms.ModelChoiceField):
    """The active grades (a configurable table), posted by code as the services expect."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=active_grades(),
            to_field_name="code",
            empty_label="—",
            **kwargs,
        )

    def label_from_instance(self, obj: AssessmentGrade) -> str:
        return obj.label


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cadre) -> str:
        return cadre_label(obj)


def model_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """``form.fields[name]`` as the model choice field it is declared as (``fields`` is typed ``Field``)."""
    return cast(forms.ModelChoiceField, form.fields[name])


def _set_cadres(field: forms.ModelChoiceField, cadres: list[Cadre], blank: StrOrPromise | None) -> None:
    # The options come from the list the view already loaded (grouped, with current posts);
    # the queryset stays for validation (one query when the form is posted).
    field.queryset = cadres_by_ids([c.pk for c in cadres])
    field.choices = grouped_cadre_choices(cadres, blank=blank)


class YearForm(ServiceForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, this_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]


# --- Annual results and publication (Art. 16, 18, 20) ------------------------------------------


class DepartmentResultForm(ServiceForm):
    department = DepartmentChoiceField(
        label=_("Department, township or park"), queryset=Department.objects.none(), empty_label="—"
    )
    grade = GradeChoiceField(label=_("Grade"))
    score = forms.DecimalField(
        label=_("Score"),
        required=False,
        min_value=0,
        max_value=settings.ZEREN_ASSESSMENT_SCORE_MAX,
        max_digits=6,
        decimal_places=2,
    )
    rank = forms.IntegerField(label=_("Rank"), required=False, min_value=1)
    ranked_of = forms.IntegerField(label=_("Number ranked"), required=False, min_value=1)
    note = BoundedText(label=_("Note"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        model_field(self, "department").queryset = units


class CadreResultForm(ServiceForm):
    cadre = CadreChoiceField(label=_("Cadre"), queryset=Cadre.objects.none())
    grade = GradeChoiceField(label=_("Grade"))
    score = forms.DecimalField(
        label=_("Score"),
        required=False,
        min_value=0,
        max_value=settings.ZEREN_ASSESSMENT_SCORE_MAX,
        max_digits=6,
        decimal_places=2,
    )
    note = BoundedText(label=_("Note"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, cadres: list[Cadre], **kwargs):
        super().__init__(*args, **kwargs)
        _set_cadres(model_field(self, "cadre"), cadres, "—")


class PublishForm(ServiceForm):
    published_on = forms.DateField(label=_("Published on"), widget=DateInput(past=True))
    channel = forms.CharField(
        label=_("How (通报、公示…)"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 县安委会文件通报")}),
    )


# --- Patrols (Art. 14) ---------------------------------------------------------------------------


class UnitNamesField(forms.ModelMultipleChoiceField):
    """Departments, townships or the park, labelled by name alone."""

    def label_from_instance(self, obj: Department) -> str:
        return obj.name


class PatrolForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    started_on = forms.DateField(label=_("Started on"), widget=DateInput(past=True))
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=DateInput)
    led_by = CadreChoiceField(
        label=_("Led by"),
        queryset=Cadre.objects.none(),
        required=False,
        help_text=_("When the county leader in charge of work safety leads it, the Art. 14 duty record is written too."),
    )
    targets = UnitNamesField(
        label=_("Patrolled (被巡查单位)"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Name at least one patrolled department, township or park.")},
    )
    summary = forms.CharField(label=_("Summary"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, cadres: list[Cadre], **kwargs):
        super().__init__(*args, **kwargs)
        model_field(self, "targets").queryset = units
        _set_cadres(model_field(self, "led_by"), cadres, _("— not recorded"))


class FindingForm(ServiceForm):
    department = DepartmentChoiceField(
        label=_("Department, township or park"), queryset=Department.objects.none(), empty_label="—"
    )
    cadres = forms.ModelMultipleChoiceField(
        label=_("Cadres concerned"),
        queryset=Cadre.objects.none(),
        required=False,
        help_text=_("Needed to hand the problem over as a lead (移送线索)."),
    )
    text = forms.CharField(label=_("Problem found"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, targets, cadres: list[Cadre], **kwargs):
        super().__init__(*args, **kwargs)
        model_field(self, "department").queryset = targets
        model_field(self, "cadres").queryset = cadres_by_ids([c.pk for c in cadres])


# --- Interviews (Art. 15) ------------------------------------------------------------------------


class AssessmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AnnualAssessment) -> str:
        rank = f" · {obj.rank}/{obj.ranked_of}" if obj.rank else ""
        department = obj.department.name if obj.department else ""  # departments' results only (interview_assessments)
        return f"{obj.year} · {department} · {obj.grade.label}{rank}"


class InterviewForm(ServiceForm):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(past=True))
    department = DepartmentChoiceField(
        label=_("Department, township or park"), queryset=Department.objects.none(), empty_label="—"
    )
    cadre = CadreChoiceField(label=_("Person interviewed"), queryset=Cadre.objects.none())
    ground = forms.ChoiceField(label=_("Ground (Art. 15)"), choices=InterviewGround.choices)
    assessment = AssessmentChoiceField(
        label=_("Assessment ranked last and failed"),
        queryset=AnnualAssessment.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("Only for the ground “ranked last and failed the assessment”."),
    )
    notes = forms.CharField(
        label=_("What was said and the rectification asked for"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, units, cadres: list[Cadre], assessments, **kwargs):
        super().__init__(*args, **kwargs)
        model_field(self, "department").queryset = units
        model_field(self, "assessment").queryset = assessments
        _set_cadres(model_field(self, "cadre"), cadres, "—")


# --- Rewards (Art. 25) ----------------------------------------------------------------------------


class GrantForm(ServiceForm):
    granted_on = forms.DateField(label=_("Granted on"), widget=DateInput(past=True))
