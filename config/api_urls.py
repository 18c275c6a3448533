"""API v1 (PRODUCT §9): each app exposes its own ``api/urls.py`` (a router and plain paths);
this module puts them under one root, in the order the endpoints were always listed."""

from rest_framework.routers import DefaultRouter

from appraisal.api import urls as appraisal_api
from cases.api import urls as cases_api
from duties.api import urls as duties_api
from notifications.api import urls as notifications_api
from rulebooks.api import urls as rulebooks_api
from workflows.api import urls as workflows_api

APPS = [cases_api, notifications_api, workflows_api, duties_api, appraisal_api, rulebooks_api]

router = DefaultRouter(trailing_slash=True)
for app in APPS:
    router.registry.extend(app.router.registry)

urlpatterns = [pattern for app in APPS for pattern in app.urlpatterns] + router.urls
