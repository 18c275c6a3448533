"""Reads of the case layer (STYLE §1): what a user may see, and the rows the pages and the API
show. ``services`` write; everything here only reads."""

from cases.selectors.accidents import accident_timeliness
from cases.selectors.assessments import cadre_status_for, evaluate, evaluate_subject, finding_input, replay
from cases.selectors.audit import AuditBreak, event_digest, verify_events
from cases.selectors.cases import (
    CASE_NUMBER,
    FULL,
    SOURCE_ONLY,
    CaseListQuerySet,
    case_access,
    case_detail,
    case_detail_relations,
    case_detail_row,
    case_list,
    case_owner_departments,
    case_visible_qs,
    cases_handled,
)
from cases.selectors.deadlines import Deadline, deadline_after, deadline_policies, open_deadlines
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
    filing_by_id,
    referrals_visible,
)
from cases.selectors.history import case_history
from cases.selectors.records import (
    cadre_record,
    cadre_record_with_extensions,
    cadre_records,
    open_or_egregious_subjects,
    require_record_reader,
)

__all__ = [
    "accident_timeliness",
    "AuditBreak",
    "Deadline",
    "cadre_record",
    "cadre_record_with_extensions",
    "cadre_records",
    "cadre_status_for",
    "deadline_after",
    "deadline_policies",
    "evaluate",
    "evaluate_subject",
    "event_digest",
    "finding_input",
    "open_deadlines",
    "open_or_egregious_subjects",
    "replay",
    "require_record_reader",
    "verify_events",
    "accident_history",
    "filing_by_id",
    "CASE_NUMBER",
    "FULL",
    "SOURCE_ONLY",
    "CaseListQuerySet",
    "accidents_visible",
    "accidents_visible_q",
    "appeals_visible",
    "case_access",
    "case_detail",
    "case_detail_relations",
    "case_detail_row",
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
