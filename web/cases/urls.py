from django.urls import path

from web.cases.views import appeals, documents, executions, filings, findings, interim, materials, page, transitions
from web.cases.views import list as listing

urlpatterns = [
    path("cases/", listing.case_list_page, name="case_list"),
    path("cases/export.xlsx", listing.case_export, name="case_export"),
    path("cases/<id:pk>/", page.case_detail, name="case_detail"),
    path("cases/<id:pk>/transitions/<slug:name>/", transitions.case_transition, name="case_transition"),
    path("cases/<id:pk>/subjects/<id:sid>/findings/", findings.findings, name="case_findings"),
    path("cases/<id:pk>/subjects/<id:sid>/filing/", filings.case_filing, name="case_filing"),
    path("cases/<id:pk>/subjects/<id:sid>/interim/", interim.case_interim, name="case_interim"),
    path("cases/<id:pk>/subjects/<id:sid>/ledger-gaps/", findings.ledger_gaps, name="case_ledger_gaps"),
    path("cases/<id:pk>/documents/", documents.case_documents, name="case_documents"),
    path("cases/<id:pk>/materials/", materials.case_materials, name="case_materials"),
    path("cases/<id:pk>/materials/<id:mid>/file/", materials.case_material_download, name="case_material_download"),
    path("cases/<id:pk>/appeals/new/", appeals.appeal_file, name="appeal_file"),
    path("appeals/<id:appeal_id>/decide/", appeals.appeal_decide, name="appeal_decide"),
    path("executions/<id:task_id>/complete/", executions.execution_complete, name="execution_complete"),
]
