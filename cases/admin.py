"""The Django admin: reference data and policies are edited here (with history); domain rows
are shown read-only, because they change only through services (STYLE §1). History is
read-only everywhere and revert is disabled (SIMPLE_HISTORY_REVERT_DISABLED)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases import models as m
from core.admin import ReadOnlyAdmin, ReadOnlyInline


@admin.register(m.Accident)
class AccidentAdmin(ReadOnlyAdmin):
    list_display = ["title", "occurred_at", "grade", "deaths", "serious_injuries", "direct_loss_yuan"]
    list_filter = ["grade"]
    search_fields = ["title"]


class SubjectInline(ReadOnlyInline):
    model = m.CaseSubject
    fields = ["cadre", "post"]


class EventInline(ReadOnlyInline):
    model = m.CaseEvent
    fields = ["seq", "kind", "from_state", "to_state", "actor", "reason", "created_at"]


@admin.register(m.Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "state", "owner_department", "source_department", "created_at"]
    list_filter = ["state", "source_kind", "owner_department"]
    search_fields = ["number", "title", "facts"]
    inlines = [SubjectInline, EventInline]


for model in (
    m.CaseSubject,
    m.Filing,
    m.InterimMeasure,
    m.Finding,
    m.Assessment,
    m.MeasureDecision,
    m.ExecutionTask,
    m.Referral,
    m.Appeal,
    m.CaseMaterial,  # never deleted: ReadOnlyAdmin refuses delete, the model's delete() raises
):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(m.CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "seq", "kind", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.DeadlinePolicy)
class DeadlinePolicyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "amount", "unit", "verified", "valid_from", "valid_to"]
    list_filter = ["verified", "code"]


class MeasurePolicyRuleInline(ReadOnlyInline):
    model = m.MeasurePolicyRule
    extra = 0


# Engine 1's measures policy, kept read-only for the record: since rulebooks (issue 13) the
# engine reads the measures of the rulebook that applies (``rulebooks``), never these rows.
@admin.register(m.MeasurePolicy)
class MeasurePolicyAdmin(ReadOnlyAdmin):
    list_display = ["code", "valid_from", "valid_to"]
    inlines = [MeasurePolicyRuleInline]


@admin.register(m.MeasurePolicyRule)
class MeasurePolicyRuleAdmin(ReadOnlyAdmin):
    list_display = ["policy", "circumstance", "severity", "measures"]
    list_filter = ["policy", "circumstance", "severity"]
