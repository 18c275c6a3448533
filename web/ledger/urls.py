"""Pages of the duty ledger (PRODUCT §3): records with evidence, a cadre's compliance calendar,
a department's view of who is behind.

The names start with ``duties`` so that the navigation marks the ledger on every page of it."""

from django.urls import path

from web.ledger import views as v

urlpatterns = [
    path("duties/", v.ledger_home, name="duties"),
    path("duties/cadres/<id:pk>/", v.cadre_compliance_view, name="duties_cadre"),
    path("duties/organs/", v.organs_view, name="duties_organs"),
    path("duties/records/<id:record_pk>/evidence/<id:pk>/", v.evidence_download, name="duties_evidence"),
]
