"""What a decision relied on that nobody has checked against an official text (issue 14 item 6).

Before the documents are issued, the officer sees every unverified default the decision used —
time limits and influence periods flagged ``verified=False``, a rulebook or an article not checked
against the full official text, and the measures ranges, which are the project's reading of a text
that says only “根据情况” — and confirms them (``cases.services.issuance``). The documents never
print these flags; the confirmation, an event on the case, is where they are kept.

``issuance_checklist`` is a fixed number of queries; its ``digest`` changes whenever an item does,
so a confirmation covers exactly the list the officer saw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.utils.translation import gettext as _

from cases.codes import ORGANIZATIONAL_MEASURES, CaseEventKind
from cases.models import Assessment, Case, CaseEvent, MeasureDecision, Referral
from cases.selectors.deadlines import policy_in_force
from cases.selectors.records import influence_periods
from core.persistence import local_today
from rulebooks.figures import FigureBook

VERIFIED_TEXT = "verified-p"


def _limit_item(code: str, day: dt.date, department: int, figures: FigureBook, used_for: str) -> dict[str, Any] | None:
    policy = policy_in_force(code, day, department=department, figures=figures)
    if policy is None or policy.verified:
        return None
    return {
        "key": f"limit:{code}:{policy.valid_from.isoformat()}",
        "kind": "limit",
        "label": used_for,
        "basis": policy.citation.strip(),
    }


def issuance_checklist(case: Case) -> dict[str, Any]:
    """``{"items": [{key, kind, label, basis}], "digest"}`` for a decided case."""
    decided = list(
        MeasureDecision.objects.filter(subject__case=case, state=MeasureDecision.State.DECIDED).select_related("subject__cadre")
    )
    conclusions = list(
        Assessment.objects.filter(subject__case=case, kind=Assessment.Kind.CONCLUSION).order_by("subject_id", "id")
    )
    latest: dict[int, Assessment] = {a.subject_id: a for a in conclusions}
    figures = FigureBook.load()
    place = case.owner_department_id
    day = case.delivered_on or case.decided_on or local_today()
    items: list[dict[str, Any]] = []

    def add(item: dict[str, Any] | None) -> None:
        if item is not None and all(item["key"] != i["key"] for i in items):
            items.append(item)

    add(_limit_item("appeal_window", day, place, figures, _("The window for an appeal printed in the decision")))
    if any(m.measure in ORGANIZATIONAL_MEASURES for m in decided):
        add(
            _limit_item(
                "organizational_measure", day, place, figures, _("The time limit for carrying out organizational measures")
            )
        )
    if any(m.measure not in ORGANIZATIONAL_MEASURES for m in decided):
        add(_limit_item("measure_execution", day, place, figures, _("The time limit for carrying out the other measures")))
    if Referral.objects.filter(case=case, kind=Referral.Kind.RECOMMENDATION).exists():
        add(
            _limit_item(
                "recommendation_decision", day, place, figures, _("The time limit for deciding an accountability recommendation")
            )
        )

    periods = influence_periods()
    for m in decided:
        row = periods.row(m.measure, m.sanction_kind, place, m.decided_on or day)
        if row is not None and not row.verified:
            label = m.get_measure_display() + (f"（{m.get_sanction_kind_display()}）" if m.sanction_kind else "")
            add(
                {
                    "key": f"influence:{m.measure}:{m.sanction_kind}",
                    "kind": "influence",
                    "label": _("The influence period of %(m)s on the cadre's record") % {"m": label},
                    "basis": row.citation.strip(),
                }
            )

    for assessment in latest.values():
        output, policy = assessment.output, (assessment.input or {}).get("policy") or {}
        book = output.get("rulebook") or {}
        if book.get("code") and book.get("verification") != VERIFIED_TEXT:
            add(
                {
                    "key": f"rulebook:{book['code']}:{book.get('version')}",
                    "kind": "rulebook",
                    "label": _("The rulebook applied has not been checked article by article against its official text"),
                    "basis": f"《{book.get('title', '')}》",
                }
            )
        articles = (policy.get("content") or {}).get("articles") or {}
        for code in output.get("citations", []):
            article = articles.get(code) or {}
            if article and article.get("verification") not in (None, VERIFIED_TEXT):
                add(
                    {
                        "key": f"article:{book.get('code', '')}:{code}",
                        "kind": "article",
                        "label": _("An article relied on is not checked against its official text"),
                        "basis": f"《{article.get('source_title') or book.get('title', '')}》{article.get('cite', code)}",
                    }
                )
        if output.get("engine") == 2 and book.get("code"):
            add(
                {
                    "key": f"reading:{book['code']}",
                    "kind": "reading",
                    "label": _(
                        "Which measures and sanction grades fit each circumstance is Zeren's reading of a text that says only “根据情况”"
                    ),
                    "basis": f"《{book.get('title', '')}》",
                }
            )
    digest = hashlib.sha256(json.dumps(items, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return {"items": items, "digest": digest}


def confirmation(case: Case) -> CaseEvent | None:
    """The latest confirmation of the checklist recorded on the case."""
    return CaseEvent.objects.filter(case=case, kind=CaseEventKind.DOCUMENTS_CONFIRMED).order_by("-seq").first()


def documents_confirmed(case: Case, checklist: dict[str, Any] | None = None) -> bool:
    """Whether the documents may be issued: nothing to confirm, or the current list confirmed."""
    checklist = checklist if checklist is not None else issuance_checklist(case)
    if not checklist["items"]:
        return True
    event = confirmation(case)
    return event is not None and event.payload.get("digest") == checklist["digest"]
