"""Appeal routes (issue 14 item 5): which route a decided measure opens, the stages of each route,
who decides each stage and which limits apply. Pure data and functions, no database: the figures
themselves (windows and decision limits) are ``DeadlinePolicy`` rows named here by code, each with
its citation and ``verified`` flag (migration 0020); the departments are found by
``cases.selectors.appeals``.

Sources (docs/appeals.md gives the texts and how each was checked):

- 政务处分: 《公职人员政务处分法》第五十五条 names the stages and the bodies (复审 by the supervision
  organ that decided, 复核 by the supervision organ one level up) but no window ("可以依法…申请复审");
  the windows are 《监察法》2018 第四十九条 (2024 修正 第五十六条, same words): one month from
  receipt to apply for 复审, decided in one month; one month from the 复审 decision to apply for
  复核, decided in two months.
- 公务员: 《公务员法》2018 第九十五条: 复核 by the original organ within 30 days of learning of
  the 人事处理 (处分, 降职, 免职 among them); 申诉 to the same-level civil service department or to
  the organ above the original one within 15 days of the 复核 decision, or directly within 30
  days without 复核; 第九十六条: 复核 decided in 30 days, 申诉 in 60 (extendable by 30).
- 党纪处分: 《中国共产党章程》第四十三条 and the disciplinary rules give the right of 申诉 but no
  window; 《纪律检查机关监督执纪工作规则》第五十九条: the organ that decided or approved the
  sanction receives it, 复议复查 within 3 months.
- 问责: 《中国共产党问责条例》: a written 申诉 to the organ that decided (问责决定机关); the
  existing ``appeal_window`` / ``appeal_decision`` rows (UNVERIFIED) stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.codes import ORGANIZATIONAL_MEASURES, AppealRoute, AppealStage, Measure, SanctionKind

# Where a stage's window starts.
DELIVERY = "delivery"  # the day the decision on the measures was delivered (``Case.delivered_on``)
PREVIOUS_DECISION = "previous_decision"  # the day the first stage's decision was delivered

# Who decides a stage (resolved to a department by ``cases.selectors.appeals``).
DECIDING_ORGAN = "deciding_organ"  # the organ that decided the measure (原决定机关 / 原处理机关)
SUPERVISION_ABOVE = "supervision_above"  # the supervision organ one level above the one that decided
CIVIL_SERVICE_APPEAL = "civil_service_appeal"  # the organ above the original one, or the same-level 公务员主管部门

# Who decided a measure (``DECIDING_ORGAN`` of its first stage): the organ that imposes 通报 and
# 诫勉 (the department handling the case), the organization department of the authority that
# manages the post for organizational measures (Art. 34, 干部管理权限), the discipline and
# supervision organ for 党纪处分 and 政务处分 (in the county the same 纪委监委).
BY_CASE_OWNER = "case_owner"
BY_MANAGING_AUTHORITY = "managing_authority"
BY_DISCIPLINE_ORGAN = "discipline_organ"


@dataclass(frozen=True)
class Stage:
    code: str
    body: str
    window: str | None  # the filing window's policy code; ``None``: the sources state none
    starts: str  # DELIVERY or PREVIOUS_DECISION
    decision: str  # the decision limit's policy code
    basis: str  # the articles that name the stage and its body
    after: str | None = None  # the stage whose decision this one is filed against
    # The civil servant may 申诉 without 复核 (公务员法第九十五条): then this window, from delivery.
    direct_window: str | None = None
    # A window whose policy row may be absent: no row in force means no limit (the Party route).
    window_optional: bool = False
    no_window_basis: str = ""  # why there is no window, when there is none
    # The organ of the same kind one level up may receive it too (党员权利保障条例: 上级党组织).
    also_above: bool = False


@dataclass(frozen=True)
class Route:
    code: str
    stages: tuple[Stage, ...]
    basis: str

    def first(self) -> Stage:
        return self.stages[0]

    def stage(self, code: str) -> Stage | None:
        return next((s for s in self.stages if s.code == code), None)

    def next_after(self, code: str) -> Stage | None:
        return next((s for s in self.stages if s.after == code), None)

    @property
    def two_stage(self) -> bool:
        return len(self.stages) > 1


ROUTES: dict[str, Route] = {
    AppealRoute.ACCOUNTABILITY: Route(
        AppealRoute.ACCOUNTABILITY,
        (
            Stage(
                AppealStage.APPEAL,
                DECIDING_ORGAN,
                window="appeal_window",
                starts=DELIVERY,
                decision="appeal_decision",
                basis="《中国共产党问责条例》(2019)约第二十条：向问责决定机关提出书面申诉（UNVERIFIED）；"
                "2009年《关于实行党政领导干部问责的暂行规定》第二十二条同（VERIFIED-S，已废止）",
            ),
        ),
        "《中国共产党问责条例》：问责对象对问责决定不服的申诉（通报、诫勉、组织调整或者组织处理）",
    ),
    AppealRoute.PARTY_DISCIPLINE: Route(
        AppealRoute.PARTY_DISCIPLINE,
        (
            Stage(
                AppealStage.APPEAL,
                DECIDING_ORGAN,
                window="party_appeal_window",
                window_optional=True,
                also_above=True,
                starts=DELIVERY,
                decision="party_appeal_decision",
                basis="《中国共产党纪律检查机关监督执纪工作规则》第五十九条：对不服处分决定的申诉，由批准或者决定处分的"
                "党委（党组）或者纪检监察机关受理（VERIFIED-S）；《中国共产党党员权利保障条例》：也可以向上级党组织提出",
                no_window_basis="《中国共产党章程》第四十三条、《中国共产党纪律处分条例》（党员对所受党纪处分不服的，可以依照党章及有关"
                "规定提出申诉）均未规定申诉期限（VERIFIED-S）；《中国共产党党员权利保障条例》2004年版未规定（VERIFIED-S），"
                "2020年修订版UNVERIFIED。地方规定期限的，在期限表或细则中增加 party_appeal_window 即生效",
            ),
        ),
        "党章第四十三条：党员对处分决定不服，可以提出申诉；《中国共产党党员权利保障条例》",
    ),
    AppealRoute.GOVERNMENT_SANCTION: Route(
        AppealRoute.GOVERNMENT_SANCTION,
        (
            Stage(
                AppealStage.REVIEW,
                DECIDING_ORGAN,
                window="gov_sanction_review_window",
                starts=DELIVERY,
                decision="gov_sanction_review_decision",
                basis="《公职人员政务处分法》第五十五条：向作出决定的监察机关申请复审（VERIFIED-P）",
            ),
            Stage(
                AppealStage.RECHECK,
                SUPERVISION_ABOVE,
                window="gov_sanction_recheck_window",
                starts=PREVIOUS_DECISION,
                decision="gov_sanction_recheck_decision",
                basis="《公职人员政务处分法》第五十五条：对复审决定仍不服的，可以向上一级监察机关申请复核（VERIFIED-P）",
                after=AppealStage.REVIEW,
            ),
        ),
        "《公职人员政务处分法》第五十五、五十六条；期限：《监察法》(2018)第四十九条（2024年修正后第五十六条）",
    ),
    AppealRoute.CIVIL_SERVICE: Route(
        AppealRoute.CIVIL_SERVICE,
        (
            Stage(
                AppealStage.RECHECK,
                DECIDING_ORGAN,
                window="civil_service_recheck_window",
                starts=DELIVERY,
                decision="civil_service_recheck_decision",
                basis="《公务员法》(2018)第九十五条：向原处理机关申请复核（VERIFIED-P）",
            ),
            Stage(
                AppealStage.APPEAL,
                CIVIL_SERVICE_APPEAL,
                window="civil_service_appeal_window",
                starts=PREVIOUS_DECISION,
                decision="civil_service_appeal_decision",
                basis="《公务员法》(2018)第九十五条：按照规定向同级公务员主管部门或者作出该人事处理的机关的上一级机关提出申诉"
                "（VERIFIED-P）",
                after=AppealStage.RECHECK,
                direct_window="civil_service_direct_appeal_window",
            ),
        ),
        "《公务员法》(2018)第九十五、九十六条：降职、免职等人事处理的复核、申诉",
    ),
}

# Which routes each decided measure opens, with the reason. The subjects are 党政领导干部: Party
# members and civil servants (or managed as such); Zeren does not record either status, so a
# measure opens every route its kind can take.
_ACCOUNTABILITY_ONLY = (AppealRoute.ACCOUNTABILITY,)
# 公务员法第九十五条 lists 处分, 降职 and 免职 among the 人事处理 open to 复核 and 申诉; 停职检查,
# 调整职务 and 责令辞职 are not listed (only "法律、法规规定可以申诉的其他情形"), so they keep the
# accountability route alone.
CIVIL_SERVICE_MEASURES = frozenset({Measure.DEMOTION, Measure.DISMISSAL})
MEASURE_ROUTES: dict[tuple[str, str], tuple[str, ...]] = {
    (Measure.NOTICE, ""): _ACCOUNTABILITY_ONLY,
    (Measure.ADMONISHMENT, ""): _ACCOUNTABILITY_ONLY,
    **{
        (m, ""): (
            (AppealRoute.ACCOUNTABILITY, AppealRoute.CIVIL_SERVICE) if m in CIVIL_SERVICE_MEASURES else _ACCOUNTABILITY_ONLY
        )
        for m in sorted(ORGANIZATIONAL_MEASURES)
    },
    **{(Measure.SANCTION, k.value): (AppealRoute.PARTY_DISCIPLINE,) for k in SanctionKind if k.value.startswith("party_")},
    **{(Measure.SANCTION, k.value): (AppealRoute.GOVERNMENT_SANCTION,) for k in SanctionKind if k.value.startswith("gov_")},
}


def routes_of(measure: str, sanction_kind: str = "") -> tuple[str, ...]:
    """The routes a decided measure opens, in the order of ``ROUTES`` (``()`` for an unknown one)."""
    return MEASURE_ROUTES.get((measure, sanction_kind or ""), ())


def decided_by(measure: str) -> str:
    """Who decided a measure: ``BY_CASE_OWNER``, ``BY_MANAGING_AUTHORITY`` or ``BY_DISCIPLINE_ORGAN``."""
    if measure == Measure.SANCTION:
        return BY_DISCIPLINE_ORGAN
    if measure in ORGANIZATIONAL_MEASURES:
        return BY_MANAGING_AUTHORITY
    return BY_CASE_OWNER


def policy_codes() -> tuple[str, ...]:
    """Every limit a route names (to load the policy rows in one query)."""
    codes: list[str] = []
    for route in ROUTES.values():
        for stage in route.stages:
            for code in (stage.window, stage.direct_window, stage.decision):
                if code and code not in codes:
                    codes.append(code)
    return tuple(codes)
