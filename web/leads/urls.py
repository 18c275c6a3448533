from django.urls import path

from web.leads import views as v

urlpatterns = [
    path("leads/new/", v.lead_new, name="lead_new"),
    path("referred/", v.referred, name="referred"),
]
