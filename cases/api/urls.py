from django.urls import path
from rest_framework.routers import DefaultRouter

from cases.api import documents as document_views
from cases.api import views
from duties import api as duties_api
from notifications.api import NotificationViewSet
from workflows.api import TaskViewSet

router = DefaultRouter(trailing_slash=True)
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("cadres", views.CadreViewSet, basename="cadre")
router.register("accidents", views.AccidentViewSet, basename="accident")
router.register("cases", views.CaseViewSet, basename="case")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("executions", views.ExecutionViewSet, basename="execution")
router.register("appeals", views.AppealViewSet, basename="appeal")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("tasks", TaskViewSet, basename="task")
router.register("obligations", duties_api.ObligationViewSet, basename="obligation")
router.register("duty-records", duties_api.DutyRecordViewSet, basename="duty-record")
router.register("assessment-grades", duties_api.GradeViewSet, basename="assessment-grade")
router.register("annual-assessments", duties_api.AnnualAssessmentViewSet, basename="annual-assessment")
router.register("patrols", duties_api.PatrolViewSet, basename="patrol")
router.register("interviews", duties_api.InterviewViewSet, basename="interview")
router.register("awards", duties_api.AwardViewSet, basename="award")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/me/", views.MeView.as_view(), name="auth-me"),
    path("leads/", views.LeadView.as_view(), name="leads"),
    path("cases/<int:case_pk>/subjects/<int:subject_pk>/findings/", views.FindingView.as_view(), name="case-findings"),
    path(
        "cases/<int:case_pk>/subjects/<int:subject_pk>/veto-override/",
        views.VetoOverrideView.as_view(),
        name="case-veto-override",
    ),
    path("assessments/evaluate/", views.EvaluateView.as_view(), name="assessment-evaluate"),
    path("cases/<int:pk>/decision.pdf", document_views.DecisionPdfView.as_view(), name="case-decision-pdf"),
    path("cases/<int:pk>/decision.docx", document_views.DecisionDocxView.as_view(), name="case-decision-docx"),
    path("cadres/<int:pk>/compliance/", duties_api.CadreComplianceView.as_view(), name="cadre-compliance"),
    path("departments/<int:pk>/duty-status/", duties_api.DepartmentDutyStatusView.as_view(), name="department-duty-status"),
    path(
        "duty-records/<int:record_pk>/evidence/<int:pk>/",
        duties_api.EvidenceDownloadView.as_view(),
        name="duty-record-evidence-download",
    ),
    path("annual-assessments/report.xlsx", duties_api.AssessmentReportView.as_view(), name="annual-assessment-report"),
    path("patrol-findings/<int:pk>/refer/", duties_api.PatrolFindingReferView.as_view(), name="patrol-finding-refer"),
    *router.urls,
]
