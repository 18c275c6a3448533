"""Forms of the core pages. They render fields and carry errors; they do not decide anything.

Every rule (required reasons, team size, allowed measures, dates) is the service's: fields are
lenient, the payload goes to ``case_transition`` / ``finding_put`` / the appeal services as
typed, and the service's field errors (``ApplicationError.detail``) are put back next to the
fields they name by ``ServiceForm.attach_errors`` (``web.common.forms``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.codes import Aggravating, AppealRoute, AppealStage, Circumstance, FullPerformance, Measure, SanctionKind
from cases.lifecycle.deciding import EITHER_ORGAN, organs_allowed
from cases.lifecycle.spec import REASON_REQUIRED
from cases.models import Appeal, CaseMaterial, Finding, InterimMeasure
from cases.selectors.exemption import performance_findings
from core.inputs import FACTS_MAX_LENGTH, TEXT_MAX_LENGTH
from org.codes import DepartmentKind
from org.selectors import department_members, transfer_targets
from web.common.forms import BoundedText, ServiceForm
from web.common.pages import display_name

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class LooseField(forms.Field):
    """Takes what the widget gives (a string or a list) and leaves judging it to the service."""

    def __init__(self, *, widget, label, help_text="", initial=None):
        super().__init__(required=False, widget=widget, label=label, help_text=help_text, initial=initial)


def _date_widget():
    """A date of something that has happened (conduct, 立案, delivery, an interim measure): the
    picker offers no day after today; the service refuses one all the same."""
    return forms.DateInput(attrs={"type": "date", "max": timezone.localdate().isoformat()}, format="%Y-%m-%d")


def _textarea(rows=3, placeholder=""):
    return forms.Textarea(attrs={"rows": rows, "placeholder": placeholder})


def coded(choices) -> list[tuple[str, StrOrPromise]]:
    """``26.1 履行职责不到位``: the article code in front of its label."""
    return [(code, format_lazy("{} {}", code, label)) for code, label in choices]


def measure_choices(codes) -> list[tuple[str, str]]:
    labels = dict(Measure.choices)
    return [(code, labels.get(code, code)) for code in codes]


CRIME_TARGET_KINDS = frozenset({DepartmentKind.DISCIPLINE, DepartmentKind.PUBLIC_SECURITY})


def sanction_choices(allowed: list[str] | None = None) -> list:
    """The sanction kinds in their two labelled groups, 党纪处分 and 政务处分 (《中国共产党纪律处分
    条例》第八条, 《公职人员政务处分法》第七条), narrowed to what the conclusion allows where it says."""

    def kinds(prefix: str) -> list[tuple[str, StrOrPromise]]:
        return [(k.value, k.label) for k in SanctionKind if k.value.startswith(prefix) and (not allowed or k.value in allowed)]

    groups = [(_("Party discipline (党纪处分)"), kinds("party_")), (_("Government sanctions (政务处分)"), kinds("gov_"))]
    return [("", _("— choose the sanction —")), *((label, items) for label, items in groups if items)]


SANCTION_CHOICES = sanction_choices()


# --- transitions ---------------------------------------------------------------------------------


class TransitionForm(ServiceForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, name: str, case, subjects=None, conclusions=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name
        self.case = case
        self.subject_fields: list[dict] = []
        self.measure_index = []
        if name == "transfer":
            departments = transfer_targets(user, excluding=case.owner_department_id)
            self.fields["to_department"] = LooseField(
                label=_("Receiving department"),
                widget=forms.Select(choices=[("", _("— choose a department —"))] + [(d.pk, d.name) for d in departments]),
            )
        if name == "accept":
            members = department_members(case.owner_department_id)
            self.fields["team"] = LooseField(
                label=_("Investigation team"),
                help_text=_("At least two members of the handling department."),
                widget=forms.CheckboxSelectMultiple(choices=[(u.username, display_name(u)) for u in members]),
            )
        if name == "deliver":
            self.fields["delivered_on"] = LooseField(
                label=_("Delivered on"),
                widget=_date_widget(),
                initial=timezone.localdate().isoformat(),
            )
        if name == "propose":
            self._measure_fields(subjects or [], conclusions or {})
        self.crime_fields: list[dict] = []
        if name == "conclude":
            self._crime_fields(subjects or [], user)
        required = name in REASON_REQUIRED
        self.fields["reason"] = BoundedText(
            max_length=TEXT_MAX_LENGTH,
            required=False,
            label=_("Reason") if required else _("Remarks (optional)"),
            widget=_textarea(4 if required else 2),
        )
        self.reason_required = required

    def _measure_fields(self, subjects, conclusions) -> None:
        for subject in subjects:
            conclusion = conclusions.get(subject.pk)
            output = conclusion.output if conclusion else {}
            entry = {"subject": subject, "output": output, "accountable": bool(output.get("accountable"))}
            if entry["accountable"]:
                entry["measure_field"] = f"measures_{subject.pk}"
                entry["kind_field"] = f"sanction_kind_{subject.pk}"
                self.fields[entry["measure_field"]] = LooseField(
                    label=_("Measures"),
                    widget=forms.CheckboxSelectMultiple(choices=measure_choices(output.get("allowed_measures", []))),
                )
                self.fields[entry["kind_field"]] = LooseField(
                    label=_("Sanction kind"), widget=forms.Select(choices=sanction_choices(output.get("allowed_sanctions")))
                )
                # 通报 and 诫勉 are imposed by the discipline organ or by the organization department
                # with authority over the post (问责条例第十二条; issue 14).
                organs = organs_allowed(subject.case, subject, "admonishment")
                if len(organs) > 1:
                    entry["organ_field"] = f"organ_{subject.pk}"
                    self.fields[entry["organ_field"]] = LooseField(
                        label=_("Who imposes 通报 or 诫勉"),
                        widget=forms.Select(
                            choices=[("", _("%(name)s (default)") % {"name": organs[0].name})]
                            + [(d.pk, d.name) for d in organs[1:]]
                        ),
                    )
            self.subject_fields.append(entry)
        self.fields["measures"] = LooseField(label="", widget=forms.HiddenInput)

    def _crime_fields(self, subjects, user) -> None:
        """Where each suspected crime goes (Art. 27): by default the discipline organ's supervision
        side (监委); a public security organ for another crime (docs/referrals.md)."""
        suspected = [s for s in subjects if getattr(getattr(s, "finding", None), "suspected_crime", False)]
        if not suspected:
            return
        targets = [d for d in transfer_targets(user, excluding=0) if d.kind in CRIME_TARGET_KINDS]
        choices = [("", _("The discipline organ (监委) — default"))] + [(d.pk, d.name) for d in targets]
        for subject in suspected:
            field = f"crime_target_{subject.pk}"
            self.fields[field] = LooseField(
                label=_("Refer the suspected crime of %(name)s to") % {"name": subject.cadre.name},
                widget=forms.Select(choices=choices),
            )
            self.crime_fields.append({"subject": subject, "field": field})

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        payload: dict[str, Any] = {}
        if data.get("reason"):
            payload["reason"] = data["reason"]
        elif self.reason_required:
            payload["reason"] = ""
        if self.name == "transfer":
            raw = data.get("to_department") or ""
            payload["to_department"] = int(raw) if str(raw).isdigit() else (raw or None)
        if self.name == "accept":
            payload["team"] = list(data.get("team") or [])
        if self.name == "deliver":
            payload["delivered_on"] = data.get("delivered_on") or ""
        if self.name == "propose":
            payload["measures"] = self._measures_payload()
        if self.crime_fields:
            chosen = [(e["subject"].pk, str(data.get(e["field"]) or "")) for e in self.crime_fields]
            items = [{"subject": sid, "to_department": int(raw)} for sid, raw in chosen if raw.isdigit()]
            if items:
                payload["crime_referrals"] = items
        return payload

    def _measures_payload(self) -> list[dict]:
        items = []
        self.measure_index = []
        for entry in self.subject_fields:
            if not entry["accountable"]:
                continue
            chosen = self.cleaned_data.get(entry["measure_field"]) or []
            kind = self.cleaned_data.get(entry["kind_field"]) or ""
            organ = str(self.cleaned_data.get(entry.get("organ_field", "")) or "")
            for measure in chosen if isinstance(chosen, list) else [chosen]:
                item = {"subject": entry["subject"].pk, "measure": measure}
                if measure == "sanction":
                    item["sanction_kind"] = kind
                if measure in EITHER_ORGAN and organ.isdigit():
                    item["deciding_department"] = int(organ)
                items.append(item)
                self.measure_index.append((entry["measure_field"], entry["kind_field"]))
        return items

    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")


# --- findings ------------------------------------------------------------------------------------


def _finding_label(name: str):
    model_field = Finding._meta.get_field(name)
    assert isinstance(model_field, models.Field)  # the engine's inputs are the finding's own columns
    return model_field.verbose_name


class FindingsForm(ServiceForm):
    """All inputs of the rule engine (PRODUCT §2), Art. 31's three findings and the Art. 33 texts.

    ``duties_fully_performed`` is not a field: it is derived from the three findings (issue 13).
    Each condition is ``fp_<condition>_established``, ``…_text`` and ``…_evidence``; the service's
    errors on ``full_performance.<condition>.<field>`` come back next to them."""

    ENGINE_FLAGS = ("mitigating", "fault_tolerance", "suspected_crime", "egregious")
    TEXTS = ("post_duties", "performance", "conditions", "evidence")
    CONDITION_FIELDS = ("established", "text", "evidence")

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The case materials the findings may cite (``material_choices``), as checkboxes.
        self.fields["materials"] = LooseField(
            label=_("Case materials cited"), widget=forms.CheckboxSelectMultiple(choices=list(materials))
        )
        self.fields["circumstances"] = LooseField(
            label=_finding_label("circumstances"), widget=forms.CheckboxSelectMultiple(choices=coded(Circumstance.choices))
        )
        self.fields["aggravating"] = LooseField(
            label=_finding_label("aggravating"), widget=forms.CheckboxSelectMultiple(choices=Aggravating.choices)
        )
        for flag in self.ENGINE_FLAGS:
            self.fields[flag] = forms.BooleanField(required=False, label=_finding_label(flag))
        self.fields["conduct_date"] = LooseField(label=_finding_label("conduct_date"), widget=_date_widget())
        for name in self.TEXTS:
            self.fields[name] = BoundedText(
                max_length=FACTS_MAX_LENGTH if name in ("performance", "evidence") else TEXT_MAX_LENGTH,
                required=False,
                label=_finding_label(name),
                widget=_textarea(3),
            )
        self.art31_conditions = []
        for condition, label in FullPerformance.choices:
            self.fields[f"fp_{condition}_established"] = forms.BooleanField(required=False, label=_("Established (经查实)"))
            self.fields[f"fp_{condition}_text"] = BoundedText(
                max_length=TEXT_MAX_LENGTH, required=False, label=_("What the investigation found"), widget=_textarea(2)
            )
            self.fields[f"fp_{condition}_evidence"] = BoundedText(
                max_length=TEXT_MAX_LENGTH,
                required=False,
                label=_("Evidence (besides the duty ledger)") if condition == FullPerformance.DUTIES else _("Evidence"),
                widget=_textarea(2),
            )
            self.art31_conditions.append(
                {
                    "code": condition,
                    "label": label,
                    "established": self[f"fp_{condition}_established"],
                    "text": self[f"fp_{condition}_text"],
                    "evidence": self[f"fp_{condition}_evidence"],
                }
            )

    @classmethod
    def initial_for(cls, subject, case) -> dict[str, Any]:
        finding = getattr(subject, "finding", None)
        if finding is None:
            return {"circumstances": list(case.circumstances or [])}
        initial: dict[str, Any] = {
            "circumstances": list(finding.circumstances),
            "aggravating": list(finding.aggravating),
            "conduct_date": finding.conduct_date.isoformat() if finding.conduct_date else "",
            "materials": [str(i) for i in finding.materials or []],
        }
        for name in cls.ENGINE_FLAGS + cls.TEXTS:
            initial[name] = getattr(finding, name)
        for condition, row in performance_findings(finding).items():
            if row is not None:
                for key in cls.CONDITION_FIELDS:
                    initial[f"fp_{condition}_{key}"] = getattr(row, key)
        return initial

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {
            "circumstances": list(d.get("circumstances") or []),
            "aggravating": list(d.get("aggravating") or []),
        }
        for flag in self.ENGINE_FLAGS:
            data[flag] = bool(d.get(flag))
        if d.get("conduct_date"):
            data["conduct_date"] = d["conduct_date"]
        for name in self.TEXTS:
            data[name] = d.get(name) or ""
        data["full_performance"] = {
            condition: {
                "established": bool(d.get(f"fp_{condition}_established")),
                "text": d.get(f"fp_{condition}_text") or "",
                "evidence": d.get(f"fp_{condition}_evidence") or "",
            }
            for condition in FullPerformance.values
        }
        raw = d.get("materials") or []
        # Ids as numbers; anything else goes to the service as sent, which names it.
        data["materials"] = [int(v) if str(v).isdigit() else v for v in (raw if isinstance(raw, list) else [raw])]
        return data

    def _field_for(self, key: str) -> str | None:
        # ``full_performance.duties.text`` → ``fp_duties_text``; a condition's own error (or the
        # engine's on the derived flag) goes next to its checkbox.
        parts = key.split(".")
        if parts[0] == "full_performance" and len(parts) >= 2 and parts[1] in FullPerformance.values:
            name = f"fp_{parts[1]}_{parts[2] if len(parts) > 2 else 'established'}"
            return name if name in self.fields else f"fp_{parts[1]}_established"
        if key == "duties_fully_performed":
            return f"fp_{FullPerformance.DUTIES}_established"
        return super()._field_for(key)


class GapExplanationForm(ServiceForm):
    """Why a gap the duty ledger shows does not stand against Art. 31 (``gap_explanation_record``)."""

    def __init__(self, *args, records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obligation"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields["period_start"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields["reason"] = BoundedText(
            max_length=TEXT_MAX_LENGTH, required=False, label=_("Why the gap does not stand against Art. 31"), widget=_textarea(4)
        )
        self.fields["evidence"] = BoundedText(
            max_length=TEXT_MAX_LENGTH, required=False, label=_("Evidence"), widget=_textarea(3)
        )
        self.fields["duty_records"] = LooseField(
            label=_("Duty records it rests on"),
            widget=forms.CheckboxSelectMultiple(
                choices=[(r.pk, f"{r.date:%Y-%m-%d} {r.obligation.citation} {r.note}".strip()) for r in records]
            ),
        )

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data

        def number(value: Any) -> Any:
            return int(value) if isinstance(value, str) and value.isdigit() else value

        chosen = d.get("duty_records") or []
        return {  # the service's keyword arguments
            "obligation_id": number(d.get("obligation") or ""),
            "period_start": d.get("period_start") or "",
            "reason": d.get("reason") or "",
            "evidence": d.get("evidence") or "",
            "duty_records": [number(v) for v in (chosen if isinstance(chosen, list) else [chosen])],
        }

    def _field_for(self, key: str) -> str | None:
        # The gap itself is named by hidden fields: what is wrong with it goes above the form.
        if key in ("obligation", "period_start"):
            return None
        return super()._field_for(key)


# --- 立案 ----------------------------------------------------------------------------------------


class FilingForm(ServiceForm):
    """立案 of one subject (《监察法》第四十二条): the date the leader approved it and the grounds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filed_on"] = LooseField(
            label=_("Filed on (立案日期)"),
            help_text=_("The day you approved the 立案; not in the future and not before the case was opened."),
            widget=_date_widget(),
            initial=timezone.localdate().isoformat(),
        )
        self.fields["reason"] = BoundedText(
            max_length=TEXT_MAX_LENGTH,
            required=False,
            label=_("Grounds of the 立案"),
            help_text=_("What the preliminary verification found that calls for investigating this person."),
            widget=_textarea(4),
        )


# --- 先期处置 --------------------------------------------------------------------------------------


class InterimForm(ServiceForm):
    """An interim suspension or removal from post (先期停职、先期免职), decided by the authority that
    manages the post: what, from when, why."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"] = LooseField(
            label=_("Interim measure"),
            widget=forms.Select(choices=[("", _("— choose —")), *InterimMeasure.Kind.choices]),
        )
        self.fields["ordered_on"] = LooseField(
            label=_("Decided on"),
            help_text=_("Not in the future and not before the accident or the conduct; it may precede the case."),
            widget=_date_widget(),
            initial=timezone.localdate().isoformat(),
        )
        self.fields["reason"] = BoundedText(
            max_length=TEXT_MAX_LENGTH,
            required=False,
            label=_("Reason"),
            help_text=_("What calls for taking the cadre off the post before the findings."),
            widget=_textarea(3),
        )


class InterimLiftForm(ServiceForm):
    """解除: the first day the interim measure no longer applies, and why."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lifted_on"] = LooseField(
            label=_("Lifted from"), widget=_date_widget(), initial=timezone.localdate().isoformat()
        )
        self.fields["reason"] = BoundedText(max_length=TEXT_MAX_LENGTH, required=False, label=_("Reason"), widget=_textarea(2))


class InterimSettleForm(ServiceForm):
    """At the decision: absorbed by the final measure (吸收) or lifted (解除), and why."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"] = LooseField(
            label=_("How the decision treats it"),
            widget=forms.Select(
                choices=[
                    ("", _("— choose —")),
                    (InterimMeasure.State.ABSORBED, InterimMeasure.State.ABSORBED.label),
                    (InterimMeasure.State.LIFTED, InterimMeasure.State.LIFTED.label),
                ]
            ),
        )
        self.fields["reason"] = BoundedText(max_length=TEXT_MAX_LENGTH, required=False, label=_("Reason"), widget=_textarea(2))


# --- appeals -------------------------------------------------------------------------------------


class AppealFileForm(ServiceForm):
    def __init__(self, *args, subjects, routes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"] = LooseField(
            label=_("Appellant"), widget=forms.Select(choices=[(s.pk, s.cadre.name) for s in subjects])
        )
        # The routes the subjects' decided measures open (the service refuses one a subject's do not).
        self.fields["route"] = LooseField(
            label=_("Route"),
            widget=forms.Select(choices=[("", _("— the subject's route —")), *((r, AppealRoute(r).label) for r in routes)]),
            help_text=_("Without a choice: the accountability route when the measures open it, else their only route."),
        )
        self.fields["stage"] = LooseField(
            label=_("Stage"),
            widget=forms.Select(choices=[("", _("— the route's first stage —")), *AppealStage.choices]),
            help_text=_("A second stage (复核 after 复审, 申诉 after 复核) is filed against the first stage's decision."),
        )
        self.fields["filed_on"] = LooseField(label=_("Filed on"), widget=_date_widget(), initial=timezone.localdate().isoformat())
        self.fields["grounds"] = BoundedText(max_length=TEXT_MAX_LENGTH, required=False, label=_("Grounds"), widget=_textarea(4))


class AppealDecideForm(ServiceForm):
    def __init__(self, *args, appeal: Appeal, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"] = LooseField(
            label=_("Decision"),
            widget=forms.RadioSelect(choices=[("upheld", Appeal.State.UPHELD.label), ("revised", Appeal.State.REVISED.label)]),
            initial="upheld",
        )
        self.fields["reason"] = BoundedText(max_length=TEXT_MAX_LENGTH, required=False, label=_("Reasons"), widget=_textarea(4))
        self.fields["delivered_on"] = LooseField(
            label=_("Decision delivered on"),
            widget=_date_widget(),
            initial=timezone.localdate().isoformat(),
            help_text=_("The window of a next stage runs from the day the appellant received this decision."),
        )
        self.fields["measures"] = LooseField(
            label=_("New measures (when revised)"), widget=forms.CheckboxSelectMultiple(choices=measure_choices(allowed))
        )
        self.fields["sanction_kind"] = LooseField(label=_("Sanction kind"), widget=forms.Select(choices=SANCTION_CHOICES))
        self.subject_id = appeal.subject_id
        self.measure_index = []

    def measures_payload(self) -> list[dict]:
        chosen = self.cleaned_data.get("measures") or []
        items = []
        self.measure_index = []
        for measure in chosen:
            item = {"subject": self.subject_id, "measure": measure}
            if measure == "sanction":
                item["sanction_kind"] = self.cleaned_data.get("sanction_kind") or ""
            items.append(item)
            self.measure_index.append(("measures", "sanction_kind"))
        return items


def material_label(material: CaseMaterial) -> str:
    """How a material version is named in a choice: kind, title, version, and withdrawn if so."""
    label = f"{material.get_kind_display()} · {material.title} · v{material.version}"
    return f"{label} ({_('withdrawn')})" if material.withdrawn_at else label


def material_choices(series, cited=()) -> list[tuple[str, str]]:
    """What findings may cite: the latest version of each material not withdrawn, and every version
    already cited (withdrawn or superseded, it stays citable so saving keeps it)."""
    cited = {int(i) for i in cited}
    out = []
    for item in series:
        for material in [item.latest, *item.earlier]:
            if material.pk in cited or (material is item.latest and not material.withdrawn_at):
                out.append((str(material.pk), material_label(material)))
    return out


class MaterialForm(ServiceForm):
    """A new case material: kind, title, file (checked by the service as duty evidence is)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            required=False, label=_("Kind of material"), choices=[("", "—"), *CaseMaterial.Kind.choices]
        )
        self.fields["title"] = BoundedText(max_length=200, required=False, label=_("Title"))
        self.fields["file"] = forms.FileField(required=False, label=_("File"))


class MaterialVersionForm(ServiceForm):
    """A new version of a material: the file, and a new title if it changes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"] = forms.FileField(required=False, label=_("File of the new version"))
        self.fields["title"] = BoundedText(
            max_length=200, required=False, label=_("New title (optional)"), help_text=_("Empty: the title stays.")
        )


class MaterialWithdrawForm(ServiceForm):
    """撤回: why the material no longer stands (it stays on file, marked withdrawn)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = BoundedText(
            max_length=TEXT_MAX_LENGTH, required=False, label=_("Reason for withdrawal"), widget=_textarea(2)
        )
