from django.urls import path

from web.cases.views import appeals, documents, executions, filings, findings, interim, page, transitions
from web.cases.views import list as listing

urlpatterns = [
    path("cases/", listing.case_list_page, name="case_list"),
    path("cases/export.xlsx", listing.case_export, name="case_export"),
    path("cases/<int:pk>/", page.case_detail, name="case_detail"),
    path("cases/<int:pk>/transitions/<slug:name>/", transitions.case_transition, name="case_transition"),
    path("cases/<int:pk>/subjects/<int:sid>/findings/", findings.findings, name="case_findings"),
    path("cases/<int:pk>/subjects/<int:sid>/filing/", filings.case_filing, name="case_filing"),
    path("cases/<int:pk>/subjects/<int:sid>/interim/", interim.case_interim, name="case_interim"),
    path("cases/<int:pk>/subjects/<int:sid>/ledger-gaps/", findings.ledger_gaps, name="case_ledger_gaps"),
    path("cases/<int:pk>/documents/", documents.case_documents, name="case_documents"),
    path("cases/<int:pk>/appeals/new/", appeals.appeal_file, name="appeal_file"),
    path("appeals/<int:appeal_id>/decide/", appeals.appeal_decide, name="appeal_decide"),
    path("executions/<int:task_id>/complete/", executions.execution_complete, name="execution_complete"),
]
