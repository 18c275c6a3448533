"""django-simple-history for models that moved between apps (issue 12) without moving data."""

from __future__ import annotations

from typing import Any

from simple_history.models import HistoricalRecords


class MovedHistoricalRecords(HistoricalRecords):  # type: ignore[misc]  # simple-history ships no types
    """``HistoricalRecords`` whose tables keep the names of the app the model came from.

    ``table_name`` covers the model's history table; simple-history has no option for the
    history tables of tracked many-to-many fields, so ``from_app`` names those here."""

    def __init__(self, *args: Any, from_app: str, **kwargs: Any) -> None:
        self.from_app = from_app
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls: Any, name: str) -> None:
        if getattr(self, "table_name", None) is None:
            self.table_name = f"{self.from_app}_historical{cls._meta.model_name}"
        super().contribute_to_class(cls, name)

    def get_meta_options_m2m(self, through_model: Any) -> dict[str, Any]:
        options: dict[str, Any] = super().get_meta_options_m2m(through_model)
        options["db_table"] = f"{self.from_app}_{self.get_history_model_name(through_model).lower()}"
        return options
