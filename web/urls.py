"""The officers' web UI. Pages for cases and tasks live in ``urls_core``; intake, referrals,
cadre records and statistics in ``urls_more``."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("web.urls_core")),
    path("", include("web.urls_more")),
    path("", include("web.urls_duties")),
    path("", include("web.urls_chapter4")),
]
