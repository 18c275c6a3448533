"""Accidents and their reporting chain (PRODUCT §1.5; 《生产安全事故报告和调查处理条例》)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.codes import AccidentGrade
from core.history import SignedHistoricalRecords
from core.inputs import FACTS_MAX_LENGTH
from org.models import Department


class Accident(models.Model):
    """A work-safety accident; its grade is computed from the figures (PRODUCT §1.5)."""

    title = models.CharField(_("title"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred at"))
    # 条例第九条: the unit head reports "接到报告后1小时内": the unit's clock runs from here when
    # it is recorded, else from the occurrence (cases.rules.reporting.unit_clock_start).
    known_at = models.DateTimeField(_("the unit head learned of it at"), null=True, blank=True)
    location = models.ForeignKey(
        Department, verbose_name=_("where (township, park or department)"), null=True, blank=True, on_delete=models.PROTECT
    )
    description = models.TextField(_("description"), blank=True, max_length=FACTS_MAX_LENGTH)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries (incl. acute poisoning)"), default=0)
    direct_loss_yuan = models.DecimalField(_("direct economic loss (yuan)"), max_digits=14, decimal_places=2, default=0)
    grade = models.CharField(_("grade"), max_length=20, choices=AccidentGrade.choices, editable=False)
    unit_reported_at = models.DateTimeField(_("reported by the unit at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        ordering = ["-occurred_at", "id"]

    def __str__(self) -> str:
        return self.title


class AccidentReport(models.Model):
    """One step of the report chain (条例第九至十一条): the unit, then each level of government.

    ``level`` 0 is the unit's report to the county (1 hour from when the unit head learned of the
    accident, ``Accident.known_at``, or from the accident if that is not recorded); each higher level
    has 2 hours from the report below it. Lateness (迟报) is computed, never typed in.
    """

    accident = models.ForeignKey(Accident, verbose_name=_("accident"), on_delete=models.CASCADE, related_name="reports")
    level = models.PositiveSmallIntegerField(_("level (0 = the unit)"))
    reporter = models.CharField(_("reported by"), max_length=200)
    recipient = models.ForeignKey(Department, verbose_name=_("reported to"), null=True, blank=True, on_delete=models.PROTECT)
    reported_at = models.DateTimeField(_("reported at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("accident report")
        verbose_name_plural = _("accident reports")
        ordering = ["accident_id", "level", "reported_at"]
        constraints = [models.UniqueConstraint(fields=["accident", "level"], name="accident_report_level_unique")]

    def __str__(self) -> str:
        return f"{self.accident} L{self.level} {self.reported_at:%Y-%m-%d %H:%M}"


class ReportingFinding(models.Model):
    """漏报 (negligent omission), 谎报 (false report) or 瞒报 (concealment): a person's finding with
    evidence, since intent and verification cannot be computed (domain-facts §3.3)."""

    class Kind(models.TextChoices):
        OMITTED = "omitted", _("Omitted through negligence (漏报)")
        FALSE = "false", _("Knowingly false report (谎报)")
        CONCEALED = "concealed", _("Concealed, verified (瞒报)")

    accident = models.ForeignKey(
        Accident, verbose_name=_("accident"), on_delete=models.CASCADE, related_name="reporting_findings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    evidence = models.TextField(_("evidence"), max_length=FACTS_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("reporting finding")
        verbose_name_plural = _("reporting findings")
        ordering = ["accident_id", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.accident}: {self.get_kind_display()}"
