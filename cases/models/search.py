"""The search document of a case (issue 16): derived text, not case data.

One row per case holding, normalised (``cases.search.normalize``), the text a ``?q=`` search
reads — title, facts, the subjects' names, their findings (texts and circumstances) and the
measures proposed or decided — and its character unigrams and bigrams, space-separated, which a
GIN index on PostgreSQL serves for one- and two-character queries (migration 0029). The case
number is not in it: it has its own unique and trigram indexes. Rewritten by the services that
change those texts (``cases.search.case_search_refresh``) in their transaction; it has no
history of its own, since every change it follows is recorded where it is made.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseSearch(models.Model):
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), primary_key=True, on_delete=models.CASCADE, related_name="search"
    )
    document = models.TextField(_("search document"), blank=True)
    grams = models.TextField(_("character grams"), blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"search document of case {self.case_id}"
