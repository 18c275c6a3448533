from django.contrib import admin

from core.admin import ReadOnlyAdmin
from rulebooks.models import Rulebook


@admin.register(Rulebook)
class RulebookAdmin(ReadOnlyAdmin):
    """Versions are never edited in place: load a new one with ``manage.py rulebook import``."""

    list_display = ("code", "version", "title", "jurisdiction", "valid_from", "valid_to", "verification", "current")
    list_filter = ("current", "verification")
    search_fields = ("code", "title")
