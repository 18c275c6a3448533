"""Investigation materials of a case (案件材料, issue 16 item 8): interview records, investigation
reports, photos, documentary evidence. Checked and served like duty evidence
(``duties.services.ledger.check_upload``, ``duties.api.views.stored_file_response``); versioned
in a series (``series``, ``version``, ``supersedes``); withdrawn with a reason, never deleted.
Changed only through ``cases.services.materials``."""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from core.history import SignedHistoricalRecords
from core.inputs import TEXT_MAX_LENGTH

NEVER_DELETED = "Case materials are withdrawn with a reason, never deleted."


def _material_path(instance: CaseMaterial, filename: str) -> str:
    # The stored name never comes from the client: a random name under the year.
    return f"case-materials/{timezone.now():%Y}/{uuid.uuid4().hex}"


def _new_series() -> str:
    return uuid.uuid4().hex


class _NoDeleteQuerySet(models.QuerySet["CaseMaterial"]):
    def delete(self) -> NoReturn:  # refused on purpose
        raise PermissionError(NEVER_DELETED)


class CaseMaterial(models.Model):
    """One version of one material of a case. The versions of a material share ``series``; each
    new version ``supersedes`` the one before it (one successor each). Withdrawal (撤回) marks
    every version of the series, so a finding citing any of them shows it withdrawn."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Interview record (谈话笔录)")
        REPORT = "report", _("Investigation report (调查报告)")
        PHOTO = "photo", _("Photo of the scene (现场照片)")
        DOCUMENT = "document", _("Documentary evidence (书证)")
        OTHER = "other", _("Other (其他)")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="materials")
    series = models.CharField(_("material series"), max_length=32, default=_new_series, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    kind = models.CharField(_("kind of material"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_material_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True, max_length=TEXT_MAX_LENGTH)
    history = SignedHistoricalRecords()

    objects = _NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        ordering = ["case_id", "uploaded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["series", "version"], name="material_series_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # refused on purpose
        raise PermissionError(NEVER_DELETED)
