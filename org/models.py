"""The organization layer: departments, users' seats in them, cadres and their posts.

Rows here change only through services (STYLE §1); each keeps a django-simple-history table.
The tables keep the names they had when these models lived in ``cases`` (issue 12 moved them
without moving any data).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.codes import CadreStatus, DepartmentKind, MoveKind, Rank, Role


class Department(models.Model):
    """An organ, department, township or park, arranged in a tree (region > city > county > …)."""

    class Level(models.TextChoices):
        REGION = "region", _("Autonomous region (自治区)")
        CITY = "city", _("City (市)")
        COUNTY = "county", _("County (县)")
        TOWNSHIP = "township", _("Township or park (乡镇、园区)")
        DEPARTMENT = "department", _("Working department of the level above (工作部门)")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=DepartmentKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    history = HistoricalRecords(table_name="cases_historicaldepartment")

    class Meta:
        db_table = "cases_department"  # moved from cases (issue 12); the table keeps its name
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's seat in a department: the department decides what they see, the rank what they may do."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="membership"
    )
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="members")
    rank = models.CharField(_("rank"), max_length=16, choices=Rank.choices, default=Rank.OFFICER)
    history = HistoricalRecords(table_name="cases_historicalmembership")

    class Meta:
        db_table = "cases_membership"  # moved from cases (issue 12); the table keeps its name
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.department} ({self.rank})"


class Cadre(models.Model):
    """A leading cadre (党政领导干部) who may be subject to accountability."""

    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(_("status"), max_length=16, choices=CadreStatus.choices, default=CadreStatus.IN_OFFICE)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords(table_name="cases_historicalcadre")

    class Meta:
        db_table = "cases_cadre"  # moved from cases (issue 12); the table keeps its name
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """One post in a cadre's history: where, which role, from when to when, managed by whom."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="posts")
    organization = models.ForeignKey(Department, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="posts")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    title = models.CharField(_("title"), max_length=200)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    managing_authority = models.ForeignKey(
        Department,
        verbose_name=_("managing authority (干部管理权限)"),
        on_delete=models.PROTECT,
        related_name="managed_posts",
    )
    move_kind = models.CharField(
        _("how the post was taken"), max_length=16, choices=MoveKind.choices, default=MoveKind.APPOINTMENT
    )
    history = HistoricalRecords(table_name="cases_historicalpost")

    class Meta:
        db_table = "cases_post"  # moved from cases (issue 12); the table keeps its name
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["cadre_id", "start", "id"]
        indexes = [models.Index(fields=["cadre", "end"], name="post_cadre_end_idx")]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.organization} · {self.title}"

    def held_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)
