"""Admin of the duty ledger: the grades of the annual assessment are configuration and editable
here (with history); the catalog, records and Chapter 4–5 rows are shown read-only — the catalog
changes by migration, the rest only through ``duties.services``."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from duties import models as m


@admin.register(m.AssessmentGrade)
class AssessmentGradeAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "position", "excellent", "failing", "active"]
    list_editable = ["position", "active"]

    def has_delete_permission(self, request, obj=None):
        return False  # results keep their grade: retire a grade by clearing "in use"


@admin.register(m.Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ["code", "article", "item", "activity", "min_count", "period", "valid_from"]
    list_filter = ["article", "period", "activity"]
    search_fields = ["code", "text"]


class EvidenceInline(ReadOnlyInline):
    model = m.Evidence
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


@admin.register(m.DutyRecord)
class DutyRecordAdmin(ReadOnlyAdmin):
    list_display = ["date", "cadre", "obligation", "recorded_by", "voided_at"]
    list_filter = ["obligation__article"]
    search_fields = ["cadre__name", "note"]
    date_hierarchy = "date"
    inlines = [EvidenceInline]


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
