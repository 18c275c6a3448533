"""Engine 1's measures policy (frozen with ``cases.rules.engine_v1``): the snapshot format stored
assessments made before rulebooks keep, and the default rows of ``pingluo-2021`` as they were.

Loading the measures policy in force at a date, and its default rows.

The rows are data (a data migration seeds ``DEFAULT_RULES``; the admin edits them with
history). ``Policy.version`` names the policy code *and* a digest of its rows, so an edited
policy is a different version, and a stored assessment replays with the snapshot it kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from cases.models import MeasurePolicy
from cases.rules.engine_v1 import CIRCUMSTANCES, MeasureRule, Policy

N, A, S, R, OR, D, DM, SA = (
    "notice",
    "admonishment",
    "suspension",
    "reassignment",
    "ordered_resignation",
    "demotion",
    "dismissal",
    "sanction",
)
ALL = (N, A, S, R, OR, D, DM, SA)
WITHOUT_NOTICE = (A, S, R, OR, D, DM, SA)

# (circumstance, severity, measures, reasoning). The county rules took effect on 2021-06-11
# (第三十五条 "自印发之日起施行"; issued 2021-06-11).
DEFAULT_POLICY_CODE = "pingluo-2021"
DEFAULT_VALID_FROM = dt.date(2021, 6, 11)
DEFAULT_RULES: list[tuple[str, str, tuple[str, ...], str]] = [
    (
        "26.1",
        "standard",
        (N, A, S, R, SA),
        "履职不到位而未造成事故：以通报、诫勉、停职检查、调整职务为主，必要时给予处分；不适宜直接责令辞职、降职、免职。",
    ),
    ("26.1", "heavier", WITHOUT_NOTICE, "从重：排除最轻的通报，可至组织处理的全部方式和处分。"),
    ("26.1", "lighter", (N, A, SA), "从轻、减轻：通报、诫勉，或较轻的处分。"),
    ("26.2", "standard", WITHOUT_NOTICE, "阻挠、干涉监管执法或事故调查属故意妨碍，仅通报不足以问责。"),
    ("26.2", "heavier", (S, OR, D, DM, SA), "从重：停职检查以上的组织处理或处分。"),
    ("26.2", "lighter", (A, R, SA), "从轻、减轻：仍不低于诫勉。"),
    ("26.3", "standard", WITHOUT_NOTICE, "为违法违规企业说情、插手案件属故意干预，仅通报不足以问责。"),
    ("26.3", "heavier", (S, OR, D, DM, SA), "从重：停职检查以上的组织处理或处分。"),
    ("26.3", "lighter", (A, R, SA), "从轻、减轻：仍不低于诫勉。"),
    ("26.4", "standard", ALL, "迟报、漏报、谎报、瞒报的轻重差别很大（迟报与瞒报），由决定机关在全部方式中选择。"),
    ("26.4", "heavier", WITHOUT_NOTICE, "从重：排除最轻的通报。"),
    ("26.4", "lighter", (N, A, R, SA), "从轻、减轻：通报、诫勉、调整职务或较轻的处分。"),
    ("26.5", "standard", ALL, "对事故负有领导责任：按事故等级和责任大小在全部方式中选择。"),
    ("26.5", "heavier", WITHOUT_NOTICE, "从重：排除最轻的通报。"),
    ("26.5", "lighter", (N, A, R, SA), "从轻、减轻：通报、诫勉、调整职务或较轻的处分。"),
    ("26.6", "standard", ALL, "打非治违不力、连续发生非法违法事故：在全部方式中选择。"),
    ("26.6", "heavier", WITHOUT_NOTICE, "从重：排除最轻的通报。"),
    ("26.6", "lighter", (N, A, R, SA), "从轻、减轻：通报、诫勉、调整职务或较轻的处分。"),
    ("26.7", "standard", (N, A, S, R, SA), "其他情形：性质不明，默认与履职不到位相同，较重方式须从重情节支持。"),
    ("26.7", "heavier", WITHOUT_NOTICE, "从重：排除最轻的通报。"),
    ("26.7", "lighter", (N, A, SA), "从轻、减轻：通报、诫勉，或较轻的处分。"),
]
SEVERITIES = ("heavier", "standard", "lighter")


class NoPolicyInForce(LookupError):
    def __init__(self, day: dt.date) -> None:
        super().__init__(f"no measures policy is in force on {day.isoformat()}")
        self.day = day


def snapshot(code: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    """A self-contained, canonical copy of a policy: what a stored assessment keeps."""
    ordered = sorted(rules, key=lambda r: (r["circumstance"], r["severity"]))
    body = json.dumps(ordered, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(body.encode()).hexdigest()[:12]
    return {"code": code, "version": f"{code}@{digest}", "rules": ordered}


def policy_from_snapshot(snap: dict[str, Any]) -> Policy:
    return Policy(
        version=snap["version"],
        rules=tuple(MeasureRule(r["circumstance"], r["severity"], tuple(r["measures"]), r["reasoning"]) for r in snap["rules"]),
    )


def default_snapshot() -> dict[str, Any]:
    rules = [{"circumstance": c, "severity": s, "measures": list(m), "reasoning": why} for c, s, m, why in DEFAULT_RULES]
    return snapshot(DEFAULT_POLICY_CODE, rules)


def complete(rules: list[dict[str, Any]]) -> list[str]:
    """Which (circumstance, severity) pairs a policy lacks; an empty list means complete."""
    have = {(r["circumstance"], r["severity"]) for r in rules}
    return [f"{c}/{s}" for c in CIRCUMSTANCES for s in SEVERITIES if (c, s) not in have]


def policy_snapshot_on(day: dt.date) -> dict[str, Any]:
    """The snapshot of the policy in force on ``day`` (read from the database)."""
    from django.db.models import Q

    policy = (
        MeasurePolicy.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .prefetch_related("rules")
        .first()
    )
    if policy is None:
        raise NoPolicyInForce(day)
    rules = [
        {"circumstance": r.circumstance, "severity": r.severity, "measures": list(r.measures), "reasoning": r.reasoning}
        for r in policy.rules.all()
    ]
    return snapshot(policy.code, rules)
