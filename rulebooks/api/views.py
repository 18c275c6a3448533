"""API v1 of the rulebooks (issue 13): read-only, for every signed-in user.

A rulebook is published law, the same for everyone who may sign in, so there is no jurisdiction
filter: an officer of one county reads the national rules and a neighbour's 实施细则 alike.
Loading a version is ``manage.py rulebook import`` (docs/rulebooks.md); nothing here writes.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.params import ID_SCHEMA, int_param, pk_param
from core.errors import NOT_FOUND, NotFound
from rulebooks import content as files
from rulebooks import selectors
from rulebooks.models import Rulebook

CODE_PATTERN = "[a-z0-9][a-z0-9-]{0,63}"
NO_EARLIER_VERSION = "v%(n)s 没有更早的版本，请用 from 指定 / v%(n)s has no earlier version: name one with from"

_ERROR = inline_serializer("RulebookError", {"error": serializers.CharField(), "detail": serializers.JSONField()})
_401 = OpenApiResponse(_ERROR, description="Not signed in.")
_404 = OpenApiResponse(_ERROR, description="No rulebook with this code, or no such version of it.")
_400 = OpenApiResponse(_ERROR, description="A query parameter is not a version number.")


# --- serializers --------------------------------------------------------------------------------


class RulebookSerializer(serializers.ModelSerializer):
    """A version's meta. ``jurisdiction`` is a department code ("" for national rules)."""

    jurisdiction_name = serializers.SerializerMethodField()
    verification_label = serializers.CharField(source="get_verification_display", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Rulebook
        fields = [
            "code",
            "version",
            "current",
            "title",
            "issuer",
            "document_number",
            "jurisdiction",
            "jurisdiction_name",
            "valid_from",
            "valid_to",
            "parent",
            "verification",
            "verification_label",
            "digest",
            "url",
        ]

    def get_jurisdiction_name(self, book: Rulebook) -> str:
        names = self.context.get("names") or {}
        return str(names.get(book.jurisdiction, book.jurisdiction or "全国"))

    def get_url(self, book: Rulebook) -> str:
        return f"/api/v1/rulebooks/{book.code}/versions/{book.version}/"


class VersionSerializer(serializers.ModelSerializer):
    """One version in a rulebook's list of versions, with the reason it was loaded."""

    loaded_by = serializers.CharField(source="loaded_by.username", read_only=True, allow_null=True)
    reason = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Rulebook
        fields = [
            "version",
            "current",
            "title",
            "valid_from",
            "valid_to",
            "verification",
            "digest",
            "loaded_at",
            "loaded_by",
            "reason",
            "url",
        ]

    def get_reason(self, book: Rulebook) -> str:
        return str((self.context.get("reasons") or {}).get(book.pk, ""))

    def get_url(self, book: Rulebook) -> str:
        return f"/api/v1/rulebooks/{book.code}/versions/{book.version}/"


class VersionDetailSerializer(RulebookSerializer):
    """A version: its meta, its note and its own content (what the file states)."""

    loaded_by = serializers.CharField(source="loaded_by.username", read_only=True, allow_null=True)
    reason = serializers.SerializerMethodField()
    content = serializers.JSONField(help_text="The version's own content, as the file states it (rulebooks/schema.json).")

    class Meta(RulebookSerializer.Meta):
        fields = [*RulebookSerializer.Meta.fields, "note", "loaded_at", "loaded_by", "reason", "content"]

    def get_reason(self, book: Rulebook) -> str:
        return str((self.context.get("reasons") or {}).get(book.pk, ""))


class ChainItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()


class EffectiveSerializer(serializers.Serializer):
    version = serializers.CharField(help_text="code@digest of the effective content: what an assessment names.")
    chain = ChainItemSerializer(many=True, help_text="The rulebook and the current versions of its parents, root first.")
    content = serializers.JSONField(
        help_text="Articles (each with source_title), measures rows and veto: the rulebook's own, else its nearest parent's."
    )
    sources = serializers.JSONField(
        help_text="The code of the rulebook each part comes from: {articles: {code: rulebook}, measures: {key: rulebook}, veto}."
    )


class RulebookDetailSerializer(VersionDetailSerializer):
    """The current version of a code, its versions (latest first) and its effective content."""

    versions = serializers.SerializerMethodField()
    effective = serializers.SerializerMethodField()

    class Meta(VersionDetailSerializer.Meta):
        fields = [*VersionDetailSerializer.Meta.fields, "versions", "effective"]

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, book: Rulebook) -> Any:
        return VersionSerializer(self.context["versions"], many=True, context=self.context).data

    @extend_schema_field(EffectiveSerializer)
    def get_effective(self, book: Rulebook) -> Any:
        return EffectiveSerializer(self.context["effective"]).data


class DiffSerializer(serializers.Serializer):
    code = serializers.CharField()
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    unchanged = serializers.BooleanField(help_text="True when the two versions have the same digest.")
    meta = serializers.JSONField(help_text="[{field, old, new}] for each meta field that differs (the note is not versioned).")
    articles = serializers.JSONField(
        help_text="{added: [{code, cite, text, …}], removed: […], changed: [{code, fields, old, new}]}"
    )
    measures = serializers.JSONField(
        help_text="{added: [row], removed: [row], changed: [{key, circumstance, severity, grade, measures_added, measures_removed, "
        "sanctions_added, sanctions_removed, reasoning, old, new}], reordered}"
    )
    veto = serializers.JSONField(allow_null=True, help_text="{old, new} or null")
    measures_note = serializers.JSONField(allow_null=True, help_text="{old, new} or null")
    obligations = serializers.JSONField(allow_null=True, help_text="{old, new} or null")


# --- views --------------------------------------------------------------------------------------


class RulebookViewSet(viewsets.GenericViewSet):
    """The rulebooks loaded (the current version of each code), a rulebook with its versions and
    effective content, one version, and the diff between two versions."""

    queryset = Rulebook.objects.none()  # for the schema; the views read through rulebooks.selectors
    serializer_class = RulebookSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/.]+"  # anything but a code is a JSON 404 below, not the HTML one of an unmatched URL

    def _book(self, code: str, number: int | None = None) -> Rulebook:
        if not re.fullmatch(CODE_PATTERN, code):
            raise NotFound(NOT_FOUND)
        book = selectors.rulebook_by_code(code, number)
        if book is None:
            raise NotFound(NOT_FOUND)
        return book

    @extend_schema(
        summary="规则集 (current versions)",
        description="The current version of every rulebook loaded, by date in force.",
        responses={200: RulebookSerializer(many=True), 401: _401},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.current_qs())
        rows = list(page) if page is not None else list(selectors.current_qs())
        names = selectors.jurisdiction_names({b.jurisdiction for b in rows})
        data = RulebookSerializer(rows, many=True, context={"names": names}).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        summary="规则集 (with versions and effective content)",
        description="The current version of a code with its own content, every version (latest first, each with the reason "
        "it was loaded) and its effective content: merged with the current versions of its parents.",
        responses={200: RulebookDetailSerializer, 401: _401, 404: _404},
    )
    def retrieve(self, request: Request, code: str) -> Response:
        book = self._book(code)
        versions = selectors.versions_of(book.code)
        context = {
            "names": selectors.jurisdiction_names({book.jurisdiction}),
            "versions": versions,
            "reasons": selectors.load_reasons(versions),
            "effective": selectors.with_sources(book),
        }
        return Response(RulebookDetailSerializer(book, context=context).data)

    @extend_schema(
        summary="规则集的一个版本",
        description="One version, current or not, with its own content.",
        parameters=[OpenApiParameter("number", int, location=OpenApiParameter.PATH, description="the version number")],
        responses={200: VersionDetailSerializer, 401: _401, 404: _404},
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]+)", url_name="version")
    def version(self, request: Request, code: str, number: str) -> Response:
        book = self._book(code, pk_param(number))
        context = {"names": selectors.jurisdiction_names({book.jurisdiction}), "reasons": selectors.load_reasons([book])}
        return Response(VersionDetailSerializer(book, context=context).data)

    @extend_schema(
        summary="两个版本之间的差异",
        description="What changed between two versions of a code: meta, articles, measures rows, veto (rulebooks.content.diff).",
        parameters=[
            OpenApiParameter("from", ID_SCHEMA, description="the older version (default: the one before to)"),
            OpenApiParameter("to", ID_SCHEMA, description="the newer version (default: the current one)"),
        ],
        responses={200: DiffSerializer, 400: _400, 401: _401, 404: _404},
    )
    @action(detail=True, methods=["get"], url_path="diff", url_name="diff")
    def diff(self, request: Request, code: str) -> Response:
        params = request.query_params
        current = self._book(code)
        new = int_param("to", params["to"]) if params.get("to") else current.version
        if params.get("from"):
            old = int_param("from", params["from"])
        elif new > 1:
            old = new - 1
        else:
            # No version before the first: nothing to compare with, as for a version that does not exist.
            raise NotFound(NO_EARLIER_VERSION % {"n": new})
        change = selectors.diff_versions(current.code, old, new)
        if change is None:
            raise NotFound(NOT_FOUND)
        return Response(DiffSerializer({"code": current.code, "from_version": old, "to_version": new, **change}).data)


class RulebookSchemaView(APIView):
    """The JSON Schema a rulebook file follows (rulebooks/rulebook.schema.json)."""

    @extend_schema(
        operation_id="rulebooks_schema",
        summary="规则集文件的 JSON Schema",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="JSON Schema (draft 2020-12)"), 401: _401},
    )
    def get(self, request: Request) -> Response:
        return Response(files.schema())
