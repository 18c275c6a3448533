"""Chapters 4–5 of the 细则: annual assessment and its grades, patrols and their findings, 约谈,
publication of results, and awards. Rows change only through ``appraisal.services``; every model
keeps a django-simple-history table. The tables keep the names they had in ``duties`` (issue 12
moved the models without moving data).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.codes import AwardKind, InterviewGround
from cases.models import Case
from core.history import MovedHistoricalRecords
from core.inputs import FACTS_MAX_LENGTH, TEXT_MAX_LENGTH
from duties.models import DutyRecord
from org.models import Cadre, Department


class AssessmentGrade(models.Model):
    """A grade of the annual work-safety assessment (Art. 16, 18). Configurable; ``excellent``
    feeds Art. 25 rewards, ``failing`` (with last place) Art. 15 interviews."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    label = models.CharField(_("label"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    excellent = models.BooleanField(_("counts as excellent (Art. 25)"), default=False)
    failing = models.BooleanField(_("counts as failing (Art. 15)"), default=False)
    active = models.BooleanField(_("in use"), default=True)
    history = MovedHistoricalRecords(from_app="duties")

    class Meta:
        db_table = "duties_assessmentgrade"  # moved from duties (issue 12); the table keeps its name
        verbose_name = _("assessment grade")
        verbose_name_plural = _("assessment grades")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class AnnualAssessment(models.Model):
    """The year's work-safety assessment result of a department, township or park (Art. 16) or
    of a cadre (Art. 18)."""

    year = models.PositiveSmallIntegerField(_("year"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_assessments",
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, null=True, blank=True, related_name="safety_assessments"
    )
    grade = models.ForeignKey(AssessmentGrade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    ranked_of = models.PositiveSmallIntegerField(_("number ranked"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=TEXT_MAX_LENGTH)
    compliance = models.JSONField(_("duty compliance at assessment (PRODUCT §3)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = MovedHistoricalRecords(from_app="duties")

    class Meta:
        db_table = "duties_annualassessment"  # moved from duties (issue 12); the table keeps its name
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")
        ordering = ["-year", "rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(department__isnull=True) & models.Q(cadre__isnull=False))
                | (models.Q(department__isnull=False) & models.Q(cadre__isnull=True)),
                name="assessment_department_xor_cadre",
            ),
            models.UniqueConstraint(fields=["year", "department"], name="assessment_year_department_uniq"),
            models.UniqueConstraint(fields=["year", "cadre"], name="assessment_year_cadre_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.department or self.cadre} · {self.grade}"

    @property
    def ranked_last(self) -> bool:
        return self.rank is not None and self.ranked_of is not None and self.rank == self.ranked_of


class Patrol(models.Model):
    """A round of the safety committee's work-safety patrol (安全生产巡查, Art. 14)."""

    title = models.CharField(_("title"), max_length=200)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    led_by = models.ForeignKey(
        Cadre, verbose_name=_("led by"), on_delete=models.PROTECT, null=True, blank=True, related_name="patrols_led"
    )
    targets = models.ManyToManyField(
        Department, verbose_name=_("patrolled"), related_name="patrols", db_table="duties_patrol_targets"
    )
    summary = models.TextField(_("summary"), blank=True, max_length=FACTS_MAX_LENGTH)
    duty_record = models.OneToOneField(
        DutyRecord, verbose_name=_("duty record"), on_delete=models.PROTECT, null=True, blank=True, related_name="patrol"
    )
    county = models.ForeignKey(Department, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = MovedHistoricalRecords(m2m_fields=[targets], from_app="duties")

    class Meta:
        db_table = "duties_patrol"  # moved from duties (issue 12); the table keeps its name
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return self.title


class PatrolFinding(models.Model):
    """A problem a patrol found; it can be handed over as a lead (Art. 14, 34)."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("patrol"), on_delete=models.PROTECT, related_name="findings")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    cadres = models.ManyToManyField(
        Cadre, verbose_name=_("cadres concerned"), blank=True, related_name="+", db_table="duties_patrolfinding_cadres"
    )
    text = models.TextField(_("problem found"), max_length=TEXT_MAX_LENGTH)
    case = models.ForeignKey(
        Case, verbose_name=_("lead created"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = MovedHistoricalRecords(m2m_fields=[cadres], from_app="duties")

    class Meta:
        db_table = "duties_patrolfinding"  # moved from duties (issue 12); the table keeps its name
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.patrol}: {self.text[:40]}"


class Interview(models.Model):
    """A 约谈 (Art. 15): a reminder and warning talk. It is recorded as what it is and is never an
    Art. 27 measure ("安全生产约谈不能代替…问责措施")."""

    held_on = models.DateField(_("held on"))
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="interviews")
    cadre = models.ForeignKey(Cadre, verbose_name=_("person interviewed"), on_delete=models.PROTECT, related_name="interviews")
    ground = models.CharField(_("ground (Art. 15)"), max_length=32, choices=InterviewGround.choices)
    assessment = models.ForeignKey(
        AnnualAssessment, verbose_name=_("assessment"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("what was said and the rectification asked for"), max_length=FACTS_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = MovedHistoricalRecords(from_app="duties")

    class Meta:
        db_table = "duties_interview"  # moved from duties (issue 12); the table keeps its name
        verbose_name = _("interview (约谈)")
        verbose_name_plural = _("interviews (约谈)")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} · {self.cadre} · {self.get_ground_display()}"


class Publication(models.Model):
    """Art. 20: the year's assessment results were published or circulated."""

    year = models.PositiveSmallIntegerField(_("year"))
    county = models.ForeignKey(Department, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField(_("published on"))
    channel = models.CharField(_("how (通报、公示…)"), max_length=200)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    history = MovedHistoricalRecords(from_app="duties")

    class Meta:
        db_table = "duties_publication"  # moved from duties (issue 12); the table keeps its name
        verbose_name = _("publication of results")
        verbose_name_plural = _("publications of results")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.year} · {self.channel}"


class Award(models.Model):
    """An Art. 25 award granted to a cadre for excellent assessment years."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="awards")
    year = models.PositiveSmallIntegerField(_("assessment year"))
    kind = models.CharField(_("kind"), max_length=16, choices=AwardKind.choices)
    granted_on = models.DateField(_("granted on"))
    basis = models.TextField(_("basis"), max_length=TEXT_MAX_LENGTH)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    history = MovedHistoricalRecords(from_app="duties")

    class Meta:
        db_table = "duties_award"  # moved from duties (issue 12); the table keeps its name
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="award_cadre_year_uniq")]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.year} · {self.get_kind_display()}"
