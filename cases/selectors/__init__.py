"""Reads of the case layer (STYLE §1): what a user may see, and the rows the pages and the API
show. ``services`` write; everything here only reads."""

from cases.selectors.cases import (
    CASE_NUMBER,
    FULL,
    SOURCE_ONLY,
    CaseListQuerySet,
    case_access,
    case_detail_qs,
    case_list,
    case_owner_departments,
    case_visible_qs,
    cases_handled,
)
from cases.selectors.handling import (
    accident_history,
    accidents_visible,
    accidents_visible_q,
    appeals_visible,
    case_events,
    case_or_none,
    case_subject_exists,
    decided_measures,
    executions_visible,
    referrals_visible,
)
from cases.selectors.history import case_history

__all__ = [
    "accident_history",
    "CASE_NUMBER",
    "FULL",
    "SOURCE_ONLY",
    "CaseListQuerySet",
    "accidents_visible",
    "accidents_visible_q",
    "appeals_visible",
    "case_access",
    "case_detail_qs",
    "case_events",
    "case_history",
    "case_list",
    "case_or_none",
    "case_owner_departments",
    "case_subject_exists",
    "case_visible_qs",
    "cases_handled",
    "decided_measures",
    "executions_visible",
    "referrals_visible",
]
