"""The rule engine of Articles 23 and 26–33 (PRODUCT §2), engine 2: rulebooks (issue 13).

``assess(data, policy)`` is pure and deterministic: no database, no clock (the caller passes
``today`` to refuse future conduct). The policy is the effective content of the rulebook in force
for the conduct's jurisdiction and date (``cases.rules.policy``): its article map gives every
citation the rulebook's own numbers and words, and its measures rows say which measures and which
sanction grades fit each circumstance at each severity. What the rules decide outright is code
here, each rule naming its article by Zeren's canonical code (PRODUCT §1.3); what they leave to
judgement ("根据情况") is the rows.

Stored assessments made before engine 2 replay with ``cases.rules.engine_v1``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from cases.codes import MEASURE_ORDER, ORGANIZATIONAL_MEASURES, SanctionKind
from core.errors import FieldValueError
from core.i18n import bilingual

ENGINE = 2
CIRCUMSTANCES = ["26.1", "26.2", "26.3", "26.4", "26.5", "26.6", "26.7"]
AGGRAVATING = ["29.1", "29.2", "29.3", "29.4"]
CADRE_STATUSES = ["in_office", "transferred", "promoted", "retired"]
ACCIDENT_GRADES = ["general", "larger", "major", "especially_major"]
FULL_PERFORMANCE_PARTS = ("duties", "statutory", "deployments")
SANCTION_ORDER = list(SanctionKind.values)
PARTY_SANCTIONS = [s for s in SANCTION_ORDER if s.startswith("party_")]
GOV_SANCTIONS = [s for s in SANCTION_ORDER if s.startswith("gov_")]

# Art. 31 exempts "the leadership responsibility" for "an accident within one's remit": 26.5 only.
EXEMPTIBLE_ART31 = frozenset({"26.5"})
# Art. 23 tolerates errors "in a work-safety accident": the accident circumstances only.
TOLERABLE_ART23 = frozenset({"26.5", "26.6"})
# Fully performed duties (Art. 31) cannot coexist with a finding that duties were not performed.
CONTRADICTS_FULL_PERFORMANCE = ("26.1", "26.6")
ORGANIZATIONAL = ORGANIZATIONAL_MEASURES
# Leadership responsibility for an accident (Arts. 28, 29, 32): 26.5, and 26.6 (accidents that
# occurred repeatedly).
ACCIDENT_RESPONSIBILITY = frozenset({"26.5", "26.6"})

INPUT_FIELDS: dict[str, type] = {
    "circumstances": list,
    "aggravating": list,
    "mitigating": bool,
    "duties_fully_performed": bool,
    "full_performance": dict,
    "fault_tolerance": bool,
    "suspected_crime": bool,
    "egregious": bool,
    "cadre_status": str,
    "conduct_date": str,
    "accident_grade": str,
    "jurisdiction": int,
}
REQUIRED_FIELDS = ("circumstances", "conduct_date")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KIND_ZH = {list: "列表", bool: "布尔值", str: "字符串", dict: "对象", int: "整数（部门编号）"}


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
class Article:
    cite: str
    text: str
    verification: str = ""
    source_title: str = ""


@dataclass(frozen=True)
class MeasureRow:
    """For a circumstance, a severity and (for accidents) a grade: the measures and sanctions that fit."""

    circumstance: str
    severity: str
    grade: str
    measures: tuple[str, ...]
    sanctions: tuple[str, ...]
    reasoning: str


@dataclass(frozen=True)
class Policy:
    """The effective rulebook in force for the conduct (see ``cases.rules.policy``)."""

    version: str
    rulebook: dict[str, Any]
    articles: dict[str, Article] = field(default_factory=dict)
    rows: tuple[MeasureRow, ...] = field(default_factory=tuple)
    veto_floor_months: int | None = None
    veto_cite: str = ""
    measures_note: str = ""

    def row(self, circumstance: str, severity: str, grade: str = "") -> MeasureRow | None:
        fallback = None
        for row in self.rows:
            if row.circumstance == circumstance and row.severity == severity:
                if row.grade == grade:
                    return row
                if row.grade == "":
                    fallback = row
        return fallback

    def cite(self, code: str) -> str:
        """The rulebook's own number for a canonical code, e.g. ``第十八条第（四）项``."""
        article = self.articles.get(code)
        if article is not None:
            return article.cite
        head = code.split(".")[0]
        return self.articles[head].cite if head in self.articles else code

    @property
    def title(self) -> str:
        return str(self.rulebook.get("title", ""))


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
    full_performance: dict[str, bool] | None = None
    accident_grade: str = ""
    jurisdiction: int | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
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
        if self.full_performance is not None:
            out["full_performance"] = dict(self.full_performance)
        if self.accident_grade:
            out["accident_grade"] = self.accident_grade
        if self.jurisdiction is not None:
            out["jurisdiction"] = self.jurisdiction
        return out


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
    return tuple(code for code in known if code in value)


def _full_performance(data: dict[str, Any]) -> dict[str, bool] | None:
    value = data.get("full_performance")
    if value is None:
        return None
    unknown = sorted(set(value) - set(FULL_PERFORMANCE_PARTS))
    if unknown:
        raise AssessmentInputError(
            "full_performance",
            f"unknown part(s) {', '.join(unknown)}; expected {', '.join(FULL_PERFORMANCE_PARTS)}",
            f"未知条件 {', '.join(unknown)}；应为 {', '.join(FULL_PERFORMANCE_PARTS)}",
        )
    if not all(isinstance(value.get(part, False), bool) for part in FULL_PERFORMANCE_PARTS):
        raise AssessmentInputError("full_performance", "each part must be true or false", "每项条件应为布尔值")
    return {part: bool(value.get(part, False)) for part in FULL_PERFORMANCE_PARTS}


def parse_input(data: Any, *, today: dt.date | None = None) -> AssessmentInput:
    """Validate raw JSON-like input; raise ``AssessmentInputError`` naming the first bad field.
    With ``today``, a conduct date after it is refused."""
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
            raise AssessmentInputError(name, "This field is required.", "该字段为必填项。")
    for name, kind in INPUT_FIELDS.items():
        if name not in data:
            continue
        value = data[name]
        wrong = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        if name == "jurisdiction" and value is None:
            wrong = False
        if wrong:
            english = {list: "a list", dict: "an object", int: "an integer (a department id)"}.get(kind, kind.__name__)
            raise AssessmentInputError(name, f"expected {english}", f"应为{_KIND_ZH[kind]}")
    circumstances = _codes(data, "circumstances", CIRCUMSTANCES)
    aggravating = _codes(data, "aggravating", AGGRAVATING)
    status = data.get("cadre_status", "in_office")
    if status not in CADRE_STATUSES:
        raise AssessmentInputError(
            "cadre_status",
            f"unknown status {status!r}; known: {', '.join(CADRE_STATUSES)}",
            f"未知状态 {status!r}；可用：{', '.join(CADRE_STATUSES)}",
        )
    grade = data.get("accident_grade", "")
    if grade and grade not in ACCIDENT_GRADES:
        raise AssessmentInputError(
            "accident_grade",
            f"unknown grade {grade!r}; known: {', '.join(ACCIDENT_GRADES)}",
            f"未知事故等级 {grade!r}；可用：{', '.join(ACCIDENT_GRADES)}",
        )
    try:
        if not _ISO_DATE.fullmatch(data["conduct_date"]):
            raise ValueError(data["conduct_date"])
        conduct_date = dt.date.fromisoformat(data["conduct_date"])
    except ValueError as exc:
        raise AssessmentInputError(
            "conduct_date", "expected an ISO date such as 2021-08-01", "应为 ISO 日期，例如 2021-08-01"
        ) from exc
    if today is not None and conduct_date > today:
        raise AssessmentInputError(
            "conduct_date",
            f"{conduct_date.isoformat()} is in the future (today is {today.isoformat()})",
            f"行为日期 {conduct_date.isoformat()} 晚于今天（{today.isoformat()}）",
        )
    full = _full_performance(data)
    claimed = data.get("duties_fully_performed", False)
    if full is not None and "duties_fully_performed" in data and claimed != all(full.values()):
        raise AssessmentInputError(
            "duties_fully_performed",
            "must equal whether all three parts of full_performance are established",
            "应与 full_performance 三项条件是否全部成立一致",
        )
    fully = all(full.values()) if full is not None else claimed
    contradicted = [c for c in CONTRADICTS_FULL_PERFORMANCE if c in circumstances]
    if fully and contradicted:
        raise AssessmentInputError(
            "duties_fully_performed",
            f"contradicts circumstance {', '.join(contradicted)} (duties not performed); correct one of them",
            f"与第 {', '.join(contradicted)} 项问责情形（履职不到位）矛盾，请更正其中之一",
        )
    return AssessmentInput(
        circumstances=circumstances,
        aggravating=aggravating,
        mitigating=data.get("mitigating", False),
        duties_fully_performed=fully,
        fault_tolerance=data.get("fault_tolerance", False),
        suspected_crime=data.get("suspected_crime", False),
        egregious=data.get("egregious", False),
        cadre_status=status,
        conduct_date=conduct_date,
        full_performance=full,
        accident_grade=grade,
        jurisdiction=data.get("jurisdiction"),
    )


class _Result:
    """Collects conclusions; every line of the explanation carries its canonical article code."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.citations: list[str] = []
        self.explanation: list[dict[str, str]] = []

    def cite(self, article: str, text: str) -> None:
        if article not in self.citations:
            self.citations.append(article)
        self.explanation.append({"article": article, "cite": self.policy.cite(article), "text": text})


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
SANCTION_LABELS_ZH = {
    "party_warning": "党内警告",
    "party_serious_warning": "党内严重警告",
    "party_removal_from_post": "撤销党内职务",
    "party_probation_1y": "留党察看一年",
    "party_probation_2y": "留党察看二年",
    "party_expulsion": "开除党籍",
    "gov_warning": "政务警告",
    "gov_demerit": "政务记过",
    "gov_major_demerit": "政务记大过",
    "gov_demotion_in_grade": "政务降级",
    "gov_removal": "政务撤职",
    "gov_expulsion": "政务开除",
}
SEVERITY_ZH = {
    "heavier": "从重",
    "standard": "一般",
    "lighter": "从轻",
    "reduced": "减轻",
    "conflict": "从重与从轻、减轻并存",
}
GRADE_ZH = {"general": "一般事故", "larger": "较大事故", "major": "重大事故", "especially_major": "特别重大事故"}

# Which rows a severity opens for a circumstance. 从重 (Art. 29, "应当") replaces the range by its
# heavier part; 从轻、减轻 (Art. 30, "可以") leaves the range open and adds 减轻, the step below it
# (从轻 — the lighter part of the range — is within it, and is explained, not a separate set);
# both: the decision-maker weighs them, the whole span is open.
ROWS_FOR_SEVERITY = {
    "standard": ("standard",),
    "heavier": ("heavier",),
    "lighter": ("standard", "reduced"),
    "conflict": ("heavier", "standard", "reduced"),
}


def _names(codes: list[str] | tuple[str, ...], labels: dict[str, str], order: list[str]) -> str:
    return "、".join(labels[c] for c in order if c in codes) or "无"


def _severity(inp: AssessmentInput, pursued: list[str], out: _Result) -> str:
    accident = [c for c in pursued if c in ACCIDENT_RESPONSIBILITY]
    heavier = bool(inp.aggravating) and bool(accident)
    lighter = inp.mitigating
    items = "、".join(out.policy.cite(code) for code in inp.aggravating)
    if inp.aggravating and not accident:
        out.cite("29", f"{items}以对发生的生产安全事故负有领导责任为前提；本案未追究事故领导责任，不据此从重。")
    if heavier:
        out.cite("29", f"对发生的生产安全事故负有领导责任，存在{items}情形，应当从重追究责任。")
    if lighter:
        out.cite(
            "30",
            "主动采取补救措施，减少事故损失或者挽回社会不良影响，可以从轻、减轻追究责任（由决定机关裁量，也可不从轻）："
            "从轻是在幅度以内选择较轻的方式，减轻是在幅度以外减轻一档。",
        )
    if heavier and lighter:
        out.cite("29", "同时存在从重和从轻、减轻情节，由决定机关综合裁量，系统不代为取舍。")
        return "conflict"
    if heavier:
        return "heavier"
    if lighter:
        return "lighter"
    return "standard"


def _measures_by_circumstance(
    pursued: list[str], severity: str, inp: AssessmentInput, policy: Policy, out: _Result
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    measures: dict[str, list[str]] = {}
    sanctions: dict[str, list[str]] = {}
    for circumstance in pursued:
        sev = severity
        if circumstance not in ACCIDENT_RESPONSIBILITY and severity in ("heavier", "conflict"):
            # Art. 29 aggravates accident responsibility only.
            sev = "lighter" if inp.mitigating else "standard"
        grade = inp.accident_grade if circumstance in ACCIDENT_RESPONSIBILITY else ""
        allowed: set[str] = set()
        grades: set[str] = set()
        for row_severity in ROWS_FOR_SEVERITY[sev]:
            row = policy.row(circumstance, row_severity, grade)
            if row is None:
                raise LookupError(f"rulebook {policy.version} has no row for {circumstance}/{row_severity}")
            allowed.update(row.measures)
            grades.update(row.sanctions)
            where = policy.cite(circumstance) + (f"（{GRADE_ZH[row.grade]}）" if row.grade else "")
            out.cite(
                "27",
                f"{where}、{SEVERITY_ZH[row_severity]}：可采取{_names(row.measures, MEASURE_LABELS_ZH, MEASURE_ORDER)}；"
                f"处分档次：{_names(row.sanctions, SANCTION_LABELS_ZH, SANCTION_ORDER)}（{policy.version}：{row.reasoning}）。",
            )
        if sev in ("lighter", "conflict"):
            lighter = policy.row(circumstance, "lighter", grade)
            if lighter is not None:
                out.cite(
                    "30",
                    f"{policy.cite(circumstance)}从轻时宜在幅度以内选择："
                    f"{_names(lighter.measures, MEASURE_LABELS_ZH, MEASURE_ORDER)}；处分档次："
                    f"{_names(lighter.sanctions, SANCTION_LABELS_ZH, SANCTION_ORDER)}（{lighter.reasoning}）。",
                )
        if inp.cadre_status == "retired":
            allowed -= ORGANIZATIONAL
            grades -= set(GOV_SANCTIONS)
            if not grades:
                allowed.discard("sanction")
        measures[circumstance] = [m for m in MEASURE_ORDER if m in allowed]
        sanctions[circumstance] = [s for s in SANCTION_ORDER if s in grades] if "sanction" in allowed else []
    if inp.cadre_status == "retired":
        out.cite(
            "32",
            "当事人已退休：不再适用停职检查、调整职务、责令辞职、降职、免职等组织处理；依照《公职人员政务处分法》"
            "第二十七条，已退休的不再给予政务处分，但可以立案调查并相应调整其享受的待遇；党纪处分仍可给予。",
        )
    return measures, sanctions


def _in_every(by_circumstance: dict[str, list[str]], order: list[str]) -> list[str]:
    sets = [set(v) for v in by_circumstance.values()]
    if not sets:
        return []
    common = set.intersection(*sets)
    return [m for m in order if m in common]


def _in_any(by_circumstance: dict[str, list[str]], order: list[str]) -> list[str]:
    return [m for m in order if any(m in v for v in by_circumstance.values())]


def _check_rulebook(inp: AssessmentInput, policy: Policy) -> None:
    """The findings must exist in the applied rulebook: a circumstance, an aggravating item or
    容错 the rulebook does not contain is an error naming the rulebook, never silently mapped."""
    title = f"《{policy.title}》（{policy.rulebook.get('code', '')}）"
    for name, codes in (("circumstances", inp.circumstances), ("aggravating", inp.aggravating)):
        missing = [c for c in codes if c not in policy.articles]
        if missing:
            hint_zh = (
                "；不属于其列举情形的，可按“其他应当问责情形”认定"
                if name == "circumstances" and "26.7" in policy.articles
                else ""
            )
            hint_en = "; conduct it does not list may be found as 26.7 (other circumstances)" if hint_zh else ""
            raise AssessmentInputError(
                name,
                f"{', '.join(missing)} is not in the rulebook applied, {policy.rulebook.get('code', '')}{hint_en}",
                f"{', '.join(missing)} 不是所适用的{title}规定的情形{hint_zh}",
            )
    if inp.fault_tolerance and "23" not in policy.articles:
        raise AssessmentInputError(
            "fault_tolerance",
            f"the rulebook applied, {policy.rulebook.get('code', '')}, has no fault-tolerance (容错) provision",
            f"所适用的{title}没有容错纠错条款",
        )


def assess(data: Any, policy: Policy, *, today: dt.date | None = None) -> dict[str, Any]:
    """Evaluate one subject's findings under ``policy``. Returns the output JSON of PRODUCT §2.

    Raises ``AssessmentInputError`` for bad input and ``LookupError`` when the rulebook lacks a
    row it needs (a data error, never silently papered over).
    """
    inp = data if isinstance(data, AssessmentInput) else parse_input(data, today=today)
    _check_rulebook(inp, policy)
    out = _Result(policy)

    for code in inp.circumstances:
        out.cite(code, f"认定存在{policy.cite(code)}情形：{policy.articles[code].text}。")
    if inp.accident_grade:
        out.cite("26", f"事故等级：{GRADE_ZH[inp.accident_grade]}（《生产安全事故报告和调查处理条例》第三条）。")

    accident_found = [c for c in inp.circumstances if c in ACCIDENT_RESPONSIBILITY]
    # Art. 32 before Arts. 23 and 31: egregious leadership responsibility for an accident "都应当严格
    # 追究". Claiming 容错 or full performance alongside it is a contradiction in the findings: the
    # decision-maker must correct one of them (documented choice: refuse, never drop silently).
    if inp.egregious and accident_found and (inp.fault_tolerance or inp.duties_fully_performed):
        claimed = "fault_tolerance" if inp.fault_tolerance else "duties_fully_performed"
        other = policy.cite("23") if inp.fault_tolerance else policy.cite("31")
        raise AssessmentInputError(
            claimed,
            "egregious leadership responsibility for an accident must be pursued (Art. 32); it cannot be tolerated or exempted — correct one of the findings",
            f"失职失责性质恶劣、后果严重的事故领导责任，依照{policy.cite('32')}都应当严格追究，不适用{other}；请更正其中一项认定",
        )

    crime_referral = inp.suspected_crime
    if crime_referral:
        out.cite(
            "27",
            "涉嫌职务违法犯罪，由纪检监察机关依法调查处置（移送纪检监察机关；《监察法》第三十四条（2018）、第三十七条（2024））。",
        )

    pursued = list(inp.circumstances)
    if inp.full_performance is not None:
        parts = {"duties": "履行规定职责", "statutory": "法律法规规定的有关职责", "deployments": "落实党委和政府有关工作部署"}
        missing = [parts[p] for p in FULL_PERFORMANCE_PARTS if not inp.full_performance[p]]
        if accident_found and missing and any(inp.full_performance.values()):
            out.cite("31", f"免责须三项条件均经查实；尚未认定：{'、'.join(missing)}，不予免责。")
    if inp.duties_fully_performed:
        exempted = [c for c in pursued if c in EXEMPTIBLE_ART31]
        if exempted:
            pursued = [c for c in pursued if c not in EXEMPTIBLE_ART31]
            out.cite(
                "31",
                f"职责范围内发生生产安全事故，经查实已全面履行规定职责、法律法规规定有关职责，并全面落实有关工作部署，"
                f"不予追究领导责任（{policy.cite('26.5')}）。",
            )
        if pursued:
            out.cite(
                "31",
                f"{policy.cite('31')}只免除对事故的领导责任，不适用于" + "、".join(policy.cite(c) for c in pursued) + "情形。",
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
                "决定机关认定生产安全事故中存在容错纠错情形，依据自治区、市和县相关规定对"
                + "、".join(policy.cite(c) for c in tolerable)
                + "情形予以容错。",
            )
        if rest:
            out.cite(
                "23",
                "容错纠错只适用于生产安全事故中的情形，不适用于" + "、".join(policy.cite(c) for c in rest) + "情形，仍应问责。",
            )

    if not inp.circumstances:
        out.cite("26", f"未认定{policy.cite('26')}规定的任何问责情形，不予问责。")

    accountable = bool(pursued)
    measures: dict[str, list[str]] = {}
    sanctions: dict[str, list[str]] = {}
    if accountable:
        outcome = "accountable"
        out.cite("26", f"存在{policy.cite('26')}规定的情形，应当按照有关规定进行问责。")
        severity = _severity(inp, pursued, out)
        measures, sanctions = _measures_by_circumstance(pursued, severity, inp, policy, out)
        allowed = _in_every(measures, MEASURE_ORDER)
        if len(pursued) > 1:
            out.cite(
                "27",
                "存在多项情形：单独使用时，只有能同时回应每一项情形的方式才可选（"
                + _names(allowed, MEASURE_LABELS_ZH, MEASURE_ORDER)
                + "）；合并使用时，所选方式须对每一项情形都至少有一种适用方式。",
            )
        out.cite("27", "上述问责方式可以单独使用，也可以合并使用；约谈不是问责方式，不能代替问责。")
        out.cite("33", "决定时应当根据岗位职责、履职情况、履职条件等因素合理确定相应责任。")
    else:
        outcome = "tolerated" if tolerated else "not_pursued"
        severity = "standard"
        allowed = []
        if not tolerated and inp.circumstances:
            out.cite("31", "免责后不存在其他应当问责的情形，不予追究。")

    accident_pursued = accountable and any(c in ACCIDENT_RESPONSIBILITY for c in pursued)
    veto: dict[str, Any] = {"applies": accident_pursued, "floor_months": None}
    if accident_pursued:
        floor = policy.veto_floor_months
        veto["floor_months"] = floor
        period = (
            f"至少{floor}个月（{policy.veto_cite}）" if floor else "期限按所受问责方式、处分的影响期计算（本规则未规定具体时限）"
        )
        out.cite(
            "28",
            f"因发生生产安全事故被追究领导责任，适用“一票否决”：在相关规定时限内，取消考核评优和评选各类先进资格，"
            f"不得晋升职务、职级或者重用任职；{period}。",
        )

    lifelong = {"applies": False, "action": "none"}
    if accident_pursued and inp.egregious:
        action = {"transferred": "transfer_materials", "promoted": "transfer_materials", "retired": "pursue_retired"}.get(
            inp.cadre_status, "none"
        )
        lifelong = {"applies": True, "action": action}
        transfer_basis = "" if "移送" in policy.articles["32"].text else "（本规则未规定材料移送，按照干部管理权限办理）"
        text = {
            "transfer_materials": f"失职失责性质恶劣、后果严重，实行终身追究；当事人已调离或者提拔，按照干部管理权限将有关材料移送有权实施责任追究的机关{transfer_basis}。",
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
        "combinable_measures": _in_any(measures, MEASURE_ORDER),
        "measures_by_circumstance": measures,
        "allowed_sanctions": _in_every({c: v for c, v in sanctions.items() if v}, SANCTION_ORDER),
        "sanctions_by_circumstance": sanctions,
        "crime_referral": crime_referral,
        "veto": veto,
        "lifelong": lifelong,
        "citations": out.citations,
        "explanation": out.explanation,
        "policy_version": policy.version,
        "rulebook": {
            key: policy.rulebook.get(key)
            for key in ("code", "version", "title", "jurisdiction", "jurisdiction_name", "valid_from", "verification")
        },
        "rulebook_comparison": None,
        "engine": ENGINE,
    }


SEVERITY_RANK_MEASURES = [m for m in MEASURE_ORDER if m != "sanction"]


def weight(output: dict[str, Any]) -> tuple[int, int, int, int, int, int]:
    """How heavy an answer is, for 从旧兼从轻: the heaviest and the lightest measure, Party sanction
    and government sanction it allows (−1 where none; not accountable is lightest of all)."""
    if not output["accountable"]:
        return (-2, -2, -2, -2, -2, -2)
    measures = [SEVERITY_RANK_MEASURES.index(m) for m in output["combinable_measures"] if m in SEVERITY_RANK_MEASURES]
    kinds = {s for v in output["sanctions_by_circumstance"].values() for s in v}
    party = [PARTY_SANCTIONS.index(s) for s in kinds if s in PARTY_SANCTIONS]
    gov = [GOV_SANCTIONS.index(s) for s in kinds if s in GOV_SANCTIONS]
    return (
        max(measures, default=-1),
        max(party, default=-1),
        max(gov, default=-1),
        min(measures, default=-1),
        min(party, default=-1),
        min(gov, default=-1),
    )


def lighter_than(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """Whether ``new`` treats the same finding more lightly than ``old`` (从旧兼从轻): not
    accountable where the old was, or no heavier anywhere and lighter somewhere (a lower ceiling
    or a lower floor of measures or of either kind of sanction)."""
    a, b = weight(new), weight(old)
    return all(x <= y for x, y in zip(a, b, strict=True)) and a != b


def choose_lighter(at_conduct: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """从旧兼从轻: the rules in force at the conduct apply, unless the rules in force now treat
    the finding more lightly; either way the answer names both (``rulebook_comparison``)."""
    if current is None or current["rulebook"]["code"] == at_conduct["rulebook"]["code"]:
        return at_conduct
    use_current = lighter_than(current, at_conduct)
    chosen = dict(current if use_current else at_conduct)
    old, new = at_conduct["rulebook"], current["rulebook"]
    if use_current:
        text = (
            f"从旧兼从轻：行为时适用《{old['title']}》（{old['code']}），现行《{new['title']}》（{new['code']}）"
            "对同一认定处理较轻，依照现行规定处理。"
        )
    else:
        text = (
            f"从旧兼从轻：适用行为时的《{old['title']}》（{old['code']}）；现行《{new['title']}》（{new['code']}）"
            "对同一认定处理不更轻。"
        )
    chosen["explanation"] = [*chosen["explanation"], {"article": "rulebook", "cite": "从旧兼从轻", "text": text}]
    chosen["rulebook_comparison"] = {
        "at_conduct": old,
        "current": new,
        "applied": "current" if use_current else "at_conduct",
        "policy_versions": {"at_conduct": at_conduct["policy_version"], "current": current["policy_version"]},
    }
    return chosen
