"""API v1 views of the case layer (PRODUCT §9): thin wrappers over selectors and services
(STYLE §1, §5), one module per area."""

from cases.api.views.accidents import AccidentViewSet
from cases.api.views.auth import LogoutView, MeView, TokenDetailView, TokensView, TokenView
from cases.api.views.cases import (
    CaseViewSet,
    EvaluateView,
    FilingView,
    FindingView,
    InterimLiftView,
    InterimMeasureView,
    InterimSettleView,
    LeadView,
    LedgerGapExplanationView,
    VetoOverrideView,
)
from cases.api.views.handling import AppealViewSet, ExecutionViewSet, ReferralViewSet
from cases.api.views.org import CadreViewSet, DepartmentViewSet

__all__ = [
    "AccidentViewSet",
    "AppealViewSet",
    "CadreViewSet",
    "CaseViewSet",
    "DepartmentViewSet",
    "EvaluateView",
    "ExecutionViewSet",
    "FilingView",
    "FindingView",
    "InterimLiftView",
    "InterimMeasureView",
    "InterimSettleView",
    "LeadView",
    "LedgerGapExplanationView",
    "LogoutView",
    "MeView",
    "ReferralViewSet",
    "TokenDetailView",
    "TokenView",
    "TokensView",
    "VetoOverrideView",
]
