"""``CachedFieldsModelSerializer`` builds a class's fields once (issue 17) and hands each
serializer its own copy: the same fields as DRF builds, built once, never shared."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields_cache import CachedFieldsModelSerializer
from org.models import Department


class Plain(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "kind", "name", "level", "parent"]


class Cached(CachedFieldsModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "kind", "name", "level", "parent"]


def test_the_same_fields_as_drf_builds():
    plain, cached = Plain().fields, Cached().fields
    assert list(cached) == list(plain)
    for name in plain:
        assert type(cached[name]) is type(plain[name]), name
        assert repr(cached[name]) == repr(plain[name]), name


def test_built_once_and_copied_per_serializer(monkeypatch):
    calls = []
    original = serializers.ModelSerializer.get_fields

    def counting(self):
        calls.append(type(self))
        return original(self)

    monkeypatch.setattr(serializers.ModelSerializer, "get_fields", counting)
    CachedFieldsModelSerializer._built_fields.pop(Cached, None)
    first, second = Cached(), Cached()
    assert first.fields["name"] is not second.fields["name"]
    first.fields["name"].label = "changed"
    assert second.fields["name"].label != "changed" and Cached().fields["name"].label != "changed"
    assert calls == [Cached]
