"""Engine 2's policy: the effective content of a rulebook, as the snapshot an assessment keeps.

A snapshot is self-contained (``rulebooks.selectors.effective``: meta, articles, measures rows,
veto), so a stored assessment replays years later without the rulebook tables. ``engine: 2``
marks it; snapshots without it are engine 1's (``cases.rules.policy_v1``).
"""

from __future__ import annotations

from typing import Any

from cases.rules.engine import ENGINE, Article, MeasureRow, Policy
from rulebooks import content as files


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
    """Which (circumstance, severity) rows an effective content lacks: ``rulebooks.content.missing_rows``,
    the check ``manage.py rulebook import`` makes before it loads a file (rulebooks sits below
    cases, so the pure check lives there)."""
    return files.missing_rows(content)
