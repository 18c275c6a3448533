from django.urls import path
from rest_framework.routers import SimpleRouter

from appraisal.api import views

router = SimpleRouter(trailing_slash=True)
router.register("assessment-grades", views.GradeViewSet, basename="assessment-grade")
router.register("annual-assessments", views.AnnualAssessmentViewSet, basename="annual-assessment")
router.register("patrols", views.PatrolViewSet, basename="patrol")
router.register("interviews", views.InterviewViewSet, basename="interview")
router.register("awards", views.AwardViewSet, basename="award")

urlpatterns = [
    path("annual-assessments/report.xlsx", views.AssessmentReportView.as_view(), name="annual-assessment-report"),
    path("patrol-findings/<id:pk>/refer/", views.PatrolFindingReferView.as_view(), name="patrol-finding-refer"),
]
