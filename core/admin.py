"""Admin bases: domain rows are shown read-only, because they change only through services
(STYLE §1). History is read-only everywhere and revert is disabled (SIMPLE_HISTORY_REVERT_DISABLED)."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core.models import ApiToken


class ReadOnlyAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history ships no types
    """View-only: cases, subjects, measures and the like move through the services."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]  # an inline of any model
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Administrators see who holds which token and revoke one by deleting it; none is made here."""

    list_display = ["prefix", "user", "created", "expires_at", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "prefix", "created", "expires_at", "last_used"]
    exclude = ["digest"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
