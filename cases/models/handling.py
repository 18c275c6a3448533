"""What a case sets in motion in other departments: execution tasks (Art. 34), referrals,
appeals and deadline alerts (PRODUCT §4–§6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.codes import AppealRoute, AppealStage, CrimeKind
from cases.models.case import Case, CaseSubject, MeasureDecision
from core.history import SignedHistoricalRecords
from core.inputs import TEXT_MAX_LENGTH
from org.models import Department


class ExecutionTask(models.Model):
    """Carrying out a decided measure, or filing the decision in an archive (PRODUCT §1.4)."""

    class Kind(models.TextChoices):
        MEASURE = "measure", _("Execute a measure")
        ARCHIVE = "archive", _("File in an archive")

    class Archive(models.TextChoices):
        INTEGRITY = "integrity", _("Integrity file (廉政档案)")
        PERSONNEL = "personnel", _("Personnel file (人事档案)")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="executions")
    subject = models.ForeignKey(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="executions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    measure = models.ForeignKey(
        MeasureDecision, verbose_name=_("measure"), null=True, blank=True, on_delete=models.PROTECT, related_name="executions"
    )
    archive = models.CharField(_("archive"), max_length=16, choices=Archive.choices, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("executing department"), on_delete=models.PROTECT, related_name="executions"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=TEXT_MAX_LENGTH)
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("execution task")
        verbose_name_plural = _("execution tasks")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["department", "state"], name="execution_dept_state_idx"),
            # Case visibility (cases.selectors): the cases a department executes for, read from
            # the index alone.
            models.Index(fields=["department", "case"], name="execution_dept_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_kind_display()} · {self.department}"


class Referral(models.Model):
    """A lead or case moved between departments (Art. 27, 32, 34): sent → acknowledged → accepted | returned.

    A ``crime`` or ``lifelong`` referral concerns one subject (``subject``); a ``transfer`` moves
    the whole lead. Lifelong referrals made before issue 14 may have no subject (see migration
    ``0019``)."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Transfer (移送, Art. 34)")
        LIFELONG = "lifelong", _("Lifelong accountability materials (终身追责材料移送, Art. 32)")
        # 问责建议: measures the discipline organ may not decide itself, sent to the organ with
        # authority over the post (问责条例 2019 第十二条); decided by that organ's ``approve``.
        RECOMMENDATION = "recommendation", _("Accountability recommendation (问责建议)")
        CRIME = "crime", _("Suspected crime (涉嫌犯罪问题线索移送, Art. 27)")

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_department = models.ForeignKey(
        Department, verbose_name=_("from"), on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_department = models.ForeignKey(
        Department, verbose_name=_("to"), on_delete=models.PROTECT, related_name="referrals_received"
    )
    subject = models.ForeignKey(
        CaseSubject, verbose_name=_("subject"), null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    crime = models.CharField(_("suspected crime"), max_length=16, choices=CrimeKind.choices, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SENT)
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH)
    return_reason = models.TextField(_("reason for return"), blank=True, max_length=TEXT_MAX_LENGTH)
    materials = models.JSONField(_("materials"), default=list, blank=True)
    acknowledge_by = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["to_department", "state"], name="referral_to_state_idx")]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.from_department} → {self.to_department}"

    @property
    def is_open(self) -> bool:
        """Neither accepted nor returned yet."""
        return self.state in (self.State.SENT, self.State.ACKNOWLEDGED)

    @property
    def blocks_end(self) -> bool:
        """An open crime referral: the case cannot become ``not_pursued`` or ``closed`` (Art. 27)."""
        return self.kind == self.Kind.CRIME and self.is_open


class Appeal(models.Model):
    """An appeal against decided measures of one subject, on a route and at a stage of it (申诉;
    复审 then 复核; 复核 then 申诉: ``cases.rules.appeals``); it does not suspend execution. A
    second stage is filed against the first stage's decision (``previous``). ``measures`` are the
    measures appealed; appeals filed before routes existed have none recorded (all the subject's
    decided measures were appealed)."""

    class State(models.TextChoices):
        FILED = "filed", _("Filed")
        UPHELD = "upheld", _("Upheld (维持)")
        REVISED = "revised", _("Revised (变更)")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="appeals")
    subject = models.ForeignKey(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="appeals")
    filed_on = models.DateField(_("filed on"))
    grounds = models.TextField(_("grounds"), max_length=TEXT_MAX_LENGTH)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.FILED)
    deciding_department = models.ForeignKey(
        Department, verbose_name=_("deciding department"), on_delete=models.PROTECT, related_name="+"
    )
    route = models.CharField(_("route"), max_length=32, choices=AppealRoute.choices, default=AppealRoute.ACCOUNTABILITY)
    stage = models.CharField(_("stage"), max_length=16, choices=AppealStage.choices, default=AppealStage.APPEAL)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("first-stage appeal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_stages",
    )
    measures = models.ManyToManyField(MeasureDecision, verbose_name=_("measures appealed"), blank=True, related_name="appeals")
    window_ends_on = models.DateField(_("filing window ended on"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True, max_length=TEXT_MAX_LENGTH)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # When the decision reached the appellant: the next stage's window runs from here.
    decision_delivered_on = models.DateField(_("decision delivered on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    history = SignedHistoricalRecords(m2m_fields=[measures])

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.subject.cadre} · {self.get_state_display()}"


class DeadlineAlert(models.Model):
    """A warning or an escalation already raised for one limit (PRODUCT §6). The unique key makes
    ``run_deadlines`` idempotent: running it twice raises nothing twice."""

    class Stage(models.TextChoices):
        WARNING = "warning", _("Due soon")
        OVERDUE = "overdue", _("Overdue, escalated to the leaders")

    key = models.CharField(_("key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="deadline_alerts")
    department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key
