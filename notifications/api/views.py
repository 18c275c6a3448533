"""``/api/v1/notifications/``: the user's notifications, newest first; read and unread."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.params import bool_param, bool_query, choice_param, choice_query, id_query, int_param
from core.errors import field_error
from notifications.kinds import KIND_LABELS
from notifications.models import Notification
from notifications.selectors import notifications_of, unread_count
from notifications.services import mark_read, preference_of, preference_set_email


class NotificationSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id", allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "case", "link", "referral_id", "appeal_id", "task_id", "created_at", "read_at"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset scopes to the user

    def get_queryset(self):
        params = self.request.query_params
        case = params.get("case")
        return notifications_of(
            self.request.user,
            unread_only=bool_param("unread", params.get("unread")),
            kind=choice_param("kind", params.get("kind"), KIND_LABELS) or "",
            case_id=int_param("case", case) if case is not None else None,
        )

    @extend_schema(
        parameters=[
            bool_query("unread", "only the unread ones"),
            choice_query("kind", KIND_LABELS, "only this kind"),
            id_query("case", "only those about this case"),
        ]
    )
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["unread"] = unread_count(request.user.pk)
        return response

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": mark_read(user=request.user)})

    @extend_schema(
        request=inline_serializer("PreferenceIn", {"email": serializers.BooleanField()}),
        responses=inline_serializer("Preference", {"email": serializers.BooleanField()}),
    )
    @action(detail=False, methods=["get", "put"])
    def preferences(self, request):
        preference = preference_of(user=request.user)
        if request.method == "PUT":
            data = request.data
            value = data.get("email") if isinstance(data, dict) else None
            if not isinstance(value, bool):
                raise field_error("email", "Expected true or false.")
            preference = preference_set_email(preference=preference, email=value)
        return Response({"email": preference.email})
