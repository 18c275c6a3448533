"""Labels the officers read: transitions, timeline events, engine outcomes. English msgids,
Chinese in the catalog; the codes stay the public slugs of PRODUCT §1."""

from django.utils.translation import gettext_lazy as _

from cases.codes import CaseEventKind
from cases.lifecycle import spec

# Read from the lifecycle's table (``cases.lifecycle.spec``): a transition or an event kind
# without a label fails ``cases/tests/test_lifecycle_spec.py``, not a page.
TRANSITION_LABELS = {t.name: t.label for t in spec.TRANSITIONS}
# What each form asks, in one line under its title.
TRANSITION_HELP = {t.name: t.help for t in spec.TRANSITIONS}
# The transition every state usually leads to: shown as the primary button.
PRIMARY = spec.PRIMARY_BY_STATE
# Transitions that end or send back a proceeding: shown as quiet, cautionary buttons.
CAUTION = spec.CAUTION

EVENT_LABELS = dict(CaseEventKind.choices)

OUTCOME_LABELS = {
    "accountable": _("Accountable"),
    "not_pursued": _("Not pursued"),
    "tolerated": _("Tolerated (fault tolerance, Art. 23)"),
}
SEVERITY_LABELS = {
    "heavier": _("Heavier (从重, Art. 29)"),
    "standard": _("Standard"),
    "lighter": _("Lighter or mitigated (从轻、减轻, Art. 30)"),
    "conflict": _("Heavier and lighter both apply"),
}
LIFELONG_LABELS = {
    "none": _("None"),
    "transfer_materials": _("Transfer the materials to the managing authority"),
    "pursue_retired": _("Pursue although retired"),
}

# The stages of the stepper on the case page, in the order of the proceeding; side states sit on
# the step they branch from (both read from ``cases.lifecycle.spec``).
STEPS = spec.STEPS
STEP_OF = spec.STEP_OF
