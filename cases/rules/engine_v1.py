"""The rule engine as it was before rulebooks (engine 1), frozen: stored assessments made with it
replay with it exactly (``cases.selectors.assessments.replay``). Do not change its answers; new
rules go into ``cases.rules.engine`` (engine 2).

The rule engine of Articles 23 and 26–33 (PRODUCT §2).

``assess(data, policy)`` is pure and deterministic: no database, no clock. It validates the
input, then derives every conclusion with the article that produces it. What the seed decides
outright is code here, each rule naming its article; what the seed leaves to judgement
("根据情况采取…方式问责", Art. 27) comes from ``policy``: data with a version and validity
dates, chosen by the caller for the conduct date (see ``cases.rules.policy``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from cases.codes import MEASURE_ORDER, ORGANIZATIONAL_MEASURES
from core.errors import FieldValueError
from core.i18n import bilingual

CIRCUMSTANCES = ["26.1", "26.2", "26.3", "26.4", "26.5", "26.6", "26.7"]
AGGRAVATING = ["29.1", "29.2", "29.3", "29.4"]
CADRE_STATUSES = ["in_office", "transferred", "promoted", "retired"]

# Art. 31 exempts "the leadership responsibility" for "an accident within one's remit": that is
# 26.5 only. Obstruction (26.2), intercession (26.3), reporting failures (26.4), a poor crackdown
# (26.6) and the rest are conduct of their own, not responsibility for an accident.
EXEMPTIBLE_ART31 = frozenset({"26.5"})

# Art. 23 tolerates errors "in a work-safety accident" (生产安全事故中存在容错纠错情形): only the
# accident circumstances. Like Art. 31 it removes what it covers and leaves the rest pursued;
# deliberate interference (26.2, 26.3), reporting failures (26.4, which include 谎报/瞒报) and
# duties not performed without an accident (26.1, 26.7) stay.
TOLERABLE_ART23 = frozenset({"26.5", "26.6"})

# Fully performed duties (Art. 31) cannot coexist with a finding that duties were not performed:
# 26.1 says so outright, and 26.6 (打非治违不力) is the failure of a duty of Arts. 8–10.
CONTRADICTS_FULL_PERFORMANCE = ("26.1", "26.6")

# Organizational measures presuppose a post; a retired cadre is pursued "按照有关规定" (Art. 32),
# i.e. by notice, admonishment or Party discipline.
ORGANIZATIONAL = ORGANIZATIONAL_MEASURES

# Art. 28 follows "being held to leadership responsibility because an accident occurred"; Art. 32
# follows "leadership responsibility for an accident" that is egregious. 26.5 is that
# responsibility; 26.6 is leadership responsibility for accidents that occurred repeatedly.
ACCIDENT_RESPONSIBILITY = frozenset({"26.5", "26.6"})

INPUT_FIELDS = {
    "circumstances": list,
    "aggravating": list,
    "mitigating": bool,
    "duties_fully_performed": bool,
    "fault_tolerance": bool,
    "suspected_crime": bool,
    "egregious": bool,
    "cadre_status": str,
    "conduct_date": str,
}
REQUIRED_FIELDS = ("circumstances", "conduct_date")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class AssessmentInputError(FieldValueError):
    """Bad input: ``field`` names the offending field; ``message`` says what is wrong in Chinese
    and English (the engine has no request language; the CLI and the evaluation endpoint show
    both); ``localized`` is the one of the active language, for the web and the case services."""

    def __init__(self, field_name: str, english: str, chinese: str = "") -> None:
        self.field = field_name
        self.english = english
        self.chinese = chinese
        self.message = f"{chinese} / {english}" if chinese else english
        self.localized = bilingual(chinese, english)
        super().__init__(f"{field_name}: {self.message}")


@dataclass(frozen=True)
class MeasureRule:
    """One row of the measures policy: for a circumstance and a severity, the measures that fit."""

    circumstance: str
    severity: str
    measures: tuple[str, ...]
    reasoning: str


@dataclass(frozen=True)
class Policy:
    """The policy version in force at the conduct date."""

    version: str
    rules: tuple[MeasureRule, ...] = field(default_factory=tuple)

    def measures_for(self, circumstance: str, severity: str) -> MeasureRule | None:
        for rule in self.rules:
            if rule.circumstance == circumstance and rule.severity == severity:
                return rule
        return None


@dataclass(frozen=True)
class AssessmentInput:
    circumstances: tuple[str, ...]
    aggravating: tuple[str, ...]
    mitigating: bool
    duties_fully_performed: bool
    fault_tolerance: bool
    suspected_crime: bool
    egregious: bool
    cadre_status: str
    conduct_date: dt.date

    def as_json(self) -> dict[str, Any]:
        return {
            "circumstances": list(self.circumstances),
            "aggravating": list(self.aggravating),
            "mitigating": self.mitigating,
            "duties_fully_performed": self.duties_fully_performed,
            "fault_tolerance": self.fault_tolerance,
            "suspected_crime": self.suspected_crime,
            "egregious": self.egregious,
            "cadre_status": self.cadre_status,
            "conduct_date": self.conduct_date.isoformat(),
        }


def _codes(data: dict[str, Any], name: str, known: list[str]) -> tuple[str, ...]:
    value = data.get(name, [])
    if not all(isinstance(code, str) for code in value):
        raise AssessmentInputError(name, "every item must be an article code string", "每一项都应是条款代码字符串")
    unknown = [code for code in value if code not in known]
    if unknown:
        raise AssessmentInputError(
            name,
            f"unknown code(s) {', '.join(unknown)}; known: {', '.join(known)}",
            f"未知代码 {', '.join(unknown)}；可用代码：{', '.join(known)}",
        )
    # Keep the seed's order and drop repeats so equal inputs give equal outputs.
    return tuple(code for code in known if code in value)


def parse_input(data: Any) -> AssessmentInput:
    """Validate raw JSON-like input; raise ``AssessmentInputError`` naming the first bad field."""
    if not isinstance(data, dict):
        raise AssessmentInputError("(body)", "expected a JSON object", "应为 JSON 对象")
    for name in data:
        if name not in INPUT_FIELDS:
            raise AssessmentInputError(
                name,
                f"unknown field; expected one of {', '.join(INPUT_FIELDS)}",
                f"未知字段；可用字段：{', '.join(INPUT_FIELDS)}",
            )
    for name in REQUIRED_FIELDS:
        if name not in data:
            raise AssessmentInputError(name, "this field is required", "此字段为必填项")
    for name, kind in INPUT_FIELDS.items():
        if name in data and not isinstance(data[name], kind):
            raise AssessmentInputError(
                name,
                f"expected {'a list' if kind is list else kind.__name__}",
                f"应为{'列表' if kind is list else {'bool': '布尔值', 'str': '字符串'}[kind.__name__]}",
            )
    circumstances = _codes(data, "circumstances", CIRCUMSTANCES)
    aggravating = _codes(data, "aggravating", AGGRAVATING)
    status = data.get("cadre_status", "in_office")
    if status not in CADRE_STATUSES:
        raise AssessmentInputError(
            "cadre_status",
            f"unknown status {status!r}; known: {', '.join(CADRE_STATUSES)}",
            f"未知状态 {status!r}；可用：{', '.join(CADRE_STATUSES)}",
        )
    try:
        if not _ISO_DATE.fullmatch(data["conduct_date"]):
            raise ValueError(data["conduct_date"])
        conduct_date = dt.date.fromisoformat(data["conduct_date"])
    except ValueError as exc:
        raise AssessmentInputError(
            "conduct_date", "expected an ISO date such as 2021-08-01", "应为 ISO 日期，例如 2021-08-01"
        ) from exc
    duties_fully_performed = data.get("duties_fully_performed", False)
    contradicted = [c for c in CONTRADICTS_FULL_PERFORMANCE if c in circumstances]
    if duties_fully_performed and contradicted:
        # Finding both is a contradiction the decision-maker must resolve before assessing.
        raise AssessmentInputError(
            "duties_fully_performed",
            f"contradicts circumstance {', '.join(contradicted)} (duties not performed); correct one of them",
            f"与第二十六条第 {', '.join(contradicted)} 项情形（履职不到位）矛盾，请更正其中之一",
        )
    return AssessmentInput(
        circumstances=circumstances,
        aggravating=aggravating,
        mitigating=data.get("mitigating", False),
        duties_fully_performed=duties_fully_performed,
        fault_tolerance=data.get("fault_tolerance", False),
        suspected_crime=data.get("suspected_crime", False),
        egregious=data.get("egregious", False),
        cadre_status=status,
        conduct_date=conduct_date,
    )


class _Result:
    """Collects conclusions; every line of the explanation carries its article."""

    def __init__(self) -> None:
        self.citations: list[str] = []
        self.explanation: list[dict[str, str]] = []

    def cite(self, article: str, text: str) -> None:
        if article not in self.citations:
            self.citations.append(article)
        self.explanation.append({"article": article, "text": text})


def _severity(inp: AssessmentInput, pursued: list[str], out: _Result) -> str:
    """Art. 29 (应当从重) applies to leadership responsibility for an accident; Art. 30 (可以从轻、
    减轻) is open to the decision-maker. Both claimed: ``conflict``, for the decision-maker."""
    accident = [c for c in pursued if c in ACCIDENT_RESPONSIBILITY]
    items = "）、（".join(code.split(".")[1] for code in inp.aggravating)
    heavier = bool(inp.aggravating) and bool(accident)
    lighter = inp.mitigating
    if inp.aggravating and not accident:
        out.cite("29", f"第二十九条第（{items}）项以对发生的生产安全事故负有领导责任为前提；本案未追究事故领导责任，不据此从重。")
    if heavier:
        out.cite("29", f"对发生的生产安全事故负有领导责任，存在第二十九条第（{items}）项情形，应当从重追究责任。")
    if lighter:
        out.cite(
            "30", "主动采取补救措施，减少事故损失或者挽回社会不良影响，可以从轻、减轻追究责任（由决定机关裁量，也可不从轻）。"
        )
    if heavier and lighter:
        out.cite("29", "同时存在从重（第二十九条）和从轻、减轻（第三十条）情节，由决定机关综合裁量，系统不代为取舍。")
        return "conflict"
    if heavier:
        return "heavier"
    if lighter:
        return "lighter"
    return "standard"


# Which policy rows a severity opens. Art. 30 is "可以": lighter measures become available
# without removing the standard ones. A conflict opens the whole range for the decision-maker.
ROWS_FOR_SEVERITY = {
    "standard": ("standard",),
    "heavier": ("heavier",),
    "lighter": ("standard", "lighter"),
    "conflict": ("heavier", "standard", "lighter"),
}


def _measures_by_circumstance(
    pursued: list[str], severity: str, inp: AssessmentInput, policy: Policy, out: _Result
) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for circumstance in pursued:
        # Art. 29 aggravates accident responsibility only; other circumstances keep standard
        # (or, with remedial action, standard and lighter) rows.
        sev = severity
        if circumstance not in ACCIDENT_RESPONSIBILITY and severity in ("heavier", "conflict"):
            sev = "lighter" if inp.mitigating else "standard"
        allowed: set[str] = set()
        for row_severity in ROWS_FOR_SEVERITY[sev]:
            rule = policy.measures_for(circumstance, row_severity)
            if rule is None:
                raise LookupError(f"policy {policy.version} has no row for {circumstance}/{row_severity}")
            allowed.update(rule.measures)
            names = "、".join(MEASURE_LABELS_ZH[m] for m in MEASURE_ORDER if m in rule.measures)
            out.cite(
                "27",
                f"第二十六条第（{circumstance.split('.')[1]}）项、{SEVERITY_ZH[row_severity]}：可采取{names}"
                f"（政策 {policy.version}：{rule.reasoning}）。",
            )
        if inp.cadre_status == "retired":
            allowed -= ORGANIZATIONAL
        result[circumstance] = [m for m in MEASURE_ORDER if m in allowed]
    if inp.cadre_status == "retired":
        out.cite("32", "当事人已退休，不再适用停职检查、调整职务、责令辞职、降职、免职等组织处理，按照有关规定追究责任。")
    if len(pursued) > 1:
        out.cite("27", "存在多项情形的，所选问责方式须对每一项情形都至少有一种适用方式。")
    return result


MEASURE_LABELS_ZH = {
    "notice": "通报",
    "admonishment": "诫勉",
    "suspension": "停职检查",
    "reassignment": "调整职务",
    "ordered_resignation": "责令辞职",
    "demotion": "降职",
    "dismissal": "免职",
    "sanction": "处分",
}
SEVERITY_ZH = {"heavier": "从重", "standard": "一般", "lighter": "从轻、减轻", "conflict": "从重与从轻并存"}
CIRCUMSTANCE_ZH = {
    "26.1": "履行本细则第二章、第三章所规定职责不到位",
    "26.2": "阻挠、干涉、妨碍安全生产监管执法或者生产安全事故调查处理工作",
    "26.3": "为违法违规企业说情、打招呼以及插手具体案件",
    "26.4": "对迟报、漏报、谎报或者瞒报生产安全事故负有领导责任",
    "26.5": "对发生生产安全事故负有领导责任",
    "26.6": "对“打非治违”不力，连续发生非法违法生产安全事故，负有领导责任",
    "26.7": "有其他应当问责情形",
}


def assess(data: Any, policy: Policy) -> dict[str, Any]:
    """Evaluate one subject's findings. Returns the output JSON of PRODUCT §2.

    Raises ``AssessmentInputError`` for bad input and ``LookupError`` when the policy lacks a row
    it needs (a data error, never silently papered over).
    """
    inp = data if isinstance(data, AssessmentInput) else parse_input(data)
    out = _Result()

    for code in inp.circumstances:
        out.cite(code, f"认定存在第二十六条第（{code.split('.')[1]}）项情形：{CIRCUMSTANCE_ZH[code]}。")

    # Art. 27, last clause: a suspected job-related crime goes to the discipline organ whatever
    # else holds (exemption, tolerance or no circumstance at all).
    crime_referral = inp.suspected_crime
    if crime_referral:
        out.cite("27", "涉嫌职务违法犯罪，由纪检监察机关依法调查处置（移送纪检监察机关）。")

    pursued = list(inp.circumstances)
    exempted: list[str] = []
    if inp.duties_fully_performed:
        exempted = [c for c in pursued if c in EXEMPTIBLE_ART31]
        if exempted:
            pursued = [c for c in pursued if c not in EXEMPTIBLE_ART31]
            out.cite(
                "31",
                "职责范围内发生生产安全事故，经查实已全面履行职责并落实有关工作部署，不予追究领导责任（第二十六条第（五）项）。",
            )
        not_covered = [c for c in pursued]
        if not_covered:
            out.cite(
                "31",
                "第三十一条只免除对事故的领导责任，不适用于第二十六条第（"
                + "）、（".join(c.split(".")[1] for c in not_covered)
                + "）项情形。",
            )

    tolerated = False
    if inp.fault_tolerance and pursued:
        tolerable = [c for c in pursued if c in TOLERABLE_ART23]
        rest = [c for c in pursued if c not in TOLERABLE_ART23]
        if tolerable:
            pursued = rest
            tolerated = not rest
            out.cite(
                "23",
                "决定机关认定生产安全事故中存在容错纠错情形，依据自治区、市和县相关规定对第二十六条第（"
                + "）、（".join(c.split(".")[1] for c in tolerable)
                + "）项予以容错。",
            )
        if rest:
            out.cite(
                "23",
                "容错纠错只适用于生产安全事故中的情形，不适用于第二十六条第（"
                + "）、（".join(c.split(".")[1] for c in rest)
                + "）项情形，仍应问责。",
            )

    if not inp.circumstances:
        out.cite("26", "未认定第二十六条规定的任何问责情形，不予问责。")

    accountable = bool(pursued)
    by_circumstance: dict[str, list[str]] = {}
    if accountable:
        outcome = "accountable"
        out.cite("26", "存在第二十六条规定的情形，应当按照有关规定进行问责。")
        severity = _severity(inp, pursued, out)
        by_circumstance = _measures_by_circumstance(pursued, severity, inp, policy, out)
        allowed = [m for m in MEASURE_ORDER if any(m in ms for ms in by_circumstance.values())]
        out.cite("27", "上述问责方式可以单独使用，也可以合并使用；约谈（第十五条）不是问责方式，不能代替问责。")
        out.cite("33", "决定时应当根据岗位职责、履职情况、履职条件等因素合理确定相应责任。")
    else:
        outcome = "tolerated" if tolerated else "not_pursued"
        severity = "standard"
        allowed = []
        if not tolerated and inp.circumstances:
            out.cite("31", "免责后不存在其他应当问责的情形，不予追究。")

    accident_pursued = accountable and any(c in ACCIDENT_RESPONSIBILITY for c in pursued)
    if accident_pursued:
        out.cite(
            "28",
            "因发生生产安全事故被追究领导责任，适用“一票否决”：在相关规定时限内取消考核评优和评选各类先进资格，不得晋升职务、职级或者重用任职。",
        )

    lifelong = {"applies": False, "action": "none"}
    if accident_pursued and inp.egregious:
        action = {"transferred": "transfer_materials", "promoted": "transfer_materials", "retired": "pursue_retired"}.get(
            inp.cadre_status, "none"
        )
        lifelong = {"applies": True, "action": action}
        text = {
            "transfer_materials": "失职失责性质恶劣、后果严重，实行终身追究；当事人已调离或者提拔，按照干部管理权限将有关材料移送有权实施责任追究的机关。",
            "pursue_retired": "失职失责性质恶劣、后果严重，实行终身追究；当事人已退休，按照有关规定追究责任。",
            "none": "失职失责性质恶劣、后果严重，实行终身追究，不论是否调离、提拔或者退休。",
        }[action]
        out.cite("32", text)
    elif inp.egregious and not accident_pursued:
        out.cite("32", "终身追究适用于对生产安全事故负有领导责任且性质恶劣、后果严重的情形；本案未追究事故领导责任，不适用。")

    return {
        "accountable": accountable,
        "outcome": outcome,
        "severity": severity,
        "allowed_measures": allowed,
        "measures_by_circumstance": by_circumstance,
        "crime_referral": crime_referral,
        "veto": {"applies": accident_pursued},
        "lifelong": lifelong,
        "citations": out.citations,
        "explanation": out.explanation,
        "policy_version": policy.version,
    }
