from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from rulebooks.models import Rulebook


@admin.register(Rulebook)
class RulebookAdmin(ReadOnlyAdmin):
    """Versions are never edited in place: load a new one with ``manage.py rulebook import``.
    The change page links to the rulebook's page, which shows what it inherits."""

    list_display = (
        "code",
        "version",
        "title",
        "jurisdiction",
        "valid_from",
        "valid_to",
        "verification",
        "current",
        "short_digest",
    )
    list_filter = ("current", "verification")
    search_fields = ("code", "title")
    fields = (
        "web_page",
        "code",
        "version",
        "current",
        "title",
        "issuer",
        "document_number",
        "jurisdiction",
        "valid_from",
        "valid_to",
        "parent",
        "verification",
        "digest",
        "note",
        "loaded_by",
        "loaded_at",
        "content",
    )
    readonly_fields = fields

    @admin.display(description=_("digest"))
    def short_digest(self, book: Rulebook) -> str:
        return book.digest[:12]

    @admin.display(description=_("page"))
    def web_page(self, book: Rulebook) -> str:
        # By name, not by import: the pages are a layer above (web), the admin only links to them.
        try:
            url = reverse("web:rulebook_version", args=[book.code, book.version])
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">{}</a>', url, _("Open the rulebook's page (articles, measures, versions)"))
