"""Admin of the duty ledger: the grades of the annual assessment are configuration and editable
here (with history); the catalog, records and Chapter 4–5 rows are shown read-only — the catalog
changes by migration, the rest only through ``duties.services``."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from appraisal import models as m
from core.admin import ReadOnlyAdmin


@admin.register(m.AssessmentGrade)
class AssessmentGradeAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "position", "excellent", "failing", "active"]
    list_editable = ["position", "active"]

    def has_delete_permission(self, request, obj=None):
        return False  # results keep their grade: retire a grade by clearing "in use"


@admin.register(m.AnnualAssessment)
class AnnualAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["year", "department", "cadre", "grade", "rank", "ranked_of"]
    list_filter = ["year", "grade"]


@admin.register(m.Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    list_display = ["title", "started_on", "ended_on", "led_by"]


@admin.register(m.Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "department", "cadre", "ground"]


@admin.register(m.Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["year", "published_on", "channel"]


@admin.register(m.Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["year", "cadre", "kind", "granted_on"]
