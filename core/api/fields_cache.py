"""DRF's ``ModelSerializer`` builds its fields from the model's metadata each time a serializer
is made (``get_fields``: the field info, then ``build_field`` per field), and a case's detail
makes one serializer per subject, measure and referral: a tenth of an API transition's time in
the profiles of issue 17. The fields depend only on the class (``Meta``, the declared fields),
so they are built once per class and deep-copied per use, as DRF already copies the declared
fields."""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from rest_framework import serializers


class CachedFieldsModelSerializer(serializers.ModelSerializer[Any]):
    """A ``ModelSerializer`` whose ``get_fields`` is built once per class. Subclasses must not
    make their fields depend on the instance, the context or the request (filter them in
    ``to_representation`` instead)."""

    _built_fields: ClassVar[dict[type, dict[str, Any]]] = {}

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        built = CachedFieldsModelSerializer._built_fields.get(cls)
        if built is None:
            built = super().get_fields()
            CachedFieldsModelSerializer._built_fields[cls] = built
        return copy.deepcopy(built)
