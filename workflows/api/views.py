"""``/api/v1/tasks/`` (PRODUCT §9): the user's workflow tasks, the department's queue, and
claiming, releasing and assigning them — the same services as the inbox pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from viewflow.workflow.models import Task

from core.api.params import id_query, int_param
from core.errors import InvalidInput
from core.inputs import CODE_MAX_LENGTH, TEXT_MAX_LENGTH
from workflows import services
from workflows.selectors import (
    case_numbers,
    department_tasks,
    is_team_task,
    may_claim,
    my_tasks,
    of_case,
    queue,
    task_by_id,
    task_url,
    team_cases_among,
)

SCOPES = {"mine": my_tasks, "queue": queue, "department": department_tasks}


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    stage = serializers.SerializerMethodField()
    flow = serializers.SerializerMethodField()
    status = serializers.CharField()
    case = serializers.SerializerMethodField()
    case_number = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    created = serializers.DateTimeField()
    url = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField(
        help_text="the case investigation team's step, in each member's inbox until one claims it"
    )
    claimable = serializers.SerializerMethodField(help_text="whether the caller may claim it now")

    def get_stage(self, task) -> str:
        return str(task.flow_task.task_title or task.flow_task.name)

    def get_flow(self, task) -> str:
        return task.flow_task.flow_class.__name__

    def _case_id(self, task) -> int | None:
        return task.data.get("case") or task.process.data.get("case")

    def get_case(self, task) -> int | None:
        return self._case_id(task)

    def get_case_number(self, task) -> str | None:
        return self.context.get("numbers", {}).get(self._case_id(task))

    def get_department(self, task) -> int | None:
        return task.data.get("department")

    def get_rank(self, task) -> str | None:
        return task.data.get("rank")

    def get_owner(self, task) -> str | None:
        return task.owner.username if task.owner_id else None

    def get_url(self, task) -> str:
        return task_url(task)

    def get_team(self, task) -> bool:
        return is_team_task(task)

    def get_claimable(self, task) -> bool:
        user = self.context.get("user")
        return user is not None and may_claim(user, task, self._case_id(task) in self.context.get("team_cases", set()))


class AssignSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=CODE_MAX_LENGTH, help_text="username of a member of the task's department")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class TaskViewSet(viewsets.GenericViewSet):
    serializer_class = TaskSerializer
    queryset = Task.objects.none()  # for the schema; every read is scoped to the user

    def _scoped(self):
        scope = self.request.query_params.get("scope", "mine")
        if scope not in SCOPES:
            raise InvalidInput({"scope": [_("Expected one of %(s)s.") % {"s": ", ".join(SCOPES)}]})
        tasks = SCOPES[scope](self.request.user)
        if "case" in self.request.query_params:  # a client asking for one case's tasks must not get all of them
            tasks = of_case(tasks, int_param("case", self.request.query_params["case"]))
        return tasks

    def _context(self, tasks) -> dict:
        tasks = list(tasks)
        user = self.request.user
        team_cases = team_cases_among(user, (t.data.get("case") for t in tasks if is_team_task(t) and t.status == "NEW"))
        return {"numbers": case_numbers(tasks), "user": user, "team_cases": team_cases}

    @extend_schema(
        parameters=[
            OpenApiParameter("scope", str, enum=list(SCOPES), description="default: mine"),
            id_query("case", "only the tasks of this case (within the scope)"),
        ]
    )
    def list(self, request):
        page = self.paginate_queryset(self._scoped())
        return self.get_paginated_response(TaskSerializer(page, many=True, context=self._context(page)).data)

    def _one(self, task_id) -> Response:
        one = task_by_id(task_id)
        return Response(TaskSerializer(one, context=self._context([one])).data)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        task = services.task_claim(task_id=_task_id(pk), acting_user=request.user)
        return self._one(task.pk)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        task = services.task_release(task_id=_task_id(pk), acting_user=request.user)
        return self._one(task.pk)

    @extend_schema(request=AssignSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        task = services.task_assign(
            task_id=_task_id(pk), to_username=data["to"], reason=data.get("reason", ""), acting_user=request.user
        )
        return self._one(task.pk)


def _task_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput({"id": [_("Expected an integer.")]}) from None
