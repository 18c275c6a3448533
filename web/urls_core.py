from django.urls import path

from web import views_core

urlpatterns = [
    path("", views_core.dashboard, name="dashboard"),
]
