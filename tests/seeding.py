"""Re-running the data migrations' ``seed`` functions in tests (transactional tests empty every
table, data migrations included)."""

from __future__ import annotations

import importlib
from typing import Any

SEED_MIGRATIONS = (
    "cases.migrations.0002_seed_policies",
    "cases.migrations.0005_seed_influence_periods",
    "cases.migrations.0008_seed_deadline_warning",
    "cases.migrations.0015_inquiry_reply_in_working_days",
    "cases.migrations.0017_party_stacking_from_2024",
    "cases.migrations.0022_seed_appeal_route_policies",
    "duties.migrations.0002_seed_catalog",
    "rulebooks.migrations.0002_seed_rulebooks",
    "duties.migrations.0005_seed_standing_duties",
    "duties.migrations.0007_catalog_organs_and_department_party_groups",
    "duties.migrations.0009_catalog_positions_in_the_seeds_order",
    "cases.migrations.0019_deciding_organs",
)


class MovedModels:
    """The live app registry as the seed migrations knew it: models that issue 12 moved to
    another app are still found under the app they had then (as the migration state does)."""

    MOVED = {("duties", "assessmentgrade"): "appraisal"}

    def __init__(self, apps: Any) -> None:
        self.apps = apps

    def get_model(self, app_label: str, model_name: str) -> Any:
        return self.apps.get_model(self.MOVED.get((app_label, model_name.lower()), app_label), model_name)


def reseed(names: tuple[str, ...] = SEED_MIGRATIONS) -> None:
    from django.apps import apps

    for name in names:
        importlib.import_module(name).seed(MovedModels(apps), None)
