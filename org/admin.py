"""The organization's rows in the admin: departments and seats are reference data edited here
(with history); cadres and posts are read-only (they change through the cadre services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from org import models as m


@admin.register(m.Department)
class DepartmentAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history ships no types
    list_display = ["name", "kind", "level", "parent", "code"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "code"]


@admin.register(m.Membership)
class MembershipAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history ships no types
    list_display = ["user", "department", "rank"]
    list_filter = ["rank", "department__kind"]
    search_fields = ["user__username", "department__name"]


class PostInline(ReadOnlyInline):
    model = m.Post
    fk_name = "cadre"
    fields = ["organization", "role", "title", "start", "end", "managing_authority", "move_kind"]


@admin.register(m.Cadre)
class CadreAdmin(ReadOnlyAdmin):
    list_display = ["name", "status", "retired_on"]
    list_filter = ["status"]
    search_fields = ["name"]
    inlines = [PostInline]


@admin.register(m.Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "organization", "role", "title", "start", "end"]
    list_filter = ["role"]
    search_fields = ["cadre__name", "title"]
