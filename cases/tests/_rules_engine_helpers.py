"""The seed's codes and words, the policy rows and the expectation helpers shared by the rule-engine tests
(test_rules_engine.py, test_rules_engine_severity.py, test_rules_engine_output.py).
"""

from __future__ import annotations

import re

import pytest

from cases.rules.engine_v1 import AssessmentInputError, assess
from cases.rules.policy_v1 import DEFAULT_RULES, default_snapshot, policy_from_snapshot

POLICY = policy_from_snapshot(default_snapshot())
DATE = "2021-08-01"

# 第二十六条: seven circumstances, （一）…（七）.
SEED_CIRCUMSTANCES = [f"26.{n}" for n in range(1, 8)]
# 第二十九条: four aggravating circumstances, （一）…（四）.
SEED_AGGRAVATING = [f"29.{n}" for n in range(1, 5)]
# 第二十七条, verbatim: "应当根据情况采取通报、诫勉、停职检查、调整职务、责令辞职、降职、免职或者处分等方式问责".
ART27_SEED_WORDS = "通报、诫勉、停职检查、调整职务、责令辞职、降职、免职或者处分"
ART27_CODES = ["notice", "admonishment", "suspension", "reassignment", "ordered_resignation", "demotion", "dismissal", "sanction"]
ART27_LABELS = dict(zip(ART27_CODES, ART27_SEED_WORDS.replace("或者", "、").split("、"), strict=True))
# The organizational measures (组织处理, 第三十四条) among them: 停职检查、调整职务、责令辞职、降职、免职.
# They presuppose a post, so a retired cadre keeps none of them (Art. 32).
ORGANIZATIONAL = ["suspension", "reassignment", "ordered_resignation", "demotion", "dismissal"]
# Leadership responsibility for an accident: 26.5, and 26.6 (accidents that occurred repeatedly).
# Art. 23 tolerance, Art. 28 veto, Art. 29 aggravation and Art. 32 lifelong accountability reach
# only these; everything else is conduct of its own.
ACCIDENT = {"26.5", "26.6"}
NON_ACCIDENT = [c for c in SEED_CIRCUMSTANCES if c not in ACCIDENT]
# Full performance of duties (Art. 31) contradicts 26.1 (duties not performed) and 26.6 (打非治违不力,
# a duty of Art. 10).
CONTRADICT_FULL_PERFORMANCE = ["26.1", "26.6"]
ROW_SEVERITIES = ["standard", "heavier", "lighter"]
ROW_LABELS_ZH = {"standard": "一般", "heavier": "从重", "lighter": "从轻、减轻"}
# The findings that bear on severity (Art. 29 从重, Art. 30 从轻、减轻, both).
FINDINGS = {
    "plain": {},
    "aggravating": {"aggravating": ["29.1"]},
    "mitigating": {"mitigating": True},
    "both": {"aggravating": ["29.1"], "mitigating": True},
}
# For one pursued circumstance alone: findings → (severity, policy rows opened), for an accident
# circumstance (26.5, 26.6) and for any other. Art. 29 needs accident responsibility; Art. 30 is
# "可以" and only adds the lighter row; both for an accident: a conflict opening both ends.
ONE_CIRCUMSTANCE = {
    # findings: ((severity, rows) for 26.5/26.6, (severity, rows) for any other circumstance)
    "plain": (("standard", ("standard",)), ("standard", ("standard",))),
    "aggravating": (("heavier", ("heavier",)), ("standard", ("standard",))),
    "mitigating": (("lighter", ("standard", "lighter")), ("lighter", ("standard", "lighter"))),
    "both": (("conflict", ("heavier", "standard", "lighter")), ("lighter", ("standard", "lighter"))),
}
ROWS = {(c, s): tuple(m) for c, s, m, _ in DEFAULT_RULES}
OUTPUT_KEYS = {
    "accountable",
    "outcome",
    "severity",
    "allowed_measures",
    "measures_by_circumstance",
    "crime_referral",
    "veto",
    "lifelong",
    "citations",
    "explanation",
    "policy_version",
}
HAN = re.compile(r"[\u4e00-\u9fff]")
SEVERAL_CIRCUMSTANCES_ZH = "每一项情形"


def run(**fields) -> dict:
    """Assess a finding made of ``fields`` on top of a minimal valid input."""
    return assess({"circumstances": [], "conduct_date": DATE, **fields}, POLICY)


def findings_of(fields: dict) -> str:
    """The ``FINDINGS`` key that ``fields`` amount to."""
    return {(False, False): "plain", (True, False): "aggravating", (False, True): "mitigating", (True, True): "both"}[
        (bool(fields.get("aggravating")), bool(fields.get("mitigating")))
    ]


def rows_opened(circumstance: str, findings: str) -> tuple[str, ...]:
    accident, other = ONE_CIRCUMSTANCE[findings]
    return (accident if circumstance in ACCIDENT else other)[1]


def expected_by_circumstance(pursued, fields: dict | None = None) -> dict[str, list[str]]:
    """Per pursued circumstance, in the seed's order: the union of the rows the findings open for
    it, in the seed's order (Art. 27), without organizational measures for a retired cadre."""
    fields = fields or {}
    result = {}
    for circumstance in SEED_CIRCUMSTANCES:
        if circumstance in pursued:
            allowed = {m for row in rows_opened(circumstance, findings_of(fields)) for m in ROWS[(circumstance, row)]}
            if fields.get("cadre_status") == "retired":
                allowed -= set(ORGANIZATIONAL)
            result[circumstance] = [m for m in ART27_CODES if m in allowed]
    return result


def union_in_seed_order(by_circumstance: dict[str, list[str]]) -> list[str]:
    return [m for m in ART27_CODES if any(m in measures for measures in by_circumstance.values())]


def expected_measures(pursued, fields: dict | None = None) -> list[str]:
    return union_in_seed_order(expected_by_circumstance(pursued, fields))


def expected_severity(pursued, fields: dict | None = None) -> str:
    """Heavier (Art. 29) only when some accident circumstance is pursued; lighter (Art. 30) else."""
    findings = findings_of(fields or {})
    accident, other = ONE_CIRCUMSTANCE[findings]
    return (accident if set(pursued) & ACCIDENT else other)[0]


def without_organizational(measures) -> list[str]:
    return [m for m in measures if m not in ORGANIZATIONAL]


def texts(out: dict, article: str) -> list[str]:
    return [item["text"] for item in out["explanation"] if item["article"] == article]


def row_cited(out: dict, circumstance: str, row: str) -> bool:
    """Whether the Art. 27 explanation names the policy row ``circumstance``/``row`` and its version."""
    head = f"第二十六条第（{circumstance[-1]}）项、{ROW_LABELS_ZH[row]}："
    return any(text.startswith(head) and POLICY.version in text for text in texts(out, "27"))


def names_as_unknown(error: AssessmentInputError, code: str) -> bool:
    """Whether the error names ``code`` as unknown in both languages, not merely in its list of known
    codes (the message is "中文 / English", each half ending with the known codes)."""
    chinese = error.message.split("；可用代码：", 1)[0]
    english = error.english.rsplit("known:", 1)[0]
    return code in chinese and code in english


def input_error(data) -> AssessmentInputError:
    with pytest.raises(AssessmentInputError) as caught:
        assess(data, POLICY)
    return caught.value


def art(code: str) -> str:
    """A parametrize id fragment: ``26.5`` → ``art26_5``."""
    return "art" + code.replace(".", "_")
