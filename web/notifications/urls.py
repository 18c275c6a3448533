from django.urls import path

from web.notifications import views as v

urlpatterns = [
    path("notifications/", v.notification_list, name="notifications"),
    path("notifications/read-all/", v.notifications_read_all, name="notifications_read_all"),
    path("notifications/<id:pk>/read/", v.notification_read, name="notification_read"),
]
