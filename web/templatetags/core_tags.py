"""Labels for codes in the core templates: ``{{ code|measure_label }}`` and friends."""

from __future__ import annotations

from django import template
from django.utils import timezone

from cases.codes import Aggravating, AppealRoute, AppealStage, CaseState, Circumstance, Measure, SanctionKind
from cases.models import DeadlinePolicy
from rulebooks.models import Rulebook
from web.common.labels import EVENT_LABELS, LIFELONG_LABELS, OUTCOME_LABELS, SEVERITY_LABELS, TRANSITION_LABELS

register = template.Library()

_MEASURES = dict(Measure.choices)
_SANCTIONS = dict(SanctionKind.choices)
_STATES = dict(CaseState.choices)
_ARTICLES = {**dict(Circumstance.choices), **dict(Aggravating.choices)}
_ROUTES = dict(AppealRoute.choices)
_STAGES = dict(AppealStage.choices)
_UNITS = dict(DeadlinePolicy.Unit.choices)


@register.filter
def measure_label(code):
    return _MEASURES.get(code, code)


@register.filter
def sanction_label(code):
    return _SANCTIONS.get(code, code)


@register.filter
def route_label(code):
    return _ROUTES.get(code, code)


@register.filter
def stage_label(code):
    return _STAGES.get(code, code)


@register.filter
def unit_label(code):
    return _UNITS.get(code, code)


@register.filter
def state_label(code):
    return _STATES.get(code, code)


@register.filter
def article_label(code):
    return _ARTICLES.get(code, code)


@register.filter
def transition_label(name):
    return TRANSITION_LABELS.get(name, name)


@register.filter
def event_label(kind):
    return EVENT_LABELS.get(kind, kind)


@register.filter
def outcome_label(code):
    return OUTCOME_LABELS.get(code, code)


@register.filter
def severity_label(code):
    return SEVERITY_LABELS.get(code, code)


_VERIFICATION = dict(Rulebook.Verification.choices)


@register.filter
def verification_label(code):
    return _VERIFICATION.get(code, code)


@register.filter
def lifelong_label(code):
    return LIFELONG_LABELS.get(code, code)


@register.filter
def who(user):
    if user is None:
        return "—"
    return user.get_full_name() or user.username


@register.filter
def days_since(value):
    """Whole days from ``value`` to now (0 for today)."""
    if not value:
        return ""
    return max(0, (timezone.now() - value).days)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def get_field(form, name):
    """``form|get_field:"measures_12"``: a bound field by a computed name."""
    return form[name]
