from django.urls import path

from web.referrals import views as v

urlpatterns = [
    path("referrals/", v.referrals, name="referrals"),
    path("referrals/<id:pk>/<slug:move>/", v.referral_action, name="referral_action"),
]
