"""Builds a small world in a fresh SQLite file for a server started on it (issue 15 item 3).

Run as ``python -m tests.sqlite_world`` with ``DATABASE_URL=sqlite:///…``: the tables are made
from the models (as pytest-django without migrations, in a second rather than a minute), the
data migrations' seeds and the demo county are loaded, leads are filed for the races, and the
ids and API tokens are printed as one JSON line.
"""

from __future__ import annotations

import json
import os
import sys

LEADS = 4  # one for the race of two, three rounds for the race of eight


class _NoMigrations(dict):
    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("sqlite:///"):
        sys.exit("DATABASE_URL must name a SQLite file")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(MIGRATION_MODULES=_NoMigrations()):
        call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)

    from rest_framework.authtoken.models import Token

    from cases.tests.scenarios import new_lead
    from demo.world import build_world
    from tests.seeding import reseed

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        reseed()
        world = build_world()
    cases = [new_lead(world) for _ in range(LEADS)]
    tokens = {name: Token.objects.get_or_create(user=user)[0].key for name, user in world.users.items()}
    accidents = {key: accident.pk for key, accident in world.accidents.items()}
    print(json.dumps({"cases": [c.pk for c in cases], "accidents": accidents, "tokens": tokens}))


if __name__ == "__main__":
    main()
