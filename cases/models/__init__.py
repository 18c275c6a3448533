"""Domain models of an accountability proceeding (PRODUCT §1, §4–§6, §8).

Rows here are changed only through ``cases.services`` (STYLE §1). Every model keeps a
django-simple-history table; every transition of a case also writes a typed ``CaseEvent``,
chained by hash so tampering behind the application's back is detectable (PRODUCT §8).
"""

from cases.models.accidents import Accident, AccidentReport, ReportingFinding
from cases.models.case import (
    Assessment,
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseSubject,
    Filing,
    Finding,
    MeasureDecision,
    VetoOverride,
)
from cases.models.exemption import LedgerGapExplanation, PerformanceFinding
from cases.models.handling import Appeal, DeadlineAlert, ExecutionTask, Referral
from cases.models.interim import InterimMeasure
from cases.models.materials import CaseMaterial
from cases.models.policies import DeadlinePolicy, InfluencePeriod, MeasurePolicy, MeasurePolicyRule
from cases.models.search import CaseSearch

__all__ = [
    "Accident",
    "AccidentReport",
    "Appeal",
    "Assessment",
    "Case",
    "CaseEvent",
    "CaseMaterial",
    "CaseNumberCounter",
    "CaseSearch",
    "CaseSubject",
    "DeadlineAlert",
    "DeadlinePolicy",
    "ExecutionTask",
    "Filing",
    "Finding",
    "InfluencePeriod",
    "InterimMeasure",
    "LedgerGapExplanation",
    "MeasureDecision",
    "MeasurePolicy",
    "MeasurePolicyRule",
    "PerformanceFinding",
    "ReportingFinding",
    "Referral",
    "VetoOverride",
]
