"""Pages of the rulebooks (issue 13): which rulebooks are loaded, a rulebook's articles (its own
and those it inherits), its measures table and veto, its versions, and what changed between two
versions. Read-only and the same for every signed-in user (a rulebook is published law); a new
version is loaded with ``manage.py rulebook import`` (docs/rulebooks.md).

Every read is ``rulebooks.selectors``; the diff is ``rulebooks.content.diff``, the one the
command line and the API print.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from cases.codes import AccidentGrade, Circumstance, Measure, SanctionKind
from cases.models import DeadlinePolicy
from rulebooks import content as files
from rulebooks import selectors
from rulebooks.models import Rulebook

# Each verification mark, its label and how loudly the page shows it: a rulebook or an article
# that is not checked against an official text is marked, never shown as if it were.
VERIFICATION = {
    "verified-p": (gettext_lazy("Checked against the official text (已核对原文)"), "accepted", False),
    "verified-s": (gettext_lazy("Checked against a page quoting it (已据转载核对)"), "acknowledged", False),
    "partial": (gettext_lazy("Partly checked (部分核对)"), "sent", True),
    "unverified": (gettext_lazy("Not checked (未经核对)"), "overdue", True),
}
SEVERITY = {
    "standard": gettext_lazy("Within the range (一般)"),
    "heavier": gettext_lazy("Heavier (从重)"),
    "lighter": gettext_lazy("Lighter (从轻)"),
    "reduced": gettext_lazy("Reduced (减轻)"),
}
ANY_GRADE = gettext_lazy("Any or unknown grade (不分等级)")
META_LABELS = {
    "code": gettext_lazy("Code"),
    "title": gettext_lazy("Title"),
    "issuer": gettext_lazy("Issued by"),
    "document_number": gettext_lazy("Document number"),
    "jurisdiction": gettext_lazy("Jurisdiction"),
    "valid_from": gettext_lazy("In force from"),
    "valid_to": gettext_lazy("In force until"),
    "parent": gettext_lazy("Inherits from"),
    "verification": gettext_lazy("Verification"),
}


def _choice(choices: Any, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def measure_labels(codes: list[str]) -> list[str]:
    return [_choice(Measure, c) for c in codes]


def sanction_labels(codes: list[str]) -> list[str]:
    return [_choice(SanctionKind, c) for c in codes]


def grade_label(code: str) -> str:
    return _choice(AccidentGrade, code) if code else str(ANY_GRADE)


def severity_label(code: str) -> str:
    return str(SEVERITY.get(code, code))


def verification(code: str) -> dict[str, Any]:
    label, tone, warn = VERIFICATION.get(code, (code, "", True))
    return {"code": code, "label": str(label), "tone": tone, "warn": warn}


def version_url(code: str, number: int) -> str:
    return reverse("web:rulebook_version", args=[code, number])


def diff_url(code: str, old: int, new: int) -> str:
    return f"{reverse('web:rulebook_diff', args=[code])}?{urlencode({'from': old, 'to': new})}"


def _row_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": files.row_key(row),
        "severity": severity_label(row["severity"]),
        "grade": grade_label(row.get("grade", "")),
        "measures": measure_labels(row["measures"]),
        "sanctions": sanction_labels(row["sanctions"]),
        "reasoning": row["reasoning"],
    }


@login_required
def rulebook_list(request: HttpRequest) -> HttpResponse:
    books = selectors.rulebooks()
    names = selectors.jurisdiction_names({b.jurisdiction for b in books})
    titles = {b.code: b.title for b in books}
    rows = [
        {
            "book": b,
            "jurisdiction": names[b.jurisdiction],
            "parent_title": titles.get(b.parent, b.parent),
            "verification": verification(b.verification),
            "url": reverse("web:rulebook_detail", args=[b.code]),
        }
        for b in books
    ]
    return render(request, "web/rulebooks/list.html", {"rows": rows})


@login_required
def rulebook_detail(request: HttpRequest, code: str, number: int | None = None) -> HttpResponse:
    book = selectors.rulebook_by_code(code, number)
    if book is None:
        raise Http404
    return render(request, "web/rulebooks/detail.html", _detail_context(book))


def _detail_context(book: Rulebook) -> dict[str, Any]:
    effective = selectors.with_sources(book)
    content, sources = effective["content"], effective["sources"]
    chain = {item["code"]: item for item in effective["chain"]}
    names = selectors.jurisdiction_names({book.jurisdiction})
    versions = selectors.versions_of(book.code)
    reasons = selectors.load_reasons(versions)
    current = next((v for v in versions if v.current), book)

    def origin(source: str | None) -> dict[str, Any] | None:
        if source is None or source == book.code:
            return None  # its own
        item = chain.get(source, {"code": source, "title": source})
        return {**item, "url": reverse("web:rulebook_detail", args=[source])}

    articles = [
        {
            "code": code,
            "label": _choice(Circumstance, code) if code in Circumstance.values else "",
            "cite": article["cite"],
            "text": article["text"],
            "source": article.get("source", ""),
            "verification": verification(article["verification"]) if article.get("verification") else None,
            "inherited": origin(sources["articles"].get(code)),
        }
        for code, article in sorted(content["articles"].items(), key=lambda kv: files.article_order(kv[0]))
    ]
    groups: dict[str, dict[str, Any]] = {}
    for row in sorted(content["measures"], key=lambda r: files.row_order(files.row_key(r))):
        circumstance = row["circumstance"]
        group = groups.setdefault(
            circumstance,
            {
                "code": circumstance,
                "label": _choice(Circumstance, circumstance),
                "cite": content["articles"].get(circumstance, {}).get("cite", ""),
                "rows": [],
            },
        )
        key = files.row_label(files.row_key(row))
        group["rows"].append({**_row_view(row), "inherited": origin(sources["measures"].get(key))})
    version_rows = [
        {
            "book": v,
            "reason": reasons.get(v.pk, ""),
            "url": version_url(v.code, v.version),
            "diff_url": diff_url(v.code, v.version - 1, v.version) if v.version > 1 else "",
            "shown": v.pk == book.pk,
        }
        for v in versions
    ]
    return {
        "book": book,
        "current": current,
        "jurisdiction": names[book.jurisdiction],
        "verification": verification(book.verification),
        "parent_url": reverse("web:rulebook_detail", args=[book.parent]) if book.parent else "",
        "chain": effective["chain"],
        "effective_version": effective["version"],
        "articles": articles,
        "groups": list(groups.values()),
        "veto": content.get("veto") or {},
        "veto_inherited": origin(sources["veto"]),
        "measures_note": content.get("measures_note", ""),
        "limits": [
            {**_limit_view(row), "inherited": origin(sources.get("deadlines", {}).get(row["code"]))}
            for row in content.get("deadlines", [])
        ],
        "periods": [
            {**_period_view(row), "inherited": origin(sources.get("influence_periods", {}).get(_period_label(row)))}
            for row in content.get("influence_periods", [])
        ],
        "versions": version_rows,
        "missing": files.missing_rows(content),
    }


def _period_label(row: dict[str, Any]) -> str:
    return "/".join(k for k in (row["measure"], row.get("sanction_kind", "")) if k)


def _limit_view(row: dict[str, Any]) -> dict[str, Any]:
    """A time limit as the page shows it: the code, the amount with its unit, the basis."""
    return {
        "code": row["code"],
        "name": LIMIT_NAMES.get(row["code"], row["code"]),
        "amount": row["amount"],
        "unit": _choice(DeadlinePolicy.Unit, row["unit"]),
        "citation": row["citation"],
        "verified": bool(row.get("verified")),
        "note": row.get("note", ""),
    }


def _period_view(row: dict[str, Any]) -> dict[str, Any]:
    """An influence period as the page shows it: the measure (and sanction kind), how long, what it bars."""
    kind = row.get("sanction_kind", "")
    bars = [
        str(label)
        for flag, label in ((row.get("blocks_promotion", True), BARS_PROMOTION), (row.get("blocks_awards", True), BARS_AWARDS))
        if flag
    ]
    return {
        "measure": _choice(Measure, row["measure"]) + (f"（{_choice(SanctionKind, kind)}）" if kind else ""),
        "months": row.get("months"),
        "permanent": bool(row.get("permanent")),
        "bars": bars,
        "stacks": bool(row.get("stacks")),
        "citation": row["citation"],
        "verified": bool(row.get("verified")),
    }


# The time limits by code (PRODUCT §6), as a page names them.
LIMIT_NAMES = {
    "referral_acknowledgement": gettext_lazy("Acknowledging a referral"),
    "organizational_measure": gettext_lazy("Carrying out an organizational measure"),
    "measure_execution": gettext_lazy("Carrying out another measure"),
    "archive_filing": gettext_lazy("Filing the decision in the archives"),
    "appeal_window": gettext_lazy("Appealing against the decision"),
    "appeal_decision": gettext_lazy("Deciding an appeal"),
    "inquiry_reply": gettext_lazy("Replying to an inquiry"),
    "accident_unit_report": gettext_lazy("The unit's accident report"),
    "accident_level_report": gettext_lazy("Each level's accident report"),
    "deadline_warning": gettext_lazy("Warning before a limit runs out"),
}
BARS_PROMOTION = gettext_lazy("promotion")
BARS_AWARDS = gettext_lazy("awards and 评优")


def _version_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name)
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


@login_required
def rulebook_diff(request: HttpRequest, code: str) -> HttpResponse:
    book = selectors.rulebook_by_code(code)
    if book is None:
        raise Http404
    versions = selectors.versions_of(book.code)
    new = _version_param(request, "to") or book.version
    old = _version_param(request, "from") or max(new - 1, 1)
    change = selectors.diff_versions(book.code, old, new)
    if change is None:
        raise Http404
    by_number = {v.version: v for v in versions}
    articles = change["articles"]
    measures = change["measures"]
    context = {
        "book": book,
        "versions": versions,
        "old": by_number[old],
        "new": by_number[new],
        "change": change,
        "meta": [
            {
                "label": str(META_LABELS.get(m["field"], m["field"])),
                "old": _meta_value(m["field"], m["old"]),
                "new": _meta_value(m["field"], m["new"]),
            }
            for m in change["meta"]
        ],
        "articles_added": articles["added"],
        "articles_removed": articles["removed"],
        "articles_changed": articles["changed"],
        "rows_added": [_diff_row(r) for r in measures["added"]],
        "rows_removed": [_diff_row(r) for r in measures["removed"]],
        "rows_changed": [
            {
                **_diff_row(r["new"]),
                "measures_added": measure_labels(r["measures_added"]),
                "measures_removed": measure_labels(r["measures_removed"]),
                "sanctions_added": sanction_labels(r["sanctions_added"]),
                "sanctions_removed": sanction_labels(r["sanctions_removed"]),
                "reasoning_changed": r["reasoning"],
                "old_reasoning": r["old"]["reasoning"],
            }
            for r in measures["changed"]
        ],
    }
    return render(request, "web/rulebooks/diff.html", context)


def _diff_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **_row_view(row),
        "circumstance": row["circumstance"],
        "circumstance_label": _choice(Circumstance, row["circumstance"]),
    }


def _meta_value(field: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if field == "verification":
        return str(verification(str(value))["label"])
    return str(value)
