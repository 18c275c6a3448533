"""Lead intake, referrals, cadre records, accidents and statistics (``web.views_more``)."""

from django.urls import path

from web import views_more as v

urlpatterns = [
    path("leads/new/", v.lead_new, name="lead_new"),
    path("referred/", v.referred, name="referred"),
    path("referrals/", v.referrals, name="referrals"),
    path("referrals/<int:pk>/<slug:move>/", v.referral_action, name="referral_action"),
    path("cadres/", v.cadre_list, name="cadre_list"),
    path("cadres/<int:pk>/", v.cadre_record_view, name="cadre_record"),
    path("stats/", v.stats, name="stats"),
    path("accidents/", v.accident_list, name="accident_list"),
    path("accidents/new/", v.accident_new, name="accident_new"),
    path("accidents/<int:pk>/", v.accident_detail, name="accident_detail"),
]
