"""A rulebook: one jurisdiction's rules in force over a period, as data (issue 13).

A version is never edited in place: loading a corrected text makes the next version of the same
code, and the previous one stays for the diff and for what was decided under it. Which rulebook
applies to a conduct is chosen in ``rulebooks.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.inputs import TEXT_MAX_LENGTH


class Rulebook(models.Model):
    class Verification(models.TextChoices):
        VERIFIED_P = "verified-p", _("Checked against the full official text")
        VERIFIED_S = "verified-s", _("Checked against a page quoting the text")
        PARTIAL = "partial", _("Partly checked")
        UNVERIFIED = "unverified", _("Not checked against any text")

    code = models.SlugField(_("code"), max_length=64)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuing body"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    # A department code, not a key: a county's rulebook can be loaded before its departments are.
    jurisdiction = models.SlugField(_("jurisdiction (department code; empty: national)"), max_length=64, blank=True)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    parent = models.CharField(_("parent rulebook (code)"), max_length=64, blank=True)
    verification = models.CharField(_("verification"), max_length=16, choices=Verification.choices)
    content = models.JSONField(_("content"))
    digest = models.CharField(_("digest"), max_length=64)
    current = models.BooleanField(_("current version of its code"), default=True)
    note = models.TextField(_("note"), blank=True, max_length=TEXT_MAX_LENGTH)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rulebook")
        verbose_name_plural = _("rulebooks")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="rulebook_code_version_unique"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(current=True), name="rulebook_one_current_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code} v{self.version})"
