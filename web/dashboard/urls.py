from django.urls import path

from web.dashboard import views as v

urlpatterns = [
    path("", v.dashboard, name="dashboard"),
]
