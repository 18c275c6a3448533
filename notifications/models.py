"""Persisted notifications (PRODUCT §7). The rows are the truth: pushes over the channel layer
are best effort, and a client that reconnects with the last id it saw catches up from here."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("for department"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    text = models.TextField(_("text"))
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        "cases.CaseEvent", verbose_name=_("event"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.CharField(_("link"), max_length=300, blank=True)
    referral_id = models.PositiveIntegerField(_("referral"), null=True, blank=True)
    appeal_id = models.PositiveIntegerField(_("appeal"), null=True, blank=True)
    task_id = models.PositiveIntegerField(_("task"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            # One notification per event and recipient: a re-run of the dispatcher cannot duplicate.
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_event_recipient_unique"),
        ]
        indexes = [
            # Read by the replay on reconnect (id > since) and the unread badge.
            models.Index(fields=["recipient", "id"], name="notification_recipient_id_idx"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.kind}"

    def as_message(self) -> dict:
        return {
            "id": self.pk,
            "kind": self.kind,
            "text": self.text,
            "case": self.case_id,
            "link": self.link,
            "created_at": self.created_at.isoformat(),
            "read_at": self.read_at.isoformat() if self.read_at else None,
        }


class NotificationPreference(models.Model):
    """Per-user transport choices. Email is off unless the user turns it on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("also send by email"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: email={self.email}"
