"""The duty ledger of Chapters 2–3 and the assessment, patrols, interviews and rewards of
Chapters 4–5 (PRODUCT §3, §4).

Rows change only through ``duties.services``; every model keeps a django-simple-history table.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.inputs import TEXT_MAX_LENGTH
from duties.codes import Activity, Organ, Period
from org.models import Cadre, Department, Post


class Obligation(models.Model):
    """One duty with a frequency, transcribed from a rulebook's text (data migrations ``0002``,
    ``0006``). It binds either ``roles`` (cadres holding those posts) or ``organs`` (an organ of
    the unit, ``duties.codes.Organ``), never both. Each rulebook has its own catalog:
    ``rulebook`` is the code of the rulebook whose words these are (``rulebooks.Rulebook.code``);
    a code is unique within its rulebook's catalog. A row is never edited: a new reading closes it
    (``valid_to``) and adds the next one."""

    code = models.SlugField(_("code"), max_length=40)
    rulebook = models.SlugField(_("rulebook (code)"), max_length=64)
    roles = models.JSONField(_("roles bound (PRODUCT §1.2)"), default=list, blank=True)
    organs = models.JSONField(_("organs bound"), default=list, blank=True)
    article = models.PositiveSmallIntegerField(_("article"))
    item = models.CharField(_("item"), max_length=8, blank=True)
    activity = models.CharField(_("activity"), max_length=32, choices=Activity.choices)
    min_count = models.PositiveSmallIntegerField(_("minimum count"), default=1)
    period = models.CharField(_("period"), max_length=16, choices=Period.choices)
    text = models.TextField(_("the seed's words"))
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["rulebook", "code"], name="obligation_code_per_rulebook")]

    def __str__(self) -> str:
        return f"{self.citation} {self.get_activity_display()}"

    @property
    def citation(self) -> str:
        return f"第{self.article}条" + (f"（{self.item}）" if self.item else "")

    @property
    def binds_organs(self) -> bool:
        return bool(self.organs)


class DutyRecord(models.Model):
    """A cadre did an activity on a date, towards an obligation of the role held that day; or an
    organ did (``organ`` of ``unit``, cadre and post empty), recorded by the department that
    keeps the organ's ledger (``kept_by``: for the county safety committee its office, the
    county's emergency management department)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="duty_records", null=True, blank=True
    )
    obligation = models.ForeignKey(Obligation, verbose_name=_("obligation"), on_delete=models.PROTECT, related_name="records")
    post = models.ForeignKey(
        Post,
        verbose_name=_("post held that day"),
        on_delete=models.PROTECT,
        related_name="duty_records",
        null=True,
        blank=True,
    )
    organ = models.CharField(_("organ"), max_length=40, choices=Organ.choices, blank=True)
    unit = models.ForeignKey(
        Department,
        verbose_name=_("unit whose organ it is"),
        on_delete=models.PROTECT,
        related_name="organ_duty_records",
        null=True,
        blank=True,
    )
    kept_by = models.ForeignKey(
        Department,
        verbose_name=_("kept by"),
        on_delete=models.PROTECT,
        related_name="kept_duty_records",
        null=True,
        blank=True,
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True, max_length=TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    voided_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    void_reason = models.TextField(_("reason for withdrawal"), blank=True, max_length=TEXT_MAX_LENGTH)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("duty record")
        verbose_name_plural = _("duty records")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["cadre", "obligation", "date"], name="duty_cadre_obl_date_idx"),
            models.Index(fields=["unit", "organ", "date"], name="duty_unit_organ_date_idx"),
        ]
        constraints = [
            # A cadre's record names the post held; an organ's names the organ, its unit and the
            # department keeping it. Nothing in between.
            models.CheckConstraint(
                condition=(
                    models.Q(cadre__isnull=False, post__isnull=False, organ="", unit__isnull=True, kept_by__isnull=True)
                    | (
                        models.Q(cadre__isnull=True, post__isnull=True, unit__isnull=False, kept_by__isnull=False)
                        & ~models.Q(organ="")
                    )
                ),
                name="duty_record_cadre_or_organ",
            )
        ]

    def __str__(self) -> str:
        who = self.cadre if self.cadre_id else f"{self.get_organ_display()} · {self.unit}"
        return f"{who} · {self.obligation.citation} · {self.date}"


def _evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name never comes from the client: a random name under the year.
    return f"evidence/{timezone.now():%Y}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file proving a duty record: type checked by content, size limited, served only to
    those who may see the record (``duties.services.records``)."""

    record = models.ForeignKey(DutyRecord, verbose_name=_("duty record"), on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
