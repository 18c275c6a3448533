from django.urls import path
from rest_framework.routers import SimpleRouter

from cases.api import documents as document_views
from cases.api import views
from cases.api.views import materials as material_views

router = SimpleRouter(trailing_slash=True)
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("cadres", views.CadreViewSet, basename="cadre")
router.register("accidents", views.AccidentViewSet, basename="accident")
router.register("cases", views.CaseViewSet, basename="case")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("executions", views.ExecutionViewSet, basename="execution")
router.register("appeals", views.AppealViewSet, basename="appeal")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/tokens/", views.TokensView.as_view(), name="auth-tokens"),
    path("auth/tokens/<id:pk>/", views.TokenDetailView.as_view(), name="auth-token-detail"),
    path("auth/me/", views.MeView.as_view(), name="auth-me"),
    path("leads/", views.LeadView.as_view(), name="leads"),
    path("cases/<id:case_pk>/subjects/<id:subject_pk>/findings/", views.FindingView.as_view(), name="case-findings"),
    path("cases/<id:case_pk>/subjects/<id:subject_pk>/filing/", views.FilingView.as_view(), name="case-filing"),
    path(
        "cases/<id:case_pk>/subjects/<id:subject_pk>/interim-measures/",
        views.InterimMeasureView.as_view(),
        name="case-interim-measures",
    ),
    path(
        "cases/<id:case_pk>/subjects/<id:subject_pk>/interim-measures/<id:pk>/lift/",
        views.InterimLiftView.as_view(),
        name="case-interim-lift",
    ),
    path(
        "cases/<id:case_pk>/subjects/<id:subject_pk>/interim-measures/<id:pk>/settle/",
        views.InterimSettleView.as_view(),
        name="case-interim-settle",
    ),
    path(
        "cases/<id:case_pk>/subjects/<id:subject_pk>/ledger-gaps/",
        views.LedgerGapExplanationView.as_view(),
        name="case-ledger-gaps",
    ),
    path(
        "cases/<id:case_pk>/subjects/<id:subject_pk>/veto-override/",
        views.VetoOverrideView.as_view(),
        name="case-veto-override",
    ),
    path("cases/<id:case_pk>/materials/", material_views.CaseMaterialsView.as_view(), name="case-materials"),
    path(
        "cases/<id:case_pk>/materials/<id:pk>/versions/",
        material_views.CaseMaterialVersionView.as_view(),
        name="case-material-version",
    ),
    path(
        "cases/<id:case_pk>/materials/<id:pk>/withdraw/",
        material_views.CaseMaterialWithdrawView.as_view(),
        name="case-material-withdraw",
    ),
    path(
        "cases/<id:case_pk>/materials/<id:pk>/file/", material_views.CaseMaterialFileView.as_view(), name="case-material-download"
    ),
    path("assessments/evaluate/", views.EvaluateView.as_view(), name="assessment-evaluate"),
    path("cases/<id:pk>/decision.pdf", document_views.DecisionPdfView.as_view(), name="case-decision-pdf"),
    path("cases/<id:pk>/decision.docx", document_views.DecisionDocxView.as_view(), name="case-decision-docx"),
    path("cases/<id:pk>/documents/", document_views.DocumentsView.as_view(), name="case-documents"),
    path("cases/<id:pk>/documents/confirm/", document_views.DocumentsConfirmView.as_view(), name="case-documents-confirm"),
]
