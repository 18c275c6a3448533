"""Pages of the duty ledger (PRODUCT §3): records with evidence, a cadre's compliance calendar,
a department's view of who is behind."""

from django.urls import path

from web import views_duties as v

urlpatterns = [
    path("duties/", v.ledger_home, name="duties"),
]
