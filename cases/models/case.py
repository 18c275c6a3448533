"""The case and what hangs on it: subjects, findings, assessments, measures, veto overrides and
the hash-chained events (PRODUCT §1, §2, §8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin
from django_fsm import FSMField as DomainFSMField
from django_fsm import transition as fsm_transition

from cases.codes import CaseState, Measure, SanctionKind, SourceKind
from cases.models.accidents import Accident
from core.history import SignedHistoricalRecords
from core.inputs import FACTS_MAX_LENGTH, TEXT_MAX_LENGTH
from org.models import Cadre, Department, Post


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
    facts = models.TextField(_("facts"), max_length=FACTS_MAX_LENGTH)
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
    history = SignedHistoricalRecords(excluded_fields=["updated_at"])

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
    history = SignedHistoricalRecords()

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
    post_duties = models.TextField(_("duties of the post (岗位职责, Art. 33)"), blank=True, max_length=TEXT_MAX_LENGTH)
    performance = models.TextField(
        _("how the duties were performed (履职情况, Art. 33)"), blank=True, max_length=FACTS_MAX_LENGTH
    )
    conditions = models.TextField(_("conditions of performance (履职条件, Art. 33)"), blank=True, max_length=TEXT_MAX_LENGTH)
    evidence = models.TextField(_("evidence"), blank=True, max_length=FACTS_MAX_LENGTH)
    # Ids of the case materials (``CaseMaterial`` versions) the findings cite; a withdrawn or
    # superseded one stays cited and is shown as such.
    materials = models.JSONField(_("materials cited"), default=list, blank=True)
    exemption_justification = models.TextField(
        _("why the Art. 31 exemption holds without full compliance on record"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = SignedHistoricalRecords()

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
    history = SignedHistoricalRecords()

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
    # Who decides it (issue 14; 问责条例 2019 第十二条, Art. 34): organizational measures the
    # organization department with authority over the post, sanctions the discipline organ
    # (政务处分 as 监委), a notice or 诫勉 the organ that imposes it. Empty on rows older than
    # this: the case's owner decided them.
    deciding_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("deciding organ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_measure_display()


class VetoOverride(models.Model):
    """An authorized decision to end or extend the Art. 28 veto of one subject, with the reason."""

    subject = models.ForeignKey(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="veto_overrides")
    until = models.DateField(_("veto lasts until"))
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("veto override")
        verbose_name_plural = _("veto overrides")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.until}"


class Filing(models.Model):
    """立案 of one subject: the supervision organ's principal approved opening a case against this
    person (《监察法》2024 第四十二条：“监察机关主要负责人依法批准立案”). From ``filed_on`` the
    subject is 被立案调查, and 《公职人员政务处分法》第五十二条 bars moving, promoting, rewarding or
    retiring them until the proceeding is decided or ends (``cases.selectors.records``).

    Per subject, not per case: 立案 concerns a person (the decision is announced to 被调查人,
    第四十二条第三款), and a case's subjects may be filed on different days or not at all. One
    filing per subject (the one-to-one key is the backstop of the service's check).
    """

    subject = models.OneToOneField(CaseSubject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="filing")
    filed_on = models.DateField(_("filed on"))
    # The leader of the handling discipline organ who approved the filing; they record it themselves.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=TEXT_MAX_LENGTH)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = SignedHistoricalRecords()

    class Meta:
        verbose_name = _("filing (立案)")
        verbose_name_plural = _("filings (立案)")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.subject}: {self.filed_on}"


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
    reason = models.TextField(_("reason"), blank=True, max_length=TEXT_MAX_LENGTH)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    prev_hash = models.CharField(_("hash of the previous event"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64)
    # HMAC of ``hash`` under a key kept outside the database (``settings.AUDIT_KEYS``), as
    # ``key id:hex``: someone with database access can re-hash an edited chain, not re-sign it.
    mac = models.CharField(_("signature"), max_length=100, blank=True, db_default="")
    # What ``hash`` covers (``cases.selectors.audit.event_digest``): 1 the event's own content
    # (events before issue 15 item 8); 2 also ``history``, ``[model, history_id, history_mac]`` of
    # every signed history row the event's transaction wrote before it (the rows it changed).
    # Defaults in the database too: rows written with SQL (bench/) are found as unsigned, version 1.
    mac_version = models.PositiveSmallIntegerField(_("signature version"), default=1, db_default=1)
    history = models.JSONField(_("history rows"), default=list, blank=True, db_default=[])
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
