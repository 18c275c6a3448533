"""Engine 2's policy: the effective content of a rulebook, as the snapshot an assessment keeps.

A snapshot is self-contained (``rulebooks.selectors.effective``: meta, articles, measures rows,
veto), so a stored assessment replays years later without the rulebook tables. ``engine: 2``
marks it; snapshots without it are engine 1's (``cases.rules.policy_v1``).
"""

from __future__ import annotations

from typing import Any

from cases.rules.engine import ACCIDENT_RESPONSIBILITY, ENGINE, Article, MeasureRow, Policy
from rulebooks.content import CIRCUMSTANCES

SEVERITIES_FOR = {True: ("standard", "heavier", "lighter", "reduced"), False: ("standard", "lighter", "reduced")}


def snapshot(effective: dict[str, Any]) -> dict[str, Any]:
    """What an assessment keeps: ``effective`` (from ``rulebooks.selectors.effective``) tagged
    with the engine that reads it."""
    return {"engine": ENGINE, "version": effective["version"], "meta": effective["meta"], "content": effective["content"]}


def policy_from_snapshot(snap: dict[str, Any]) -> Policy:
    content = snap["content"]
    veto = content.get("veto") or {}
    return Policy(
        version=snap["version"],
        rulebook=dict(snap["meta"]),
        articles={
            code: Article(a["cite"], a["text"], a.get("verification", ""), a.get("source_title", ""))
            for code, a in content.get("articles", {}).items()
        },
        rows=tuple(
            MeasureRow(
                r["circumstance"], r["severity"], r.get("grade", ""), tuple(r["measures"]), tuple(r["sanctions"]), r["reasoning"]
            )
            for r in content.get("measures", [])
        ),
        veto_floor_months=veto.get("floor_months"),
        veto_cite=veto.get("cite", ""),
        measures_note=content.get("measures_note", ""),
    )


def missing_rows(content: dict[str, Any]) -> list[str]:
    """Which (circumstance, severity) rows an effective content lacks for the circumstances its
    article map has: an empty list means the engine can answer every finding."""
    have = {(r["circumstance"], r["severity"]) for r in content.get("measures", []) if not r.get("grade")}
    articles = content.get("articles", {})
    return [
        f"{c}/{s}"
        for c in CIRCUMSTANCES
        if c in articles
        for s in SEVERITIES_FOR[c in ACCIDENT_RESPONSIBILITY]
        if (c, s) not in have
    ]
