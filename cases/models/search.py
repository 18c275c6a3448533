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
    # Copies of the case's two departments (migration 0031), so the GIN index holds them beside
    # the grams (``btree_gin``) and an officer's search intersects "holds the gram" with "their
    # department's" inside the index: the work is the matches', not the department's cases'.
    # Written with the document and when a referral moves the case (``cases.services.referrals``);
    # every query rechecks visibility on the case's own columns, so a stale copy can only miss a
    # case, never show one (``manage.py case_search_rebuild`` rewrites them).
    owner_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("handling department"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    source_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("referring department"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    # The departments that see the case only through its links — a referral to them (not
    # returned), an execution or archive task, an appeal they decide, a referral from them —
    # neither handling nor referring it: space-separated ids (migration 0032), in the grams index
    # beside the grams, so "reached through links and holds the gram" is read off the index
    # instead of listing every link of the department. Recomputed with the two copies above
    # (``cases.search.case_search_departments``) by signals on referrals, execution tasks and
    # appeals; rechecked like them on every read.
    reach = models.TextField(_("departments reaching through links"), blank=True, default="")

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"search document of case {self.case_id}"
