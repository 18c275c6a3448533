"""Domain models of an accountability proceeding (PRODUCT §1, §4–§6, §8).

Rows here are changed only through ``cases.services`` (STYLE §1). Every model keeps a
django-simple-history table; every transition of a case also writes a typed ``CaseEvent``,
chained by hash so tampering behind the application's back is detectable (PRODUCT §8).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin
from django_fsm import FSMField as DomainFSMField
from django_fsm import transition as fsm_transition
from simple_history.models import HistoricalRecords

from cases.codes import AccidentGrade, CaseState, Measure, SanctionKind, SourceKind
from org.models import Cadre, Department, Post


class Accident(models.Model):
    """A work-safety accident; its grade is computed from the figures (PRODUCT §1.5)."""

    title = models.CharField(_("title"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred at"))
    location = models.ForeignKey(
        Department, verbose_name=_("where (township, park or department)"), null=True, blank=True, on_delete=models.PROTECT
    )
    description = models.TextField(_("description"), blank=True)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries (incl. acute poisoning)"), default=0)
    direct_loss_yuan = models.DecimalField(_("direct economic loss (yuan)"), max_digits=14, decimal_places=2, default=0)
    grade = models.CharField(_("grade"), max_length=20, choices=AccidentGrade.choices, editable=False)
    unit_reported_at = models.DateTimeField(_("reported by the unit at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accident")
        verbose_name_plural = _("accidents")
        ordering = ["-occurred_at", "id"]

    def __str__(self) -> str:
        return self.title


class CaseNumberCounter(models.Model):
    """Yearly sequence for readable case numbers; the row is locked while a number is taken."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(ConcurrentTransitionMixin, models.Model):
    """An accountability proceeding. ``state`` is the legal state (PRODUCT §1.6), moved by services only.

    ``ConcurrentTransitionMixin`` makes the UPDATE conditional on the state read, so a lost race
    fails even on SQLite where rows cannot be locked; on PostgreSQL services also lock the row.
    """

    number = models.CharField(_("number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=300)
    facts = models.TextField(_("facts"))
    source_kind = models.CharField(_("source"), max_length=32, choices=SourceKind.choices)
    source_department = models.ForeignKey(
        Department, verbose_name=_("referring department"), on_delete=models.PROTECT, related_name="referred_cases"
    )
    owner_department = models.ForeignKey(
        Department, verbose_name=_("handling department"), on_delete=models.PROTECT, related_name="owned_cases"
    )
    accident = models.ForeignKey(
        Accident, verbose_name=_("accident"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    circumstances = models.JSONField(_("circumstances claimed at intake"), default=list, blank=True)
    state = DomainFSMField(_("state"), default=CaseState.RECEIVED, choices=CaseState.choices, protected=True, max_length=20)
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("investigation team"), blank=True, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped on every save. A client that sends the version it saw (``If-Match`` or
    # ``version``) gets 409 if anyone changed the case since: one winner per conflict.
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The inbox and queue read open cases of a department by state.
            models.Index(fields=["owner_department", "state"], name="case_owner_state_idx"),
            models.Index(fields=["state", "-created_at"], name="case_state_created_idx"),
            # Case lists are ordered newest first (``case_list``): a page is read off these indexes
            # instead of sorting every visible case (BENCH W3). Trigram indexes for ``q`` are in
            # migration 0010, PostgreSQL only.
            models.Index(fields=["-created_at", "-id"], name="case_created_idx"),
            models.Index(fields=["owner_department", "-created_at", "-id"], name="case_owner_created_idx"),
            # The cases a department referred, newest first, with their owner (PostgreSQL).
            models.Index(
                fields=["source_department", "-created_at", "-id"],
                include=["owner_department"],
                name="case_source_created_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs) -> None:
        # Callers hold the row lock (services.common.lock), so the increment cannot race.
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    # The transitions below only move ``state`` and set fields, without I/O. Rights, payload
    # checks, events and notifications belong to the services (STYLE §1). Method names are the
    # public transition codes of PRODUCT §1.6.
    @fsm_transition(field=state, source=CaseState.RECEIVED, target=CaseState.RECEIVED)
    def transfer(self) -> None:
        """Hand the lead to another department; the owner changes only when it accepts (Art. 34)."""

    @fsm_transition(field=state, source=CaseState.RECEIVED, target=CaseState.INQUIRING)
    def inquire(self) -> None:
        """谈话函询."""

    @fsm_transition(field=state, source=CaseState.RECEIVED, target=CaseState.HELD)
    def hold(self) -> None:
        """暂存待查."""

    @fsm_transition(
        field=state,
        source=[CaseState.RECEIVED, CaseState.INQUIRING, CaseState.HELD],
        target=CaseState.INVESTIGATING,
    )
    def accept(self) -> None:
        """初步核实 / 立案调查 with a team of at least two."""

    @fsm_transition(
        field=state,
        source=[CaseState.RECEIVED, CaseState.INQUIRING, CaseState.HELD, CaseState.INVESTIGATING],
        target=CaseState.DISMISSED,
    )
    def dismiss(self) -> None:
        """予以了结."""
        self.closed_at = timezone.now()

    @fsm_transition(field=state, source=CaseState.INVESTIGATING, target=CaseState.ASSESSING)
    def submit_findings(self) -> None:
        """Every subject has findings; the circumstances are now assessed."""

    @fsm_transition(
        field=state,
        source=CaseState.ASSESSING,
        target=RETURN_VALUE(CaseState.PROPOSING, CaseState.NOT_PURSUED),
    )
    def conclude(self, *, accountable: bool) -> str:
        """Proposing when any subject is accountable, otherwise not pursued (不予追究)."""
        if accountable:
            return CaseState.PROPOSING
        self.closed_at = timezone.now()
        return CaseState.NOT_PURSUED

    @fsm_transition(field=state, source=CaseState.PROPOSING, target=CaseState.APPROVING)
    def propose(self, *, by) -> None:
        self.proposed_by = by

    @fsm_transition(field=state, source=CaseState.APPROVING, target=CaseState.PROPOSING)
    def reject(self) -> None:
        self.proposed_by = None

    @fsm_transition(field=state, source=CaseState.APPROVING, target=CaseState.DECIDED)
    def approve(self, *, by, on) -> None:
        self.approved_by = by
        self.decided_on = on

    @fsm_transition(field=state, source=CaseState.DECIDED, target=CaseState.EXECUTING)
    def deliver(self, *, on) -> None:
        self.delivered_on = on

    @fsm_transition(field=state, source=CaseState.EXECUTING, target=CaseState.CLOSED)
    def close(self) -> None:
        self.closed_at = timezone.now()


class CaseSubject(models.Model):
    """A cadre under a case, with the post held at the time of the conduct (Art. 32 follows the cadre)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="subjects")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="subjects")
    post = models.ForeignKey(Post, verbose_name=_("post at the time of conduct"), null=True, blank=True, on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case subject")
        verbose_name_plural = _("case subjects")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "cadre"], name="subject_unique_cadre")]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.cadre}"


class Finding(models.Model):
    """What the investigation found about one subject: the rule engine's input, and Art. 33's factors."""

    subject = models.OneToOneField(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="finding")
    circumstances = models.JSONField(_("circumstances (Art. 26)"), default=list)
    aggravating = models.JSONField(_("aggravating circumstances (Art. 29)"), default=list, blank=True)
    mitigating = models.BooleanField(_("remedial action taken (Art. 30)"), default=False)
    duties_fully_performed = models.BooleanField(_("duties fully performed (Art. 31)"), default=False)
    fault_tolerance = models.BooleanField(_("fault tolerance found (Art. 23)"), default=False)
    suspected_crime = models.BooleanField(_("suspected job-related crime (Art. 27)"), default=False)
    egregious = models.BooleanField(_("egregious and serious (Art. 32)"), default=False)
    conduct_date = models.DateField(_("date of the conduct"))
    post_duties = models.TextField(_("duties of the post (岗位职责, Art. 33)"), blank=True)
    performance = models.TextField(_("how the duties were performed (履职情况, Art. 33)"), blank=True)
    conditions = models.TextField(_("conditions of performance (履职条件, Art. 33)"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    exemption_justification = models.TextField(_("why the Art. 31 exemption holds without full compliance on record"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.subject}: {', '.join(self.circumstances) or '—'}"


class Assessment(models.Model):
    """A stored rule-engine evaluation: input, output and policy version, replayable later (PRODUCT §2)."""

    class Kind(models.TextChoices):
        PREVIEW = "preview", _("Preview on saving findings")
        CONCLUSION = "conclusion", _("Conclusion of the case")

    subject = models.ForeignKey(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    input = models.JSONField(_("input"))
    output = models.JSONField(_("output"))
    policy_version = models.CharField(_("policy version"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.subject} · {self.policy_version}"


class MeasureDecision(models.Model):
    """A measure for one subject: proposed, then decided on approval, withdrawn on rejection,
    revoked when an appeal revises it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn on rejection")
        REVOKED = "revoked", _("Revoked on appeal")

    subject = models.ForeignKey(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="measures")
    measure = models.CharField(_("measure"), max_length=32, choices=Measure.choices)
    sanction_kind = models.CharField(_("sanction kind"), max_length=32, choices=SanctionKind.choices, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_measure_display()


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
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

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
    """A lead or case moved between departments (Art. 32, 34): sent → acknowledged → accepted | returned."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Transfer (移送, Art. 34)")
        LIFELONG = "lifelong", _("Lifelong accountability materials (终身追责材料移送, Art. 32)")

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
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SENT)
    reason = models.TextField(_("reason"))
    return_reason = models.TextField(_("reason for return"), blank=True)
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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["to_department", "state"], name="referral_to_state_idx")]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.from_department} → {self.to_department}"


class Appeal(models.Model):
    """An appeal (申诉) against the measures of one subject; it does not suspend execution."""

    class State(models.TextChoices):
        FILED = "filed", _("Filed")
        UPHELD = "upheld", _("Upheld (维持)")
        REVISED = "revised", _("Revised (变更)")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="appeals")
    subject = models.ForeignKey(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="appeals")
    filed_on = models.DateField(_("filed on"))
    grounds = models.TextField(_("grounds"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.FILED)
    deciding_department = models.ForeignKey(
        Department, verbose_name=_("deciding department"), on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(_("decision reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.subject.cadre} · {self.get_state_display()}"


class CaseEvent(models.Model):
    """One typed row per change of a case: the timeline, the notification outbox and audit evidence.

    ``hash`` chains each event to the previous one of the same case (PRODUCT §8).
    ``dispatched_at`` is claimed with a conditional update by the notifier, so each event is
    turned into notifications exactly once.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    prev_hash = models.CharField(_("hash of the previous event"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="event_case_seq_unique")]
        indexes = [
            # Read by the notification dispatcher: only undispatched events.
            models.Index(fields=["id"], condition=models.Q(dispatched_at__isnull=True), name="event_undispatched_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"


class DeadlinePolicy(models.Model):
    """A time limit with its source (PRODUCT §6). Figures not verified against an official text
    are flagged ``verified=False`` and shown as such (domain-facts.zh.md)."""

    class Unit(models.TextChoices):
        HOURS = "hours", _("hours")
        DAYS = "days", _("days")
        MONTHS = "months", _("months")

    code = models.SlugField(_("code"), max_length=64)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    citation = models.TextField(_("citation"))
    verified = models.BooleanField(_("verified against an official text"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("influence period")
        verbose_name_plural = _("influence periods")
        ordering = ["measure", "sanction_kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "sanction_kind", "valid_from"], name="influence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.sanction_kind}: {self.months or '—'}"


class VetoOverride(models.Model):
    """An authorized decision to end or extend the Art. 28 veto of one subject, with the reason."""

    subject = models.ForeignKey(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="veto_overrides")
    until = models.DateField(_("veto lasts until"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("veto override")
        verbose_name_plural = _("veto overrides")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.until}"


class AccidentReport(models.Model):
    """One step of the report chain (条例第九至十一条): the unit, then each level of government.

    ``level`` 0 is the unit's report to the county (1 hour from the accident); each higher level
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
    history = HistoricalRecords()

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
    evidence = models.TextField(_("evidence"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting finding")
        verbose_name_plural = _("reporting findings")
        ordering = ["accident_id", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.accident}: {self.get_kind_display()}"


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
