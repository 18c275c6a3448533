from django.urls import path

from web.tasks import views as v

urlpatterns = [
    path("inbox/", v.inbox, name="inbox"),
    path("queue/", v.queue_page, name="queue"),
    path("tasks/bulk/", v.task_bulk, name="task_bulk"),
    path("tasks/<id:task_id>/claim/", v.task_claim, name="task_claim"),
    path("tasks/<id:task_id>/release/", v.task_release, name="task_release"),
    path("tasks/<id:task_id>/assign/", v.task_assign, name="task_assign"),
]
