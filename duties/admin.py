"""Admin of the duty ledger: the grades of the annual assessment are configuration and editable
here (with history); the catalog, records and Chapter 4–5 rows are shown read-only — the catalog
changes by migration, the rest only through ``duties.services``."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from duties import models as m


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
