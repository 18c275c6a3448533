from django.urls import path
from rest_framework.routers import SimpleRouter

from duties.api import views

router = SimpleRouter(trailing_slash=True)
router.register("obligations", views.ObligationViewSet, basename="obligation")
router.register("duty-records", views.DutyRecordViewSet, basename="duty-record")

urlpatterns = [
    path("cadres/<id:pk>/compliance/", views.CadreComplianceView.as_view(), name="cadre-compliance"),
    path("departments/<id:pk>/duty-status/", views.DepartmentDutyStatusView.as_view(), name="department-duty-status"),
    path(
        "departments/<id:pk>/organ-compliance/",
        views.DepartmentOrganComplianceView.as_view(),
        name="department-organ-compliance",
    ),
    path(
        "duty-records/<id:record_pk>/evidence/<id:pk>/",
        views.EvidenceDownloadView.as_view(),
        name="duty-record-evidence-download",
    ),
]
