"""先期处置: a suspension (先期停职) or removal from post (先期免职) decided by the authority that
manages the cadre's post before the investigation's findings, and how the final decision settles
it (``cases.services.interim``, ``docs/interim-measures.md``).

The pattern is the 栖霞 “1·10” accident of 2021: days after the explosion the 山东省委 removed the
栖霞市委书记 from her post for the late report, "并将根据调查结果依法依规追究其相关责任"; the
investigation's published outcome followed on 2021-02-23. The measure stands on its own until it
is lifted (解除) or, once the case is decided, absorbed (吸收) by the final measure that covers it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import CaseSubject, MeasureDecision
from core.history import SignedHistoricalRecords
from core.inputs import TEXT_MAX_LENGTH
from org.models import Department, Post


class InterimMeasure(models.Model):
    """One interim measure on one subject: what, from when, why, by which authority and leader;
    then when and how it ended. Changed only through ``cases.services.interim``."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", _("Interim suspension from post (先期停职)")
        REMOVAL = "removal", _("Interim removal from post (先期免职)")

    class State(models.TextChoices):
        IN_FORCE = "in_force", _("In force (执行中)")
        LIFTED = "lifted", _("Lifted (解除)")
        ABSORBED = "absorbed", _("Absorbed by the final measure (吸收)")

    subject = models.ForeignKey(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="interim_measures")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    ordered_on = models.DateField(_("ordered on"))
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH)
    # The post the cadre was suspended or removed from, and the authority that manages it
    # (干部管理权限), as they were when the measure was recorded.
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey(Department, verbose_name=_("deciding authority"), on_delete=models.PROTECT, related_name="+")
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.IN_FORCE)
    # The first day it no longer applies: the lifting date, or the decision date of the final
    # measure that absorbed it.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for the end"), blank=True, max_length=TEXT_MAX_LENGTH)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ended by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    absorbed_by = models.ForeignKey(
        MeasureDecision,
        verbose_name=_("absorbed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed_interim_measures",
    )
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("interim measure (先期处置)")
        verbose_name_plural = _("interim measures (先期处置)")
        ordering = ["ordered_on", "id"]
        constraints = [
            # One suspension and one removal in force at a time (the service's 409 comes first).
            models.UniqueConstraint(
                fields=["subject", "kind"],
                condition=models.Q(state="in_force"),
                name="interim_one_in_force_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.get_kind_display()} · {self.ordered_on}"
