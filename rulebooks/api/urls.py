from django.urls import path
from rest_framework.routers import SimpleRouter

from rulebooks.api import views

router = SimpleRouter(trailing_slash=True)
router.register("rulebooks", views.RulebookViewSet, basename="rulebook")

urlpatterns = [
    path("rulebooks/schema.json", views.RulebookSchemaView.as_view(), name="rulebook-schema"),
]
