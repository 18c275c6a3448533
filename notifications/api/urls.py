from rest_framework.routers import SimpleRouter

from notifications.api.views import NotificationViewSet

router = SimpleRouter(trailing_slash=True)
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns: list = []
