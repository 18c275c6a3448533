from django.urls import path

from web import views_core as v

urlpatterns = [
    path("", v.dashboard, name="dashboard"),
    path("inbox/", v.inbox, name="inbox"),
    path("queue/", v.queue_page, name="queue"),
    path("tasks/<int:task_id>/claim/", v.task_claim, name="task_claim"),
    path("tasks/<int:task_id>/release/", v.task_release, name="task_release"),
    path("tasks/<int:task_id>/assign/", v.task_assign, name="task_assign"),
    path("cases/", v.case_list_page, name="case_list"),
    path("cases/export.xlsx", v.case_export, name="case_export"),
    path("cases/<int:pk>/", v.case_detail, name="case_detail"),
    path("cases/<int:pk>/transitions/<slug:name>/", v.case_transition, name="case_transition"),
    path("cases/<int:pk>/subjects/<int:sid>/findings/", v.findings, name="case_findings"),
    path("cases/<int:pk>/appeals/new/", v.appeal_file, name="appeal_file"),
    path("appeals/<int:appeal_id>/decide/", v.appeal_decide, name="appeal_decide"),
    path("executions/<int:task_id>/complete/", v.execution_complete, name="execution_complete"),
]
