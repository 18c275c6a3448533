from django.urls import path

from web.stats import views as v

urlpatterns = [
    path("stats/", v.stats, name="stats"),
]
