"""Versioned policies: time limits, the measures policy of the rule engine, influence periods
(PRODUCT §2, §7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.codes import Measure, SanctionKind
from core.history import SignedHistoricalRecords


class DeadlinePolicy(models.Model):
    """A time limit with its source (PRODUCT §6). Figures not verified against an official text
    are flagged ``verified=False`` and shown as such (domain-facts.zh.md)."""

    class Unit(models.TextChoices):
        HOURS = "hours", _("hours")
        DAYS = "days", _("days")
        # 工作日 on the official calendar (国务院办公厅 notices, 调休 included): cases.rules.workdays.
        WORKING_DAYS = "working_days", _("working days")
        MONTHS = "months", _("months")

    code = models.SlugField(_("code"), max_length=64)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    citation = models.TextField(_("citation"))
    verified = models.BooleanField(_("verified against an official text"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["code", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="deadline_code_from_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {self.amount} {self.unit}"


class MeasurePolicy(models.Model):
    """A version of the measures policy (PRODUCT §2): which Art. 27 measures fit which Art. 26
    circumstance at which severity, where the seed says only "根据情况". The version in force at
    the conduct date is used; stored assessments keep a snapshot, so editing a version later
    never changes a decision already made."""

    code = models.SlugField(_("version"), max_length=64, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("measures policy")
        verbose_name_plural = _("measures policies")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.code


class MeasurePolicyRule(models.Model):
    class Severity(models.TextChoices):
        HEAVIER = "heavier", _("Heavier (从重, Art. 29)")
        STANDARD = "standard", _("Standard")
        LIGHTER = "lighter", _("Lighter or mitigated (从轻、减轻, Art. 30)")

    policy = models.ForeignKey(MeasurePolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="rules")
    circumstance = models.CharField(_("circumstance (Art. 26)"), max_length=8)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    measures = models.JSONField(_("allowed measures"))
    reasoning = models.TextField(_("reasoning"))
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("measures policy rule")
        verbose_name_plural = _("measures policy rules")
        ordering = ["policy_id", "circumstance", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "circumstance", "severity"], name="policy_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code} {self.circumstance}/{self.severity}"


class InfluencePeriod(models.Model):
    """How long a measure bars promotion and awards (影响期, PRODUCT §4, domain-facts §2).

    ``months`` empty (and not ``permanent``) means no fixed period is known: the row documents
    the measure without barring anything by itself.
    Rows not checked against an official text are ``verified=False`` and shown as such.
    """

    measure = models.CharField(_("measure"), max_length=32, choices=Measure.choices)
    sanction_kind = models.CharField(_("sanction kind"), max_length=32, choices=SanctionKind.choices, blank=True)
    months = models.PositiveIntegerField(_("months"), null=True, blank=True)
    permanent = models.BooleanField(_("bars for good (e.g. expulsion)"), default=False)
    blocks_promotion = models.BooleanField(_("bars promotion"), default=True)
    blocks_awards = models.BooleanField(_("bars awards and 评优"), default=True)
    awards_until_year_end = models.BooleanField(_("bars awards for the rest of the year"), default=False)
    stacks = models.BooleanField(_("stacks with earlier periods (党纪影响期叠加)"), default=False)
    citation = models.TextField(_("citation"))
    verified = models.BooleanField(_("verified against an official text"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("influence period")
        verbose_name_plural = _("influence periods")
        ordering = ["measure", "sanction_kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "sanction_kind", "valid_from"], name="influence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.sanction_kind}: {self.months or '—'}"
