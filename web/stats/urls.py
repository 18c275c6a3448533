from django.urls import path

from web.stats import views as v

urlpatterns = [
    path("stats/", v.stats, name="stats"),
    path("stats/export.xlsx", v.stats_export, name="stats_export"),
    path("stats/export.csv", v.stats_export_csv, name="stats_export_csv"),
]
