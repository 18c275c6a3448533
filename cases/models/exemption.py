"""Article 31 on a case: the investigator's three findings and the explanations of the gaps the
duty ledger shows (issue 13, ``docs/exemption.md``).

"经查实已经全面履行了本细则第二章、第三章所规定职责、法律法规规定有关职责，并全面落实了县委和政府
有关工作部署的，不予追究有关党政领导干部的领导责任" (第三十一条): each condition is a finding of its own,
with its text and evidence; the first rests on the duty ledger, where every gap needs an
explanation of its own. Both models keep their history; they change only through
``cases.services.exemption`` and ``cases.services.findings``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.codes import FullPerformance
from cases.models.case import CaseSubject, Finding
from core.history import SignedHistoricalRecords
from core.inputs import TEXT_MAX_LENGTH
from duties.models import DutyRecord, Obligation


class PerformanceFinding(models.Model):
    """One of Art. 31's three conditions for one subject: established or not, what was found and
    on what evidence. Written with the findings (``finding_put``)."""

    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="full_performance")
    condition = models.CharField(_("condition (Art. 31)"), max_length=16, choices=FullPerformance.choices)
    established = models.BooleanField(_("established"), default=False)
    text = models.TextField(_("what was found"), blank=True, max_length=TEXT_MAX_LENGTH)
    evidence = models.TextField(_("evidence"), blank=True, max_length=TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("Art. 31 finding")
        verbose_name_plural = _("Art. 31 findings")
        ordering = ["finding_id", "id"]
        constraints = [models.UniqueConstraint(fields=["finding", "condition"], name="performance_finding_unique_condition")]

    def __str__(self) -> str:
        return f"{self.finding_id} · {self.condition}: {'✓' if self.established else '—'}"


class LedgerGapExplanation(models.Model):
    """Why a block of a Chapter 2–3 duty the ledger shows not met (missed, or held in part and
    not met) does not stand against Art. 31: the investigating officer's finding, with evidence —
    a text, duty records of the cadre, or both. One per subject, duty and block; a later one
    replaces it, and the history keeps both."""

    subject = models.ForeignKey(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="gap_explanations")
    obligation = models.ForeignKey(Obligation, verbose_name=_("obligation"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("first day of the block"))
    period_end = models.DateField(_("last day of the block"))
    reason = models.TextField(_("why the gap does not stand against Art. 31"), max_length=TEXT_MAX_LENGTH)
    evidence = models.TextField(_("evidence"), blank=True, max_length=TEXT_MAX_LENGTH)
    duty_records = models.ManyToManyField(DutyRecord, verbose_name=_("duty records relied on"), blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    history = SignedHistoricalRecords(m2m_fields=[duty_records])

    class Meta:
        verbose_name = _("ledger gap explanation")
        verbose_name_plural = _("ledger gap explanations")
        ordering = ["subject_id", "period_start", "obligation_id"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "obligation", "period_start"], name="gap_explanation_unique_block")
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} · {self.obligation_id} · {self.period_start}"
