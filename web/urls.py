"""The officers' web UI, one package per area an officer sees (``web/README.md``).

Every area's names live in the one ``web`` namespace (``web:case_detail``, ``web:duties`` …).
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path

app_name = "web"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("web.dashboard.urls")),
    path("", include("web.tasks.urls")),
    path("", include("web.cases.urls")),
    path("", include("web.leads.urls")),
    path("", include("web.referrals.urls")),
    path("", include("web.cadres.urls")),
    path("", include("web.stats.urls")),
    path("", include("web.accidents.urls")),
    path("", include("web.ledger.urls")),
    path("", include("web.appraisal.urls")),
    path("", include("web.rulebooks.urls")),
    path("", include("web.notifications.urls")),
    path("", include("web.lists.urls")),
]
